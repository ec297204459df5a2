"""The client's address, read the same way by the audit log and the log-in throttle, from one setting.

EGIDE_CLIENT_IP_HEADER empty (the default): REMOTE_ADDR, the address that opened the connection; any
X-Forwarded-For or X-Real-IP a client sends is ignored, so that nobody can choose the address recorded for them.

Behind one trusted reverse proxy, name the header it sets. The right-most entry is read: for X-Forwarded-For, the
one the proxy appended (the address it received the request from); the entries further left were written by the
client and can be forged. With a chain of proxies, let the one in front of Égide resolve the client through the
chain it trusts (nginx: `set_real_ip_from` and `real_ip_header`) and pass it as X-Real-IP, and name X-Real-IP here.
A request without the header, or with something that is not an address in it, falls back to REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def normalise_ip(value: str | None) -> str | None:
    """A valid IPv4 or IPv6 address in its canonical form, or None."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]" or "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as EGIDE_CLIENT_IP_HEADER says to read it (see the module's rule)."""
    header = str(getattr(settings, "EGIDE_CLIENT_IP_HEADER", "") or "").strip()
    if header:
        entries = [entry for entry in request.headers.get(header, "").split(",") if entry.strip()]
        if entries:
            address = normalise_ip(entries[-1])
            if address is not None:
                return address
    return normalise_ip(request.META.get("REMOTE_ADDR"))

"""Who may read the metrics: a client whose address (read as egide.core.client_ip reads it) is in one of the
allowed networks (EGIDE_METRICS_NETWORKS, loopback by default), or one that sends the bearer token
EGIDE_METRICS_TOKEN when it is set. Pure apart from the settings it is given."""

import hmac
import ipaddress
from collections.abc import Iterable

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(entries: Iterable[str]) -> list[Network]:
    """The networks of a list like "127.0.0.1/32, 10.0.0.0/8"; a bare address is a network of one."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def address_allowed(address: str | None, allowed: Iterable[Network]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in allowed if ip.version == network.version)


def token_allowed(authorization: str, expected: str) -> bool:
    """Whether an Authorization header carries the expected bearer token (compared in constant time)."""
    if not expected:
        return False
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())

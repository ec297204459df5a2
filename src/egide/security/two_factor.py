"""Two-factor log-in with an authenticator app (TOTP, through django-otp), and the log-in waiting for its code."""

import base64
import time
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.core.users import AnyUser

PENDING_SESSION_KEY = "egide_pending_login"
PENDING_SECONDS = 10 * 60
"""How long a log-in whose password was accepted waits for its code."""


def confirmed_device(user: User | AnonymousUser) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def device_to_confirm(user: User) -> TOTPDevice:
    """The device being set up: the same secret until it is confirmed, so reloading the page keeps the QR code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def code_is_right(device: TOTPDevice, code: str) -> bool:
    """Check a code, locking the device's row meanwhile so that one code cannot be used twice at once."""
    return verify_token(device.user, device.persistent_id, code) is not None


def _audited(device: TOTPDevice) -> dict[str, Any]:
    """What the audit log keeps of an app: never its key, from which every code follows."""
    return {"user": device.user_id, "name": device.name, "confirmed": device.confirmed}


@transaction.atomic
def device_confirm(*, device: TOTPDevice, by: AnyUser | None) -> None:
    """Turn the app being set up on: from now on, log-in asks for its codes. Audited as the app's creation."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
    audit_record(user=by, action=Action.CREATE, instance=device, before=None, after=_audited(device))


@transaction.atomic
def devices_remove(*, user: User, by: AnyUser | None) -> None:
    """Turn two-factor log-in off: every app of the user goes; each confirmed one is audited as deleted."""
    for device in TOTPDevice.objects.select_for_update().filter(user=user).order_by("pk"):
        if device.confirmed:
            audit_record(user=by, action=Action.DELETE, instance=device, before=_audited(device), after=None)
        device.delete()


def is_verified(user: object) -> bool:
    """Whether this session confirmed a one-time code (django-otp's middleware adds is_verified)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The provisioning QR code as an SVG data URI (the CSP allows data: images, not inline scripts or styles)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


@dataclass(frozen=True, slots=True)
class PendingLogin:
    user: User
    backend: str
    next_url: str


def start_pending(request: HttpRequest, user: User, *, backend: str, next_url: str) -> None:
    """Remember a user whose password was right and who must now give a code; nobody is logged in yet."""
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "started": time.time(),
    }


def pending(request: HttpRequest) -> PendingLogin | None:
    data = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("started", 0)) > PENDING_SECONDS:
        clear_pending(request)
        return None
    user_id = data.get("user")
    user = User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None
    if user is None:
        clear_pending(request)
        return None
    return PendingLogin(user=user, backend=str(data.get("backend", "")), next_url=str(data.get("next", "")))


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)

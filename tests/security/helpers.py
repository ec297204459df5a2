"""Helpers for tests that need a two-factor-verified session or one-time codes.

Platform staff (superusers) are sent to the code step until their session confirmed a code; a test that logs a
superuser in with `client.force_login(user)` should use `verified_client(user)` (or `verify(client, user)`)
instead, or the `verified_superuser_client` fixture of tests/conftest.py.
"""

import time

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def give_device(user: AbstractBaseUser) -> TOTPDevice:
    """The user's confirmed authenticator app, created if the user has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def verify(client: Client, user: AbstractBaseUser) -> TOTPDevice:
    """Mark the client's session (already logged in as `user`) as having confirmed a code."""
    device = give_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def verified_client(user: AbstractBaseUser) -> Client:
    """A client logged in as `user`, two-factor verified: what a superuser needs to open any page."""
    client = Client()
    client.force_login(user)
    verify(client, user)
    return client


def code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current time step, or the next one if the current one was used."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step + 1
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code the device refuses now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    valid = set()
    for offset in (-1, 0, 1):
        totp.time = time.time() + offset * device.step
        valid.add(totp.token())
    candidate = 0
    while candidate in valid:
        candidate += 1
    return f"{candidate:06d}"

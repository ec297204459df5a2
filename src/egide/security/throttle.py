"""Slowing down, then locking, repeated log-in failures, per username and per IP address.

Every attempt is recorded as a LoginAttempt. The failures that count for a username (any letter case) or an
address are those of the last EGIDE_LOGIN_WINDOW_MINUTES since its last completed log-in. After
EGIDE_LOGIN_SLOWDOWN_AFTER of them, each further attempt waits 1, 2, 4… seconds (at most
EGIDE_LOGIN_DELAY_SECONDS) before it is checked, so cutting the connection early tells an attacker nothing; after
EGIDE_LOGIN_LOCK_AFTER of them within the window, attempts are refused, without checking anything, for
EGIDE_LOGIN_LOCK_MINUTES after the last of them. The same message answers for a username that does not exist.

A username is read once, by `normalise_username`, and that one name is throttled, recorded and checked: were
the throttle to count the name as typed while the log-in read a cleaned one, " ef-editor" or a full-width
"ｅｆ-editor" would get past the lock of "ef-editor".
"""

import math
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import ngettext

from egide.core.client_ip import client_ip
from egide.security.models import FAILURES, LoginAttempt, Outcome

# The pause before checking an attempt. Tests replace it with a recorder (see tests/conftest.py), so that they
# run at full speed and can check the delays asked for.
sleep = time.sleep


@dataclass(frozen=True, slots=True)
class Client:
    """Who is trying: the address (None when it cannot be read) and the browser's user agent."""

    ip_address: str | None
    user_agent: str


@dataclass(frozen=True, slots=True)
class Verdict:
    failures: int
    """Failures that count: the higher of the username's and the address's."""
    delay: float
    """Seconds to wait before checking the attempt."""
    locked_until: datetime | None
    """When the lock ends, if attempts are refused now."""


USERNAME_MAX_LENGTH = 150


def normalise_username(raw: str) -> str:
    """The username as the log-in reads it: Unicode NFKC (as Django's user model stores names), without the
    whitespace around it (tabs, line breaks and non-breaking spaces included), cut to the field's length.

    Letter case is kept: the user model compares names exactly, so "EF-Editor" is another name and logs nobody
    in as ef-editor; the throttle counts failures whatever their case, which only makes the lock stricter.
    """
    return unicodedata.normalize("NFKC", raw).strip()[:USERNAME_MAX_LENGTH]


def _setting(name: str) -> int:
    return int(getattr(settings, name))


def client_of(request: HttpRequest) -> Client:
    """Who is trying: the address as the audit log reads it (egide.core.client_ip), and the user agent."""
    return Client(ip_address=client_ip(request), user_agent=request.headers.get("User-Agent", "")[:300])


def record(client: Client, username: str, outcome: Outcome) -> LoginAttempt:
    return LoginAttempt.objects.create(
        username=username[:USERNAME_MAX_LENGTH],
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        success=outcome in (Outcome.LOGGED_IN, Outcome.CODE_NEEDED),
        outcome=outcome,
    )


def _failure_times(key: Q, now: datetime) -> list[datetime]:
    """The failures of one username or address since its last completed log-in, as far back as a lock can reach."""
    window = timedelta(minutes=_setting("EGIDE_LOGIN_WINDOW_MINUTES"))
    lock = timedelta(minutes=_setting("EGIDE_LOGIN_LOCK_MINUTES"))
    attempts = LoginAttempt.objects.filter(key, attempted_at__gte=now - window - lock)
    last_success = attempts.filter(outcome=Outcome.LOGGED_IN).aggregate(last=Max("pk"))["last"]
    failures = attempts.filter(outcome__in=FAILURES)
    if last_success is not None:
        failures = failures.filter(pk__gt=last_success)
    return sorted(failures.values_list("attempted_at", flat=True))


def _lock_end(times: list[datetime]) -> datetime | None:
    """When the latest lock ends: LOCK_AFTER failures within the window lock for LOCK_MINUTES after the last."""
    count = _setting("EGIDE_LOGIN_LOCK_AFTER")
    window = timedelta(minutes=_setting("EGIDE_LOGIN_WINDOW_MINUTES"))
    lock = timedelta(minutes=_setting("EGIDE_LOGIN_LOCK_MINUTES"))
    end = None
    for last in range(count - 1, len(times)):
        if times[last] - times[last - count + 1] <= window:
            end = times[last] + lock
    return end


def check(*, username: str, ip_address: str | None) -> Verdict:
    """How to treat the next attempt with this username from this address."""
    now = timezone.now()
    window_start = now - timedelta(minutes=_setting("EGIDE_LOGIN_WINDOW_MINUTES"))
    keys = []
    if username:
        keys.append(Q(username__iexact=username))
    if ip_address:
        keys.append(Q(ip_address=ip_address))
    failures = 0
    locked_until: datetime | None = None
    for key in keys:
        times = _failure_times(key, now)
        failures = max(failures, sum(1 for moment in times if moment > window_start))
        end = _lock_end(times)
        if end is not None and end > now and (locked_until is None or end > locked_until):
            locked_until = end
    slowdown_after = _setting("EGIDE_LOGIN_SLOWDOWN_AFTER")
    delay = 0.0
    if failures >= slowdown_after:
        delay = float(min(_setting("EGIDE_LOGIN_DELAY_SECONDS"), 2 ** (failures - slowdown_after)))
    return Verdict(failures=failures, delay=delay, locked_until=locked_until)


def pause(verdict: Verdict) -> None:
    if verdict.delay > 0:
        sleep(verdict.delay)


def locked_message(locked_until: datetime) -> str:
    """The refusal, saying when to try again; the same whether or not the username exists."""
    minutes = max(1, math.ceil((locked_until - timezone.now()).total_seconds() / 60))
    local = timezone.localtime(locked_until)
    moment = f"{formats.time_format(local, 'H:i')} {local.tzname()}"
    return ngettext(
        "Too many failed attempts. For security, logging in is paused: try again in %(minutes)d minute, "
        "after %(time)s.",
        "Too many failed attempts. For security, logging in is paused: try again in %(minutes)d minutes, "
        "after %(time)s.",
        minutes,
    ) % {"minutes": minutes, "time": moment}

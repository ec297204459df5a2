"""The day a country's map and its governance analysis are read on (“as of”), shared between the pages.

A page takes the day from its address (`?as_of=YYYY-MM-DD`), which also remembers it in the session, so that the
map, the command tree and the governance findings open on the day last chosen; `?as_of=` (empty) forgets it.
Without a day the map shows every relationship recorded, and the governance analysis reads today.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

SESSION_KEY = "egide.as_of"
PARAMETER = "as_of"


def read_day(text: str, *, field: str) -> datetime.date | None:
    """A day written YYYY-MM-DD, None when empty; anything else is refused with a ValidationError naming the field."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        message = _("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": text[:40]}
        raise ValidationError({field: [message]}) from None


def remember(request: HttpRequest, day: datetime.date | None) -> None:
    """Keep the chosen day for the next pages of this session (None forgets it)."""
    if not hasattr(request, "session"):
        return
    # The session is written only when the day changes: the page and the map's data, asked for at once with the
    # same day, must not both rewrite the session.
    if day is None:
        request.session.pop(SESSION_KEY, None)
    elif request.session.get(SESSION_KEY) != day.isoformat():
        request.session[SESSION_KEY] = day.isoformat()


def remembered(request: HttpRequest) -> datetime.date | None:
    """The day last chosen in this session, if any."""
    text = request.session.get(SESSION_KEY, "") if hasattr(request, "session") else ""
    try:
        return datetime.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def request_day(request: HttpRequest) -> datetime.date | None:
    """The day a page is read on: the address's `as_of` (remembered for the session), else the session's. A day
    that cannot be read is said in a message and ignored (the page still opens, on no day)."""
    if PARAMETER not in request.GET:
        return remembered(request)
    try:
        day = read_day(request.GET[PARAMETER], field=PARAMETER)
    except ValidationError as error:
        for text in error.message_dict[PARAMETER]:
            messages.error(request, text)
        return remembered(request)
    remember(request, day)
    return day

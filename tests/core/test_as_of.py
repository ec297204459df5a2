"""The shared day of the map and the governance analysis, kept in the session."""

import datetime

from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from egide.core import as_of


def _request(session: dict[str, str]) -> object:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session.update(session)
    request.session.modified = False
    return request


def test_the_session_is_written_only_when_the_day_changes() -> None:
    day = datetime.date(2003, 12, 31)
    same = _request({as_of.SESSION_KEY: "2003-12-31"})
    as_of.remember(same, day)
    assert same.session.modified is False  # two requests on the same day must not both rewrite the session
    other = _request({as_of.SESSION_KEY: "2010-01-01"})
    as_of.remember(other, day)
    assert (other.session.modified, other.session[as_of.SESSION_KEY]) == (True, "2003-12-31")
    forgotten = _request({as_of.SESSION_KEY: "2003-12-31"})
    as_of.remember(forgotten, None)
    assert forgotten.session.modified is True
    assert as_of.SESSION_KEY not in forgotten.session
    nothing = _request({})
    as_of.remember(nothing, None)
    assert nothing.session.modified is False

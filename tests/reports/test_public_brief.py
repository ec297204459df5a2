"""The public brief holds what an anonymous visitor may see and nothing else: no record, count or sum of the
records only the owner organisation may see reaches its HTML or its PDF, while a member's brief shows them (so
the records are there to leak). The one PDF printed by the suite."""

import io

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from egide.reports.services import PUBLIC, READER, brief_build
from tests.reports.conftest import AS_OF, SECRET_NUMBERS, SECRETS, Country

pytestmark = pytest.mark.django_db


def _absent(text: str) -> None:
    for secret in (*SECRETS, *SECRET_NUMBERS):
        assert secret not in text, secret


def test_no_record_count_or_sum_that_is_not_public_reaches_the_public_brief(country: Country, member: User) -> None:
    public = brief_build(country="CF", as_of=AS_OF, language="en", audience=PUBLIC)
    mine = brief_build(country="CF", as_of=AS_OF, language="en", audience=READER, user=member)
    # The member's brief holds the organisation's records: the public one could leak them.
    for secret in (SECRET_ACTOR := SECRETS[0], SECRETS[1], SECRETS[3], SECRETS[4], SECRETS[5]):
        assert secret in mine.html, secret
    assert "7,654,321" in mine.html
    assert "the map records 4 actors and 2 relationships" in mine.html

    _absent(public.html)
    assert SECRET_ACTOR not in public.document()
    # What the public may see is there, counted without the rest.
    assert "Central Armed Forces" in public.html
    assert "Constitution of 2016" in public.html
    assert "Public baseline" in public.html
    assert "Rule of law score" in public.html
    assert "120,000" in public.html
    assert "the map records 3 actors and 1 relationship." in public.html
    assert "1 programme is under way with 1 partner." in public.html
    assert "Confidentiality: Public" in public.html

    pdf = public.pdf()
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    _absent(text)
    assert "Central Armed Forces" in text
    assert "Constitution of 2016" in text
    # The level is stamped on every page, in the margin (the first page carries it on the cover too).
    for page in reader.pages:
        assert "CONFIDENTIALITY: PUBLIC" in page.extract_text()


def test_the_public_brief_is_the_same_whoever_asks(country: Country, member: User, outsider: User) -> None:
    anonymous = brief_build(country="CF", as_of=AS_OF, language="en", audience=PUBLIC)
    asked_by_member = brief_build(country="CF", as_of=AS_OF, language="en", audience=PUBLIC, user=member)
    asked_by_outsider = brief_build(country="CF", as_of=AS_OF, language="en", audience=PUBLIC, user=outsider)
    assert anonymous.html == asked_by_member.html == asked_by_outsider.html
    assert anonymous.content.level == "public"

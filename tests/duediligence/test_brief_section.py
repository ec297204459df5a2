"""The country's coordination brief (its printable page) holds the due-diligence report for the readers of the
country's assessments, in English and French; for a reader without a grant and an anonymous visitor it holds
nothing of it, not even a heading or a count."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation, Share
from egide.duediligence.models import Decision, DiligenceAssessment
from tests.duediligence.diligence_world import World, assessment, partner, sharing, world

__all__ = ["assessment", "partner", "sharing", "world"]

pytestmark = pytest.mark.django_db

ADDRESS = reverse("country-coordination", kwargs={"code": "CF"})
FRAGMENTS = ('id="diligence-brief"', "Due diligence", "Diligence voulue", "review overdue", "examen en retard")


@pytest.fixture
def decided(assessment: DiligenceAssessment, partner: Organisation) -> DiligenceAssessment:
    """Decided with conditions, its review overdue; shared with a partner for reading."""
    DiligenceAssessment.objects.filter(pk=assessment.pk).update(
        decision=Decision.CONDITIONAL,
        risk_level="medium",
        decided_on=datetime.date(2025, 1, 10),
        next_review=datetime.date(2025, 6, 30),
    )
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    return assessment


def _page(user: User | None, language: str = "en") -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(ADDRESS, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str) -> str:
    start = page.index('id="diligence-brief"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("reader", ["member", "sharing"])
def test_the_brief_shows_the_due_diligence_report_to_readers_of_the_assessments(
    decided: DiligenceAssessment, world: World, reader: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(reader)
    section = _section(_page(user))
    assert "<h2" in section
    assert "Due diligence" in section
    assert "First Test Battalion" in section
    assert "Training the battalion" in section
    assert "Support with conditions" in section
    assert "Medium" in section
    assert "review overdue" in section
    assert reverse("diligence:assessment-detail", kwargs={"pk": decided.pk}) in section
    french = _section(_page(user, "fr"))
    assert "Diligence voulue" in french
    assert "examen en retard" in french
    assert "review overdue" not in french


def test_a_review_not_overdue_is_not_flagged(decided: DiligenceAssessment, member: User) -> None:
    DiligenceAssessment.objects.filter(pk=decided.pk).update(next_review=datetime.date.today() + datetime.timedelta(30))
    section = _section(_page(member))
    assert "First Test Battalion" in section
    assert "review overdue" not in section


def test_the_brief_holds_nothing_of_due_diligence_for_other_readers(
    decided: DiligenceAssessment, world: World, outsider: User, nobody: User
) -> None:
    """Another partner, a user of no organisation and an anonymous visitor: the page is there, the section is not,
    in either language (no heading, no count, no unit of the report)."""
    for user in (outsider, nobody, None):
        for language in ("en", "fr"):
            page = _page(user, language)
            assert "Partners and areas of action" in page or "Partenaires et domaines" in page
            for fragment in FRAGMENTS:
                assert fragment not in page, (user, language, fragment)
            assert reverse("diligence:country-report", kwargs={"code": "CF"}) not in page


def test_no_section_for_a_reader_of_the_country_without_an_assessment(world: World, member: User) -> None:
    """No assessment the reader may read (none yet): no section either, rather than an empty one."""
    page = _page(member)
    for fragment in FRAGMENTS:
        assert fragment not in page, fragment

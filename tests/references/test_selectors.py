"""What each reader sees: the map's rule for records of a country, and this app's rule for global records
(egide.references.selectors), with an owner, a member, a member limited to some countries, and an outsider."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import SimpleUploadedFile

from egide.accounts.models import Confidentiality, Organisation, Role
from egide.accounts.selectors import can_edit
from egide.core.fuzzy_dates import FuzzyDate
from egide.references import selectors, services
from egide.references.models import Framework, Mission, ReferenceDocument
from tests.conftest import make_user
from tests.references.conftest import document_data
from tests.references.pdfs import pdf_with_text

pytestmark = pytest.mark.django_db

LEVELS = list(Confidentiality)


def _visible_levels(user: User | AnonymousUser, make: Callable[..., object], **where: object) -> set[str]:
    for level in LEVELS:
        make(confidentiality=level, **where)
    return {framework.confidentiality for framework in selectors.frameworks_visible(user=user)}


@pytest.fixture
def global_frameworks(make_framework: Callable[..., Framework]) -> None:
    for level in LEVELS:
        make_framework(code=f"F-{level}", confidentiality=level)


@pytest.mark.parametrize(
    ("reader", "levels"),
    [
        ("owner", {"public", "partners", "organisation", "restricted"}),
        ("member", {"public", "partners", "organisation", "restricted"}),
        ("limited_member", {"public", "partners", "organisation", "restricted"}),
        ("viewer", {"public", "partners", "organisation", "restricted"}),
        ("outsider", {"public", "partners"}),
        ("nobody", {"public"}),
    ],
)
def test_who_reads_a_global_record(
    global_frameworks: None, request: pytest.FixtureRequest, reader: str, levels: set[str]
) -> None:
    user = request.getfixturevalue(reader)
    assert {framework.confidentiality for framework in selectors.frameworks_visible(user=user)} == levels


def test_a_visitor_reads_public_global_records_only(global_frameworks: None) -> None:
    assert [framework.code for framework in selectors.frameworks_visible(user=AnonymousUser())] == ["F-public"]


def test_a_member_limited_to_one_country_sees_a_global_partners_record_of_another_organisation(
    make_framework: Callable[..., Framework], other_organisation: Organisation
) -> None:
    make_framework(code="THEIRS", owner=other_organisation, confidentiality=Confidentiality.PARTNERS)
    make_framework(code="THEIRS-ONLY", owner=other_organisation, confidentiality=Confidentiality.ORGANISATION)
    limited = make_user(
        "limited-elsewhere",
        Organisation.objects.create(name_en="Mali team", name_fr="Équipe Mali", acronym="ML-T", type="agency"),
        Role.VIEWER,
        countries=["ML"],
    )
    assert [framework.code for framework in selectors.frameworks_visible(user=limited)] == ["THEIRS"]


def test_only_editors_covering_every_country_change_a_global_record(
    make_framework: Callable[..., Framework], member: User, limited_member: User, outsider: User, owner: User
) -> None:
    framework = make_framework()
    assert can_edit(user=member, record=framework)
    assert can_edit(user=owner, record=framework)
    assert not can_edit(user=limited_member, record=framework)
    assert not can_edit(user=outsider, record=framework)


def test_a_countrys_records_follow_the_maps_rule(
    make_mission: Callable[..., Mission], member: User, limited_member: User, outsider: User
) -> None:
    for country in ("CF", "CD"):
        make_mission(country=country, acronym_en=f"{country}-org", confidentiality=Confidentiality.ORGANISATION)
        make_mission(country=country, acronym_en=f"{country}-partners", confidentiality=Confidentiality.PARTNERS)

    def seen(user: User | AnonymousUser) -> set[str]:
        return {mission.acronym_en for mission in selectors.missions_visible(user=user)}

    assert seen(member) == {"CF-org", "CF-partners", "CD-org", "CD-partners"}
    assert seen(limited_member) == {"CF-org", "CF-partners"}
    assert seen(outsider) == {"CF-partners", "CD-partners"}
    assert seen(AnonymousUser()) == set()


def test_a_document_of_one_country_is_read_under_that_countrys_rule_and_of_several_as_global(
    make_document: Callable[..., ReferenceDocument], limited_member: User, outsider: User
) -> None:
    make_document(title_en="Congo only", countries=["CD"], confidentiality=Confidentiality.ORGANISATION)
    make_document(title_en="Both", countries=["CD", "CF"], confidentiality=Confidentiality.ORGANISATION)
    make_document(title_en="Central Africa", countries=["CF"], confidentiality=Confidentiality.ORGANISATION)
    assert {document.title_en for document in selectors.reference_documents_visible(user=limited_member)} == {
        "Both",
        "Central Africa",
    }
    assert list(selectors.reference_documents_visible(user=outsider)) == []
    assert {
        document.title_en for document in selectors.reference_documents_visible(user=limited_member, country="CD")
    } == {"Both"}


def test_the_search_applies_the_visibility_rule_and_ranks_titles_first(
    make_document: Callable[..., ReferenceDocument], member: User, outsider: User
) -> None:
    make_document()
    in_summary = make_document(
        title_en="Annual report", title_fr="Rapport annuel", symbol="", summary_en="About police reform.", summary_fr=""
    )
    in_title = make_document(
        title_en="Police reform", title_fr="Réforme de la police", symbol="", summary_en="", summary_fr=""
    )
    make_document(title_en="Police reform, confidential", symbol="", confidentiality=Confidentiality.ORGANISATION)
    assert list(selectors.reference_documents_search(outsider, "police reform")) == [in_title, in_summary]
    assert len(selectors.reference_documents_search(member, "police reform")) == 3
    # French words find the French texts, and no word of the query is read as syntax.
    assert list(selectors.reference_documents_search(outsider, "réforme police")) == [in_title]
    assert list(selectors.reference_documents_search(outsider, 'police" OR title:*')) == []
    assert selectors.reference_documents_search(outsider, "2151").get().symbol == "S/RES/2151 (2014)"
    assert selectors.reference_documents_search(outsider, "S/RES/2151").get().symbol == "S/RES/2151 (2014)"


def test_the_developments_keep_public_records_only_when_asked(
    make_document: Callable[..., ReferenceDocument], make_mission: Callable[..., Mission], staff: User
) -> None:
    make_document(title_en="Public debate", type="debate")
    make_document(title_en="Partners' note", confidentiality=Confidentiality.PARTNERS)
    make_mission(acronym_en="HIDDEN", confidentiality=Confidentiality.RESTRICTED)
    everything = [item.title for item in selectors.developments(user=staff)]
    public = [item.title for item in selectors.developments(user=staff, public_only=True)]
    assert any("Partners' note" in title for title in everything)
    assert any("HIDDEN" in title for title in everything)
    assert [title for title in public if "Public debate" in title]
    assert not [title for title in public if "Partners" in title or "HIDDEN" in title]


def test_a_document_found_through_its_file_alone_comes_after_one_found_by_its_title(
    make_document: Callable[..., ReferenceDocument], organisation: Organisation, member: User
) -> None:
    in_file = services.reference_document_create(
        user=member,
        data=document_data(organisation, title_en="Annual report", symbol="", issued=FuzzyDate.parse("2020")),
        upload=SimpleUploadedFile("report.pdf", pdf_with_text("the lighthouse keepers of the coast guard")),
    )
    in_title = make_document(title_en="Lighthouse programme", symbol="", issued=FuzzyDate.parse("2001"))
    assert list(selectors.reference_documents_search(member, "lighthouse")) == [in_title, in_file]


def test_the_words_of_a_query_may_be_found_in_different_texts(organisation: Organisation, member: User) -> None:
    document = services.reference_document_create(
        user=member,
        data=document_data(organisation, title_en="Lighthouse programme", symbol=""),
        upload=SimpleUploadedFile("report.pdf", pdf_with_text("the keepers of the coast guard")),
    )
    assert list(selectors.reference_documents_search(member, "lighthouse keepers")) == [document]
    assert list(selectors.reference_documents_search(member, "lighthouse sailors")) == []

"""The sharing section of a restricted record's page, the same on the five pages that have one (an actor, a person,
an incident, a due-diligence assessment, a programme): shown to the owner's editors only, it lists the shares with a
button that withdraws each, and its form shares the record, saying what it did or what was wrong."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation, Role, Share
from egide.accounts.selectors import Record, record_shares
from egide.accounts.services import record_share
from egide.duediligence import diligence_services
from egide.duediligence.models import Incident, Violation
from egide.programmes.models import Programme, SupportedActor
from tests.conftest import ActorFactory, make_user
from tests.duediligence.diligence_world import partner
from tests.duediligence.people_world import client_of, make_person

__all__ = ["partner"]

KINDS = ("actor", "person", "incident", "assessment", "programme")

# Each kind's page and the address its section's form posts to.
ADDRESSES = {
    "actor": ("actor-detail", "actor-share"),
    "person": ("people:detail", "people:share"),
    "incident": ("incidents:detail", "incidents:share"),
    "assessment": ("diligence:assessment-detail", "diligence:assessment-share"),
    "programme": ("programme-detail", "programme-share"),
}


@dataclass
class Page:
    record: Record
    kind: str

    @property
    def path(self) -> str:
        return reverse(ADDRESSES[self.kind][0], kwargs={"pk": self.record.pk})

    @property
    def share_path(self) -> str:
        return reverse(ADDRESSES[self.kind][1], kwargs={"pk": self.record.pk})

    def shares(self) -> list[tuple[str, bool]]:
        return sorted((share.organisation.acronym, share.can_edit) for share in record_shares(record=self.record))


@pytest.fixture
def partner_editor(partner: Organisation) -> User:
    """An editor of an organisation a record is shared with for editing: changes the record, not whom it is
    shared with."""
    return make_user("partner-editor", partner, Role.EDITOR)


@pytest.fixture
def make_page(organisation: Organisation, member: User, make_actor: ActorFactory) -> Callable[..., Page]:
    """A record of the kind, owned by the member's organisation, at the level (restricted unless told)."""

    def make(kind: str, level: str = Confidentiality.RESTRICTED) -> Page:
        record: Record
        if kind == "actor":
            record = make_actor(name="Exercise Gendarmerie", confidentiality=level)
        elif kind == "person":
            record = make_person(organisation, "Colonel Exemplar Testperson", confidentiality=level)
        elif kind == "incident":
            record = Incident.objects.create(
                country="CF",
                owner=organisation,
                title_en="Detentions at the barracks",
                violation=Violation.ARBITRARY_DETENTION,
                confidentiality=level,
            )
        else:
            # The assessment's programme is public: its own level is the one the test sets.
            programme = Programme.objects.create(
                country="CF",
                title_en="Training the battalion",
                owner=organisation,
                confidentiality=level if kind == "programme" else Confidentiality.PUBLIC,
            )
            if kind == "programme":
                record = programme
            else:
                support = SupportedActor.objects.create(
                    programme=programme, actor=make_actor(kind="armed_forces", name="First Test Battalion")
                )
                record = diligence_services.diligence_create(
                    user=member,
                    support=support,
                    data=diligence_services.DiligenceData(
                        period_start=datetime.date(2024, 1, 1),
                        period_end=datetime.date(2099, 12, 31),
                        confidentiality=level,
                    ),
                )
        return Page(record, kind)

    return make


def _section(html: str) -> str | None:
    found = re.search(r'<section id="sharing">.*?</section>', html, re.DOTALL)
    return found.group(0) if found else None


def _page_section(user: User | None, page: Page) -> str | None:
    response = client_of(user).get(page.path)
    assert response.status_code == 200
    return _section(response.content.decode())


@pytest.mark.parametrize("kind", KINDS)
def test_the_owners_editor_sees_whom_the_record_is_shared_with(
    make_page: Callable[..., Page], member: User, partner: Organisation, kind: str
) -> None:
    page = make_page(kind)
    share = record_share(user=None, record=page.record, organisation=partner, can_edit_too=True)
    section = _page_section(member, page)
    assert section is not None
    assert 'SHARED — Sharing partner <span class="flag">may edit</span>' in section
    assert f'action="{reverse("share-remove", kwargs={"pk": share.pk})}"' in section
    assert f'<input type="hidden" name="next" value="{page.path}">' in section
    assert f'action="{page.share_path}"' in section
    assert 'name="organisation" required maxlength="32"' in section
    assert "Only the owner organisation can read this record." not in section


def test_the_section_is_one_and_the_same_on_every_page(
    make_page: Callable[..., Page], member: User, partner: Organisation
) -> None:
    sections = set()
    for kind in KINDS:
        page = make_page(kind)
        share = record_share(user=None, record=page.record, organisation=partner, can_edit_too=False)
        section = _page_section(member, page)
        assert section is not None
        section = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", section)
        section = section.replace(page.share_path, "SHARE").replace(page.path, "PAGE")
        sections.add(section.replace(reverse("share-remove", kwargs={"pk": share.pk}), "REMOVE"))
    assert len(sections) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_record_shared_with_nobody_says_so(make_page: Callable[..., Page], member: User, kind: str) -> None:
    section = _page_section(member, make_page(kind))
    assert section is not None
    assert "Only the owner organisation can read this record." in section
    assert "Stop sharing" not in section


@pytest.mark.parametrize("kind", KINDS)
def test_no_section_for_those_who_may_not_change_the_shares(
    make_page: Callable[..., Page], viewer: User, partner_editor: User, partner: Organisation, kind: str
) -> None:
    page = make_page(kind)
    record_share(user=None, record=page.record, organisation=partner, can_edit_too=True)
    assert _page_section(viewer, page) is None
    assert _page_section(partner_editor, page) is None


@pytest.mark.parametrize("kind", KINDS)
def test_no_section_on_a_record_that_is_not_restricted(make_page: Callable[..., Page], member: User, kind: str) -> None:
    """A share lets another organisation read a restricted record only: a record of its organisation's is not
    offered for sharing (the due-diligence assessment's page offered it at every level)."""
    assert _page_section(member, make_page(kind, Confidentiality.ORGANISATION)) is None


@pytest.mark.parametrize("kind", KINDS)
def test_shares_kept_by_a_record_that_left_restricted_are_listed_to_be_withdrawn(
    make_page: Callable[..., Page], member: User, partner: Organisation, kind: str
) -> None:
    """A share that allows editing still does after the record left "restricted": its owner sees it and can
    withdraw it, but is not offered to add more."""
    page = make_page(kind)
    share = record_share(user=None, record=page.record, organisation=partner, can_edit_too=True)
    type(page.record).objects.filter(pk=page.record.pk).update(confidentiality=Confidentiality.ORGANISATION)
    section = _page_section(member, page)
    assert section is not None
    assert 'SHARED — Sharing partner <span class="flag">may edit</span>' in section
    assert f'action="{reverse("share-remove", kwargs={"pk": share.pk})}"' in section
    assert "This record is no longer restricted" in section
    assert f'action="{page.share_path}"' not in section


@pytest.mark.parametrize("kind", KINDS)
def test_the_owners_editor_shares_and_withdraws_through_the_section(
    make_page: Callable[..., Page], member: User, partner: Organisation, kind: str
) -> None:
    page = make_page(kind)
    client = client_of(member)
    response = client.post(page.share_path, {"organisation": " shared ", "can_edit": "on"})
    assert response["Location"] == page.path + "#sharing"
    assert page.shares() == [("SHARED", True)]
    assert "Shared with SHARED." in client.get(page.path).content.decode()
    share = Share.objects.get(organisation=partner)
    response = client.post(reverse("share-remove", kwargs={"pk": share.pk}), {"next": page.path})
    assert response["Location"] == page.path
    assert page.shares() == []
    assert "No longer shared with SHARED." in client.get(page.path).content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_what_cannot_be_shared_is_said_in_the_section(
    make_page: Callable[..., Page], member: User, organisation: Organisation, kind: str
) -> None:
    page = make_page(kind)
    client = client_of(member)
    for typed, said in (
        ("NOPE", "No organisation has the acronym “NOPE”."),
        ("X" * 40, f"No organisation has the acronym “{'X' * 32}”."),
        (organisation.acronym, "The owner organisation already has the record."),
    ):
        response = client.post(page.share_path, {"organisation": typed})
        assert response["Location"] == page.path + "#sharing"
        assert said in client.get(page.path).content.decode()
    assert page.shares() == []


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_owners_editors_may_share(
    make_page: Callable[..., Page],
    viewer: User,
    partner_editor: User,
    outsider: User,
    partner: Organisation,
    kind: str,
) -> None:
    page = make_page(kind)
    record_share(user=None, record=page.record, organisation=partner, can_edit_too=True)
    for user, status in ((viewer, 403), (partner_editor, 403), (outsider, 404)):
        # Refused before the acronym is read: an unknown one gets the same answer.
        for typed in ("AGENCY", "NOPE"):
            assert client_of(user).post(page.share_path, {"organisation": typed}).status_code == status, user
    assert client_of(None).post(page.share_path, {"organisation": "AGENCY"})["Location"].startswith("/login/")
    assert page.shares() == [("SHARED", True)]

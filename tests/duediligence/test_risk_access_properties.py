"""A property test of the risk listing's reading rule: for random organisations, memberships, incidents, commanders
and shares, a reader's listing holds exactly the incidents alleged against the unit that they may read, and those
alleged against a commander during their command when they may read both the incident and the commander; nothing
reaches a reader without a grant."""

import datetime

from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from egide.accounts.models import Membership, Organisation, OrganisationType, Share
from egide.actors.models import Actor
from egide.duediligence.diligence_selectors import risk_for
from egide.duediligence.models import (
    DiligenceAssessment,
    Incident,
    Person,
    Post,
    PostRole,
    Responsibility,
    Violation,
)
from egide.programmes.models import Programme

LEVELS = ("public", "partners", "organisation", "restricted")
ROLES = ("editor", "viewer")
COUNTRIES = ("CF", "ML")

grants = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(ROLES), st.lists(st.sampled_from(COUNTRIES), max_size=1)),
    max_size=2,
    unique_by=lambda grant: grant[0],
)
record = st.tuples(st.integers(0, 2), st.sampled_from(LEVELS), st.lists(st.integers(0, 2), max_size=2, unique=True))
# An incident: its record, and whom it is alleged against (the unit, or the commander's index).
incidents = st.lists(st.tuples(record, st.one_of(st.none(), st.integers(0, 1))), min_size=1, max_size=6)
commanders = st.lists(record, min_size=2, max_size=2)


def may_read(entry: tuple[int, str, list[int]], reader: list[tuple[int, str, list[str]]]) -> bool:
    """The due-diligence rule, read independently: public counts as partners; nothing without a membership."""
    owner, level, shared_with = entry
    covering = [organisation for organisation, _role, countries in reader if not countries or "CF" in countries]
    if level in ("public", "partners"):
        return bool(covering)
    if level == "organisation":
        return owner in covering
    return owner in covering or any(organisation in shared_with for organisation in covering)


class RiskListingReadersTest(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(reader_grants=grants, incident_specs=incidents, commander_specs=commanders)
    def test_nothing_reaches_a_reader_without_a_grant(
        self,
        reader_grants: list[tuple[int, str, list[str]]],
        incident_specs: list[tuple[tuple[int, str, list[int]], int | None]],
        commander_specs: list[tuple[int, str, list[int]]],
    ) -> None:
        organisations = [
            Organisation.objects.create(
                name_en=f"O{index}", name_fr=f"O{index}", acronym=f"O{index}", type=OrganisationType.OTHER
            )
            for index in range(3)
        ]
        reader = User.objects.create_user(username="reader")
        for organisation, role, countries in reader_grants:
            Membership.objects.create(
                user=reader, organisation=organisations[organisation], role=role, countries=countries
            )

        def confidential(model: type, entry: tuple[int, str, list[int]], **fields: object) -> object:
            owner, level, shared_with = entry
            made = model.objects.create(country="CF", owner=organisations[owner], confidentiality=level, **fields)
            for organisation in shared_with:
                Share.objects.create(record=made, organisation=organisations[organisation], country="CF")
            return made

        unit = Actor.objects.create(
            country="CF",
            kind="armed_forces",
            family="security_providers",
            name_en="Unit",
            name_fr="Unité",
            reference="U",
        )
        people = [confidential(Person, entry) for entry in commander_specs]
        for person in people:
            Post.objects.create(
                person=person,
                actor=unit,
                country="CF",
                role=PostRole.COMMANDER,
                start_date=datetime.date(2010, 1, 1),
                ongoing=True,
            )
        expected = set()
        for entry, against in incident_specs:
            incident = confidential(
                Incident, entry, title_en="Incident", violation=Violation.TORTURE, occurred_on=datetime.date(2015, 1, 1)
            )
            if against is None:
                Responsibility.objects.create(incident=incident, actor=unit)
                readable = may_read(entry, reader_grants)
            else:
                Responsibility.objects.create(incident=incident, person=people[against])
                readable = may_read(entry, reader_grants) and may_read(commander_specs[against], reader_grants)
            if readable:
                expected.add(incident.pk)
        programme = Programme.objects.create(country="CF", title_en="P", owner=organisations[0])
        assessment = DiligenceAssessment.objects.create(
            programme=programme,
            actor=unit,
            country="CF",
            owner=organisations[0],
            period_start=datetime.date(2024, 1, 1),
        )
        listed = {row.incident.pk for row in risk_for(user=reader, assessment=assessment).rows}
        assert listed == expected

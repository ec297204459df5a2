"""Due-diligence assessments through their services and selectors: opening, changing, deciding, the risk listing
as each reader sees it."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Organisation, Share
from egide.audit.models import Action, AuditEvent
from egide.duediligence import diligence_selectors as selectors
from egide.duediligence import diligence_services as services
from egide.duediligence.models import Decision, DiligenceAssessment, Responsibility
from egide.duediligence.risk import Path
from tests.duediligence.diligence_world import World, assessment, incident, partner, person, sharing, world

__all__ = ["assessment", "partner", "sharing", "world"]

pytestmark = pytest.mark.django_db

NEXT_YEAR = datetime.date.today() + datetime.timedelta(days=365)


def decision(**fields: object) -> services.DecisionData:
    values: dict = {"decision": Decision.SUPPORT, "risk_level": "medium", "next_review": NEXT_YEAR}
    return services.DecisionData(**(values | fields))


def test_an_assessment_is_restricted_owned_by_the_programme_owner_and_audited(
    assessment: DiligenceAssessment, world: World, organisation: Organisation
) -> None:
    assert assessment.owner == organisation
    assert assessment.confidentiality == "restricted"
    assert assessment.country == "CF"
    assert assessment.actor == world.unit
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=assessment.pk).exists()


def test_an_outsider_may_not_open_an_assessment_for_the_owner(world: World, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.diligence_create(
            user=outsider,
            support=world.support,
            data=services.DiligenceData(period_start=datetime.date(2024, 1, 1), owner=world.programme.owner),
        )


def test_bad_periods_and_levels_are_refused_by_field(world: World, member: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.diligence_create(
            user=member,
            support=world.support,
            data=services.DiligenceData(
                period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2023, 1, 1), confidentiality="public"
            ),
        )
    assert set(refused.value.message_dict) == {"period_end", "confidentiality"}
    assert not DiligenceAssessment.objects.exists()


def test_decide_records_who_and_when_and_requires_conditions_for_a_conditional_support(
    assessment: DiligenceAssessment, member: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.diligence_decide(user=member, assessment=assessment, data=decision(decision=Decision.CONDITIONAL))
    assert list(refused.value.message_dict) == ["conditions"]
    assessment.refresh_from_db()
    assert assessment.decision == ""

    services.diligence_decide(
        user=member,
        assessment=assessment,
        data=decision(decision=Decision.CONDITIONAL, conditions="Vetting of every trainee"),
        expected_version=1,
    )
    assessment.refresh_from_db()
    assert assessment.decision == Decision.CONDITIONAL
    assert assessment.conditions == "Vetting of every trainee"
    assert assessment.decided_by == member
    assert assessment.decided_on == datetime.date.today()
    assert assessment.next_review == NEXT_YEAR
    assert assessment.version == 2
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=assessment.pk)
    assert event.after["decision"] == "conditional"


def test_a_decision_needs_a_risk_level_and_a_future_review(assessment: DiligenceAssessment, member: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.diligence_decide(
            user=member,
            assessment=assessment,
            data=decision(risk_level="", next_review=datetime.date.today(), decision="maybe"),
        )
    assert set(refused.value.message_dict) == {"risk_level", "next_review", "decision"}


def test_a_change_from_an_older_version_is_refused(assessment: DiligenceAssessment, member: User) -> None:
    services.diligence_decide(user=member, assessment=assessment, data=decision())
    with pytest.raises(services.StaleAssessment):
        services.diligence_decide(user=member, assessment=assessment, data=decision(), expected_version=1)
    with pytest.raises(services.StaleAssessment):
        services.diligence_update(
            user=member,
            assessment=assessment,
            data=services.DiligenceData(period_start=datetime.date(2024, 1, 1)),
            expected_version=1,
        )


def test_only_editors_may_decide(assessment: DiligenceAssessment, outsider: User, viewer: User) -> None:
    for user in (outsider, viewer):
        with pytest.raises(PermissionDenied):
            services.diligence_decide(user=user, assessment=assessment, data=decision())


def test_update_changes_the_parent_rule_and_is_audited(
    assessment: DiligenceAssessment, member: User, world: World
) -> None:
    services.diligence_update(
        user=member,
        assessment=assessment,
        data=services.DiligenceData(
            period_start=datetime.date(2024, 1, 1), include_parents=False, factors="Past detentions"
        ),
        expected_version=1,
    )
    assessment.refresh_from_db()
    assert not assessment.include_parents
    assert assessment.factors == "Past detentions"
    ids = {row.incident.pk for row in selectors.risk_for(user=member, assessment=assessment).rows}
    assert world.against_parent.pk not in ids


def test_the_risk_listing_follows_each_path(assessment: DiligenceAssessment, member: User, world: World) -> None:
    listing = selectors.risk_for(user=member, assessment=assessment)
    paths = {row.incident.pk: [link.path for link in row.links] for row in listing.rows}
    assert paths == {
        world.against_unit.pk: [Path.UNIT],
        world.against_parent.pk: [Path.PARENT],
        world.during_command.pk: [Path.COMMANDER],
    }
    unit_row = next(row for row in listing.rows if row.incident == world.against_unit)
    assert [item.locator for item in unit_row.evidence] == ["p. 12"]
    assert [item.locator for item in unit_row.links[0].evidence] == ["p. 13"]
    commander_row = next(row for row in listing.rows if row.incident == world.during_command)
    assert commander_row.links[0].post == world.post
    assert [actor.pk for actor in listing.units] == [world.unit.pk, world.ministry.pk]


def test_the_risk_listing_shows_only_what_the_reader_may_read(
    assessment: DiligenceAssessment, world: World, member: User, partner: Organisation, sharing: User, outsider: User
) -> None:
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    Share.objects.create(record=world.against_unit, organisation=partner, country="CF")
    assert {row.incident.pk for row in selectors.risk_for(user=sharing, assessment=assessment).rows} == {
        world.against_unit.pk
    }
    # The commander is not shared: their incident is not reached through them even if the incident were.
    Share.objects.create(record=world.during_command, organisation=partner, country="CF")
    assert world.during_command.pk not in {
        row.incident.pk for row in selectors.risk_for(user=sharing, assessment=assessment).rows
    }
    assert len(selectors.risk_for(user=member, assessment=assessment).rows) == 3
    with pytest.raises(Exception, match="No such assessment"):
        selectors.assessment_visible(user=outsider, pk=assessment.pk)
    with pytest.raises(Exception, match="No such assessment"):
        selectors.assessment_visible(user=AnonymousUser(), pk=assessment.pk)


def test_the_risk_listing_reads_in_a_fixed_number_of_queries(
    assessment: DiligenceAssessment, world: World, member: User, organisation: Organisation
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.risk_for(user=member, assessment=assessment)
        return len(queries)

    before = count()
    for number in range(10):
        more = incident(organisation, f"More {number}", datetime.date(2016, 1, 1 + number))
        Responsibility.objects.create(incident=more, actor=world.unit)
        someone = person(organisation, f"Major Sample Number{number}")
        Responsibility.objects.create(incident=more, person=someone)
    assert count() == before


def test_the_programme_units_show_the_latest_assessment(
    assessment: DiligenceAssessment, world: World, member: User, outsider: User
) -> None:
    units = selectors.programme_units(user=member, programme=world.programme)
    assert [(unit.support.actor, unit.assessment) for unit in units] == [(world.unit, assessment)]
    assert [unit.assessment for unit in selectors.programme_units(user=outsider, programme=world.programme)] == [None]


def test_overdue_reviews(assessment: DiligenceAssessment) -> None:
    assessment.next_review = datetime.date.today() - datetime.timedelta(days=1)
    assert selectors.is_overdue(assessment)
    assessment.next_review = datetime.date.today()
    assert not selectors.is_overdue(assessment)
    assert not selectors.is_overdue(None)


def test_the_parent_chain_is_read_whatever_its_depth(make_actor: object) -> None:
    units = [make_actor(kind="armed_forces", name="Level 0")]  # type: ignore[operator]
    for level in range(1, 15):
        units.append(make_actor(kind="armed_forces", name=f"Level {level}", parent=units[-1]))  # type: ignore[operator]
    deepest = units[-1]
    assert selectors.ancestors_of(actor_id=deepest.pk) == [unit.pk for unit in reversed(units[:-1])]
    with CaptureQueriesContext(connection) as queries:
        selectors.ancestors_of(actor_id=units[4].pk)
    assert len(queries) == 1
    assert selectors.ancestors_of(actor_id=units[0].pk) == []


def test_a_cycle_of_parents_ends_the_chain(make_actor: object) -> None:
    first = make_actor(kind="armed_forces", name="First")  # type: ignore[operator]
    second = make_actor(kind="armed_forces", name="Second", parent=first)  # type: ignore[operator]
    type(first).objects.filter(pk=first.pk).update(parent=second)  # written past the services, which refuse it
    assert selectors.ancestors_of(actor_id=second.pk) == [first.pk]

"""Decisions on findings and rule parameters: validated, permitted to the country's editors, audited."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Organisation, Role
from egide.audit.models import AuditEvent
from egide.governance import services
from egide.governance.models import FindingDecision, RuleSetting
from egide.governance.rules import RULE_BY_CODE
from egide.governance.selectors import country_findings
from tests.conftest import SmallMap, make_user

KEY = "parliamentary-oversight:POL"  # the small map's police is overseen by no parliamentary body
RULE = "parliamentary-oversight"


def _events(model: type, pk: int) -> list[AuditEvent]:
    content_type = ContentType.objects.get_for_model(model)
    return list(AuditEvent.objects.filter(content_type=content_type, object_id=pk).order_by("pk"))


def _decide(user: User | AnonymousUser | None, status: str = "acknowledged", comment: str = "") -> FindingDecision:
    return services.finding_decide(user=user, country="CF", key=KEY, rule=RULE, status=status, comment=comment)


def test_acknowledging_a_finding_keeps_the_decision_and_audits_it(small_map: SmallMap, member: User) -> None:
    assert KEY in {item.key for item in country_findings(user=member, country="CF").findings}
    decision = _decide(member, comment="  The assembly's committee is being set up.  ")
    assert (decision.country, decision.key, decision.rule, decision.status) == ("CF", KEY, RULE, "acknowledged")
    assert decision.comment == "The assembly's committee is being set up."
    assert decision.decided_by == member
    (event,) = _events(FindingDecision, decision.pk)
    assert (event.action, event.user, event.country, event.before) == ("acknowledged", member, "CF", None)
    assert (event.after or {}).get("status") == "acknowledged"
    assert country_findings(user=member, country="CF").decisions[KEY] == decision


def test_a_false_positive_needs_a_reason(small_map: SmallMap, member: User) -> None:
    for comment in ("", "   "):
        with pytest.raises(ValidationError) as error:
            _decide(member, status="false_positive", comment=comment)
        assert set(error.value.message_dict) == {"comment"}
    assert not FindingDecision.objects.exists()
    decision = _decide(member, status="false_positive", comment="The assembly's security committee oversees it.")
    assert decision.status == "false_positive"


def test_changing_a_decision_updates_it_and_audits_before_and_after(small_map: SmallMap, member: User) -> None:
    first = _decide(member)
    second = _decide(member, status="false_positive", comment="Wrong: the police is overseen.")
    assert first.pk == second.pk
    assert FindingDecision.objects.count() == 1
    events = _events(FindingDecision, first.pk)
    assert [event.action for event in events] == ["acknowledged", "false_positive"]
    assert (events[1].before or {}).get("status") == "acknowledged"
    assert (events[1].after or {}).get("comment") == "Wrong: the police is overseen."


def test_decisions_refuse_unknown_statuses_rules_and_keys(small_map: SmallMap, member: User) -> None:
    with pytest.raises(ValidationError) as error:
        _decide(member, status="ignored")
    assert set(error.value.message_dict) == {"status"}
    for rule, key in (("no-such-rule", "no-such-rule:POL"), (RULE, "civilian-chain:POL")):
        with pytest.raises(ValidationError) as error:
            services.finding_decide(user=member, country="CF", key=key, rule=rule, status="acknowledged", comment="")
        assert set(error.value.message_dict) == {"key"}
    assert not FindingDecision.objects.exists()


def test_reopening_deletes_the_decision_and_audits_it(small_map: SmallMap, member: User) -> None:
    decision = _decide(member, status="false_positive", comment="Overseen by the senate.")
    pk = decision.pk
    services.finding_reopen(user=member, decision=decision)
    assert not FindingDecision.objects.exists()
    events = _events(FindingDecision, pk)
    assert [event.action for event in events] == ["false_positive", "reopen"]
    assert events[-1].after is None
    assert (events[-1].before or {}).get("status") == "false_positive"
    assert KEY not in country_findings(user=member, country="CF").decisions


@pytest.fixture
def people(
    member: User, viewer: User, outsider: User, nobody: User, staff: User, owner: User
) -> dict[str, User | AnonymousUser | None]:
    elsewhere = Organisation.objects.create(name_en="Desk", name_fr="Bureau", acronym="DESK", type="agency")
    return {
        "owner": owner,
        "member": member,
        "viewer": viewer,
        "outsider": outsider,  # an editor of another organisation working on every country
        "limited": make_user("limited", elsewhere, Role.EDITOR, countries=["CD"]),
        "reviewer": make_user("reviewer", Organisation.objects.get(acronym="MEAE"), Role.REVIEWER),
        "nobody": nobody,
        "anonymous": AnonymousUser(),
        "staff": staff,
        "command line": None,
    }


ALLOWED = {"owner", "member", "outsider", "staff", "command line"}
REVIEWS = ALLOWED | {"reviewer"}  # a reviewer decides on findings, but leaves the rules to editors


@pytest.mark.parametrize(
    "person",
    ["owner", "member", "viewer", "outsider", "limited", "reviewer", "nobody", "anonymous", "staff", "command line"],
)
def test_only_editors_working_on_the_country_decide_and_set_parameters(
    small_map: SmallMap, people: dict[str, User | AnonymousUser | None], person: str
) -> None:
    user = people[person]
    if person in ALLOWED:
        decision = _decide(user)
        services.finding_reopen(user=user, decision=decision)
        services.rule_setting_set(user=user, country="CF", rule="border-coordination", parameters={"coastal": True})
        assert RuleSetting.objects.filter(country="CF").count() == 1
        return
    if person in REVIEWS:
        decision = _decide(user)
        assert decision.decided_by == user
        services.finding_reopen(user=user, decision=decision)
        with pytest.raises(PermissionDenied):
            services.rule_setting_set(user=user, country="CF", rule="border-coordination", parameters={"coastal": True})
        assert not FindingDecision.objects.exists()
        assert not RuleSetting.objects.exists()
        return
    with pytest.raises(PermissionDenied):
        _decide(user)
    with pytest.raises(PermissionDenied):
        services.rule_setting_set(user=user, country="CF", rule="border-coordination", parameters={"coastal": True})
    decision = _decide(None)
    with pytest.raises(PermissionDenied):
        services.finding_reopen(user=user, decision=decision)
    assert FindingDecision.objects.count() == 1
    assert not RuleSetting.objects.exists()


# --- Rule parameters -------------------------------------------------------------------------------------------------


def test_rule_parameters_are_saved_audited_and_read_back(small_map: SmallMap, member: User) -> None:
    setting = services.rule_setting_set(
        user=member,
        country="CF",
        rule="civilian-chain",
        parameters={"civilian_kinds": ["ministry_of_interior", "ministry_of_defence", "ministry_of_interior"]},
    )
    assert setting.parameters == {"civilian_kinds": ["ministry_of_defence", "ministry_of_interior"]}
    assert setting.updated_by == member
    values = services.effective_parameters(country="CF", rule="civilian-chain")
    assert values["civilian_kinds"] == ("ministry_of_defence", "ministry_of_interior")
    assert values["subject_kinds"] == RULE_BY_CODE["civilian-chain"].defaults()["subject_kinds"]
    assert (
        services.effective_parameters(country="CD", rule="civilian-chain") == RULE_BY_CODE["civilian-chain"].defaults()
    )
    services.rule_setting_set(user=member, country="CF", rule="civilian-chain", parameters={})
    events = _events(RuleSetting, setting.pk)
    assert [event.action for event in events] == ["create", "update"]
    assert (events[1].before or {}).get("parameters") == {
        "civilian_kinds": ["ministry_of_defence", "ministry_of_interior"]
    }
    assert (events[1].after or {}).get("parameters") == {}


@pytest.mark.parametrize(
    ("rule", "parameters", "field"),
    [
        ("no-such-rule", {}, "rule"),
        ("civilian-chain", {"colour": ["blue"]}, "colour"),
        ("civilian-chain", {"civilian_kinds": ["government", "king"]}, "civilian_kinds"),
        ("civilian-chain", {"civilian_kinds": "government"}, "civilian_kinds"),
        ("civilian-chain", {"civilian_kinds": True}, "civilian_kinds"),
        ("border-coordination", {"coastal": "false"}, "coastal"),
        ("border-coordination", {"coastal": ["coast_guard"]}, "coastal"),
    ],
)
def test_rule_parameters_are_validated_naming_the_field(
    small_map: SmallMap, member: User, rule: str, parameters: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.rule_setting_set(user=member, country="CF", rule=rule, parameters=parameters)
    assert set(error.value.message_dict) == {field}
    assert not RuleSetting.objects.exists()
    assert not AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(RuleSetting)).exists()


def test_rule_parameters_change_the_findings(small_map: SmallMap, member: User) -> None:
    def keys() -> set[str]:
        return {item.key for item in country_findings(user=member, country="CF").findings}

    assert "civilian-chain:FACA" not in keys()  # the presidency commands the army
    services.rule_setting_set(
        user=member, country="CF", rule="civilian-chain", parameters={"civilian_kinds": ["ministry_of_interior"]}
    )
    assert "civilian-chain:FACA" in keys()
    assert "civilian-chain:POL" not in keys()
    assert "border-coordination::coast_guard" not in keys()
    services.rule_setting_set(user=member, country="CF", rule="border-coordination", parameters={"coastal": True})
    assert "border-coordination::coast_guard" in keys()
    services.rule_setting_set(user=member, country="CF", rule="civilian-chain", parameters={})
    assert "civilian-chain:FACA" not in keys()


# --- Several findings at once ----------------------------------------------------------------------------------------


def _open_findings(user: User) -> list[tuple[str, str]]:
    return [(item.key, item.rule) for item in country_findings(user=user, country="CF").findings]


def test_several_findings_are_decided_at_once_with_one_comment_each_audited(small_map: SmallMap, member: User) -> None:
    chosen = _open_findings(member)[:3]
    assert len(chosen) == 3
    _decide(member)  # one of them may already have a decision: it is changed, with its before and after
    decisions = services.findings_decide(
        user=member, country="CF", findings=[*chosen, chosen[0]], status="false_positive", comment=" Seen on site. "
    )
    assert [decision.key for decision in decisions] == [key for key, _rule in chosen]  # a key given twice: once
    assert {(d.status, d.comment, d.decided_by) for d in decisions} == {("false_positive", "Seen on site.", member)}
    assert FindingDecision.objects.filter(country="CF").count() == len({*[key for key, _rule in chosen], KEY})
    for decision in decisions:
        actions = [event.action for event in _events(FindingDecision, decision.pk)]
        assert actions[-1] == "false_positive"
        assert all(event.user == member for event in _events(FindingDecision, decision.pk))


def test_several_findings_are_all_decided_or_none(small_map: SmallMap, member: User) -> None:
    chosen = _open_findings(member)[:2]
    for findings, field in (
        ([*chosen, ("parliamentary-oversight:XX", "no-such-rule")], "key"),
        ([*chosen, ("civilian-chain:POL", "parliamentary-oversight")], "key"),  # a key that is not the rule's
        ([], "keys"),
    ):
        with pytest.raises(ValidationError) as error:
            services.findings_decide(user=member, country="CF", findings=findings, status="acknowledged", comment="")
        assert set(error.value.message_dict) == {field}
    with pytest.raises(ValidationError) as error:
        services.findings_decide(user=member, country="CF", findings=chosen, status="false_positive", comment=" ")
    assert set(error.value.message_dict) == {"comment"}
    with pytest.raises(ValidationError):
        services.findings_decide(
            user=member, country="CF", findings=[("a:b", "a")] * 0 + [(f"civilian-chain:{n}", "civilian-chain")
                                                                      for n in range(1001)],
            status="acknowledged", comment="",
        )  # fmt: skip
    assert not FindingDecision.objects.exists()
    assert not AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(FindingDecision)).exists()


@pytest.mark.parametrize(
    ("person", "decides"),
    [("owner", True), ("member", True), ("reviewer", True), ("viewer", False), ("outsider", True),
     ("limited", False), ("nobody", False), ("anonymous", False), ("staff", True), ("command line", True)],
)  # fmt: skip
def test_who_decides_on_several_findings(
    small_map: SmallMap, people: dict[str, User | AnonymousUser | None], person: str, decides: bool
) -> None:
    user = people[person]
    chosen = [(KEY, RULE)]
    if decides:
        (decision,) = services.findings_decide(
            user=user, country="CF", findings=chosen, status="acknowledged", comment=""
        )
        assert decision.decided_by == (user if isinstance(user, User) else None)
        return
    with pytest.raises(PermissionDenied):
        services.findings_decide(user=user, country="CF", findings=chosen, status="acknowledged", comment="")
    assert not FindingDecision.objects.exists()


def _decide_many(user: User, count: int, *, already: int) -> tuple[int, list[FindingDecision]]:
    """Decide `count` findings at once, `already` of them decided before; answer the queries it made."""
    chosen = [(f"legal-basis:UNIT{count:03d}-{number:03d}:mandate", "legal-basis") for number in range(count)]
    services.findings_decide(user=user, country="CF", findings=chosen[:already], status="acknowledged", comment="")
    with CaptureQueriesContext(connection) as queries:
        decisions = services.findings_decide(
            user=user, country="CF", findings=chosen, status="false_positive", comment="Checked on site."
        )
    assert [decision.key for decision in decisions] == [key for key, _rule in chosen]
    return len(queries), decisions


def test_deciding_many_findings_makes_as_many_queries_as_deciding_a_few(small_map: SmallMap, member: User) -> None:
    few, _decisions = _decide_many(member, 5, already=2)
    many, decisions = _decide_many(member, 60, already=25)
    assert many == few
    stored = {decision.key: decision for decision in FindingDecision.objects.filter(key__contains="UNIT060")}
    assert len(stored) == 60
    assert {(d.status, d.comment, d.decided_by) for d in stored.values()} == {
        ("false_positive", "Checked on site.", member)
    }
    assert [decision.pk for decision in decisions] == [stored[decision.key].pk for decision in decisions]
    events = {
        event.object_id: event
        for event in AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(FindingDecision), action="false_positive"
        )
    }
    assert {events[decision.pk].user for decision in decisions} == {member}
    # Those decided before keep their earlier state in the log; the others had none.
    befores = [events[decision.pk].before for decision in decisions]
    assert [(before or {}).get("status") for before in befores] == ["acknowledged"] * 25 + [None] * 35
    assert {(events[decision.pk].after or {}).get("comment") for decision in decisions} == {"Checked on site."}

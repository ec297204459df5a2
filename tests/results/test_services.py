"""The results framework's services: who may write, what they check, the review of reported values, the log."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from egide.accounts.models import Confidentiality, Organisation, Role
from egide.accounts.selectors import may_review_results
from egide.actors.models import Actor
from egide.audit.models import Action, AuditEvent
from egide.programmes.models import Programme
from egide.results import selectors, services
from egide.results.data import IndicatorData, PeriodData, ResultData, UpdateData
from egide.results.disaggregations import Part
from egide.results.models import Disaggregation, Indicator, Period, Result, Update, UpdateStatus
from tests.conftest import make_user
from tests.results.conftest import submit

pytestmark = pytest.mark.django_db


# --- who reviews ------------------------------------------------------------------------------------------------------


def test_reviewers_and_administrators_of_the_owner_review(
    programme: Programme, reviewer: User, owner: User, member: User, outsider: User, nobody: User, staff: User
) -> None:
    assert may_review_results(user=reviewer, record=programme)
    assert may_review_results(user=owner, record=programme)  # an administrator
    assert may_review_results(user=staff, record=programme)
    assert not may_review_results(user=member, record=programme)  # an editor submits, does not approve
    assert not may_review_results(user=outsider, record=programme)
    assert not may_review_results(user=nobody, record=programme)


def test_an_editor_of_an_organisation_it_is_shared_with_edits_but_never_reviews(
    programme: Programme, shared_editor: User, other_organisation: Organisation
) -> None:
    from egide.programmes.selectors import programme_editable

    assert programme_editable(user=shared_editor, programme=programme)
    assert not may_review_results(user=shared_editor, record=programme)
    shared_reviewer = make_user("partner-reviewer", other_organisation, Role.REVIEWER)
    assert not may_review_results(user=shared_reviewer, record=programme)


def test_a_reviewer_limited_to_other_countries_does_not_review(
    programme: Programme, organisation: Organisation
) -> None:
    elsewhere = make_user("elsewhere", organisation, Role.REVIEWER, countries=["ML"])
    here = make_user("here", organisation, Role.REVIEWER, countries=["CF"])
    assert not may_review_results(user=elsewhere, record=programme)
    assert may_review_results(user=here, record=programme)


# --- results, indicators, periods ---------------------------------------------------------------------------------


def test_editors_build_the_framework_and_each_step_is_logged(programme: Programme, member: User) -> None:
    result = services.result_create(user=member, programme=programme, data=ResultData(title_en="Police trained"))
    second = services.result_create(user=member, programme=programme, data=ResultData(title_en="Courts", type="3"))
    assert (result.order, second.order) == (1, 2)
    indicator = services.indicator_create(
        user=member, result=result, data=IndicatorData(title_en="Officers", measure="2", ascending=False)
    )
    period = services.period_create(
        user=member,
        indicator=indicator,
        data=PeriodData(
            start=datetime.date(2020, 1, 1),
            end=datetime.date(2020, 12, 31),
            target_value=Decimal(30),
            target_disaggregations=(Part("sex", "female", Decimal(10)), Part("sex", "male", Decimal(20))),
        ),
    )
    assert [str(part) for part in period.target_disaggregations.all()] == ["sex / female: 10", "sex / male: 20"]
    events = AuditEvent.objects.filter(user=member, action=Action.CREATE)
    assert events.count() == 4
    assert events.get(object_id=period.pk, content_type__model="period").after["target_disaggregations"] == [
        "sex / female: 10",
        "sex / male: 20",
    ]
    result_id = result.pk
    services.result_delete(user=member, result=result)
    assert not Indicator.objects.exists()
    assert not Disaggregation.objects.exists()
    assert AuditEvent.objects.filter(action=Action.DELETE, object_id=result_id, content_type__model="result").exists()


@pytest.mark.parametrize("who", ["viewer", "outsider", "nobody", "reviewer"])
def test_others_may_not_change_the_framework(
    programme: Programme, result: Result, who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.result_create(user=user, programme=programme, data=ResultData(title_en="x"))
    with pytest.raises(PermissionDenied):
        services.result_update(user=user, result=result, data=ResultData(title_en="x"))
    with pytest.raises(PermissionDenied):
        services.indicator_create(user=user, result=result, data=IndicatorData(title_en="x"))
    assert Result.objects.get().title_en == "Courts work"


def test_an_editor_of_a_shared_programme_builds_its_framework(programme: Programme, shared_editor: User) -> None:
    result = services.result_create(user=shared_editor, programme=programme, data=ResultData(title_en="Shared"))
    assert result.programme == programme


def test_bad_values_are_refused_by_field(result: Result, indicator: Indicator) -> None:
    with pytest.raises(ValidationError) as caught:
        services.result_create(user=None, programme=result.programme, data=ResultData(title_en=" ", type="7"))
    assert set(caught.value.message_dict) == {"title_en", "type"}
    with pytest.raises(ValidationError) as caught:
        services.indicator_create(
            user=None, result=result, data=IndicatorData(title_en="x", measure="2", baseline_value=Decimal(140))
        )
    assert "baseline_value" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.period_create(
            user=None,
            indicator=indicator,
            data=PeriodData(start=datetime.date(2020, 2, 1), end=datetime.date(2020, 1, 1)),
        )
    assert caught.value.message_dict == {"end": ["The period ends before it starts."]}
    assert not Period.objects.exists()


def test_an_indicator_links_only_an_actor_the_user_sees(
    result: Result, member: User, outsider: User, make_actor: object, other_organisation: Organisation
) -> None:
    hidden = Actor.objects.create(
        country="CF",
        kind="police",
        name_en="Hidden unit",
        owner=other_organisation,
        confidentiality=Confidentiality.ORGANISATION,
    )
    with pytest.raises(ValidationError) as caught:
        services.indicator_create(user=member, result=result, data=IndicatorData(title_en="x", actor_id=hidden.pk))
    assert "actor" in caught.value.message_dict
    visible = make_actor(name="National Police")  # type: ignore[operator]
    linked = services.indicator_create(
        user=member, result=result, data=IndicatorData(title_en="x", actor_id=visible.pk)
    )
    assert linked.actor == visible
    assert list(selectors.actor_indicators(user=member, actor=visible)) == [linked]
    assert list(selectors.actor_indicators(user=outsider, actor=visible)) == []


# --- reporting and review ---------------------------------------------------------------------------------------------


def test_the_review_cycle(period: Period, member: User, reviewer: User) -> None:
    update = submit(member, period, "40")
    assert update.status == UpdateStatus.SUBMITTED
    assert update.submitted_by == member
    returned = services.update_return(user=reviewer, update=update, reason="The attendance sheets are missing.")
    assert returned.status == UpdateStatus.RETURNED
    assert returned.reviewed_by == reviewer
    corrected = services.update_change(
        user=member,
        update=returned,
        data=UpdateData(value=Decimal(38), value_date=datetime.date(2020, 6, 1), comment="Sheets attached"),
    )
    assert corrected.status == UpdateStatus.SUBMITTED
    assert corrected.reviewed_by is None
    approved = services.update_approve(user=reviewer, update=corrected)
    assert approved.status == UpdateStatus.APPROVED
    assert approved.return_reason == ""
    verbs = list(
        AuditEvent.objects.filter(object_id=update.pk, content_type__model="update")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert verbs == [Action.SUBMIT, Action.RETURN, Action.SUBMIT, Action.APPROVE]
    with pytest.raises(ValidationError):
        services.update_change(
            user=member, update=approved, data=UpdateData(value=Decimal(1), value_date=datetime.date(2020, 6, 1))
        )
    with pytest.raises(ValidationError):
        services.update_delete(user=member, update=approved)


def test_nobody_approves_their_own_value(period: Period, owner: User) -> None:
    update = submit(owner, period, "40")  # an administrator both edits and reviews
    with pytest.raises(PermissionDenied):
        services.update_approve(user=owner, update=update)
    assert Update.objects.get().status == UpdateStatus.SUBMITTED


@pytest.mark.parametrize("who", ["member", "outsider", "shared_editor", "viewer"])
def test_only_the_owners_reviewers_approve(
    period: Period, staff: User, who: str, request: pytest.FixtureRequest
) -> None:
    update = submit(staff, period, "40")
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.update_approve(user=user, update=update)
    with pytest.raises(PermissionDenied):
        services.update_return(user=user, update=update, reason="no")


def test_a_return_needs_a_reason_and_a_draft_is_not_reviewed(period: Period, member: User, reviewer: User) -> None:
    update = submit(member, period, "40")
    with pytest.raises(ValidationError):
        services.update_return(user=reviewer, update=update, reason="  ")
    draft = services.update_create(
        user=member,
        period=period,
        data=UpdateData(value=Decimal(2), value_date=datetime.date(2020, 7, 1)),
        submit=False,
    )
    assert draft.status == UpdateStatus.DRAFT
    with pytest.raises(ValidationError):
        services.update_approve(user=reviewer, update=draft)
    submitted = services.update_submit(user=member, update=draft)
    assert submitted.status == UpdateStatus.SUBMITTED


def test_a_value_is_checked_against_its_indicator_and_period(period: Period, member: User, result: Result) -> None:
    with pytest.raises(ValidationError) as caught:
        services.update_create(
            user=member,
            period=period,
            data=UpdateData(value=None, value_date=datetime.date(2021, 1, 1), evidence_link="ftp://x"),
        )
    assert set(caught.value.message_dict) == {"value", "value_date", "evidence_link"}
    quality = services.indicator_create(user=None, result=result, data=IndicatorData(title_en="Law", measure="5"))
    span = services.period_create(
        user=None, indicator=quality, data=PeriodData(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31))
    )
    with pytest.raises(ValidationError) as caught:
        services.update_create(
            user=member, period=span, data=UpdateData(value=Decimal(1), value_date=datetime.date(2020, 1, 1))
        )
    assert set(caught.value.message_dict) == {"value", "text"}
    kept = services.update_create(
        user=member, period=span, data=UpdateData(text="Tabled", value_date=datetime.date(2020, 1, 1))
    )
    assert kept.text == "Tabled"


def test_evidence_documents_are_checked_by_type_content_and_size(
    period: Period, member: User, settings: object
) -> None:
    day = datetime.date(2020, 6, 1)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError) as caught:
        services.update_create(
            user=member, period=period, data=UpdateData(value=Decimal(1), value_date=day), document=fake
        )
    assert caught.value.message_dict["evidence_document"] == ["The document's content is not a PDF file."]
    script = SimpleUploadedFile("report.exe", b"MZ")
    with pytest.raises(ValidationError):
        services.update_create(
            user=member, period=period, data=UpdateData(value=Decimal(1), value_date=day), document=script
        )
    settings.EGIDE_DOCUMENT_MAX_BYTES = 10  # type: ignore[attr-defined]
    large = SimpleUploadedFile("report.pdf", b"%PDF-1.7" + b"x" * 20)
    with pytest.raises(ValidationError):
        services.update_create(
            user=member, period=period, data=UpdateData(value=Decimal(1), value_date=day), document=large
        )
    settings.EGIDE_DOCUMENT_MAX_BYTES = 2**20  # type: ignore[attr-defined]
    good = SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%...")
    update = services.update_create(
        user=member, period=period, data=UpdateData(value=Decimal(1), value_date=day), document=good
    )
    assert update.evidence_document.name.endswith(".pdf")


def test_only_approved_values_count(period: Period, member: User, reviewer: User, staff: User) -> None:
    first = submit(member, period, "60")
    submit(member, period, "45", day=2)  # waits for review
    services.update_approve(user=reviewer, update=first)
    framework = selectors.programme_framework(
        user=staff, programme=period.indicator.result.programme, today=datetime.date(2021, 1, 1)
    )
    (shown,) = framework.results[0].indicators[0].periods
    assert shown.progress.actual == Decimal(60)
    assert shown.progress.percent == 50
    assert [update.value for update in shown.waiting] == [Decimal(45)]
    assert [update.value for update in framework.queue] == [Decimal(45)]

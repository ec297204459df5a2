"""Loading frameworks, answering, and the review workflow, with owner / member / outsider and each role."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from egide.accounts.models import Confidentiality, Organisation
from egide.assessments import services
from egide.assessments.frameworks import FrameworkFaults
from egide.assessments.models import Answer, AnswerState, Assessment, Framework, FrameworkVersion, Question, Status
from egide.assessments.selectors import assessments_visible, scorecard
from egide.audit.models import Action, AuditEvent
from tests.assessments.helpers import SMALL, as_yaml, small_document


def question(assessment: Assessment, code: str) -> Question:
    return Question.objects.get(version=assessment.framework_version, code=code)


def answer(user: User | None, assessment: Assessment, code: str, value: int | str, **fields: str) -> Answer:
    if isinstance(value, str):
        data = services.AnswerData(state=value, **fields)
    else:
        data = services.AnswerData(value=Decimal(value), **fields)
    return services.answer_save(user=user, assessment=assessment, question=question(assessment, code), data=data)


def test_loading_stores_the_version_its_rows_and_an_audit_event(small_version: FrameworkVersion) -> None:
    assert small_version.framework.identifier == "small-review"
    assert list(small_version.sections.values_list("code", "weight")) == [("justice", 2), ("oversight", 1)]
    assert list(small_version.questions.values_list("code", "order", "not_applicable_allowed")) == [
        ("J1", 1, False),
        ("J2", 2, True),
        ("O1", 3, False),
        ("O2", 4, True),
    ]
    assert Question.objects.get(code="J1").rules == ["judicial-independence"]
    assert small_version.definition.scale.maximum == 3
    assert AuditEvent.objects.filter(action=Action.IMPORT, object_id=small_version.pk).exists()


def test_loading_the_same_file_again_changes_nothing(small_version: FrameworkVersion) -> None:
    again = services.framework_load(user=None, content=SMALL.read_bytes())
    assert (again.created, again.version) == (False, small_version)
    assert FrameworkVersion.objects.count() == 1


def test_a_loaded_version_never_changes(small_version: FrameworkVersion) -> None:
    document = small_document()
    document["title"]["en"] = "Changed"
    with pytest.raises(FrameworkFaults) as refused:
        services.framework_load(user=None, content=as_yaml(document))
    assert refused.value.faults[0].path == "version"
    small_version.refresh_from_db()
    assert small_version.title_en == "Small review"


def test_a_file_with_faults_writes_nothing(db: None) -> None:
    document = small_document()
    document["sections"][0]["area"] = "space"
    with pytest.raises(FrameworkFaults):
        services.framework_load(user=None, content=as_yaml(document))
    assert not Framework.objects.exists()
    assert not Question.objects.exists()


def test_a_new_version_leaves_assessments_on_the_older_one(assessment: Assessment) -> None:
    answer(None, assessment, "J1", 3)
    document = small_document()
    document["version"] = "2.0"
    document["sections"][0]["questions"][0]["text"]["en"] = "A new wording"
    newer = services.framework_load(user=None, content=as_yaml(document)).version
    assessment.refresh_from_db()
    assert assessment.framework_version != newer
    assert assessment.answers.get().question.text_en == "Are judges appointed independently?"
    assert Framework.objects.get().versions.count() == 2


def test_who_may_load_a_framework(member: User, viewer: User, nobody: User) -> None:
    assert services.framework_load(user=member, content=SMALL.read_bytes()).created
    for user in (viewer, nobody):
        with pytest.raises(PermissionDenied):
            services.framework_load(user=user, content=SMALL.read_bytes())


def test_creating_needs_an_editor_of_the_owner(
    small_version: FrameworkVersion, organisation: Organisation, member: User, outsider: User, viewer: User
) -> None:
    data = services.AssessmentData(
        country="CF", framework_version=small_version, as_of=date(2024, 1, 1), owner=organisation
    )
    created = services.assessment_create(user=member, data=data)
    assert (created.status, created.created_by) == (Status.DRAFT, member)
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=created.pk, organisation=organisation).exists()
    for user in (outsider, viewer):
        with pytest.raises(PermissionDenied):
            services.assessment_create(user=user, data=data)


def test_creating_checks_the_country_and_the_scope(
    small_version: FrameworkVersion, organisation: Organisation, make_actor, member: User
) -> None:
    police = make_actor(country="ML", kind="police")
    data = services.AssessmentData(
        country="CF", framework_version=small_version, as_of=date(2024, 1, 1), owner=organisation, actors=(police,)
    )
    with pytest.raises(ValidationError) as refused:
        services.assessment_create(user=member, data=data)
    assert "actors" in refused.value.message_dict


def test_answers_are_checked_against_the_scale_and_the_question(assessment: Assessment, member: User) -> None:
    saved = answer(member, assessment, "J1", 2, justification="Judges are appointed by a council.", source="Law 12")
    assert (saved.state, saved.value, saved.answered_by) == (AnswerState.ANSWERED, Decimal(2), member)
    changed = answer(member, assessment, "J1", 3)
    assert changed.pk == saved.pk
    with pytest.raises(ValidationError) as refused:
        answer(member, assessment, "J1", 7)
    assert "value" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        answer(member, assessment, "O1", AnswerState.NOT_APPLICABLE, justification="No parliament")
    assert "state" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        answer(member, assessment, "O2", AnswerState.NOT_APPLICABLE)
    assert "justification" in refused.value.message_dict
    answer(member, assessment, "O2", AnswerState.NOT_APPLICABLE, justification="No ombudsman is foreseen.")
    answer(member, assessment, "O1", AnswerState.INSUFFICIENT_EVIDENCE)
    events = AuditEvent.objects.filter(action=Action.UPDATE, object_id=assessment.pk)
    assert events.count() == 4
    assert events.order_by("id").last().after["question"] == "O1"


def test_a_question_of_another_version_is_refused(assessment: Assessment, member: User) -> None:
    document = small_document()
    document["version"] = "2.0"
    newer = services.framework_load(user=None, content=as_yaml(document)).version
    with pytest.raises(ValidationError):
        services.answer_save(
            user=member,
            assessment=assessment,
            question=newer.questions.get(code="J1"),
            data=services.AnswerData(value=Decimal(1)),
        )


def test_who_may_answer(
    assessment: Assessment, owner: User, member: User, viewer: User, outsider: User, reviewer: User
) -> None:
    answer(owner, assessment, "J1", 1)
    answer(member, assessment, "J1", 2)
    for user in (viewer, outsider, reviewer):
        with pytest.raises(PermissionDenied):
            answer(user, assessment, "J1", 3)
    assert assessment.answers.get().value == 2


def test_the_workflow_with_each_role(
    assessment: Assessment, member: User, reviewer: User, outsider: User, viewer: User
) -> None:
    answer(member, assessment, "J1", 3)
    for user in (viewer, outsider, reviewer):
        with pytest.raises(PermissionDenied):
            services.assessment_submit(user=user, assessment=assessment)
    services.assessment_submit(user=member, assessment=assessment)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_by) == (Status.IN_REVIEW, member)
    with pytest.raises(ValidationError):
        answer(member, assessment, "J1", 1)
    # Editors submit; reviewers decide; another organisation never does.
    for user in (member, outsider, viewer):
        with pytest.raises(PermissionDenied):
            services.assessment_approve(user=user, assessment=assessment)
        with pytest.raises(PermissionDenied):
            services.assessment_return(user=user, assessment=assessment, comment="No")
    with pytest.raises(ValidationError):
        services.assessment_return(user=reviewer, assessment=assessment, comment="  ")
    services.assessment_return(user=reviewer, assessment=assessment, comment="Cite the law for J1.")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.review_comment, assessment.reviewed_by) == (
        Status.DRAFT,
        "Cite the law for J1.",
        reviewer,
    )
    answer(member, assessment, "J1", 3, source="Law 2019-12")
    services.assessment_submit(user=member, assessment=assessment)
    services.assessment_approve(user=reviewer, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == Status.PUBLISHED
    assert assessment.published_at is not None
    events = AuditEvent.objects.filter(content_type__model="assessment", object_id=assessment.pk).order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert [action for action in actions if action != Action.UPDATE] == [
        Action.CREATE,
        Action.SUBMIT,
        Action.RETURN,
        Action.SUBMIT,
        Action.APPROVE,
    ]


def test_publishing_freezes_and_a_correction_is_a_new_draft(
    assessment: Assessment, member: User, reviewer: User, outsider: User
) -> None:
    answer(member, assessment, "J1", 3)
    answer(member, assessment, "O2", AnswerState.NOT_APPLICABLE, justification="None foreseen")
    services.assessment_submit(user=member, assessment=assessment)
    services.assessment_approve(user=reviewer, assessment=assessment)
    with pytest.raises(ValidationError):
        answer(member, assessment, "J1", 0)
    with pytest.raises(ValidationError):
        services.assessment_submit(user=member, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.assessment_correct(user=outsider, assessment=assessment)
    correction = services.assessment_correct(user=member, assessment=assessment)
    assert (correction.status, correction.previous, correction.owner) == (Status.DRAFT, assessment, assessment.owner)
    assert sorted(correction.answers.values_list("question__code", "state")) == [
        ("J1", AnswerState.ANSWERED),
        ("O2", AnswerState.NOT_APPLICABLE),
    ]
    answer(member, correction, "J1", 0)
    assert assessment.answers.get(question__code="J1").value == 3
    with pytest.raises(ValidationError):
        services.assessment_correct(user=member, assessment=assessment)


def test_the_scorecard_reads_the_answers(assessment: Assessment) -> None:
    answer(None, assessment, "J1", 3)
    answer(None, assessment, "J2", 0)
    answer(None, assessment, "O1", AnswerState.INSUFFICIENT_EVIDENCE)
    card = scorecard(assessment)
    # J1 100 (weight 1), J2 0 (weight 0.5): justice (1 * 100 + 0.5 * 0) / 1.5; oversight has no score.
    assert card.section("justice").score == pytest.approx(200 / 3)
    assert card.section("oversight").score is None
    assert card.score == pytest.approx(200 / 3)
    assert card.band is not None
    assert card.band.code == "B"
    assert (card.answered, card.applicable) == (2, 4)


def test_visibility_follows_the_confidentiality(assessment: Assessment, member: User, outsider: User) -> None:
    assert list(assessments_visible(user=member)) == [assessment]
    assert list(assessments_visible(user=outsider)) == []
    assessment.confidentiality = Confidentiality.PUBLIC
    assessment.save()
    assert list(assessments_visible(user=outsider)) == [assessment]

"""Every write to a programme's results framework, and the review of the values reported on it.

Results, indicators and periods are changed by whoever may change the programme (programme_editable). A value is
reported by the same people, as a draft or submitted at once; a reviewer or administrator of the programme's owner
organisation (accounts.selectors.may_review_results) approves it or returns it with a reason; a returned value is
corrected and submitted again. Nobody approves a value they submitted themselves: a second pair of eyes is the point
of the review (the platform itself, user None, is exempt: the demo and the command line load reviewed figures).
An approved value is final: it is neither changed nor deleted, only a new value supersedes it.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.accounts.selectors import may_review_results
from egide.actors.selectors import actors_visible
from egide.assessments.models import Assessment, Section
from egide.assessments.models import Framework as AssessmentFramework
from egide.assessments.models import Status as AssessmentStatus
from egide.assessments.selectors import assessments_visible
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core import iati_codes
from egide.core.users import Caller, author
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_editable
from egide.results import evidence
from egide.results.data import IndicatorData, PeriodData, ResultData, UpdateData
from egide.results.disaggregations import Part
from egide.results.models import (
    PERCENTAGE,
    QUALITATIVE,
    AssessmentSource,
    Disaggregation,
    Indicator,
    Period,
    Result,
    Update,
    UpdateStatus,
)

LIMIT = Decimal(10) ** 12
REVIEWABLE = (UpdateStatus.SUBMITTED,)
CHANGEABLE = (UpdateStatus.DRAFT, UpdateStatus.RETURNED, UpdateStatus.SUBMITTED)


def _require_edit(user: Caller, programme: Programme) -> None:
    if not programme_editable(user=user, programme=programme):
        raise PermissionDenied(_("You may not change this programme's results."))


def _require_review(user: Caller, programme: Programme) -> None:
    if not may_review_results(user=user, record=programme):
        raise PermissionDenied(
            _("Only reviewers and administrators of the programme's owner organisation may review its values.")
        )


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_amount(errors: dict[str, list[str]], name: str, value: Decimal | None) -> None:
    if value is not None and (not value.is_finite() or abs(value) >= LIMIT):
        errors.setdefault(name, []).append(_("Enter a number below a thousand billion."))


def _check_texts(errors: dict[str, list[str]], title_en: str, title_fr: str) -> None:
    if not title_en.strip():
        errors.setdefault("title_en", []).append(_("Give a title in English."))
    for name, text in (("title_en", title_en), ("title_fr", title_fr)):
        if len(text) > 500:
            errors.setdefault(name, []).append(_("A title has at most 500 characters."))


def _next_order(existing: Iterable[int | None]) -> int:
    return max((order or 0 for order in existing), default=0) + 1


# --- results ------------------------------------------------------------------------------------------------------


def _apply_result(result: Result, data: ResultData) -> None:
    errors: dict[str, list[str]] = {}
    _check_texts(errors, data.title_en, data.title_fr)
    if data.type not in iati_codes.RESULT_TYPE_BY_CODE:
        errors["type"] = [_("Choose output, outcome, impact or other.")]
    _raise(errors)
    result.type = data.type
    result.title_en, result.title_fr = data.title_en.strip(), data.title_fr.strip()
    result.description_en, result.description_fr = data.description_en.strip(), data.description_fr.strip()
    if data.order is not None:
        result.order = data.order


@transaction.atomic
def result_create(*, user: Caller, programme: Programme, data: ResultData) -> Result:
    _require_edit(user, programme)
    result = Result(programme=programme, created_by=author(user), updated_by=author(user))
    _apply_result(result, data)
    if data.order is None:
        result.order = _next_order(programme.results.values_list("order", flat=True))
    result.save()
    audit_record(user=user, action=Action.CREATE, instance=result, before=None, after=snapshot(result))
    return result


@transaction.atomic
def result_update(*, user: Caller, result: Result, data: ResultData) -> Result:
    _require_edit(user, result.programme)
    before = snapshot(result)
    _apply_result(result, data)
    result.updated_by = author(user)
    result.save()
    audit_record(user=user, action=Action.UPDATE, instance=result, before=before, after=snapshot(result))
    return result


@transaction.atomic
def result_delete(*, user: Caller, result: Result) -> None:
    """Deletes the result with its indicators, periods and values, approved ones too: the log keeps the result."""
    _require_edit(user, result.programme)
    audit_record(user=user, action=Action.DELETE, instance=result, before=snapshot(result), after=None)
    result.delete()


# --- indicators ---------------------------------------------------------------------------------------------------


def _apply_indicator(user: Caller, indicator: Indicator, data: IndicatorData, *, check_actor: bool = True) -> None:
    errors: dict[str, list[str]] = {}
    _check_texts(errors, data.title_en, data.title_fr)
    if data.measure not in iati_codes.INDICATOR_MEASURE_BY_CODE:
        errors["measure"] = [_("Choose unit, percentage or qualitative.")]
    _check_amount(errors, "baseline_value", data.baseline_value)
    if data.measure == QUALITATIVE and data.baseline_value is not None:
        errors.setdefault("baseline_value", []).append(
            _("A qualitative indicator has no baseline value: describe the baseline in its comment.")
        )
    if data.measure == PERCENTAGE and data.baseline_value is not None and not 0 <= data.baseline_value <= 100:
        errors.setdefault("baseline_value", []).append(_("A percentage lies between 0 and 100."))
    if check_actor and data.actor_id is not None and not actors_visible(user=user).filter(pk=data.actor_id).exists():
        errors["actor"] = [_("No such actor of the map.")]
    _raise(errors)
    indicator.measure, indicator.ascending = data.measure, data.ascending
    indicator.title_en, indicator.title_fr = data.title_en.strip(), data.title_fr.strip()
    indicator.description_en, indicator.description_fr = data.description_en.strip(), data.description_fr.strip()
    indicator.baseline_value, indicator.baseline_date = data.baseline_value, data.baseline_date
    indicator.baseline_comment = data.baseline_comment.strip()
    indicator.actor_id = data.actor_id
    if data.order is not None:
        indicator.order = data.order


@transaction.atomic
def indicator_create(*, user: Caller, result: Result, data: IndicatorData) -> Indicator:
    _require_edit(user, result.programme)
    indicator = Indicator(result=result, created_by=author(user), updated_by=author(user))
    _apply_indicator(user, indicator, data)
    if data.order is None:
        indicator.order = _next_order(result.indicators.values_list("order", flat=True))
    indicator.save()
    audit_record(user=user, action=Action.CREATE, instance=indicator, before=None, after=snapshot(indicator))
    return indicator


@transaction.atomic
def indicator_update(*, user: Caller, indicator: Indicator, data: IndicatorData) -> Indicator:
    _require_edit(user, indicator.result.programme)
    before = snapshot(indicator)
    if data.measure != indicator.measure and Update.objects.filter(period__indicator=indicator).exists():
        raise ValidationError(
            {"measure": [_("Values were reported on this indicator: its measure can no longer change.")]}
        )
    # Keep the actor the user may not see: a form that cannot show it must not remove it. An actor left as it was
    # is not checked again; a new one must be one the user sees.
    if data.actor_id is None and indicator.actor_id is not None and not _sees_actor(user, indicator.actor_id):
        data = dataclasses.replace(data, actor_id=indicator.actor_id)
    _raise(_linked_faults(indicator, data))
    _apply_indicator(user, indicator, data, check_actor=data.actor_id != indicator.actor_id)
    indicator.updated_by = author(user)
    indicator.save()
    audit_record(user=user, action=Action.UPDATE, instance=indicator, before=before, after=snapshot(indicator))
    return indicator


def _sees_actor(user: Caller, actor_id: int) -> bool:
    return actors_visible(user=user).filter(pk=actor_id).exists()


@transaction.atomic
def indicator_delete(*, user: Caller, indicator: Indicator) -> None:
    _require_edit(user, indicator.result.programme)
    audit_record(user=user, action=Action.DELETE, instance=indicator, before=snapshot(indicator), after=None)
    indicator.delete()


# --- periods ------------------------------------------------------------------------------------------------------


def _parts_snapshot(parts: Iterable[Disaggregation]) -> list[str]:
    return [str(part) for part in parts]


def _check_parts(errors: dict[str, list[str]], name: str, parts: Iterable[Part]) -> None:
    seen: set[tuple[str, str]] = set()
    for part in parts:
        key = (part.dimension.casefold(), part.category.casefold())
        if key in seen:
            errors.setdefault(name, []).append(
                _("%(dimension)s / %(category)s is given twice.")
                % {"dimension": part.dimension, "category": part.category}
            )
        seen.add(key)
        if (
            not part.dimension.strip()
            or not part.category.strip()
            or len(part.dimension) > 100
            or len(part.category) > 100
        ):
            errors.setdefault(name, []).append(_("A dimension and a category each need 1 to 100 characters."))
        _check_amount(errors, name, part.value)


def _apply_period(indicator: Indicator, period: Period, data: PeriodData) -> None:
    errors: dict[str, list[str]] = {}
    if data.end < data.start:
        errors["end"] = [_("The period ends before it starts.")]
    _check_amount(errors, "target_value", data.target_value)
    if indicator.qualitative and data.target_value is not None:
        errors["target_value"] = [_("A qualitative indicator has no target value: describe the target in its comment.")]
    if indicator.measure == PERCENTAGE and data.target_value is not None and not 0 <= data.target_value <= 100:
        errors["target_value"] = [_("A percentage lies between 0 and 100.")]
    _check_parts(errors, "target_disaggregations", data.target_disaggregations)
    if period.pk is not None:
        outside = period.updates.exclude(value_date__range=(data.start, data.end)).exists()
        if outside:
            errors.setdefault("start", []).append(
                _("Values were reported on dates outside these dates: the period must still contain them.")
            )
    _raise(errors)
    period.start, period.end = data.start, data.end
    period.target_value, period.target_comment = data.target_value, data.target_comment.strip()


def _replace_parts(*, period: Period | None = None, update: Update | None = None, parts: Iterable[Part]) -> None:
    existing = (
        Disaggregation.objects.filter(period=period)
        if period is not None
        else Disaggregation.objects.filter(update=update)
    )
    existing.delete()
    Disaggregation.objects.bulk_create(
        Disaggregation(
            period=period,
            update=update,
            dimension=part.dimension.strip(),
            category=part.category.strip(),
            value=part.value,
        )
        for part in parts
    )


def _period_snapshot(period: Period) -> dict[str, object]:
    return snapshot(period) | {"target_disaggregations": _parts_snapshot(period.target_disaggregations.all())}


@transaction.atomic
def period_create(*, user: Caller, indicator: Indicator, data: PeriodData) -> Period:
    _require_edit(user, indicator.result.programme)
    period = Period(indicator=indicator, created_by=author(user), updated_by=author(user))
    _apply_period(indicator, period, data)
    period.save()
    _replace_parts(period=period, parts=data.target_disaggregations)
    audit_record(user=user, action=Action.CREATE, instance=period, before=None, after=_period_snapshot(period))
    return period


@transaction.atomic
def period_update(*, user: Caller, period: Period, data: PeriodData) -> Period:
    _require_edit(user, period.indicator.result.programme)
    before = _period_snapshot(period)
    _apply_period(period.indicator, period, data)
    period.updated_by = author(user)
    period.save()
    _replace_parts(period=period, parts=data.target_disaggregations)
    audit_record(user=user, action=Action.UPDATE, instance=period, before=before, after=_period_snapshot(period))
    return period


@transaction.atomic
def period_delete(*, user: Caller, period: Period) -> None:
    _require_edit(user, period.indicator.result.programme)
    audit_record(user=user, action=Action.DELETE, instance=period, before=_period_snapshot(period), after=None)
    period.delete()


# --- updates: reporting a value and its review -----------------------------------------------------------------------


def _programme_of(update: Update) -> Programme:
    return update.period.indicator.result.programme


def _check_document(document: UploadedFile) -> str | None:
    head = document.read(evidence.HEAD_BYTES)
    document.seek(0)
    return evidence.problem(
        name=document.name or "", size=document.size or 0, head=head, max_bytes=settings.EGIDE_DOCUMENT_MAX_BYTES
    )


def _apply_update(update: Update, data: UpdateData, document: UploadedFile | None) -> None:
    period = update.period
    indicator = period.indicator
    errors: dict[str, list[str]] = {}
    if indicator.qualitative:
        if data.value is not None:
            errors["value"] = [_("A qualitative indicator takes a narrative, not a number.")]
        if not data.text.strip():
            errors["text"] = [_("Describe what was observed.")]
    elif data.value is None:
        errors["value"] = [_("Enter the value measured.")]
    _check_amount(errors, "value", data.value)
    if indicator.measure == PERCENTAGE and data.value is not None and not 0 <= data.value <= 100:
        errors.setdefault("value", []).append(_("A percentage lies between 0 and 100."))
    if not period.start <= data.value_date <= period.end:
        errors["value_date"] = [
            _("The value's date must lie within the period, from %(start)s to %(end)s.")
            % {"start": period.start.isoformat(), "end": period.end.isoformat()}
        ]
    if data.evidence_link:
        try:
            URLValidator(schemes=["http", "https"])(data.evidence_link)
        except ValidationError:
            errors["evidence_link"] = [_("Enter a web address starting with http:// or https://.")]
    if document is not None:
        refusal = _check_document(document)
        if refusal:
            errors["evidence_document"] = [refusal]
    _check_parts(errors, "disaggregations", data.disaggregations)
    _raise(errors)
    update.value, update.text, update.value_date = data.value, data.text.strip(), data.value_date
    update.comment, update.evidence_link = data.comment.strip(), data.evidence_link.strip()
    if document is not None:
        update.evidence_document = document


def _update_snapshot(update: Update) -> dict[str, object]:
    return snapshot(update) | {"disaggregations": _parts_snapshot(update.disaggregations.all())}


def _mark_submitted(update: Update, user: Caller) -> None:
    update.status = UpdateStatus.SUBMITTED
    update.submitted_by = author(user)
    update.submitted_at = timezone.now()
    update.reviewed_by, update.reviewed_at = None, None


@transaction.atomic
def update_create(
    *, user: Caller, period: Period, data: UpdateData, document: UploadedFile | None = None, submit: bool = True
) -> Update:
    """Report a value for the period: submitted for review at once, or kept as a draft with `submit=False`."""
    _require_edit(user, period.indicator.result.programme)
    if AssessmentSource.objects.filter(indicator_id=period.indicator_id).exists():
        raise ValidationError(_("This indicator takes its values from assessments: they are not reported by hand."))
    update = Update(period=period, created_by=author(user), updated_by=author(user))
    _apply_update(update, data, document)
    if submit:
        _mark_submitted(update, user)
    update.save()
    _replace_parts(update=update, parts=data.disaggregations)
    audit_record(
        user=user,
        action=Action.SUBMIT if submit else Action.CREATE,
        instance=update,
        before=None,
        after=_update_snapshot(update),
    )
    return update


@transaction.atomic
def update_change(
    *, user: Caller, update: Update, data: UpdateData, document: UploadedFile | None = None, submit: bool = True
) -> Update:
    """Correct a value not yet approved (a draft, a returned one, or one awaiting review), and submit it again."""
    update = Update.objects.select_for_update().select_related("period__indicator__result__programme").get(pk=update.pk)
    _require_edit(user, _programme_of(update))
    if update.status not in CHANGEABLE:
        raise ValidationError(_("An approved value is final: report a new value instead."))
    before = _update_snapshot(update)
    _apply_update(update, data, document)
    if submit:
        _mark_submitted(update, user)
    update.updated_by = author(user)
    update.save()
    _replace_parts(update=update, parts=data.disaggregations)
    audit_record(
        user=user,
        action=Action.SUBMIT if submit else Action.UPDATE,
        instance=update,
        before=before,
        after=_update_snapshot(update),
    )
    return update


@transaction.atomic
def update_submit(*, user: Caller, update: Update) -> Update:
    """Send a draft or a returned value for review, as it stands."""
    update = Update.objects.select_for_update().select_related("period__indicator__result__programme").get(pk=update.pk)
    _require_edit(user, _programme_of(update))
    if update.status not in (UpdateStatus.DRAFT, UpdateStatus.RETURNED):
        raise ValidationError(_("Only a draft or a returned value can be submitted."))
    before = snapshot(update)
    _mark_submitted(update, user)
    update.save()
    audit_record(user=user, action=Action.SUBMIT, instance=update, before=before, after=snapshot(update))
    return update


def _reviewable(user: Caller, update: Update) -> Update:
    update = Update.objects.select_for_update().select_related("period__indicator__result__programme").get(pk=update.pk)
    _require_review(user, _programme_of(update))
    if update.status not in REVIEWABLE:
        raise ValidationError(_("Only a submitted value can be approved or returned."))
    if user is not None and update.submitted_by_id is not None and update.submitted_by_id == getattr(user, "pk", None):
        raise PermissionDenied(_("You submitted this value: someone else must review it."))
    return update


@transaction.atomic
def update_approve(*, user: Caller, update: Update) -> Update:
    """Approve a submitted value: from now on it counts in progress and exports."""
    update = _reviewable(user, update)
    before = snapshot(update)
    update.status = UpdateStatus.APPROVED
    update.reviewed_by, update.reviewed_at, update.return_reason = author(user), timezone.now(), ""
    update.save()
    audit_record(user=user, action=Action.APPROVE, instance=update, before=before, after=snapshot(update))
    return update


@transaction.atomic
def update_return(*, user: Caller, update: Update, reason: str) -> Update:
    """Return a submitted value to its reporters with the reason, for them to correct and submit again."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the value is returned.")]})
    update = _reviewable(user, update)
    before = snapshot(update)
    update.status = UpdateStatus.RETURNED
    update.reviewed_by, update.reviewed_at, update.return_reason = author(user), timezone.now(), reason.strip()
    update.save()
    audit_record(user=user, action=Action.RETURN, instance=update, before=before, after=snapshot(update))
    return update


@transaction.atomic
def update_delete(*, user: Caller, update: Update) -> None:
    """Withdraw a value not yet approved; an approved one is final."""
    _require_edit(user, _programme_of(update))
    if update.status == UpdateStatus.APPROVED:
        raise ValidationError(_("An approved value is final: it cannot be deleted."))
    audit_record(user=user, action=Action.DELETE, instance=update, before=_update_snapshot(update), after=None)
    update.delete()


def approved_record(
    *,
    user: Caller,
    period: Period,
    data: UpdateData,
    status: str,
    return_reason: str = "",
    when: datetime.datetime | None = None,
) -> Update:
    """An update written by an import as it stands in the file (no review step): for egide.results.importer only,
    which decides the status it may keep and audits the import as a whole."""
    update = Update(period=period, created_by=author(user), updated_by=author(user))
    _apply_update(update, data, None)
    moment = when or timezone.now()
    update.status = status
    update.submitted_by, update.submitted_at = author(user), moment
    if status in (UpdateStatus.APPROVED, UpdateStatus.RETURNED):
        update.reviewed_by, update.reviewed_at, update.return_reason = author(user), moment, return_reason
    update.save()
    _replace_parts(update=update, parts=data.disaggregations)
    return update


# --- indicators linked to assessments ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class SourceData:
    framework: AssessmentFramework
    section_code: str = ""
    """Empty for the overall score."""
    baseline_assessment: Assessment | None = None
    """None: the latest published assessment on or before the baseline date."""


def _source_snapshot(source: AssessmentSource | None) -> dict[str, object] | None:
    if source is None:
        return None
    return {
        "framework": source.framework.identifier,
        "section": source.section_code,
        "baseline_assessment": source.baseline_assessment_id,
    }


@transaction.atomic
def indicator_source_set(*, user: Caller, indicator: Indicator, data: SourceData) -> AssessmentSource:
    """Link an indicator to an assessment framework's section score (or overall score) in the programme's country:
    its baseline and actuals are then the scores of the published assessments, and nobody types them. The indicator
    becomes a percentage indicator with no typed baseline value; one with values reported is refused."""
    indicator = Indicator.objects.select_for_update().select_related("result__programme").get(pk=indicator.pk)
    programme = indicator.result.programme
    _require_edit(user, programme)
    errors: dict[str, list[str]] = {}
    code = data.section_code.strip()
    if code and not Section.objects.filter(version__framework=data.framework, code=code).exists():
        errors["section"] = [_("The framework has no section “%(code)s”.") % {"code": code[:64]}]
    chosen = data.baseline_assessment
    if chosen is not None and not (
        assessments_visible(user=user, country=programme.country)
        .filter(
            pk=chosen.pk,
            status=AssessmentStatus.PUBLISHED,
            framework_version__framework=data.framework,
        )
        .exists()
    ):
        errors["baseline_assessment"] = [
            _("Choose a published assessment of this framework in %(country)s that you may see.")
            % {"country": programme.country_name}
        ]
    if Update.objects.filter(period__indicator=indicator).exists():
        errors.setdefault("__all__", []).append(
            _("Values were reported on this indicator: only an indicator without values takes them from assessments.")
        )
    _raise(errors)
    source = AssessmentSource.objects.filter(indicator=indicator).select_related("framework").first()
    before = _source_snapshot(source)
    if source is None:
        source = AssessmentSource(indicator=indicator, created_by=author(user))
    source.framework = data.framework
    source.section_code = code
    source.baseline_assessment = chosen
    source.updated_by = author(user)
    source.save()
    if indicator.measure != PERCENTAGE or indicator.baseline_value is not None:
        indicator.measure, indicator.baseline_value = PERCENTAGE, None
        indicator.updated_by = author(user)
        indicator.save(update_fields=["measure", "baseline_value", "updated_by", "updated_at"])
    audit_record(
        user=user,
        action=Action.UPDATE if before is not None else Action.CREATE,
        instance=source,
        before=before,
        after=_source_snapshot(source),
    )
    return source


@transaction.atomic
def indicator_source_remove(*, user: Caller, indicator: Indicator) -> None:
    """Unlink an indicator from assessments: it keeps its periods and targets, and takes typed values again."""
    _require_edit(user, indicator.result.programme)
    source = AssessmentSource.objects.filter(indicator=indicator).select_related("framework").first()
    if source is None:
        return
    audit_record(user=user, action=Action.DELETE, instance=source, before=_source_snapshot(source), after=None)
    source.delete()


def _linked_faults(indicator: Indicator, data: IndicatorData) -> dict[str, list[str]]:
    """What an indicator linked to assessments may not be given: another measure, a typed baseline value."""
    if not AssessmentSource.objects.filter(indicator=indicator).exists():
        return {}
    errors: dict[str, list[str]] = {}
    if data.measure != PERCENTAGE:
        errors["measure"] = [_("This indicator takes its values from assessments: its scores are percentages.")]
    if data.baseline_value is not None:
        errors["baseline_value"] = [_("This indicator takes its baseline from an assessment: leave the value empty.")]
    return errors

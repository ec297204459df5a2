"""Results frameworks in the API: a programme's results, indicators and periods with their progress, the values
reported on them and their review. The same selectors and services as the pages: a record is visible when its
programme is; changing it needs the right to change the programme, approving or returning a value the owner
organisation's review right. Both are checked before the body is read (egide.api.auth)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.errors import AuthorizationError, HttpError

from egide.accounts.selectors import may_review_results
from egide.api.auth import anywhere, writers
from egide.api.errors import WRITE_ERRORS, answers
from egide.assessments.models import Framework as AssessmentFramework
from egide.assessments.selectors import assessments_visible
from egide.core.users import AnyUser
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_editable, programme_visible, programmes_visible
from egide.results import selectors, services
from egide.results.assessment_sources import Derived, source_of
from egide.results.data import IndicatorData, PeriodData, ResultData, UpdateData
from egide.results.disaggregations import Part
from egide.results.models import Indicator, Period, Result, Update
from egide.results.progress import HUNDRED, Progress
from egide.results.schemas import (
    IndicatorIn,
    IndicatorOut,
    PartIn,
    PeriodIn,
    PeriodOut,
    ProgressOut,
    ResultIn,
    ResultOut,
    ResultsAssessmentSourceIn,
    ResultsAssessmentSourceOut,
    ResultsAssessmentValueOut,
    ReturnIn,
    UpdateIn,
    UpdateOut,
)

router = Router(tags=["results frameworks"])

Finder = Callable[[AnyUser, int], Programme | None]
MISSING = gettext_lazy("No such record.")


def _programme_of_programme(user: AnyUser, pk: int) -> Programme | None:
    return programmes_visible(user=user).filter(pk=pk).first()


def _programme_of_result(user: AnyUser, pk: int) -> Programme | None:
    found = selectors.results_visible(user=user).filter(pk=pk).first()
    return found.programme if found else None


def _programme_of_indicator(user: AnyUser, pk: int) -> Programme | None:
    found = selectors.indicators_visible(user=user).filter(pk=pk).first()
    return found.result.programme if found else None


def _programme_of_period(user: AnyUser, pk: int) -> Programme | None:
    found = selectors.periods_visible(user=user).filter(pk=pk).first()
    return found.indicator.result.programme if found else None


def _programme_of_update(user: AnyUser, pk: int) -> Programme | None:
    found = selectors.updates_visible(user=user).filter(pk=pk).first()
    return found.period.indicator.result.programme if found else None


def _checked(find: Finder, rule: Callable[[AnyUser, Programme], bool], message: Any, *, editing: bool) -> Any:
    """Before the body: the programme the path's record belongs to (404 when hidden), then `rule` (403)."""

    def check(request: HttpRequest, user: AnyUser) -> None:
        if editing:
            anywhere(request, user)
        match = request.resolver_match
        pk = str(match.kwargs.get("pk", "")) if match is not None else ""
        if not pk.isdigit():
            return
        programme = find(user, int(pk))
        if programme is None:
            raise HttpError(404, str(MISSING))
        if not rule(user, programme):
            raise AuthorizationError(message=str(message))

    return writers(check)


def _edits(find: Finder) -> Any:
    return _checked(
        find,
        lambda user, programme: programme_editable(user=user, programme=programme),
        gettext_lazy("You may not change this programme's results."),
        editing=True,
    )


def _reviews(find: Finder) -> Any:
    return _checked(
        find,
        lambda user, programme: may_review_results(user=user, record=programme),
        gettext_lazy("Only reviewers and administrators of the programme's owner organisation may review its values."),
        editing=False,
    )


# --- answers ------------------------------------------------------------------------------------------------------


def _number(value: Decimal | None) -> Decimal | None:
    """A stored value without the trailing zeros of its four decimal places: 80, not 80.0000."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _percent(value: Decimal | None) -> int | None:
    return None if value is None else int((value * HUNDRED).to_integral_value())


def _progress(shown: Progress) -> ProgressOut:
    return ProgressOut(
        actual=_number(shown.actual),
        narrative=shown.narrative,
        percent=shown.percent,
        expected_percent=_percent(shown.expected),
        status=str(shown.status),
    )


def _parts(parts: Any) -> list[dict[str, Any]]:
    return [{"dimension": part.dimension, "category": part.category, "value": _number(part.value)} for part in parts]


def _update_out(update: Update) -> UpdateOut:
    return UpdateOut(
        id=update.pk,
        value_date=update.value_date,
        value=_number(update.value),
        text=update.text,
        comment=update.comment,
        evidence_link=update.evidence_link,
        has_document=bool(update.evidence_document),
        status=update.status,
        submitted_by=update.submitted_by.get_username() if update.submitted_by else "",
        submitted_at=update.submitted_at,
        reviewed_by=update.reviewed_by.get_username() if update.reviewed_by else "",
        reviewed_at=update.reviewed_at,
        return_reason=update.return_reason,
        disaggregations=_parts(update.disaggregations.all()),  # type: ignore[arg-type]
    )


def _indicator_fields(indicator: Indicator, actor: int | None) -> dict[str, Any]:
    names = ("title_en", "title_fr", "description_en", "description_fr", "measure", "ascending")
    return {name: getattr(indicator, name) for name in names} | {
        "baseline_value": _number(indicator.baseline_value),
        "id": indicator.pk,
        "baseline_date": indicator.baseline_date,
        "baseline_comment": indicator.baseline_comment,
        "actor": actor,
        "order": indicator.order,
    }


def _result_fields(result: Result) -> dict[str, Any]:
    names = ("type", "title_en", "title_fr", "description_en", "description_fr", "order")
    return {name: getattr(result, name) for name in names} | {"id": result.pk, "programme": result.programme_id}


def _assessment_value(derived: Derived | None) -> ResultsAssessmentValueOut | None:
    if derived is None:
        return None
    measured = derived.measured
    return ResultsAssessmentValueOut(
        assessment=measured.assessment, as_of=measured.as_of, score=measured.score, coverage=measured.coverage
    )


def _assessment_source(view: selectors.IndicatorView) -> ResultsAssessmentSourceOut | None:
    source = source_of(view.indicator)
    if source is None or view.source is None:
        return None
    return ResultsAssessmentSourceOut(
        framework=source.framework.identifier,
        section=source.section_code or None,
        baseline_assessment=None if view.source.chosen_hidden else source.baseline_assessment_id,
        baseline=_assessment_value(view.source.baseline),
    )


def _framework_out(request: HttpRequest, programme: Programme) -> list[ResultOut]:
    framework = selectors.programme_framework(user=request.user, programme=programme)
    answer = []
    for result_view in framework.results:
        indicators = []
        for indicator_view in result_view.indicators:
            periods = [
                PeriodOut(
                    id=view.period.pk,
                    start=view.period.start,
                    end=view.period.end,
                    target_value=_number(view.period.target_value),
                    target_comment=view.period.target_comment,
                    target_disaggregations=_parts(view.targets),  # type: ignore[arg-type]
                    progress=_progress(view.progress),
                    updates=[_update_out(update) for update in (*view.approved, *view.waiting, *view.others)],
                    assessment_value=_assessment_value(view.derived),
                )
                for view in indicator_view.periods
            ]
            actor = indicator_view.actor.pk if indicator_view.actor is not None else None
            indicators.append(
                IndicatorOut(
                    **_indicator_fields(indicator_view.indicator, actor),
                    progress=_progress(indicator_view.overall),
                    periods=periods,
                    assessment_source=_assessment_source(indicator_view),
                )
            )
        answer.append(ResultOut(**_result_fields(result_view.result), indicators=indicators))
    return answer


# --- operations ---------------------------------------------------------------------------------------------------


@router.get(
    "/programmes/{pk}/results",
    response=answers({200: list[ResultOut]}, 404, 422),
    summary="A programme's results framework with its progress",
)
def list_results(request: HttpRequest, pk: int) -> Any:
    """Results, their indicators and periods, every value reported that you may see and its review status, and the
    progress computed from approved values only."""
    return _framework_out(request, programme_visible(user=request.user, pk=pk))


@router.post(
    "/programmes/{pk}/results",
    response=answers({201: ResultOut}, WRITE_ERRORS),
    summary="Add a result to a programme",
    auth=_edits(_programme_of_programme),
)
def create_result(request: HttpRequest, pk: int, payload: ResultIn) -> Any:
    programme = programme_visible(user=request.user, pk=pk)
    result = services.result_create(user=request.user, programme=programme, data=ResultData(**payload.dict()))
    return Status(201, ResultOut(**_result_fields(result)))


@router.put(
    "/results/{pk}",
    response=answers({200: ResultOut}, WRITE_ERRORS),
    summary="Replace a result",
    auth=_edits(_programme_of_result),
)
def replace_result(request: HttpRequest, pk: int, payload: ResultIn) -> Any:
    result = services.result_update(
        user=request.user, result=selectors.result_get(user=request.user, pk=pk), data=ResultData(**payload.dict())
    )
    return ResultOut(**_result_fields(result))


@router.delete(
    "/results/{pk}",
    response=answers({204: None}, 403, 404, 422),
    summary="Delete a result with its indicators, periods and values",
    auth=_edits(_programme_of_result),
)
def delete_result(request: HttpRequest, pk: int) -> Any:
    services.result_delete(user=request.user, result=selectors.result_get(user=request.user, pk=pk))
    return Status(204, None)


def _indicator_data(payload: IndicatorIn) -> IndicatorData:
    values = payload.dict()
    actor = values.pop("actor")
    return IndicatorData(**values, actor_id=actor)


@router.post(
    "/results/{pk}/indicators",
    response=answers({201: IndicatorOut}, WRITE_ERRORS),
    summary="Add an indicator to a result",
    auth=_edits(_programme_of_result),
)
def create_indicator(request: HttpRequest, pk: int, payload: IndicatorIn) -> Any:
    result = selectors.result_get(user=request.user, pk=pk)
    indicator = services.indicator_create(user=request.user, result=result, data=_indicator_data(payload))
    return Status(201, IndicatorOut(**_indicator_fields(indicator, indicator.actor_id)))


@router.put(
    "/indicators/{pk}",
    response=answers({200: IndicatorOut}, WRITE_ERRORS),
    summary="Replace an indicator",
    auth=_edits(_programme_of_indicator),
)
def replace_indicator(request: HttpRequest, pk: int, payload: IndicatorIn) -> Any:
    indicator = services.indicator_update(
        user=request.user,
        indicator=selectors.indicator_get(user=request.user, pk=pk),
        data=_indicator_data(payload),
    )
    return IndicatorOut(**_indicator_fields(indicator, indicator.actor_id))


@router.delete(
    "/indicators/{pk}",
    response=answers({204: None}, 403, 404, 422),
    summary="Delete an indicator with its periods and values",
    auth=_edits(_programme_of_indicator),
)
def delete_indicator(request: HttpRequest, pk: int) -> Any:
    services.indicator_delete(user=request.user, indicator=selectors.indicator_get(user=request.user, pk=pk))
    return Status(204, None)


def _part_list(parts: list[PartIn]) -> tuple[Part, ...]:
    return tuple(Part(part.dimension, part.category, part.value) for part in parts)


def _period_data(payload: PeriodIn) -> PeriodData:
    return PeriodData(
        start=payload.start,
        end=payload.end,
        target_value=payload.target_value,
        target_comment=payload.target_comment,
        target_disaggregations=_part_list(payload.target_disaggregations),
    )


def _period_out(period: Period) -> PeriodOut:
    return PeriodOut(
        id=period.pk,
        start=period.start,
        end=period.end,
        target_value=_number(period.target_value),
        target_comment=period.target_comment,
        target_disaggregations=_parts(period.target_disaggregations.all()),  # type: ignore[arg-type]
        progress=None,
        updates=[],
        assessment_value=None,
    )


@router.post(
    "/indicators/{pk}/periods",
    response=answers({201: PeriodOut}, WRITE_ERRORS),
    summary="Add a period with its target to an indicator",
    auth=_edits(_programme_of_indicator),
)
def create_period(request: HttpRequest, pk: int, payload: PeriodIn) -> Any:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    period = services.period_create(user=request.user, indicator=indicator, data=_period_data(payload))
    return Status(201, _period_out(period))


@router.put(
    "/periods/{pk}",
    response=answers({200: PeriodOut}, WRITE_ERRORS),
    summary="Replace a period",
    auth=_edits(_programme_of_period),
)
def replace_period(request: HttpRequest, pk: int, payload: PeriodIn) -> Any:
    period = services.period_update(
        user=request.user, period=selectors.period_get(user=request.user, pk=pk), data=_period_data(payload)
    )
    return _period_out(period)


@router.delete(
    "/periods/{pk}",
    response=answers({204: None}, 403, 404, 422),
    summary="Delete a period with its values",
    auth=_edits(_programme_of_period),
)
def delete_period(request: HttpRequest, pk: int) -> Any:
    services.period_delete(user=request.user, period=selectors.period_get(user=request.user, pk=pk))
    return Status(204, None)


def _update_data(payload: UpdateIn) -> UpdateData:
    return UpdateData(
        value_date=payload.value_date,
        value=payload.value,
        text=payload.text,
        comment=payload.comment,
        evidence_link=payload.evidence_link,
        disaggregations=_part_list(payload.disaggregations),
    )


@router.post(
    "/periods/{pk}/updates",
    response=answers({201: UpdateOut}, WRITE_ERRORS),
    summary="Report a value for a period",
    auth=_edits(_programme_of_period),
)
def create_update(request: HttpRequest, pk: int, payload: UpdateIn) -> Any:
    """Submitted for review at once, unless `submit` is false (a draft). It counts once a reviewer approved it."""
    period = selectors.period_get(user=request.user, pk=pk)
    update = services.update_create(user=request.user, period=period, data=_update_data(payload), submit=payload.submit)
    return Status(201, _update_out(update))


@router.put(
    "/updates/{pk}",
    response=answers({200: UpdateOut}, WRITE_ERRORS),
    summary="Correct a value not yet approved",
    auth=_edits(_programme_of_update),
)
def replace_update(request: HttpRequest, pk: int, payload: UpdateIn) -> Any:
    update = services.update_change(
        user=request.user,
        update=selectors.update_get(user=request.user, pk=pk),
        data=_update_data(payload),
        submit=payload.submit,
    )
    return _update_out(update)


@router.post(
    "/updates/{pk}/approve",
    response=answers({200: UpdateOut}, WRITE_ERRORS),
    summary="Approve a submitted value",
    auth=_reviews(_programme_of_update),
)
def approve_update(request: HttpRequest, pk: int) -> Any:
    """Reviewers and administrators of the programme's owner organisation may, except for a value they submitted."""
    update = services.update_approve(user=request.user, update=selectors.update_get(user=request.user, pk=pk))
    return _update_out(update)


@router.post(
    "/updates/{pk}/return",
    response=answers({200: UpdateOut}, WRITE_ERRORS),
    summary="Return a submitted value for correction, with the reason",
    auth=_reviews(_programme_of_update),
)
def return_update(request: HttpRequest, pk: int, payload: ReturnIn) -> Any:
    update = services.update_return(
        user=request.user, update=selectors.update_get(user=request.user, pk=pk), reason=payload.reason
    )
    return _update_out(update)


@router.delete(
    "/updates/{pk}",
    response=answers({204: None}, 403, 404, 422),
    summary="Withdraw a value not yet approved",
    auth=_edits(_programme_of_update),
)
def delete_update(request: HttpRequest, pk: int) -> Any:
    services.update_delete(user=request.user, update=selectors.update_get(user=request.user, pk=pk))
    return Status(204, None)


# --- indicators measured by assessments ----------------------------------------------------------------------------


@router.put(
    "/indicators/{pk}/assessment-source",
    response=answers({200: ResultsAssessmentSourceOut}, WRITE_ERRORS),
    summary="Take an indicator's baseline and actuals from assessment scores",
    auth=_edits(_programme_of_indicator),
)
def set_assessment_source(request: HttpRequest, pk: int, payload: ResultsAssessmentSourceIn) -> Any:
    """The indicator's baseline and its periods' actuals become the scores of a framework's section (or its overall
    score) in the published assessments of the programme's country: derived when read, never typed. The answer
    gives the baseline from an assessment you may see."""
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    framework = AssessmentFramework.objects.filter(identifier=payload.framework).first()
    if framework is None:
        raise ValidationError({"framework": [_("No such framework.")]})
    baseline = None
    if payload.baseline_assessment is not None:
        programme = indicator.result.programme
        baseline = (
            assessments_visible(user=request.user, country=programme.country)
            .filter(pk=payload.baseline_assessment)
            .first()
        )
        if baseline is None:
            raise ValidationError(
                {
                    "baseline_assessment": [
                        _("Choose a published assessment of this framework in %(country)s that you may see.")
                        % {"country": programme.country_name}
                    ]
                }
            )
    services.indicator_source_set(
        user=request.user,
        indicator=indicator,
        data=services.SourceData(framework=framework, section_code=payload.section or "", baseline_assessment=baseline),
    )
    framework_read = selectors.programme_framework(user=request.user, programme=indicator.result.programme)
    view = next(
        found for result in framework_read.results for found in result.indicators if found.indicator == indicator
    )
    return _assessment_source(view)


@router.delete(
    "/indicators/{pk}/assessment-source",
    response=answers({204: None}, 403, 404, 422),
    summary="Stop taking an indicator's values from assessments",
    auth=_edits(_programme_of_indicator),
)
def delete_assessment_source(request: HttpRequest, pk: int) -> Any:
    services.indicator_source_remove(user=request.user, indicator=selectors.indicator_get(user=request.user, pk=pk))
    return Status(204, None)

"""Every read of results frameworks, through the programme they belong to (egide.programmes.selectors): a result,
an indicator, a period or a value is visible when its programme is. The results tab reads a whole framework in a
fixed number of queries, whatever its size, and hands plain facts to egide.results.progress."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egide.accounts.selectors import may_review_results, visibility_filter
from egide.actors.models import Actor
from egide.actors.selectors import actors_visible
from egide.core.users import Caller
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_editable
from egide.results import assessment_values
from egide.results import progress as rules
from egide.results.assessment_sources import Derived, Scores, scores_for, source_of
from egide.results.models import Disaggregation, Indicator, Period, Result, Update, UpdateStatus


def _through_programme[M: (Result, Indicator, Period, Update)](
    queryset: QuerySet[M], *, user: Caller, path: str
) -> QuerySet[M]:
    condition = visibility_filter(user=user, model=Programme, prefix=f"{path}__")
    return queryset if condition is None else queryset.filter(condition)


def results_visible(*, user: Caller) -> QuerySet[Result]:
    return _through_programme(Result.objects.select_related("programme"), user=user, path="programme")


def indicators_visible(*, user: Caller) -> QuerySet[Indicator]:
    return _through_programme(
        Indicator.objects.select_related("result__programme"), user=user, path="result__programme"
    )


def periods_visible(*, user: Caller) -> QuerySet[Period]:
    return _through_programme(
        Period.objects.select_related("indicator__result__programme"), user=user, path="indicator__result__programme"
    )


def updates_visible(*, user: Caller) -> QuerySet[Update]:
    return _through_programme(
        Update.objects.select_related("period__indicator__result__programme"),
        user=user,
        path="period__indicator__result__programme",
    )


def _one[M: (Result, Indicator, Period, Update)](queryset: QuerySet[M], pk: int) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such record."))
    return found


def result_get(*, user: Caller, pk: int) -> Result:
    return _one(results_visible(user=user), pk)


def indicator_get(*, user: Caller, pk: int) -> Indicator:
    return _one(indicators_visible(user=user), pk)


def period_get(*, user: Caller, pk: int) -> Period:
    return _one(periods_visible(user=user), pk)


def update_get(*, user: Caller, pk: int) -> Update:
    return _one(updates_visible(user=user), pk)


UPDATE_PARTS = Prefetch("disaggregations", to_attr="parts")
"""A value's disaggregations as `update.parts`, which the value's template prints (results/_value.html)."""


# --- the results tab ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PeriodView:
    period: Period
    progress: rules.Progress
    targets: list[Disaggregation]
    approved: list[Update]
    waiting: list[Update]  # submitted, awaiting review
    others: list[Update]  # drafts and returned values, for their reporters to finish
    actual_parts: list[tuple[str, str, Any]] = field(default_factory=list)
    derived: Derived | None = None  # the assessment the actual comes from, for a linked indicator

    @property
    def counts(self) -> str:
        """How many values are approved, waiting for review, and drafts or returned, in words."""
        approved = len(self.approved)
        parts = [ngettext("%(counter)s approved", "%(counter)s approved", approved) % {"counter": approved}]
        if self.waiting:
            count = len(self.waiting)
            parts.append(ngettext("%(counter)s waiting", "%(counter)s waiting", count) % {"counter": count})
        if self.others:
            count = len(self.others)
            parts.append(
                ngettext("%(counter)s draft or returned", "%(counter)s drafts or returned", count) % {"counter": count}
            )
        return ", ".join(parts)


@dataclass(slots=True)
class SourceView:
    """An indicator's link to assessments as the reader may see it."""

    framework_title: str
    section_title: str  # "" for the overall score
    baseline: Derived | None
    chosen_hidden: bool  # a baseline assessment was chosen that the reader may not see


@dataclass(slots=True)
class IndicatorView:
    indicator: Indicator
    actor: Actor | None  # None when there is none or the reader may not see it
    periods: list[PeriodView]
    overall: rules.Progress
    rows: list[Any] = field(default_factory=list)  # the periods as the tab prints them (egide.results.presentation)
    source: SourceView | None = None


@dataclass(slots=True)
class ResultView:
    result: Result
    indicators: list[IndicatorView]


@dataclass(slots=True)
class Framework:
    programme: Programme
    results: list[ResultView]
    queue: list[Update]  # every submitted value, oldest first, for the reviewers
    can_edit: bool
    can_review: bool
    today: datetime.date

    @property
    def indicator_count(self) -> int:
        return sum(len(result.indicators) for result in self.results)


def _reported(update: Update) -> rules.Reported:
    return rules.Reported(value=update.value, value_date=update.value_date, text=update.text, order=update.pk)


def indicator_facts(indicator: Indicator, periods: Sequence[Period]) -> rules.IndicatorFacts:
    """The plain facts of an indicator for egide.results.progress, from periods whose updates are prefetched into
    `fetched_updates` (as `programme_framework` reads them)."""
    return rules.IndicatorFacts(
        measure=indicator.measure,
        ascending=indicator.ascending,
        baseline=indicator.baseline_value,
        periods=tuple(
            rules.PeriodFacts(
                start=period.start,
                end=period.end,
                target=period.target_value,
                approved=tuple(
                    _reported(update)
                    for update in period.fetched_updates  # type: ignore[attr-defined]
                    if update.status == UpdateStatus.APPROVED
                ),
            )
            for period in periods
        ),
    )


def _linked(indicator: Indicator, periods: Sequence[Period], scores: Scores) -> tuple[SourceView, list[Derived | None]]:
    """The link of an indicator to assessments: the baseline and each period's value as the reader may see them."""
    source = source_of(indicator)
    assert source is not None
    measured = scores.measured.get((source.framework_id, source.section_code), [])
    baseline = assessment_values.baseline_of(
        measured,
        chosen=source.baseline_assessment_id,
        baseline_date=indicator.baseline_date,
        first_start=min((period.start for period in periods), default=None),
    )
    view = SourceView(
        framework_title=source.framework.title,
        section_title=scores.section_titles.get((source.framework_id, source.section_code), source.section_code),
        baseline=scores.derived(baseline),
        chosen_hidden=source.baseline_assessment_id is not None and baseline is None,
    )
    values = [
        scores.derived(assessment_values.period_value(measured, start=period.start, end=period.end))
        for period in periods
    ]
    return view, values


def linked_facts(
    indicator: Indicator, periods: Sequence[Period], baseline: Derived | None, values: Sequence[Derived | None]
) -> rules.IndicatorFacts:
    """The facts of a linked indicator: its scores are levels on 0-100, read as a percentage indicator's values."""
    return rules.IndicatorFacts(
        measure=rules.PERCENTAGE,
        ascending=indicator.ascending,
        baseline=baseline.measured.score if baseline is not None else None,
        periods=tuple(
            rules.PeriodFacts(
                start=period.start,
                end=period.end,
                target=period.target_value,
                approved=()
                if value is None or value.measured.score is None
                else (rules.Reported(value=value.measured.score, value_date=value.measured.as_of),),
            )
            for period, value in zip(periods, values, strict=True)
        ),
    )


def _approved_parts(approved: list[Update]) -> list[tuple[str, str, Any]]:
    """The disaggregations of the approved values, added up by dimension and category (units), or the latest
    value's (percentages: their parts are levels too)."""
    totals: dict[tuple[str, str], Any] = {}
    for update in approved:
        for part in update.parts:  # type: ignore[attr-defined]
            key = (part.dimension, part.category)
            totals[key] = totals.get(key, 0) + part.value
    return [(dimension, category, value) for (dimension, category), value in sorted(totals.items())]


def programme_framework(*, user: Caller, programme: Programme, today: datetime.date | None = None) -> Framework:
    """The programme's results, indicators and periods with their values and progress, and the review queue: seven
    queries whatever the framework's size (tests/results/test_query_counts.py). Each level is prefetched into a
    list (`to_attr`): a prefetch into the related managers builds a queryset for every record, which cost more
    than the queries themselves on a framework of a hundred periods (benchmarks/RESULTS.md, results)."""
    today = today or timezone.localdate()
    updates = Update.objects.select_related("submitted_by", "reviewed_by").prefetch_related(UPDATE_PARTS)
    periods = Period.objects.prefetch_related(
        Prefetch("target_disaggregations", to_attr="target_parts"),
        Prefetch("updates", queryset=updates, to_attr="fetched_updates"),
    )
    indicators = Indicator.objects.select_related("actor", "assessment_source__framework").prefetch_related(
        Prefetch("periods", queryset=periods, to_attr="fetched_periods")
    )
    results = list(
        Result.objects.filter(programme=programme).prefetch_related(
            Prefetch("indicators", queryset=indicators, to_attr="fetched_indicators")
        )
    )
    actor_ids = {
        indicator.actor_id for result in results for indicator in result.fetched_indicators if indicator.actor_id
    }
    seen_actors = (
        set(actors_visible(user=user).filter(pk__in=sorted(actor_ids)).values_list("pk", flat=True))
        if actor_ids
        else set()
    )
    scores = scores_for(
        user=user,
        country=programme.country,
        sources=[
            source
            for result in results
            for indicator in result.fetched_indicators
            if (source := source_of(indicator)) is not None
        ],
    )
    views: list[ResultView] = []
    queue: list[Update] = []
    for result in results:
        indicator_views = []
        for indicator in result.fetched_indicators:
            period_list = indicator.fetched_periods
            source_view: SourceView | None = None
            derived: list[Derived | None] = [None] * len(period_list)
            if source_of(indicator) is not None:
                source_view, derived = _linked(indicator, period_list, scores)
                facts = linked_facts(indicator, period_list, source_view.baseline, derived)
            else:
                facts = indicator_facts(indicator, period_list)
            period_views = []
            for period, period_facts, value in zip(period_list, facts.periods, derived, strict=True):
                all_updates: Sequence[Update] = period.fetched_updates
                approved = [update for update in all_updates if update.status == UpdateStatus.APPROVED]
                waiting = [update for update in all_updates if update.status == UpdateStatus.SUBMITTED]
                for update in waiting:
                    # What the queue shows of each value, without another query.
                    update.queue_context = (result, indicator, period)  # type: ignore[attr-defined]
                queue.extend(waiting)
                period_views.append(
                    PeriodView(
                        period=period,
                        progress=rules.period_progress(facts, period_facts, today=today),
                        targets=period.target_parts,
                        approved=approved,
                        waiting=waiting,
                        others=[
                            update
                            for update in all_updates
                            if update.status in (UpdateStatus.DRAFT, UpdateStatus.RETURNED)
                        ],
                        actual_parts=_approved_parts(approved),
                        derived=value,
                    )
                )
            indicator_views.append(
                IndicatorView(
                    indicator=indicator,
                    actor=indicator.actor if indicator.actor_id in seen_actors else None,
                    periods=period_views,
                    overall=rules.overall_progress(facts, today=today),
                    source=source_view,
                )
            )
        views.append(ResultView(result=result, indicators=indicator_views))
    queue.sort(key=lambda update: (update.submitted_at or timezone.now(), update.pk))
    return Framework(
        programme=programme,
        results=views,
        queue=queue,
        can_edit=programme_editable(user=user, programme=programme),
        can_review=may_review_results(user=user, record=programme),
        today=today,
    )


def actor_indicators(*, user: Caller, actor: Actor) -> QuerySet[Indicator]:
    """The indicators linked to an actor, of the programmes the reader may see, for the actor's page."""
    return indicators_visible(user=user).filter(actor=actor).order_by("result__programme__title_en", "order", "pk")


def approved_updates(*, programme: Programme) -> QuerySet[Update]:
    """The programme's approved values, the only ones an export writes."""
    return Update.objects.filter(period__indicator__result__programme=programme, status=UpdateStatus.APPROVED)

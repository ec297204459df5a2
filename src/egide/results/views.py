"""The programme page's Results tab and its forms. Thin: the selectors read, the forms parse, the services check and
write; every form opens in the page's dialog through HTMX and the tab refreshes itself after a change."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from egide.accounts.selectors import may_edit_in, may_review_results
from egide.actors.selectors import actors_visible
from egide.core.collection import paused_collection
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected
from egide.core.reference import countries
from egide.core.web import FormTemplates, changed, country_or_404, form_view, is_htmx, refused
from egide.imports.background import import_in_background, is_large
from egide.imports.models import ImportKind
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_editable, programme_visible
from egide.results import assessment_sources, exporter, importer, presentation, progress, selectors, services
from egide.results.forms import AssessmentSourceForm, IndicatorForm, PeriodForm, ResultForm, ReturnForm, UpdateForm
from egide.results.models import Update, UpdateStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMS = FormTemplates(dialog="results/_dialog_form.html", page="results/form_page.html")


def _results_url(programme: Programme) -> str:
    return reverse("programme-results", kwargs={"pk": programme.pk})


def programme_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The Results tab: results → indicators → periods with their progress, and the values awaiting review."""
    programme = programme_visible(user=request.user, pk=pk)
    with paused_collection():  # many small records, no reference cycles to free (egide.core.collection)
        framework = selectors.programme_framework(user=request.user, programme=programme)
        presentation.framework_rows(framework)
    context = {
        "programme": programme,
        "tab": "results",
        "framework": framework,
        "thresholds": progress.RAG_THRESHOLDS,
        "green_percent": int(progress.RAG_THRESHOLDS.green * 100),
        "amber_percent": int(progress.RAG_THRESHOLDS.amber * 100),
        "labels": _row_labels(),
    }
    template = "results/_framework.html" if is_htmx(request) else "results/programme_results.html"
    with paused_collection():
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _row_labels() -> dict[str, str]:
    """The words each period's row repeats, translated once for the whole framework rather than once a row."""
    return {
        "edit": _("Edit"),
        "delete": _("Delete"),
        "delete_period": _("Delete this period and its values?"),
        "target": _("Target"),
        "actual": _("Actual"),
        "progress": _("Progress"),
        "values": _("Values"),
        "no_value": _("No approved value yet"),
        "no_assessment": _("No published assessment in this period"),
        "show_values": _("Show the values"),
        "report": _("Report a value"),
    }


def period_values(request: HttpRequest, pk: int) -> HttpResponse:
    """The values reported for one period, with the buttons each one's status allows to the reader."""
    period = selectors.period_get(user=request.user, pk=pk)
    programme = period.indicator.result.programme
    updates = period.updates.select_related("submitted_by").prefetch_related(selectors.UPDATE_PARTS)
    framework = {
        "can_edit": programme_editable(user=request.user, programme=programme),
        "can_review": may_review_results(user=request.user, record=programme),
    }
    return render(request, "results/_period_values.html", {"updates": updates, "framework": framework})


def _require_edit(request: HttpRequest, programme: Programme) -> None:
    if not programme_editable(user=request.user, programme=programme):
        raise PermissionDenied(_("You may not change this programme's results."))


def _form_view(
    request: HttpRequest,
    *,
    programme: Programme,
    form: Any,
    title: str,
    save: Callable[[Any], Model],
    message: str,
    multipart: bool = False,
    submit_label: str = "",
    draft_label: str = "",
) -> HttpResponse:
    """Show the form (GET), or save it through `save` (POST) and answer with the changed tab; a refusal of the
    service is shown on the form's fields."""
    context = {
        "title": title,
        "action": request.get_full_path(),
        "cancel": _results_url(programme),
        "programme": programme,
        "multipart": multipart,
        "submit_label": submit_label or _("Save"),
        "draft_label": draft_label,
        "partial": FORMS.dialog,
    }
    return form_view(
        request,
        form=form,
        save=save,
        message=message,
        redirect_to=_results_url(programme),
        templates=FORMS,
        context=context,
    )


def _posted(request: HttpRequest) -> dict[str, Any] | None:
    return request.POST if request.method == "POST" else None


# --- results ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def result_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_visible(user=request.user, pk=pk)
    _require_edit(request, programme)
    form = ResultForm(_posted(request))
    return _form_view(
        request,
        programme=programme,
        form=form,
        title=_("New result"),
        save=lambda form: services.result_create(user=request.user, programme=programme, data=form.data_object()),
        message=_("Result added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    result = selectors.result_get(user=request.user, pk=pk)
    _require_edit(request, result.programme)
    form = ResultForm(_posted(request), initial=ResultForm.of(result))
    return _form_view(
        request,
        programme=result.programme,
        form=form,
        title=_("Edit the result"),
        save=lambda form: services.result_update(user=request.user, result=result, data=form.data_object()),
        message=_("Result saved."),
    )


def _deleted(request: HttpRequest, programme: Programme, message: str) -> HttpResponse:
    return changed(request, message, redirect_to=_results_url(programme))


@login_required
@require_POST
def result_delete(request: HttpRequest, pk: int) -> HttpResponse:
    result = selectors.result_get(user=request.user, pk=pk)
    services.result_delete(user=request.user, result=result)
    return _deleted(request, result.programme, _("Result deleted with its indicators."))


# --- indicators ---------------------------------------------------------------------------------------------------


def _actors(request: HttpRequest, programme: Programme) -> Any:
    return actors_visible(user=request.user, country=programme.country).order_by("name_en")


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    result = selectors.result_get(user=request.user, pk=pk)
    programme = result.programme
    _require_edit(request, programme)
    form = IndicatorForm(_posted(request), actors=_actors(request, programme))
    return _form_view(
        request,
        programme=programme,
        form=form,
        title=_("New indicator"),
        save=lambda form: services.indicator_create(user=request.user, result=result, data=form.data_object()),
        message=_("Indicator added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    programme = indicator.result.programme
    _require_edit(request, programme)
    form = IndicatorForm(_posted(request), initial=IndicatorForm.of(indicator), actors=_actors(request, programme))
    return _form_view(
        request,
        programme=programme,
        form=form,
        title=_("Edit the indicator"),
        save=lambda form: services.indicator_update(user=request.user, indicator=indicator, data=form.data_object()),
        message=_("Indicator saved."),
    )


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    services.indicator_delete(user=request.user, indicator=indicator)
    return _deleted(request, indicator.result.programme, _("Indicator deleted with its periods."))


# --- periods ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    programme = indicator.result.programme
    _require_edit(request, programme)
    return _form_view(
        request,
        programme=programme,
        form=PeriodForm(_posted(request)),
        title=_("New period"),
        save=lambda form: services.period_create(user=request.user, indicator=indicator, data=form.data_object()),
        message=_("Period added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    programme = period.indicator.result.programme
    _require_edit(request, programme)
    return _form_view(
        request,
        programme=programme,
        form=PeriodForm(_posted(request), initial=PeriodForm.of(period)),
        title=_("Edit the period"),
        save=lambda form: services.period_update(user=request.user, period=period, data=form.data_object()),
        message=_("Period saved."),
    )


@login_required
@require_POST
def period_delete(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    services.period_delete(user=request.user, period=period)
    return _deleted(request, period.indicator.result.programme, _("Period deleted with its values."))


# --- values and their review --------------------------------------------------------------------------------------


def _submits(request: HttpRequest) -> bool:
    """Whether the form's "submit for review" button was pressed, rather than "save as draft"."""
    return request.POST.get("draft") is None


@login_required
@require_http_methods(["GET", "POST"])
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    programme = period.indicator.result.programme
    _require_edit(request, programme)
    form = UpdateForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        qualitative=period.indicator.qualitative,
        initial={"value_date": min(max(period.start, timezone.localdate()), period.end)},
    )
    return _form_view(
        request,
        programme=programme,
        form=form,
        title=_("Report a value for %(period)s") % {"period": str(period)},
        save=lambda form: services.update_create(
            user=request.user,
            period=period,
            data=form.data_object(),
            document=form.cleaned_data.get("evidence_document"),
            submit=_submits(request),
        ),
        message=_("Value saved.") if not _submits(request) else _("Value submitted for review."),
        multipart=True,
        submit_label=_("Submit for review"),
        draft_label=_("Save as draft"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def update_edit(request: HttpRequest, pk: int) -> HttpResponse:
    update = selectors.update_get(user=request.user, pk=pk)
    period = update.period
    programme = period.indicator.result.programme
    _require_edit(request, programme)
    if update.status == UpdateStatus.APPROVED:
        raise PermissionDenied(_("An approved value is final: report a new value instead."))
    form = UpdateForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        qualitative=period.indicator.qualitative,
        initial=UpdateForm.of(update),
    )
    return _form_view(
        request,
        programme=programme,
        form=form,
        title=_("Correct the value"),
        save=lambda form: services.update_change(
            user=request.user,
            update=update,
            data=form.data_object(),
            document=form.cleaned_data.get("evidence_document"),
            submit=_submits(request),
        ),
        message=_("Value submitted for review.") if _submits(request) else _("Value saved."),
        multipart=True,
        submit_label=_("Submit for review"),
        draft_label=_("Save as draft"),
    )


def _refusal_as_message(
    request: HttpRequest, programme: Programme, action: Callable[[], Any], message: str
) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        return refused(request, " ".join(error.messages), redirect_to=_results_url(programme))
    return changed(request, message, redirect_to=_results_url(programme))


@login_required
@require_POST
def update_submit(request: HttpRequest, pk: int) -> HttpResponse:
    update = selectors.update_get(user=request.user, pk=pk)
    programme = update.period.indicator.result.programme
    return _refusal_as_message(
        request,
        programme,
        lambda: services.update_submit(user=request.user, update=update),
        _("Value submitted for review."),
    )


@login_required
@require_POST
def update_approve(request: HttpRequest, pk: int) -> HttpResponse:
    update = selectors.update_get(user=request.user, pk=pk)
    programme = update.period.indicator.result.programme
    return _refusal_as_message(
        request, programme, lambda: services.update_approve(user=request.user, update=update), _("Value approved.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def update_return(request: HttpRequest, pk: int) -> HttpResponse:
    update = selectors.update_get(user=request.user, pk=pk)
    programme = update.period.indicator.result.programme
    if not may_review_results(user=request.user, record=programme):
        raise PermissionDenied(
            _("Only reviewers and administrators of the programme's owner organisation may review its values.")
        )
    return _form_view(
        request,
        programme=programme,
        form=ReturnForm(_posted(request)),
        title=_("Return the value for correction"),
        save=lambda form: services.update_return(user=request.user, update=update, reason=form.cleaned_data["reason"]),
        message=_("Value returned for correction."),
        submit_label=_("Return"),
    )


@login_required
@require_POST
def update_delete(request: HttpRequest, pk: int) -> HttpResponse:
    update = selectors.update_get(user=request.user, pk=pk)
    programme = update.period.indicator.result.programme
    return _refusal_as_message(
        request, programme, lambda: services.update_delete(user=request.user, update=update), _("Value withdrawn.")
    )


def update_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence document of a value, for those who may see its programme."""
    update: Update = selectors.update_get(user=request.user, pk=pk)
    if not update.evidence_document:
        raise Http404(_("This value has no document."))
    name = (update.evidence_document.name or "evidence").rsplit("/", 1)[-1]
    return FileResponse(update.evidence_document.open("rb"), as_attachment=True, filename=name)


# --- a country's results frameworks as files ---------------------------------------------------------------------


def country_results_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The country's results frameworks that the reader may see, approved values only, as XLSX or a ZIP of CSVs."""
    country = country_or_404(code)
    if fmt not in exporter.FORMATS:
        raise Http404(_("No such format."))
    content = exporter.results_export(user=request.user, country=country, fmt=fmt)
    kind = XLSX_TYPE if fmt == "xlsx" else "application/zip"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="results-{country}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def country_results_import(request: HttpRequest, code: str) -> HttpResponse:
    """Import results frameworks into the country's programmes; every problem is listed, nothing half-written."""
    country = country_or_404(code)
    if not may_edit_in(user=request.user, country=country):
        raise PermissionDenied(_("Only editors working on this country may import into it."))
    context: dict[str, Any] = {"country": country, "country_name": countries()[country].label}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose a file to import.")
        elif (upload.size or 0) > settings.EGIDE_IMPORT_MAX_BYTES:
            context["error"] = _("The file is larger than %(size)s MB.") % {
                "size": settings.EGIDE_IMPORT_MAX_BYTES // 2**20
            }
        elif is_large(upload):
            # A large file is imported by the background worker; its page shows the progress, then the report.
            return import_in_background(request, upload, kind=ImportKind.RESULTS, country=country)
        else:
            try:
                context["report"] = importer.results_import(
                    user=request.user, country=country, data=upload.read(), filename=upload.name or "file"
                )
            except FileRefused as error:
                context["error"] = str(error)
            except ImportRejected as rejected:
                context["rejected"] = rejected
    return render(request, "results/import.html", context)


# --- indicators linked to assessments ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def indicator_source(request: HttpRequest, pk: int) -> HttpResponse:
    """Link an indicator to an assessment score, or change the link."""
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    programme = indicator.result.programme
    _require_edit(request, programme)
    form = AssessmentSourceForm(
        _posted(request),
        initial=AssessmentSourceForm.of(assessment_sources.source_of(indicator)),
        frameworks=assessment_sources.link_choices(),
        assessments=assessment_sources.baseline_choices(user=request.user, country=programme.country),
    )
    return _form_view(
        request,
        programme=programme,
        form=form,
        title=_("Take the values from assessments"),
        save=lambda form: services.indicator_source_set(
            user=request.user, indicator=indicator, data=form.data_object()
        ),
        message=_("The indicator now takes its baseline and actuals from assessments."),
    )


@login_required
@require_POST
def indicator_source_remove(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    services.indicator_source_remove(user=request.user, indicator=indicator)
    return changed(
        request,
        _("The indicator no longer takes its values from assessments."),
        redirect_to=_results_url(indicator.result.programme),
    )

"""Pages of due-diligence assessments: the programme's and the country's reports, an assessment with its risk
listing, alerts and decision, the forms that open and change one. Thin: forms collect, services write, selectors
read. Every page needs an account (nothing of due diligence is ever public); a record the reader may not read is
not found."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egide.accounts.models import Organisation
from egide.accounts.selectors import can_edit, editable_owners
from egide.accounts.selectors import default_owner as default_owner_of
from egide.accounts.sharing import share_posted, sharing_section
from egide.actors.selectors import actors_visible
from egide.core.reference import countries
from egide.core.web import changed, country_or_404, form_saved, posted_version, refused
from egide.duediligence import diligence_selectors as selectors
from egide.duediligence import diligence_services as services
from egide.duediligence.digest import reader_language_remember
from egide.duediligence.diligence_forms import DecisionForm, DiligenceForm
from egide.duediligence.models import DiligenceAssessment
from egide.duediligence.reports import brief_rows, country_report, programme_report, report_xlsx
from egide.programmes.models import Programme, SupportedActor
from egide.programmes.selectors import programme_visible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _remember_language(request: HttpRequest) -> None:
    """The digest is written in the language the owner reads these pages in."""
    if request.user.is_authenticated:
        reader_language_remember(user=request.user, language=translation.get_language() or "")


def programme_section(request: HttpRequest, programme: Programme) -> SafeString:
    """The programme page's "Due diligence" section (egide.programmes.sections): its supported units
    with their decision and next review, for a signed-in reader."""
    if not request.user.is_authenticated:
        return mark_safe("")
    units = selectors.programme_units(user=request.user, programme=programme)
    context = {"programme": programme, "units": units, "can_assess": can_edit(user=request.user, record=programme)}
    return mark_safe(render_to_string("duediligence/diligence/_programme_section.html", context, request=request))


def brief_section(request: HttpRequest, country: str) -> SafeString:
    """The due-diligence section of the country's coordination brief (egide.coordination.views): the country report,
    for a reader who may read at least one of the country's assessments (`assessments_visible`, the report page's
    rule); nothing at all, not even a heading, for anyone else or an anonymous visitor."""
    rows = brief_rows(user=request.user, country=country)
    if not rows:
        return mark_safe("")
    context = {"country": country, "rows": rows}
    return mark_safe(render_to_string("duediligence/diligence/_brief_section.html", context, request=request))


@login_required
def programme_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_visible(user=request.user, pk=pk)
    rows = programme_report(user=request.user, programme=programme)
    return render(
        request, "duediligence/diligence/report.html", {"programme": programme, "rows": rows, "scope": "programme"}
    )


@login_required
def programme_report_export(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_visible(user=request.user, pk=pk)
    return _xlsx(report_xlsx(programme_report(user=request.user, programme=programme)), f"due-diligence-programme-{pk}")


@login_required
def country_report_page(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    rows = country_report(user=request.user, country=country)
    context = {"country": country, "country_name": countries()[country].label, "rows": rows, "scope": "country"}
    return render(request, "duediligence/diligence/report.html", context)


@login_required
def country_report_export(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    return _xlsx(report_xlsx(country_report(user=request.user, country=country)), f"due-diligence-{country}")


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def assessment_create(request: HttpRequest, pk: int, support: int) -> HttpResponse:
    programme = programme_visible(user=request.user, pk=pk)
    # A unit the reader may not see is not offered, as one the programme does not support.
    supported = get_object_or_404(
        SupportedActor.objects.select_related("actor", "programme"),
        pk=support,
        programme=programme,
        actor__in=actors_visible(user=request.user),
    )
    owners = editable_owners(user=request.user, country=supported.actor.country)
    if not can_edit(user=request.user, record=programme) or not owners.exists():
        raise PermissionDenied(_("You may not create assessments in this country."))
    initial = {
        "owner": programme.owner
        if programme.owner in owners
        else default_owner_of(user=request.user, country=supported.actor.country)
    }
    form = DiligenceForm(request.POST or None, owners=owners, initial=initial)
    created = form_saved(
        request, form, lambda form: services.diligence_create(user=request.user, support=supported, data=form.to_data())
    )
    if created is not None:
        return changed(
            request,
            _("Assessment opened."),
            redirect_to=reverse("diligence:assessment-detail", kwargs={"pk": created.pk}),
        )
    return render(
        request, "duediligence/diligence/form.html", {"form": form, "programme": programme, "support": supported}
    )


@login_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    if not can_edit(user=request.user, record=assessment):
        raise PermissionDenied(_("You may not change this assessment."))
    # The current owner stays a choice even for an editor of a partner it is shared with (who may not change it).
    owners = editable_owners(user=request.user, country=assessment.country) | Organisation.objects.filter(
        pk=assessment.owner_id or 0
    )
    initial = {
        name: getattr(assessment, name)
        for name in (
            "period_start",
            "period_end",
            "include_parents",
            "owner",
            "confidentiality",
            "risk_level",
            "factors",
            "mitigation",
            "version",
        )
    }
    form = DiligenceForm(request.POST or None, owners=owners.distinct(), initial=initial)
    detail = reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})
    try:
        saved = form_saved(
            request,
            form,
            lambda form: services.diligence_update(
                user=request.user,
                assessment=assessment,
                data=form.to_data(),
                expected_version=form.cleaned_data["version"],
            ),
        )
    except services.StaleAssessment:
        return refused(
            request, _("Someone changed this assessment meanwhile: here it is as it is now."), redirect_to=detail
        )
    if saved is not None:
        return changed(request, _("Assessment saved."), redirect_to=detail)
    return render(
        request,
        "duediligence/diligence/form.html",
        {"form": form, "assessment": assessment, "programme": assessment.programme},
    )


def _detail_context(
    request: HttpRequest, assessment: DiligenceAssessment, decision_form: DecisionForm | None = None
) -> dict[str, Any]:
    editable = can_edit(user=request.user, record=assessment)
    if decision_form is None and editable:
        decision_form = DecisionForm(
            initial={
                "decision": assessment.decision,
                "risk_level": assessment.risk_level,
                "conditions": assessment.conditions,
                "next_review": assessment.next_review,
                "version": assessment.version,
            }
        )
    shown = selectors.alerts_shown(
        user=request.user, alerts=list(selectors.alerts_for(user=request.user).filter(assessment=assessment))
    )
    return {
        "assessment": assessment,
        "risk": selectors.risk_for(user=request.user, assessment=assessment),
        "alerts": shown.alerts,
        "readable_incidents": shown.incidents,
        "readable_people": shown.people,
        "can_edit": editable,
        "decision_form": decision_form,
        "overdue": selectors.is_overdue(assessment),
        "sharing": sharing_section(
            user=request.user,
            record=assessment,
            share_url=reverse("diligence:assessment-share", kwargs={"pk": assessment.pk}),
        ),
    }


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    _remember_language(request)
    context = _detail_context(request, assessment)
    services.diligence_consulted(user=request.user, assessment=assessment, risk=context["risk"])
    return render(request, "duediligence/diligence/detail.html", context)


@login_required
@require_POST
def assessment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    if not can_edit(user=request.user, record=assessment):
        raise PermissionDenied(_("You may not change this assessment."))
    form = DecisionForm(request.POST)
    detail = reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})
    try:
        decided = form_saved(
            request,
            form,
            lambda form: services.diligence_decide(
                user=request.user, assessment=assessment, data=form.to_data(), expected_version=posted_version(request)
            ),
        )
    except services.StaleAssessment:
        return refused(
            request, _("Someone changed this assessment meanwhile: here it is as it is now."), redirect_to=detail
        )
    if decided is not None:
        return changed(request, _("Decision recorded."), redirect_to=detail)
    return render(request, "duediligence/diligence/detail.html", _detail_context(request, assessment, form), status=400)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_readable(user=request.user, pk=pk)
    services.alert_acknowledge(user=request.user, alert=alert)
    _remember_language(request)
    back = request.POST.get("next", "")
    redirect_to = (
        back
        if back in (reverse("coordination:dashboard"), "/")
        else reverse("diligence:assessment-detail", kwargs={"pk": alert.assessment_id})
    )
    return changed(request, _("Alert acknowledged."), redirect_to=redirect_to)


@login_required
@require_POST
def assessment_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share the assessment with another organisation, named by its acronym."""
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    return share_posted(request, assessment, page=reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk}))

"""Pages of incidents: a country's list with its filters and counts, an incident with the units and people alleged
responsible and the evidence, and the forms that change them. Every page needs an account; reading an incident is
audited. Thin: forms collect, services write, selectors read."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from egide.accounts import selectors as access
from egide.accounts.models import Organisation
from egide.accounts.sharing import share_posted, sharing_section
from egide.actors.selectors import actors_visible, sources_visible
from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.core.reference import countries
from egide.core.web import apply_form_errors, changed, country_or_404, posted_version
from egide.duediligence import incident_selectors as selectors
from egide.duediligence import incident_services as services
from egide.duediligence.access import readable_filter
from egide.duediligence.diligence_selectors import assessments_of_units
from egide.duediligence.incident_forms import EvidenceForm, IncidentFilterForm, IncidentForm, ResponsibilityForm
from egide.duediligence.models import Evidence, Incident, Person, Responsibility
from egide.duediligence.reads import VIA_FORM, records_consulted

PAGE_SIZE = 50
FORM_TEMPLATE = "duediligence/incidents/form.html"


def _incident_or_404(request: HttpRequest, pk: int) -> Incident:
    try:
        return selectors.incident_get(user=request.user, pk=pk)
    except Incident.DoesNotExist:
        raise Http404(_("No such incident.")) from None


def _require_edit(request: HttpRequest, incident: Incident) -> None:
    if not access.can_edit(user=request.user, record=incident):
        raise PermissionDenied(_("You may not change this incident."))


def _units(request: HttpRequest, country: str) -> QuerySet[Any]:
    return actors_visible(user=request.user, country=country).order_by("name_en")


def _people(request: HttpRequest, country: str) -> QuerySet[Person]:
    condition = readable_filter(user=request.user, model=Person, country=country)
    people = Person.objects.filter(country=country).prefetch_related("names")
    return people if condition is None else people.filter(condition)


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    """A country's incidents, filtered; without a country (or an unknown one), the countries to choose from."""
    country = request.GET.get("country", "").strip().upper()
    if country not in countries():
        known = selectors.incident_countries(user=request.user)
        names = countries()
        return render(
            request,
            "duediligence/incidents/choose_country.html",
            {
                "counted": sorted(((names[code].label, code, count) for code, count in known.items() if code in names)),
                "countries": sorted((term.label, code) for code, term in names.items()),
                "unknown": request.GET.get("country", "")[:8] if "country" in request.GET else "",
            },
        )
    form = IncidentFilterForm(request.GET, units=_units(request, country))
    chosen = form.cleaned_data if form.is_valid() else {}
    unit = chosen.get("unit")
    filters = selectors.IncidentFilters(
        violation=chosen.get("violation") or "",
        year_from=chosen.get("year_from"),
        year_to=chosen.get("year_to"),
        unit=unit.pk if unit is not None else None,
        status=chosen.get("status") or "",
        confidence=chosen.get("confidence") or "",
    )
    incidents = selectors.country_incidents(user=request.user, country=country, filters=filters)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "duediligence/incidents/list.html",
        {
            "country": country,
            "country_name": countries()[country].label,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": selectors.incident_counts(user=request.user, country=country),
            "can_create": access.editable_owners(user=request.user, country=country).exists(),
        },
    )


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An incident, read by a user: the read is recorded in the audit log, whoever reads."""
    incident = _incident_or_404(request, pk)
    audit_record(user=request.user, action=Action.READ, instance=incident, before=None, after=None)
    responsibilities = list(incident.responsibilities.all())
    named = selectors.named_for(user=request.user, responsibilities=responsibilities)
    return render(
        request,
        "duediligence/incidents/detail.html",
        {
            "incident": incident,
            "responsibilities": [(item, named.shows(item)) for item in responsibilities],
            "assessments": assessments_of_units(
                user=request.user,
                actor_ids=[item.actor_id for item in responsibilities if item.actor_id in named.actors],
            ),
            "can_edit": access.can_edit(user=request.user, record=incident),
            "sharing": sharing_section(
                user=request.user, record=incident, share_url=reverse("incidents:share", kwargs={"pk": incident.pk})
            ),
        },
    )


def _form_page(request: HttpRequest, form: Any, *, title: str, back: str, **context: Any) -> HttpResponse:
    return render(request, FORM_TEMPLATE, {"form": form, "title": title, "back": back, **context})


def _saved(request: HttpRequest, form: Any, save: Callable[[], Any]) -> bool:
    """Whether the posted form was valid and the service accepted it; its refusal is shown on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        apply_form_errors(form, error)
        return False
    return True


def _owners(request: HttpRequest, country: str, incident: Incident | None) -> QuerySet[Organisation]:
    owners = access.editable_owners(user=request.user, country=country)
    if incident is not None and incident.owner_id is not None:
        owners = owners | Organisation.objects.filter(pk=incident.owner_id)
    return owners.distinct().order_by("acronym")


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    owners = _owners(request, country, None)
    if not owners.exists():
        raise PermissionDenied(_("You have no editing role for this country."))
    form = IncidentForm(request.POST or None, owners=owners)
    created: list[Incident] = []
    if _saved(
        request,
        form,
        lambda: created.append(
            services.incident_create(user=request.user, country=country, data=form.data_for_service())
        ),
    ):
        messages.success(request, _("Incident “%(title)s” recorded.") % {"title": created[0].title})
        return HttpResponseRedirect(reverse("incidents:detail", kwargs={"pk": created[0].pk}))
    title = _("New incident in %(country)s") % {"country": countries()[country].label}
    return _form_page(request, form, title=title, back=f"{reverse('incidents:list')}?country={country}")


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    _require_edit(request, incident)
    if access.can_manage(user=request.user, record=incident):
        owners = _owners(request, incident.country, incident)
    else:
        # An organisation the incident is shared with for editing changes its content, never who owns or reads it.
        owners = Organisation.objects.filter(pk__in=[incident.owner_id] if incident.owner_id else [])
    if request.method == "GET":
        records_consulted(user=request.user, records=[incident], via=VIA_FORM)  # the form shows the whole incident
    form = IncidentForm(request.POST or None, owners=owners, incident=incident)
    if not access.can_manage(user=request.user, record=incident):
        form.fields["confidentiality"].choices = [  # type: ignore[attr-defined]
            (incident.confidentiality, incident.get_confidentiality_display())
        ]
    page = reverse("incidents:detail", kwargs={"pk": incident.pk})
    try:
        saved = _saved(
            request,
            form,
            lambda: services.incident_update(
                user=request.user,
                incident=incident,
                data=form.data_for_service(),
                expected_version=form.cleaned_data.get("version"),
            ),
        )
    except services.StaleIncident as stale:
        form.add_error(
            None,
            _(
                "Someone saved this incident since you opened it (it is now at version %(version)s). "
                "Check what you typed against the incident's page, then save again to apply it."
            )
            % {"version": stale.incident.version},
        )
        data = request.POST.copy()
        data["version"] = str(stale.incident.version)
        form.data = data
        saved = False
    if saved:
        messages.success(request, _("Incident “%(title)s” saved.") % {"title": incident.title})
        return HttpResponseRedirect(page)
    return _form_page(request, form, title=_("Edit the incident"), back=page, country=incident.country)


@login_required
@require_POST
def incident_delete(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    _require_edit(request, incident)
    try:
        services.incident_delete(user=request.user, incident=incident, expected_version=posted_version(request))
    except services.StaleIncident:
        messages.error(request, _("Someone saved this incident since you opened it: read it again before deleting."))
        return HttpResponseRedirect(reverse("incidents:detail", kwargs={"pk": incident.pk}))
    return changed(
        request,
        _("Incident “%(title)s” deleted.") % {"title": incident.title},
        redirect_to=f"{reverse('incidents:list')}?country={incident.country}",
        leave=True,
    )


@login_required
@require_POST
def incident_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a restricted incident with another organisation, named by its acronym (egide.accounts' sharing)."""
    incident = _incident_or_404(request, pk)
    return share_posted(request, incident, page=reverse("incidents:detail", kwargs={"pk": incident.pk}))


def _responsibility_or_404(request: HttpRequest, pk: int) -> Responsibility:
    try:
        return selectors.responsibility_get(user=request.user, pk=pk)
    except Responsibility.DoesNotExist:
        raise Http404(_("No such alleged responsibility.")) from None


def _require_named_readable(request: HttpRequest, responsibility: Responsibility) -> None:
    if selectors.named_hidden(user=request.user, responsibility=responsibility):
        raise PermissionDenied(selectors.hidden_message(responsibility))


def _responsibility_form(
    request: HttpRequest, incident: Incident, responsibility: Responsibility | None
) -> ResponsibilityForm:
    return ResponsibilityForm(
        request.POST or None,
        units=_units(request, incident.country),
        people=_people(request, incident.country),
        responsibility=responsibility,
    )


@login_required
@require_http_methods(["GET", "POST"])
def responsibility_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    _require_edit(request, incident)
    form = _responsibility_form(request, incident, None)
    page = reverse("incidents:detail", kwargs={"pk": incident.pk})
    if _saved(
        request,
        form,
        lambda: services.responsibility_create(user=request.user, incident=incident, data=form.data_for_service()),
    ):
        messages.success(request, _("Alleged responsibility added."))
        return HttpResponseRedirect(page + "#responsibilities")
    return _form_page(
        request, form, title=_("Name a unit or a person alleged responsible"), back=page, incident=incident
    )


@login_required
@require_http_methods(["GET", "POST"])
def responsibility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    responsibility = _responsibility_or_404(request, pk)
    incident = responsibility.incident
    _require_edit(request, incident)
    _require_named_readable(request, responsibility)
    if request.method == "GET":
        records_consulted(user=request.user, records=[incident], via=VIA_FORM)  # a link is read with its incident
    form = _responsibility_form(request, incident, responsibility)
    page = reverse("incidents:detail", kwargs={"pk": incident.pk})
    if _saved(
        request,
        form,
        lambda: services.responsibility_update(
            user=request.user, responsibility=responsibility, data=form.data_for_service()
        ),
    ):
        messages.success(request, _("Alleged responsibility saved."))
        return HttpResponseRedirect(page + "#responsibilities")
    return _form_page(request, form, title=_("Edit the alleged responsibility"), back=page, incident=incident)


@login_required
@require_POST
def responsibility_delete(request: HttpRequest, pk: int) -> HttpResponse:
    responsibility = _responsibility_or_404(request, pk)
    _require_edit(request, responsibility.incident)
    services.responsibility_delete(user=request.user, responsibility=responsibility)
    page = reverse("incidents:detail", kwargs={"pk": responsibility.incident_id})
    return changed(request, _("Alleged responsibility removed."), redirect_to=page, leave=True)


def _evidence_page(request: HttpRequest, incident: Incident, responsibility: Responsibility | None) -> HttpResponse:
    _require_edit(request, incident)
    form = EvidenceForm(
        request.POST or None, sources=sources_visible(user=request.user, country=incident.country).order_by("title")
    )
    page = reverse("incidents:detail", kwargs={"pk": incident.pk})
    if _saved(
        request,
        form,
        lambda: services.evidence_add(
            user=request.user,
            data=form.data_for_service(),
            incident=incident if responsibility is None else None,
            responsibility=responsibility,
        ),
    ):
        messages.success(request, _("Evidence added."))
        return HttpResponseRedirect(page)
    title = _("Cite evidence for the incident") if responsibility is None else _("Cite evidence for the allegation")
    return _form_page(request, form, title=title, back=page, incident=incident)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _evidence_page(request, _incident_or_404(request, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def responsibility_evidence_create(request: HttpRequest, pk: int) -> HttpResponse:
    responsibility = _responsibility_or_404(request, pk)
    _require_edit(request, responsibility.incident)
    _require_named_readable(request, responsibility)
    return _evidence_page(request, responsibility.incident, responsibility)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        evidence: Evidence = selectors.evidence_get(user=request.user, pk=pk)
    except Evidence.DoesNotExist:
        raise Http404(_("No such evidence.")) from None
    incident = evidence.incident or evidence.responsibility.incident  # type: ignore[union-attr]
    _require_edit(request, incident)
    services.evidence_remove(user=request.user, evidence=evidence)
    page = reverse("incidents:detail", kwargs={"pk": incident.pk})
    return changed(request, _("Evidence removed."), redirect_to=page, leave=True)

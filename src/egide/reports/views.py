"""The briefs' pages: a country's briefs and the form that asks for one, a brief's page (its progress, then the
brief), its files, and an organisation's logo and footer. Thin: the selectors decide who sees what, the services
write."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.core.reference import countries
from egide.core.web import country_or_404
from egide.reports import rendering
from egide.reports.forms import BriefRequestForm, BriefStyleForm
from egide.reports.models import Brief, BriefStatus
from egide.reports.selectors import brief_get, brief_style_of, country_briefs, logo_address, may_style
from egide.reports.services import brief_downloaded, brief_request, brief_style_set


def _brief_or_404(request: HttpRequest, pk: int) -> Brief:
    try:
        return brief_get(user=request.user, pk=pk)
    except Brief.DoesNotExist:
        raise Http404(_("No such brief.")) from None


def _last_sections(request: HttpRequest, country: str) -> list[str] | None:
    """The sections of the reader's last brief of the country, to start from."""
    if not request.user.is_authenticated:
        return None
    last = Brief.objects.filter(country=country, requested_by=request.user).order_by("-requested_at").first()
    return list(last.sections) if last else None


def country_briefs_page(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    form = BriefRequestForm(chosen=_last_sections(request, country))
    form.fields["language"].initial = translation.get_language()
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Sign in to make a brief."))
        form = BriefRequestForm(request.POST)
        if form.is_valid():
            try:
                brief = brief_request(
                    user=request.user,
                    country=country,
                    as_of=form.cleaned_data["as_of"],
                    language=form.cleaned_data["language"],
                    audience=form.cleaned_data["audience"],
                    chosen=form.chosen,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return HttpResponseRedirect(reverse("brief-detail", kwargs={"pk": brief.pk}))
    context = {
        "country": country,
        "country_name": countries()[country].label,
        "tab": "briefs",
        "briefs": country_briefs(user=request.user, country=country)[:100],
        "form": form,
    }
    return render(request, "reports/country_briefs.html", context, status=400 if form.errors else 200)


def _stored_html(brief: Brief) -> str:
    if brief.status != BriefStatus.DONE or not brief.html:
        return ""
    with brief.html.open("rb") as file:
        return str(file.read().decode("utf-8"))


def _brief_context(brief: Brief) -> dict[str, object]:
    return {"brief": brief, "country_name": countries()[brief.country].label}


def brief_page(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _brief_or_404(request, pk)
    # The brief's HTML as it was built and kept (every value escaped then): the same brief, read again.
    context = _brief_context(brief) | {"body": mark_safe(_stored_html(brief))}
    return render(request, "reports/brief.html", context)


def brief_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress, refreshed by the page while the brief is being built; the whole page once it is done."""
    brief = _brief_or_404(request, pk)
    response = render(request, "reports/_brief_status.html", _brief_context(brief))
    if brief.finished:
        response["HX-Refresh"] = "true"
    return response


def _file(request: HttpRequest, pk: int, kind: str) -> Brief:
    brief = _brief_or_404(request, pk)
    if brief.status != BriefStatus.DONE or not getattr(brief, kind):
        raise Http404(_("This brief is not ready."))
    brief_downloaded(user=request.user, brief=brief, kind=kind)
    return brief


def _name(brief: Brief, extension: str) -> str:
    return f"brief-{brief.country}-{brief.as_of.isoformat()}-{brief.language}.{extension}"


def brief_pdf_download(request: HttpRequest, pk: int) -> FileResponse:
    brief = _file(request, pk, "pdf")
    return FileResponse(brief.pdf.open("rb"), filename=_name(brief, "pdf"), content_type="application/pdf")


def brief_html_download(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _file(request, pk, "html")
    with translation.override(brief.language):
        title = _("Country brief: %(country)s, %(date)s") % {
            "country": countries()[brief.country].label,
            "date": brief.as_of.isoformat(),
        }
    document = rendering.brief_document(body=_stored_html(brief), language=brief.language, title=title)
    response = HttpResponse(document, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_name(brief, "html")}"'
    return response


@login_required
def brief_style_page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not may_style(user=request.user, organisation=organisation):
        raise PermissionDenied(_("Only an administrator of the organisation may change its briefs' logo and footer."))
    style = brief_style_of(organisation=organisation)
    form = BriefStyleForm(initial={"footer": style.footer if style else ""})
    saved = False
    if request.method == "POST":
        form = BriefStyleForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                style = brief_style_set(
                    user=request.user,
                    organisation=organisation,
                    footer=form.cleaned_data["footer"],
                    logo=form.cleaned_data["logo"] or None,
                    remove_logo=form.cleaned_data["remove_logo"],
                )
            except ValidationError as error:
                field = "logo" if error.code == "logo" else ("footer" if error.code == "footer" else None)
                form.add_error(field, error)
            else:
                saved = True
    context = {"organisation": organisation, "form": form, "logo": logo_address(style), "saved": saved}
    return render(request, "reports/brief_style.html", context, status=400 if form.errors else 200)

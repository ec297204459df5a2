"""Pages of the governance analysis: a country's findings, the comparison of two dates, the rules and their
parameters. Thin: forms collect, the selectors read (the engine runs once per request), the services write, and
egide.governance.presentation turns findings and rules into what the templates show."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from egide.accounts.selectors import may_decide_on_findings, may_edit_in
from egide.core import as_of as shared_as_of
from egide.core.reference import countries
from egide.core.web import apply_form_errors, changed, changed_trigger, country_or_404, is_htmx
from egide.governance import cache, presentation, selectors, services
from egide.governance.engine import parameters_for, rule_of
from egide.governance.findings import Finding
from egide.governance.forms import (
    BulkDecisionForm,
    ComparisonForm,
    DecisionForm,
    FindingFilterForm,
    ReopenForm,
    RuleSettingForm,
    rule_title,
    years_before,
)
from egide.governance.models import DecisionStatus
from egide.governance.presentation import anchor
from egide.governance.rules import RULE_BY_CODE
from egide.maps.context import map_context

PAGE_SIZE = 50
COMPARISON_LIMIT = 100  # findings listed per group on the comparison page (all are counted)


# --- helpers ------------------------------------------------------------------------------------------------------


# --- the Governance tab ---------------------------------------------------------------------------------------------


def _tab_context(request: HttpRequest, country: str, tab: str) -> dict[str, Any]:
    return {
        "country": country,
        "country_name": countries()[country].label,
        "tab": tab,
        "can_decide": may_decide_on_findings(user=request.user, country=country),
        "can_set_rules": may_edit_in(user=request.user, country=country),
    }


def country_governance(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    today = datetime.date.today()
    data = request.GET.copy()
    # The day is shared with the map and the command tree (egide.core.as_of): the address's (remembered when it
    # can be read; an empty one is forgotten), else the session's, else today.
    if "as_of" in request.GET and not request.GET["as_of"]:
        shared_as_of.remember(request, None)
    if not data.get("as_of"):
        data["as_of"] = (shared_as_of.remembered(request) or today).isoformat()
    form = FindingFilterForm(data)
    as_of = form.value("as_of") or today
    if request.GET.get("as_of") and form.value("as_of"):
        shared_as_of.remember(request, as_of)
    result = selectors.country_findings(user=request.user, country=country, as_of=as_of)
    findings = presentation.filtered(result.in_page_order(), result.decisions, form)
    rule = form.value("rule")
    # Every rule's card with its first findings; one rule's (its filter chosen, or "show all" followed) page by page.
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page")) if rule else None
    # A rule's actors are those of all its findings, kept with them, unless a filter besides the rule leaves some out.
    narrowed = any(form.value(name) for name in ("severity", "principle", "area", "status"))
    concerned = cache.concerned_by_rule(result.graph, findings) if narrowed else result.concerned_by_rule()
    groups = presentation.rule_groups(
        findings,
        result.decisions,
        presentation.Presenter(result.graph),
        concerned=concerned,
        shown=list(page.object_list) if page is not None else None,
    )
    base = reverse("country-governance", kwargs={"code": country})
    for group in groups:
        if not rule and group["count"] > len(group["rows"]):
            query = request.GET.copy()
            query.pop("page", None)
            query["rule"] = group["code"]
            group["more_url"] = f"{base}?{query.urlencode()}"
    context = _tab_context(request, country, "findings") | {
        "form": form,
        "as_of": as_of,
        "is_today": as_of == today,
        "all_count": len(result.findings),
        "open_count": len(result.findings) - len(result.decisions),
        "count": len(findings),
        "page": page,
        "groups": groups,
        "summary": presentation.summary(findings),
        "filtered": any(form.value(name) for name in ("severity", "principle", "area", "status", "rule")),
    }
    if is_htmx(request):
        response = render(request, "governance/_findings.html", context | {"partial": True})
    else:
        context.update(map_context(request, country, as_of))
        response = render(request, "governance/country.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _visible_finding(request: HttpRequest, country: str, key: str, as_of: datetime.date | None) -> tuple[Any, Finding]:
    """The finding the user may see with this key, on the page's date; not found otherwise."""
    result = selectors.country_findings(user=request.user, country=country, as_of=as_of or datetime.date.today())
    for finding in result.findings:
        if finding.key == key:
            return result, finding
    raise Http404(_("No such finding."))


def _governance_url(country: str, as_of: datetime.date | None, key: str = "") -> str:
    url = reverse("country-governance", kwargs={"code": country})
    if as_of:
        url += f"?as_of={as_of.isoformat()}"
    return url + (f"#{anchor(key)}" if key else "")


def _deciding_country(request: HttpRequest, code: str) -> str:
    """The country of a decision on a finding, which the user must be allowed to take."""
    country = country_or_404(code)
    if not may_decide_on_findings(user=request.user, country=country):
        raise PermissionDenied(_("Only reviewers and editors working on this country may decide on its findings."))
    return country


@login_required
@require_POST
def finding_decide(request: HttpRequest, code: str) -> HttpResponse:
    """Acknowledge a finding with a comment, or mark it as a false positive with a reason."""
    country = _deciding_country(request, code)
    form = DecisionForm(request.POST)
    form.is_valid()
    key = form.cleaned_data.get("key")
    if not key:
        return HttpResponseBadRequest(_("No such finding."))
    as_of = form.cleaned_data.get("as_of")
    _result, finding = _visible_finding(request, country, key, as_of)
    if not form.errors:
        try:
            services.finding_decide(
                user=request.user,
                country=country,
                key=finding.key,
                rule=finding.rule,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            message = (
                _("Finding marked as a false positive: %(rule)s.")
                if form.cleaned_data["status"] == DecisionStatus.FALSE_POSITIVE
                else _("Finding acknowledged: %(rule)s.")
            ) % {"rule": rule_title(rule_of(finding))}
            return changed(request, message, redirect_to=_governance_url(country, as_of, key))
    if is_htmx(request):
        return render(
            request,
            "governance/_decision_form.html",
            {"country": country, "form": form, "key": key, "anchor": anchor(key), "as_of": as_of},
        )
    for field_errors in form.errors.values():
        for message_text in field_errors:
            messages.error(request, str(message_text))
    return HttpResponseRedirect(_governance_url(country, as_of, key))


@login_required
@require_POST
def finding_reopen(request: HttpRequest, code: str) -> HttpResponse:
    """Withdraw the decision on a finding: it is open again."""
    country = _deciding_country(request, code)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("No such finding."))
    key, as_of = form.cleaned_data["key"], form.cleaned_data.get("as_of")
    result, finding = _visible_finding(request, country, key, as_of)
    decision = result.decisions.get(key)
    if decision is None:
        raise Http404(_("This finding has no decision to withdraw."))
    services.finding_reopen(user=request.user, decision=decision)
    message = _("Finding reopened: %(rule)s.") % {"rule": rule_title(rule_of(finding))}
    return changed(request, message, redirect_to=_governance_url(country, as_of, key))


@login_required
@require_POST
def findings_decide(request: HttpRequest, code: str) -> HttpResponse:
    """One decision, with one comment, on every finding ticked: all are decided, or none."""
    country = _deciding_country(request, code)
    try:
        as_of = DecisionForm.base_fields["as_of"].clean(request.POST.get("as_of") or None)
    except ValidationError:
        return HttpResponseBadRequest(
            _("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": request.POST["as_of"]}
        )
    result = selectors.country_findings(user=request.user, country=country, as_of=as_of or datetime.date.today())
    by_key = {finding.key: finding for finding in result.findings}
    form = BulkDecisionForm(request.POST, keys=list(by_key))
    back = _governance_url(country, as_of) + "#governance-findings"
    if form.is_valid():
        chosen = [by_key[key] for key in form.cleaned_data["key"]]
        try:
            decisions = services.findings_decide(
                user=request.user,
                country=country,
                findings=[(finding.key, finding.rule) for finding in chosen],
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            count = len(decisions)
            message = (
                ngettext(
                    "%(count)s finding marked as a false positive.",
                    "%(count)s findings marked as false positives.",
                    count,
                )
                if form.cleaned_data["status"] == DecisionStatus.FALSE_POSITIVE
                else ngettext("%(count)s finding acknowledged.", "%(count)s findings acknowledged.", count)
            ) % {"count": count}
            return changed(request, message, redirect_to=back)
    errors = [str(text) for field_errors in form.errors.values() for text in field_errors]
    if is_htmx(request):
        response = render(request, "governance/_bulk_errors.html", {"errors": errors})
        response["HX-Retarget"] = "#bulk-errors"
        response["HX-Reswap"] = "innerHTML"
        return response
    for text in errors:
        messages.error(request, text)
    return HttpResponseRedirect(back)


# --- comparing two dates ------------------------------------------------------------------------------------------


def country_compare(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    today = datetime.date.today()
    data = request.GET.copy()
    data.setdefault("from", years_before(today, 10).isoformat())
    data.setdefault("to", today.isoformat())
    form = ComparisonForm(data)
    context = _tab_context(request, country, "compare") | {"form": form, "limit": COMPARISON_LIMIT}
    if form.is_valid():
        earlier, later = form.cleaned_data["from"], form.cleaned_data["to"]
        before, after, comparison = selectors.country_comparison(
            user=request.user, country=country, earlier=earlier, later=later
        )
        groups = presentation.comparison_groups(before, after, comparison, limit=COMPARISON_LIMIT)
        context.update({"earlier": earlier, "later": later, "groups": groups})
    return render(request, "governance/compare.html", context)


# --- rules and their parameters -----------------------------------------------------------------------------------


def rule_list(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    context = _tab_context(request, country, "rules")
    overrides = selectors.rule_overrides(country=country)
    context["cards"] = presentation.rule_cards(overrides, can_set_rules=context["can_set_rules"])
    return render(request, "governance/rules.html", context)


@login_required
@require_POST
def rule_setting(request: HttpRequest, code: str, rule: str) -> HttpResponse:
    """Change a rule's parameters for the country (or restore its defaults)."""
    country = country_or_404(code)
    if rule not in RULE_BY_CODE or not RULE_BY_CODE[rule].parameters:
        raise Http404(_("No such rule."))
    found = RULE_BY_CODE[rule]
    if not may_edit_in(user=request.user, country=country):
        raise PermissionDenied(_("Only editors working on this country may change its rules."))
    overrides = selectors.rule_overrides(country=country)
    form = RuleSettingForm(request.POST, rule=found, values=parameters_for(found, overrides))
    restore = "restore" in request.POST
    title = rule_title(found)
    valid = form.is_valid()
    if restore or valid:
        parameters = (
            {name: list(value) if isinstance(value, tuple) else value for name, value in found.defaults().items()}
            if restore
            else form.parameters()
        )
        try:
            services.rule_setting_set(user=request.user, country=country, rule=found.code, parameters=parameters)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            message = (_("Default parameters restored: %(rule)s.") if restore else _("Parameters saved: %(rule)s.")) % {
                "rule": title
            }
            if not is_htmx(request):
                messages.success(request, message)
                return HttpResponseRedirect(reverse("governance-rules", kwargs={"code": country}) + f"#rule-{rule}")
            overrides = selectors.rule_overrides(country=country)
            fresh = RuleSettingForm(rule=found, values=parameters_for(found, overrides))
            response = render(
                request,
                "governance/_rule.html",
                {
                    "card": presentation.rule_card(found, overrides, form=fresh),
                    "country": country,
                    "can_set_rules": True,
                },
            )
            response["HX-Trigger"] = changed_trigger(message)
            return response
    card = presentation.rule_card(found, overrides, form=form)
    if is_htmx(request):
        return render(request, "governance/_rule.html", {"card": card, "country": country, "can_set_rules": True})
    context = _tab_context(request, country, "rules")
    context["cards"] = presentation.rule_cards(overrides, can_set_rules=True, shown=card)
    return render(request, "governance/rules.html", context, status=400)

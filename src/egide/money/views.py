"""The Money tab of a programme page, its forms (dialogs on HTMX pages, pages of their own otherwise), the rate
table's pages, and a country's money export and import. Thin: the selectors read and convert, the services write."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected
from egide.core.reference import countries
from egide.core.web import FormTemplates, changed, country_or_404, form_view, is_htmx
from egide.imports.background import import_in_background, is_large
from egide.imports.models import ImportKind
from egide.money import rates_file, selectors, services, transfer
from egide.money.forms import BudgetForm, MoneyImportForm, RateForm, RatesUploadForm, TransactionForm
from egide.money.models import RatePeriod
from egide.money.presentation import budget_rows, chart_document, transaction_rows
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_editable, programme_visible

RATES_PAGE_SIZE = 100


FORMS = FormTemplates(dialog="money/_dialog_form.html", page="money/form_page.html")


# --- the Money tab ------------------------------------------------------------------------------------------------


def programme_money(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_visible(user=request.user, pk=pk)
    money = selectors.programme_money(user=request.user, programme=programme)
    context: dict[str, Any] = {
        "programme": programme,
        "tab": "money",
        "money": money,
        "chart": chart_document(money),
        "budget_rows": budget_rows(money),
        "transaction_rows": transaction_rows(money),
        "can_edit": programme_editable(user=request.user, programme=programme),
    }
    if is_htmx(request) and request.GET.get("part") == "panel":
        return render(request, "money/_money_panel.html", context)
    return render(request, "money/programme_money.html", context)


def _editable(request: HttpRequest, pk: int) -> Programme:
    programme = programme_visible(user=request.user, pk=pk)
    if not programme_editable(user=request.user, programme=programme):
        raise PermissionDenied(_("You may not change the money of this programme."))
    return programme


def _dialog[F: (BudgetForm, TransactionForm, RateForm)](
    request: HttpRequest,
    *,
    form: F,
    save: Callable[[F], Model],
    title: str,
    action: str,
    message: str,
    page: str,
) -> HttpResponse:
    """A money form, saved through `save`; `page`, where its dialog opens, is where a saved change and cancel lead."""
    return form_view(
        request,
        form=form,
        save=save,
        message=message,
        redirect_to=page,
        templates=FORMS,
        context={"title": title, "action": action, "cancel": page},
    )


def _posted(request: HttpRequest) -> bool:
    return request.method == "POST"


@login_required
def budget_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _editable(request, pk)
    form = (
        BudgetForm(request.POST) if _posted(request) else BudgetForm(initial={"currency": programme.default_currency})
    )
    return _dialog(
        request,
        page=reverse("programme-money", args=[programme.pk]),
        form=form,
        save=lambda form: services.budget_create(user=request.user, programme=programme, data=form.data_class()),
        title=_("New budget"),
        action=reverse("budget-create", args=[pk]),
        message=_("Budget added."),
    )


@login_required
def budget_edit(request: HttpRequest, pk: int, budget: int) -> HttpResponse:
    programme = _editable(request, pk)
    record = selectors.budget_of(user=request.user, programme_pk=pk, pk=budget)
    return _dialog(
        request,
        page=reverse("programme-money", args=[programme.pk]),
        form=BudgetForm(request.POST) if _posted(request) else BudgetForm.of(record),
        save=lambda form: services.budget_update(user=request.user, budget=record, data=form.data_class()),
        title=_("Edit the budget"),
        action=reverse("budget-edit", args=[pk, budget]),
        message=_("Budget saved."),
    )


@login_required
@require_POST
def budget_delete(request: HttpRequest, pk: int, budget: int) -> HttpResponse:
    programme = _editable(request, pk)
    record = selectors.budget_of(user=request.user, programme_pk=pk, pk=budget)
    services.budget_delete(user=request.user, budget=record)
    return changed(request, _("Budget deleted."), redirect_to=reverse("programme-money", args=[programme.pk]))


@login_required
def transaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _editable(request, pk)
    initial = {"currency": programme.default_currency, "type": "3"}
    return _dialog(
        request,
        page=reverse("programme-money", args=[programme.pk]),
        form=TransactionForm(request.POST) if _posted(request) else TransactionForm(initial=initial),
        save=lambda form: services.transaction_create(user=request.user, programme=programme, data=form.data_class()),
        title=_("New transaction"),
        action=reverse("transaction-create", args=[pk]),
        message=_("Transaction added."),
    )


@login_required
def transaction_edit(request: HttpRequest, pk: int, transaction: int) -> HttpResponse:
    programme = _editable(request, pk)
    record = selectors.transaction_of(user=request.user, programme_pk=pk, pk=transaction)
    return _dialog(
        request,
        page=reverse("programme-money", args=[programme.pk]),
        form=TransactionForm(request.POST) if _posted(request) else TransactionForm.of(record),
        save=lambda form: services.transaction_update(user=request.user, record=record, data=form.data_class()),
        title=_("Edit the transaction"),
        action=reverse("transaction-edit", args=[pk, transaction]),
        message=_("Transaction saved."),
    )


@login_required
@require_POST
def transaction_delete(request: HttpRequest, pk: int, transaction: int) -> HttpResponse:
    programme = _editable(request, pk)
    record = selectors.transaction_of(user=request.user, programme_pk=pk, pk=transaction)
    services.transaction_delete(user=request.user, record=record)
    return changed(request, _("Transaction deleted."), redirect_to=reverse("programme-money", args=[programme.pk]))


# --- the rate table -----------------------------------------------------------------------------------------------


def rate_list(request: HttpRequest) -> HttpResponse:
    rates = selectors.rates_all()
    currency = request.GET.get("currency", "").strip().upper()
    if currency:
        rates = rates.filter(currency=currency)
    page = Paginator(rates, RATES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "currency": currency,
        "can_edit": selectors.may_edit_rates(user=request.user),
        "periods": RatePeriod,
    }
    if is_htmx(request) and request.GET.get("part") == "table":
        return render(request, "money/_rates_table.html", context)
    return render(request, "money/rates.html", context)


def _require_rates(request: HttpRequest) -> None:
    if not selectors.may_edit_rates(user=request.user):
        raise PermissionDenied(_("Only platform staff may change the exchange rates."))


@login_required
def rate_create(request: HttpRequest) -> HttpResponse:
    _require_rates(request)
    return _dialog(
        request,
        page=reverse("rate-list"),
        form=RateForm(request.POST) if _posted(request) else RateForm(initial={"period": RatePeriod.YEAR}),
        save=lambda form: services.rate_create(user=request.user, data=form.data_class()),
        title=_("New exchange rate"),
        action=reverse("rate-create"),
        message=_("Rate added."),
    )


@login_required
def rate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rates(request)
    rate = selectors.rate_get(pk=pk)
    return _dialog(
        request,
        page=reverse("rate-list"),
        form=RateForm(request.POST) if _posted(request) else RateForm.of(rate),
        save=lambda form: services.rate_update(user=request.user, rate=rate, data=form.data_class()),
        title=_("Edit the exchange rate"),
        action=reverse("rate-edit", args=[pk]),
        message=_("Rate saved."),
    )


@login_required
@require_POST
def rate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rates(request)
    rate = selectors.rate_get(pk=pk)
    services.rate_delete(user=request.user, rate=rate)
    return changed(request, _("Rate deleted."), redirect_to=reverse("rate-list"))


@login_required
def rates_upload(request: HttpRequest) -> HttpResponse:
    _require_rates(request)
    form = RatesUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            read = rates_file.rates_read(upload.read(), filename=upload.name)
            context["loaded"] = services.rates_load(user=request.user, rows=read.rows)
            context["read"] = read
        except FileRefused as error:
            context["refused"] = str(error)
        except ImportRejected as error:
            context["rejected"] = error
    return render(request, "money/rates_upload.html", context)


# --- a country's money: export and import -------------------------------------------------------------------------


def money_export(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in transfer.FORMATS:
        raise Http404(_("No such format."))
    content = transfer.money_export(user=request.user, country=country, fmt=fmt)
    response = HttpResponse(content, content_type=transfer.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="money-{country}.{transfer.EXTENSIONS[fmt]}"'
    return response


@login_required
def money_import(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    form = MoneyImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "country": country, "country_name": countries()[country].label}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        apply = form.cleaned_data["apply"]
        if is_large(upload):
            # A large file is imported by the background worker; its page shows the progress, then the report.
            return import_in_background(request, upload, kind=ImportKind.MONEY, country=country, dry_run=not apply)
        try:
            context["report"] = transfer.money_file_import(
                user=request.user, country=country, data=upload.read(), filename=upload.name, apply=apply
            )
            context["applied"] = apply
        except FileRefused as error:
            context["refused"] = str(error)
        except ImportRejected as error:
            context["rejected"] = error
    return render(request, "money/import.html", context)

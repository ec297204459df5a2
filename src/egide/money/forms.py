"""The forms of the Money tab and of the rate table. They collect and convert; the services check and write."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.core import iati_codes, taxonomy
from egide.money.data import BudgetData, RateData, TransactionData
from egide.money.models import Budget, ExchangeRate, RatePeriod, Transaction
from egide.money.services import TRANSACTION_FIELDS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: "str | _StrPromise", *, required: bool = True, help_text: "str | _StrPromise" = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


def _value() -> forms.DecimalField:
    # No digit limits here: the service refuses an overflow with a message that says what fits.
    return forms.DecimalField(label=_("value"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))


def _currency() -> forms.CharField:
    return forms.CharField(
        label=_("currency"),
        max_length=3,
        help_text=_("ISO 4217 code, e.g. EUR, USD, XOF"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 4}),
    )


class BudgetForm(forms.Form):
    type = forms.ChoiceField(label=_("type"), choices=taxonomy.choices(iati_codes.BUDGET_TYPES))
    status = forms.ChoiceField(label=_("status"), choices=taxonomy.choices(iati_codes.BUDGET_STATUSES))
    period_start = _date(_("period start"))
    period_end = _date(_("period end"))
    value = _value()
    currency = _currency()
    value_date = _date(
        _("value date"),
        required=False,
        help_text=_("The date whose rate converts the value; the period start if empty."),
    )

    @classmethod
    def of(cls, budget: Budget) -> "BudgetForm":
        return cls(
            initial={
                "type": budget.type,
                "status": budget.status,
                "period_start": budget.period_start,
                "period_end": budget.period_end,
                "value": budget.value,
                "currency": budget.currency,
                "value_date": budget.value_date,
            }
        )

    def data_class(self) -> BudgetData:
        data = self.cleaned_data
        return BudgetData(
            type=data["type"],
            status=data["status"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            value=Decimal(data["value"]),
            currency=data["currency"],
            value_date=data["value_date"],
        )


class TransactionForm(forms.Form):
    type = forms.ChoiceField(label=_("type"), choices=taxonomy.choices(iati_codes.TRANSACTION_TYPES))
    date = _date(_("date"))
    value = _value()
    currency = _currency()
    value_date = _date(
        _("value date"), required=False, help_text=_("The date whose rate converts the value; the date if empty.")
    )
    provider = forms.ModelChoiceField(
        label=_("provider"), queryset=Organisation.objects.order_by("name_en"), required=False
    )
    provider_name = forms.CharField(
        label=_("provider name"), required=False, help_text=_("When the provider has no account on the platform.")
    )
    provider_reference = forms.CharField(label=_("provider IATI identifier"), required=False)
    receiver = forms.ModelChoiceField(
        label=_("receiver"), queryset=Organisation.objects.order_by("name_en"), required=False
    )
    receiver_name = forms.CharField(
        label=_("receiver name"), required=False, help_text=_("When the receiver has no account on the platform.")
    )
    receiver_reference = forms.CharField(label=_("receiver IATI identifier"), required=False)
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sector_code = forms.CharField(label=_("sector"), required=False, help_text=_("DAC five-digit code, e.g. 15210"))
    recipient_country = forms.CharField(label=_("recipient country"), required=False, max_length=2)
    reference = forms.CharField(label=_("reference"), required=False)

    @classmethod
    def of(cls, record: Transaction) -> "TransactionForm":
        return cls(initial={name: getattr(record, name) for name in TRANSACTION_FIELDS})

    def data_class(self) -> TransactionData:
        data = self.cleaned_data
        return TransactionData(
            type=data["type"],
            date=data["date"],
            value=Decimal(data["value"]),
            currency=data["currency"],
            value_date=data["value_date"],
            provider=data["provider"],
            provider_name=data["provider_name"],
            provider_reference=data["provider_reference"],
            receiver=data["receiver"],
            receiver_name=data["receiver_name"],
            receiver_reference=data["receiver_reference"],
            description=data["description"],
            sector_code=data["sector_code"],
            recipient_country=data["recipient_country"],
            reference=data["reference"],
        )


class RateForm(forms.Form):
    currency = _currency()
    period = forms.ChoiceField(label=_("period"), choices=RatePeriod.choices)
    starts_on = _date(_("from"), help_text=_("1 January for an annual rate, the first of the month for a monthly one."))
    rate = forms.DecimalField(label=_("units per US dollar"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    @classmethod
    def of(cls, rate: ExchangeRate) -> "RateForm":
        return cls(
            initial={"currency": rate.currency, "period": rate.period, "starts_on": rate.starts_on, "rate": rate.rate}
        )

    def data_class(self) -> RateData:
        data = self.cleaned_data
        return RateData(
            currency=data["currency"], period=data["period"], starts_on=data["starts_on"], rate=Decimal(data["rate"])
        )


class RatesUploadForm(forms.Form):
    file = forms.FileField(
        label=_("rate file"),
        help_text=_(
            "CSV in the IMF's format: Date, Rate, Currency, Frequency (A, M or D), Source, Country code, Country."
        ),
    )


class MoneyImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"), help_text=_("The budgets and transactions sheets (XLSX), or a ZIP of their CSV files.")
    )
    apply = forms.BooleanField(label=_("Apply the import (else only check it)"), required=False)

"""The IATI pages' forms."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.core import iati_codes
from egide.core.reference import countries


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's own pattern for a multiple file input)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xml,application/xml,text/xml"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _country_codes(text: str) -> str:
    codes = [code.strip().upper() for code in text.replace(";", ",").split(",") if code.strip()]
    unknown = [code for code in codes if code not in countries()]
    if unknown:
        raise forms.ValidationError(_("Not country codes: %(codes)s.") % {"codes": ", ".join(unknown)})
    return ",".join(codes)


class ImportForm(forms.Form):
    activity_files = MultipleFileField(label=_("IATI activity files (XML)"))
    owner = forms.ModelChoiceField(
        label=_("Owner of the imported programmes"), queryset=Organisation.objects.none(), required=False
    )
    sectors = forms.ChoiceField(
        label=_("Sectors"),
        choices=[
            ("ssr", _("Security system reform and justice (the SSR set of DAC codes)")),
            ("all", _("Every sector")),
            ("custom", _("These DAC codes:")),
        ],
        initial="ssr",
        widget=forms.RadioSelect,
    )
    sector_codes = forms.CharField(
        label=_("DAC codes, separated by commas"), required=False, help_text=_("For example 15210, 15132, 15137.")
    )
    countries = forms.CharField(
        label=_("Recipient countries"),
        required=False,
        help_text=_("ISO codes separated by commas (for example CF, CD); empty: every country."),
    )
    dry_run = forms.BooleanField(label=_("Dry run: read and check everything, write nothing"), required=False)

    def __init__(self, *args: Any, owners: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners
        field.required = not staff
        if not staff and owners.count() == 1:
            field.initial = owners.first()

    def clean_countries(self) -> str:
        return _country_codes(self.cleaned_data["countries"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sectors") == "custom":
            codes = [code.strip() for code in data.get("sector_codes", "").split(",") if code.strip()]
            if not codes or not all(code.isdigit() and len(code) in (3, 5) for code in codes):
                self.add_error("sector_codes", _("Give DAC codes of five digits (or three), separated by commas."))
            data["sector_filter"] = ",".join(codes)
        else:
            data["sector_filter"] = data.get("sectors", "ssr")
        return data


class ExportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Programmes owned by"), queryset=Organisation.objects.all(), required=False, empty_label=_("Any")
    )
    country = forms.ChoiceField(label=_("Lead country"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    include_non_public = forms.BooleanField(
        label=_("Also publish the programmes that are not public (you may see them; they are left out otherwise)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_choice: list[tuple[str, Any]] = [("", _("Any"))]
        country_field = self.fields["country"]
        status_field = self.fields["status"]
        assert isinstance(country_field, forms.ChoiceField)
        assert isinstance(status_field, forms.ChoiceField)
        named: list[tuple[str, Any]] = [(code, term.label) for code, term in countries().items()]
        country_field.choices = any_choice + sorted(named, key=lambda item: str(item[1]))
        status_field.choices = any_choice + [(term.code, term.label) for term in iati_codes.STATUSES]

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Role


class MembershipForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("Country codes separated by commas (CF, CD); empty for every country."),
    )

    def country_list(self) -> list[str]:
        return [code for code in self.cleaned_data.get("countries", "").replace(";", ",").split(",") if code.strip()]

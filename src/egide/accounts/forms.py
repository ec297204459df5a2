from django import forms
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Role


class _RoleAndCountries(forms.Form):
    """What a membership and an invitation both give: a role, and the countries it covers."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("Country codes separated by commas (CF, CD); empty for every country."),
    )

    def country_list(self) -> list[str]:
        return [code for code in self.cleaned_data.get("countries", "").replace(";", ",").split(",") if code.strip()]


class MembershipForm(_RoleAndCountries):
    username = forms.CharField(label=_("Username"), max_length=150)
    field_order = ("username", "role", "countries")


class InvitationForm(_RoleAndCountries):
    # Its fields keep apart from the membership form's on the same page.
    prefix = "invite"
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    field_order = ("email", "role", "countries")


class InvitationAcceptForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput(render_value=False))

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A one-time code from the authenticator app; spaces are ignored."""

    code = forms.CharField(label=_("Code"), max_length=12)

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Enter the 6-digit code that the app shows."))
        return code


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “monthly export script”."),
    )

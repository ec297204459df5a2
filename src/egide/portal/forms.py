from django import forms
from django.utils.translation import gettext_lazy as _

from egide.portal.licences import Licence


class LicenceForm(forms.Form):
    licence = forms.ChoiceField(
        label=_("Licence of the organisation's public records"),
        choices=Licence.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Shown on the public portal's pages and in its open-data files for every public record the organisation "
            "owns. Records that are not public are never published, whatever the licence."
        ),
    )

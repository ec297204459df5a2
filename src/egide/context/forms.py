from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Confidentiality, Organisation


class SeriesUploadForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=Organisation.objects.none())
    name_en = forms.CharField(label=_("name (English)"), max_length=300)
    name_fr = forms.CharField(label=_("name (French)"), max_length=300)
    higher_is_better = forms.TypedChoiceField(
        label=_("direction"),
        choices=[("true", _("higher is better")), ("false", _("lower is better"))],
        coerce=lambda value: value == "true",
    )
    minimum = forms.FloatField(label=_("lowest value of the scale"), required=False)
    maximum = forms.FloatField(label=_("highest value of the scale"), required=False)
    confidentiality = forms.ChoiceField(
        label=_("confidentiality"), choices=Confidentiality.choices, initial=Confidentiality.ORGANISATION
    )
    file = forms.FileField(
        label=_("file"),
        help_text=_("CSV with the columns country (ISO 3166-1 alpha-2 or alpha-3), year and value; UTF-8."),
    )

    def __init__(self, *args: object, organisations: QuerySet[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]

    def clean(self) -> dict:
        data = super().clean() or {}
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and high is not None and low >= high:
            self.add_error("maximum", _("The highest value must be above the lowest."))
        return data

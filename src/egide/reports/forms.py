"""The forms of the briefs' pages: asking for a brief (date, language, audience, sections and their order) and
an organisation's logo and footer."""

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.reports import sections
from egide.reports.models import Audience


class BriefRequestForm(forms.Form):
    as_of = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    audience = forms.ChoiceField(label=gettext_lazy("For"), choices=Audience.choices, initial=Audience.READER)

    def __init__(self, *args: Any, chosen: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()
        chosen = list(sections.DEFAULT_ORDER) if chosen is None else chosen
        order = chosen + [code for code in sections.DEFAULT_ORDER if code not in chosen]
        self.rows: list[dict[str, Any]] = []
        for position, code in enumerate(order, start=1):
            self.rows.append(
                {
                    "code": code,
                    "title": sections.TITLES[code],
                    "checked": code in chosen,
                    "position": position,
                }
            )
        self.chosen: list[str] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            self.chosen = sections.chosen_sections(self.data)
        except ValueError as error:
            raise forms.ValidationError(
                _("Section “%(section)s”: its position must be a whole number.")
                % {"section": sections.TITLES[str(error)]}
            ) from None
        if self.is_bound:
            for row in self.rows:
                row["checked"] = row["code"] in self.chosen
                row["position"] = self.data.get(f"position-{row['code']}", row["position"])
        day = cleaned.get("as_of")
        if isinstance(day, datetime.date) and day > timezone.localdate() + datetime.timedelta(days=366):
            self.add_error("as_of", _("Choose a date within a year from today."))
        return cleaned


class BriefStyleForm(forms.Form):
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy("A PNG or JPEG image of at most 512 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
    footer = forms.CharField(
        label=gettext_lazy("Footer text"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Printed at the foot of every page of your members' briefs."),
    )

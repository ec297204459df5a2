"""Forms for the people's pages. They collect and tidy input; egide.duediligence.people_services decides what is
valid."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.actors.data import CitationData
from egide.actors.forms import ActorChoiceField, FuzzyDateField
from egide.actors.models import Actor, Source
from egide.core import taxonomy
from egide.core.fuzzy_dates import FuzzyDate
from egide.core.reference import countries
from egide.duediligence.access import allowed_levels
from egide.duediligence.levels import DEFAULT_LEVEL, LEVELS_HELP
from egide.duediligence.models import NameKind, Person, PersonFact, PostRole
from egide.duediligence.people_services import NameData, PersonData, PostData

DATE_HELP = _("A year (2019), a month (2019-03) or a day (2019-03-14).")


def _country_choices(blank: bool) -> list[tuple[str, str]]:
    choices = sorted(((code, term.label) for code, term in countries().items()), key=lambda choice: choice[1])
    return [("", "—"), *choices] if blank else choices


def _choose(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _confidence_choices() -> list[tuple[str, str]]:
    return [(term.code, term.label) for term in taxonomy.CONFIDENCE_LEVELS]


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Primary name"), max_length=300, required=False)
    name_script = forms.CharField(label=_("Script of the name"), max_length=32, required=False)
    country = forms.ChoiceField(label=_("Country where the person serves"))
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    birth = FuzzyDateField(label=_("Date of birth"), required=False, help_text=DATE_HELP)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    confidence = forms.ChoiceField(label=_("Confidence"))
    owner = forms.ModelChoiceField(label=_("Owner organisation"), queryset=Organisation.objects.none())
    confidentiality = forms.ChoiceField(label=_("Who may read it"), initial=DEFAULT_LEVEL, help_text=LEVELS_HELP)

    def __init__(self, *args: Any, owners: QuerySet[Organisation], creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "country", _country_choices(blank=False))
        _choose(self, "nationality", _country_choices(blank=True))
        _choose(self, "confidence", _confidence_choices())
        _choose(self, "confidentiality", [(level.value, level.label) for level in allowed_levels()])
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners
        if creating:
            self.fields["name"].required = True
        else:
            del self.fields["name"], self.fields["name_script"]

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "country": person.country,
            "nationality": person.nationality,
            "birth": person.born,
            "notes": person.notes,
            "confidence": person.confidence,
            "owner": person.owner_id,
            "confidentiality": person.confidentiality,
        }

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            country=data["country"],
            owner=data["owner"],
            confidentiality=data["confidentiality"],
            confidence=data["confidence"],
            nationality=data.get("nationality") or "",
            birth=data.get("birth"),
            notes=data.get("notes") or "",
        )

    def names(self) -> list[NameData]:
        return [NameData(name=self.cleaned_data["name"], script=self.cleaned_data.get("name_script") or "")]


class NameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of name"), choices=NameKind.choices, initial=NameKind.SPELLING)
    script = forms.CharField(
        label=_("Script or language"),
        max_length=32,
        required=False,
        help_text=_("For example Latin, Arabic, Cyrillic."),
    )

    def name_data(self) -> NameData:
        data = self.cleaned_data
        return NameData(name=data["name"], kind=data["kind"], script=data.get("script") or "")


class PostForm(forms.Form):
    actor = ActorChoiceField(label=_("Unit or body"), queryset=Actor.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=PostRole.choices)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    start = FuzzyDateField(label=_("Start"), required=False, help_text=DATE_HELP)
    end = FuzzyDateField(label=_("End"), required=False, help_text=DATE_HELP)
    ongoing = forms.BooleanField(label=_("Still held"), required=False, initial=True)
    confidence = forms.ChoiceField(label=_("Confidence"))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, actors: QuerySet[Actor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, forms.ModelChoiceField)
        actor_field.queryset = actors
        _choose(self, "confidence", _confidence_choices())

    @staticmethod
    def initial_for(post: Any) -> dict[str, Any]:
        return {
            "actor": post.actor_id,
            "role": post.role,
            "title": post.title,
            "start": post.start,
            "end": post.end,
            "ongoing": post.ongoing,
            "confidence": post.confidence,
            "notes": post.notes,
        }

    def post_data(self) -> PostData:
        data = self.cleaned_data
        start: FuzzyDate | None = data.get("start")
        end: FuzzyDate | None = data.get("end")
        return PostData(
            actor=data["actor"],
            role=data["role"],
            title=data.get("title") or "",
            start=start,
            end=end,
            ongoing=bool(data.get("ongoing")),
            confidence=data["confidence"],
            notes=data.get("notes") or "",
        )


class EvidenceForm(forms.Form):
    """A source for one of a person's facts or for one of their posts: one already recorded, or a new one."""

    target = forms.ChoiceField(label=_("What the source backs"))
    source = forms.ModelChoiceField(
        label=_("A source already recorded"), queryset=Source.objects.none(), required=False
    )
    source_title = forms.CharField(label=_("Or a new source: its title"), max_length=500, required=False)
    source_author = forms.CharField(label=_("Publisher or author"), max_length=300, required=False)
    source_date = FuzzyDateField(label=_("Date of the source"), required=False, help_text=DATE_HELP)
    source_url = forms.URLField(label=_("Link"), max_length=1000, required=False)
    locator = forms.CharField(label=_("Page or passage"), max_length=500, required=False)
    confidence = forms.ChoiceField(label=_("Confidence"))

    def __init__(self, *args: Any, sources: QuerySet[Source], posts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source_field = self.fields["source"]
        assert isinstance(source_field, forms.ModelChoiceField)
        source_field.queryset = sources
        facts = [(f"fact:{value}", label) for value, label in PersonFact.choices]
        career = [(f"post:{pk}", label) for pk, label in posts]
        _choose(self, "target", [(_("Facts"), facts), *([(_("Posts"), career)] if career else [])])
        _choose(self, "confidence", _confidence_choices())

    def chosen_target(self) -> tuple[str, int | None]:
        """("fact code", None) or ("", post id)."""
        kind, _colon, value = self.cleaned_data["target"].partition(":")
        return (value, None) if kind == "fact" else ("", int(value))

    def new_source(self) -> CitationData | None:
        data = self.cleaned_data
        if not (data.get("source_title") or "").strip():
            return None
        return CitationData(
            title=data["source_title"],
            author=data.get("source_author") or "",
            published=data.get("source_date"),
            url=data.get("source_url") or "",
        )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the record is erased"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("For example the request it answers. Do not name the person: the audit log keeps the reason."),
    )


class ConsultationFilterForm(forms.Form):
    record_type = forms.ChoiceField(
        label=_("Record"),
        required=False,
        choices=[("", _("People and incidents")), ("person", _("People")), ("incident", _("Incidents"))],
    )
    record_id = forms.IntegerField(label=_("Record id"), required=False, min_value=1)
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

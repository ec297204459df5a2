"""core.web's form helpers: a form is saved through the service its view names only when posted and valid, and a
refusal of the service comes back on the form's fields, never lost."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from egide.accounts.models import Organisation
from egide.core.web import CHANGED_EVENT, FormTemplates, form_saved, form_view

FACTORY = RequestFactory()
TEMPLATES = FormTemplates(dialog="money/_dialog_form.html", page="money/form_page.html")


class NameForm(forms.Form):
    acronym = forms.CharField(max_length=8)


def saved(form: NameForm) -> Organisation:
    return Organisation(acronym=form.cleaned_data["acronym"])


def refused(form: NameForm) -> Organisation:
    raise ValidationError({"acronym": ["Already taken."], "owner": ["Not yours."]})


def test_a_posted_valid_form_is_saved_and_its_record_returned() -> None:
    request = FACTORY.post("/", {"acronym": "MEAE"})
    record = form_saved(request, NameForm(request.POST), saved)
    assert record is not None
    assert record.acronym == "MEAE"


def test_nothing_is_saved_on_a_visit_or_with_an_invalid_form() -> None:
    calls: list[NameForm] = []

    def save(form: NameForm) -> Organisation:
        calls.append(form)
        return saved(form)

    visit = FACTORY.get("/")
    assert form_saved(visit, NameForm(initial={"acronym": "MEAE"}), save) is None
    request = FACTORY.post("/", {"acronym": "FAR TOO LONG"})
    form = NameForm(request.POST)
    assert form_saved(request, form, save) is None
    assert calls == []
    assert "acronym" in form.errors


def test_a_refusal_of_the_service_is_shown_on_the_form() -> None:
    request = FACTORY.post("/", {"acronym": "MEAE"})
    form = NameForm(request.POST)
    assert form_saved(request, form, refused) is None
    assert form.errors["acronym"] == ["Already taken."]
    # A field the form does not have: the message goes to the top of the form.
    assert form.non_field_errors() == ["Not yours."]


def test_form_view_answers_an_htmx_change_and_shows_a_refused_form_again(db: None) -> None:
    request = FACTORY.post("/", {"acronym": "MEAE"}, headers={"HX-Request": "true"})
    response = form_view(
        request,
        form=NameForm(request.POST),
        save=saved,
        message="Saved.",
        redirect_to="/done/",
        templates=TEMPLATES,
        context={"title": "Name", "action": "/", "cancel": "/"},
    )
    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"]) == {CHANGED_EVENT: {"message": "Saved."}}
    request = FACTORY.post("/", {"acronym": "MEAE"}, headers={"HX-Request": "true"})
    response = form_view(
        request,
        form=NameForm(request.POST),
        save=refused,
        message="Saved.",
        redirect_to="/done/",
        templates=TEMPLATES,
        context={"title": "Name", "action": "/", "cancel": "/"},
    )
    assert response.status_code == 200
    assert "Already taken." in response.content.decode()

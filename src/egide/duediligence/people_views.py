"""The people's pages: the list and search, a person's page (every visit audited), the forms that change a
record, its export and erasure, and who consulted what. Signed-in readers only; thin: forms collect, services
write, selectors read."""

import io
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from openpyxl import Workbook

from egide.accounts import selectors as access
from egide.accounts.models import Organisation
from egide.accounts.sharing import share_posted, sharing_section
from egide.actors.models import Actor
from egide.actors.selectors import actors_visible, sources_visible
from egide.actors.views import _query_text
from egide.api.common import MAX_ID
from egide.audit.history import HISTORY_LENGTH, history_entries
from egide.audit.models import Action
from egide.audit.selectors import record_history
from egide.audit.services import audit_record
from egide.core.imports.tables import append_text
from egide.core.reference import country_name
from egide.core.web import apply_form_errors, posted_version
from egide.duediligence import people_selectors as selectors
from egide.duediligence import people_services as services
from egide.duediligence.diligence_selectors import assessments_of_units
from egide.duediligence.models import Evidence, Person, PersonName, Post, PostRole
from egide.duediligence.people_forms import (
    ConsultationFilterForm,
    EraseForm,
    EvidenceForm,
    NameForm,
    PersonForm,
    PostForm,
)
from egide.duediligence.reads import VIA_FORM, records_consulted

PAGE_SIZE = 50


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    try:
        return selectors.person_get(user=request.user, pk=pk)
    except Person.DoesNotExist:
        raise Http404(_("No such person.")) from None


def _require_edit(request: HttpRequest, person: Person) -> None:
    if not access.can_edit(user=request.user, record=person):
        raise PermissionDenied(_("You may not change this person's record."))


def _require_manage(request: HttpRequest, person: Person) -> None:
    if not access.can_manage(user=request.user, record=person):
        raise PermissionDenied(_("Only the owner organisation's editors may export or erase a person's record."))


def _detail_url(person: Person) -> str:
    return reverse("people:detail", kwargs={"pk": person.pk})


def _id_or_none(text: str) -> int | None:
    """An id typed in the address, or none when it is not one: only ASCII digits ("²" is a digit to Python but not
    to int()), and no larger than the database holds."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


@require_safe
@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "q": _query_text(request, "q")[:100],
        "country": _query_text(request, "country").upper()[:2],
        "role": _query_text(request, "role"),
        "actor": _query_text(request, "actor"),
    }
    role = filters["role"] if filters["role"] in PostRole.values else ""
    found = selectors.people_list(
        user=request.user,
        country=filters["country"],
        text=filters["q"],
        role=role,
        actor=_id_or_none(filters["actor"]),
    )
    page = Paginator(found.people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "duediligence/people/list.html",
        {
            "page": page,
            "found": found,
            "filters": filters,
            # The fictional-country notice (core.templatetags.training) reads the page's country from here.
            "country": filters["country"],
            "roles": PostRole.choices,
            "can_create": access.may_edit_somewhere(user=request.user),
        },
    )


@require_safe
@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    audit_record(user=request.user, action=Action.READ, instance=person, before=None, after=None)
    can_manage = access.can_manage(user=request.user, record=person)
    detail = selectors.person_detail(user=request.user, person=person)
    commanded = [entry.post.actor_id for entry in detail.career if entry.actor_visible and entry.post.commands]
    return render(
        request,
        "duediligence/people/detail.html",
        {
            "person": person,
            "detail": detail,
            "assessments": assessments_of_units(user=request.user, actor_ids=commanded),
            "can_edit": access.can_edit(user=request.user, record=person),
            "can_manage": can_manage,
            "sharing": sharing_section(
                user=request.user, record=person, share_url=reverse("people:share", kwargs={"pk": person.pk})
            ),
            # Who consulted the record is for the organisation's administrators (`consultations`), not every reader.
            "history": history_entries(
                user=request.user,
                events=record_history(instance=person).exclude(action=Action.READ)[:HISTORY_LENGTH],
                record=person,
            ),
            "nationality": country_name(person.nationality) if person.nationality else "",
        },
    )


def _form_page(
    request: HttpRequest, form: BaseForm, *, title: str, person: Person | None, **extra: Any
) -> HttpResponse:
    return render(request, "duediligence/people/form.html", {"form": form, "title": title, "person": person, **extra})


def _saved(request: HttpRequest, form: BaseForm, save: Callable[[], object]) -> bool:
    """Whether the posted, valid form was accepted by the service; a refusal is shown on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        apply_form_errors(form, error)
        return False
    return True


def _owners(request: HttpRequest, person: Person | None) -> QuerySet[Organisation]:
    """The organisations a record may be given to: the user's editing ones (in any country: the service checks the
    chosen country), and its present owner."""
    owners = access.importing_owners(user=request.user)
    if person is None or person.owner_id is None:
        return owners
    return Organisation.objects.filter(Q(pk__in=owners) | Q(pk=person.owner_id))


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not access.may_edit_somewhere(user=request.user):
        raise PermissionDenied(_("Your account may read but not change records: only editors may make changes."))
    form = PersonForm(request.POST or None, owners=_owners(request, None), creating=True)
    created: list[Person] = []
    if _saved(
        request,
        form,
        lambda: created.append(services.person_create(user=request.user, data=form.person_data(), names=form.names())),
    ):
        return HttpResponseRedirect(_detail_url(created[0]))
    return _form_page(request, form, title=_("New person"), person=None)


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    _require_edit(request, person)
    if request.method == "GET":
        records_consulted(user=request.user, records=[person], via=VIA_FORM)  # the form shows every fact
    form = PersonForm(
        request.POST or None, initial=PersonForm.initial_for(person), owners=_owners(request, person), creating=False
    )
    if not access.can_manage(user=request.user, record=person):
        for name in ("owner", "confidentiality"):
            form.fields[name].disabled = True
    try:
        if _saved(
            request,
            form,
            lambda: services.person_update(
                user=request.user, person=person, data=form.person_data(), expected_version=posted_version(request)
            ),
        ):
            return HttpResponseRedirect(_detail_url(person))
    except services.StalePerson:
        form.add_error(None, _("Someone changed this record after you opened it: reload the page and try again."))
    return _form_page(request, form, title=_("Edit the person's facts"), person=person, version=person.version)


@login_required
def name_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    _require_edit(request, person)
    form = NameForm(request.POST or None)
    if _saved(request, form, lambda: services.name_add(user=request.user, person=person, data=form.name_data())):
        return HttpResponseRedirect(_detail_url(person))
    return _form_page(request, form, title=_("Add a name"), person=person)


@require_POST
@login_required
def name_remove(request: HttpRequest, pk: int, name: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    _require_edit(request, person)
    record = get_object_or_404(PersonName, pk=name, person=person)
    try:
        services.name_remove(user=request.user, name=record)
    except ValidationError as error:
        return _refused(request, person, error)
    return HttpResponseRedirect(_detail_url(person))


def _refused(request: HttpRequest, person: Person, error: ValidationError) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return HttpResponseRedirect(_detail_url(person))


def _actors_of(request: HttpRequest, person: Person) -> QuerySet[Actor]:
    return actors_visible(user=request.user).filter(country=person.country).order_by("name_en")


@login_required
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    _require_edit(request, person)
    form = PostForm(request.POST or None, actors=_actors_of(request, person))
    if _saved(request, form, lambda: services.post_create(user=request.user, person=person, data=form.post_data())):
        return HttpResponseRedirect(_detail_url(person))
    return _form_page(request, form, title=_("Add a post"), person=person)


@login_required
def post_edit(request: HttpRequest, pk: int, post: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    _require_edit(request, person)
    record = get_object_or_404(Post, pk=post, person=person)
    if request.method == "GET":
        records_consulted(user=request.user, records=[person], via=VIA_FORM)  # the post's dates and notes
    form = PostForm(request.POST or None, initial=PostForm.initial_for(record), actors=_actors_of(request, person))
    if _saved(request, form, lambda: services.post_update(user=request.user, post=record, data=form.post_data())):
        return HttpResponseRedirect(_detail_url(person))
    return _form_page(request, form, title=_("Edit the post"), person=person)


@require_POST
@login_required
def post_delete(request: HttpRequest, pk: int, post: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    _require_edit(request, person)
    services.post_delete(user=request.user, post=get_object_or_404(Post, pk=post, person=person))
    return HttpResponseRedirect(_detail_url(person))


@login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    _require_edit(request, person)
    posts = [
        (
            entry.post.pk,
            " ".join(
                [
                    f"{entry.post.get_role_display()} ·",
                    entry.post.actor.name if entry.actor_visible else _("a unit you cannot see"),
                    entry.post.start,
                ]
            ).strip(),
        )
        for entry in selectors.person_posts(user=request.user, person=person)
    ]
    form = EvidenceForm(
        request.POST or None,
        sources=sources_visible(user=request.user, country=person.country).order_by("title"),
        posts=posts,
    )

    def save() -> Evidence:
        fact, post_id = form.chosen_target()
        post = Post.objects.filter(pk=post_id, person=person).first() if post_id is not None else None
        if post_id is not None and post is None:
            raise ValidationError({"target": [_("The post is not this person's.")]})
        return services.evidence_add(
            user=request.user,
            person=person,
            post=post,
            fact=fact,
            source=form.cleaned_data.get("source"),
            new_source=form.new_source(),
            locator=form.cleaned_data.get("locator") or "",
            confidence=form.cleaned_data["confidence"],
        )

    if _saved(request, form, save):
        return HttpResponseRedirect(_detail_url(person))
    return _form_page(request, form, title=_("Cite a source"), person=person)


@require_POST
@login_required
def evidence_remove(request: HttpRequest, pk: int, evidence: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    _require_edit(request, person)
    record = get_object_or_404(Evidence, Q(person=person) | Q(post__person=person), pk=evidence)
    services.evidence_remove(user=request.user, evidence=record)
    return HttpResponseRedirect(_detail_url(person))


@require_POST
@login_required
def person_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a restricted record with another organisation, named by its acronym (the map's sharing)."""
    person = _person_or_404(request, pk)
    return share_posted(request, person, page=_detail_url(person))


def _exported(request: HttpRequest, person: Person, fmt: str) -> dict[str, Any]:
    _require_manage(request, person)
    record = selectors.person_record(user=request.user, person=person)
    audit_record(user=request.user, action=Action.EXPORT, instance=person, before=None, after={"format": fmt})
    return record


@require_safe
@login_required
def person_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    record = _exported(request, person, "json")
    response = HttpResponse(
        json.dumps(record, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


def _sheet_rows(record: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The record's parts as the workbook's sheets: each a header and rows."""
    facts = [[key, record[key]] for key in record if not isinstance(record[key], list)]
    sheets: dict[str, list[list[Any]]] = {str(_("Person")): [[str(_("Field")), str(_("Value"))], *facts]}
    for key, title in (
        ("names", _("Names")),
        ("evidence", _("Evidence")),
        ("posts", _("Posts")),
        ("incidents", _("Incidents")),
    ):
        items = record[key]
        columns = sorted({column for item in items for column in item if not isinstance(item[column], list)})
        rows: list[list[Any]] = [columns]
        for item in items:
            rows.append([item.get(column, "") for column in columns])
            for nested in item.get("evidence", []) if key in ("posts", "incidents") else []:
                rows.append(["", *(f"{name}: {value}" for name, value in nested.items() if value)])
        sheets[str(title)] = rows
    return sheets


@require_safe
@login_required
def person_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    record = _exported(request, person, "xlsx")
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in _sheet_rows(record).items():
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            append_text(
                sheet,
                [value if isinstance(value, int | float | bool) or value is None else str(value) for value in row],
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.xlsx"'
    return response


@login_required
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    _require_manage(request, person)
    form = EraseForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda: services.person_erase(user=request.user, person=person, reason=form.cleaned_data["reason"]),
    ):
        messages.success(request, _("The person's record was erased."))
        return HttpResponseRedirect(reverse("people:list"))
    detail = selectors.person_detail(user=request.user, person=person)
    return _form_page(request, form, title=_("Erase the person's record"), person=person, erasing=detail)


@require_safe
@login_required
def consultations(request: HttpRequest, pk: int) -> HttpResponse:
    """Who consulted which person or incident of the organisation: for its administrators."""
    organisation = get_object_or_404(Organisation, pk=pk)
    form = ConsultationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.consultations(
        user=request.user,
        organisation=organisation,
        record_type=filters.get("record_type") or "",
        record_id=filters.get("record_id"),
        username=filters.get("user") or "",
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "duediligence/people/consultations.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "rows": selectors.consultation_rows(user=request.user, events=list(page.object_list)),
            "query": query.urlencode(),
            "now": timezone.now(),
        },
    )

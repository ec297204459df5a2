"""Pages of the security system map. Thin: forms collect, services write, selectors read."""

from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from egide.accounts import selectors as access
from egide.accounts.models import Organisation
from egide.accounts.sharing import share_posted, sharing_section
from egide.actors import exporter, fields, selectors, services
from egide.actors.conflicts import changes_since
from egide.actors.data import ActorData, RelationshipData, SourceCitation
from egide.actors.documents import read_map_file
from egide.actors.forms import ActorForm, CitationFieldsMixin, ColumnMappingForm, ImportForm, RelationshipForm
from egide.actors.importer import ImportRejected, map_file_import
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.rules import control_character, text_message
from egide.actors.tabular import TableError, UnknownColumns
from egide.actors.versions import map_version
from egide.audit.history import record_history_for
from egide.coordination.dashboard_views import dashboard_page
from egide.core import as_of, taxonomy
from egide.core.reference import countries
from egide.core.users import AnyUser
from egide.core.web import apply_form_errors, changed, country_or_404, is_htmx, posted_version, refused
from egide.imports.background import import_in_background, is_large
from egide.imports.models import ImportKind
from egide.imports.selectors import column_mapping_of, import_job_waiting
from egide.imports.services import (
    column_mapping_remember,
    import_job_hold,
    import_job_release,
    import_job_requeue,
)
from egide.maps.context import map_context

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in readers start from the cross-country dashboard; visitors from the list of mapped countries."""
    if request.user.is_authenticated and "country" not in request.GET:
        return dashboard_page(request)
    return country_list(request)


def country_list(request: HttpRequest) -> HttpResponse:
    """The countries with a map, with their counts; or the page of the country chosen (`?country=`)."""
    chosen = request.GET.get("country", "").upper()
    if chosen in countries():
        return HttpResponseRedirect(reverse("country-detail", kwargs={"code": chosen}))
    summaries = selectors.country_summaries(user=request.user)
    mapped = {summary.code for summary in summaries}
    other_countries = sorted(
        (term for code, term in countries().items() if code not in mapped), key=lambda term: term.label
    )
    return render(
        request,
        "actors/home.html",
        {"summaries": summaries, "other_countries": other_countries, "families": taxonomy.FAMILIES},
    )


def _query_text(request: HttpRequest, name: str) -> str:
    return query_text(request.GET, name)


def query_text(query: QueryDict, name: str) -> str:
    """A filter or search of the address, refused (400, naming it) when it holds a control character: PostgreSQL
    cannot even compare text with a NUL in it."""
    value = query.get(name, "").strip()
    character = control_character(value)
    if character is not None:
        raise BadRequest(
            _("The parameter “%(name)s” of the address is refused. %(problem)s")
            % {"name": name, "problem": text_message(character)}
        )
    return value


def _table_links(request: HttpRequest, prefix: str, sorts: list[str], current: str) -> dict[str, dict[str, str]]:
    """For each sortable column, the query string that sorts by it (reversing the current direction)."""
    links = {}
    for column in sorts:
        new = f"-{column}" if current == column else column
        params = request.GET.copy()
        params[f"{prefix}sort"] = new
        params.pop(f"{prefix}page", None)
        links[column] = {
            "query": params.urlencode(),
            "state": "ascending" if current == column else "descending" if current == f"-{column}" else "",
        }
    return links


class _CountedPaginator(Paginator[Any]):
    """A paginator given the number of rows, already counted for the page's heading: it does not count again."""

    def __init__(self, rows: QuerySet[Any], per_page: int, *, count: int) -> None:
        super().__init__(rows, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _table(
    request: HttpRequest,
    rows: Callable[..., QuerySet[Any]],
    *,
    prefix: str,
    default: str,
    columns: list[str],
    filters: dict[str, str],
    unfiltered_count: int | None = None,
) -> tuple[Page[Any], dict[str, dict[str, str]]]:
    """A page of one of a country's sortable tables, and the links that sort it by each column. `filters` names,
    for each argument of the selector `rows`, the parameter of the address that holds it; the table's parameters
    start with `prefix`, so that two tables on one page keep apart. `unfiltered_count`, when the page has already
    counted the table's rows, serves as the number of rows when no filter is chosen."""
    chosen = table_choices(request.GET, prefix=prefix, default=default, filters=filters)
    sort = chosen["sort"]
    found = rows(user=request.user, **chosen)
    if unfiltered_count is not None and not any(chosen[name] for name in filters):
        paginator: Paginator[Any] = _CountedPaginator(found, PAGE_SIZE, count=unfiltered_count)
    else:
        paginator = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(request.GET.get(f"{prefix}page"))
    return page, _table_links(request, prefix, columns, sort)


def table_choices(query: QueryDict, *, prefix: str, default: str, filters: dict[str, str]) -> dict[str, str]:
    """The arguments of a table's selector that its address chooses: the sort and each filter (a list's export
    reads the same rows as the table shows)."""
    chosen = {name: query_text(query, key) for name, key in filters.items()}
    return {"sort": query.get(f"{prefix}sort", default)} | chosen


ACTOR_TABLE: dict[str, Any] = {
    "prefix": "",
    "default": "name",
    "filters": {"family": "family", "kind": "kind", "search": "q"},
}
RELATIONSHIP_TABLE: dict[str, Any] = {"prefix": "r", "default": "source", "filters": {"type": "rtype", "search": "rq"}}
"""What addresses the actors' and the relationships' tables: the prefix of their parameters, their default sort, and
for each argument of their selector the parameter that holds it."""


def _actors_table(request: HttpRequest, country: str, *, count: int | None = None) -> dict[str, Any]:
    page, sorts = _table(
        request,
        partial(selectors.country_actors, country=country),
        columns=["name", "kind", "family", "reference", "confidence"],
        unfiltered_count=count,
        **ACTOR_TABLE,
    )
    return {
        "actors_page": page,
        "actor_sorts": sorts,
        "actor_filters": {"family": request.GET.get("family", ""), "q": request.GET.get("q", "")},
    }


def _relationships_table(request: HttpRequest, country: str, *, count: int | None = None) -> dict[str, Any]:
    page, sorts = _table(
        request,
        partial(selectors.country_relationships, country=country),
        columns=["source", "type", "target", "start", "confidence"],
        unfiltered_count=count,
        **RELATIONSHIP_TABLE,
    )
    return {
        "relationships_page": page,
        "editable_relationships": access.editable_ids(user=request.user, records=page.object_list),
        "relationship_sorts": sorts,
        "relationship_filters": {"type": request.GET.get("rtype", ""), "q": request.GET.get("rq", "")},
    }


def _country_context(request: HttpRequest, country: str) -> dict[str, Any]:
    return {
        "country": country,
        "country_name": countries()[country].label,
        "families": taxonomy.FAMILIES,
        "relationship_types": taxonomy.RELATIONSHIP_TYPES,
        "query": request.GET.urlencode(),
        "can_create": access.editable_owners(user=request.user, country=country).exists(),
    }


COUNTRY_TABS = ("map", "actors", "relationships", "sources")
"""The country page's tabs, each at its own address (the governance tab is the governance app's page)."""


def _country_page(request: HttpRequest, code: str, tab: str) -> HttpResponse:
    """One tab of a country's page: the heading and the tab bar, and only what that tab shows."""
    country = country_or_404(code)
    context = _country_context(request, country)
    # Read once for what the page keeps per map version (the counts, a reader's sources), before any of it.
    version = map_version(country=country)
    counts = selectors.country_counts(user=request.user, country=country, version=version)
    context.update({"tab": tab, "counts": counts})
    if tab == "map":
        context.update(map_context(request, country, as_of.request_day(request)))
    elif tab == "actors":
        context.update(_actors_table(request, country, count=counts.actors))
    elif tab == "relationships":
        context.update(_relationships_table(request, country, count=counts.relationships))
    else:
        context["sources"] = selectors.country_sources(user=request.user, country=country, version=version)
    return render(request, "actors/country.html", context)


ACTOR_TABLE_PARAMETERS = frozenset({"q", "family", "kind", "sort", "page"})
RELATIONSHIP_TABLE_PARAMETERS = frozenset({"rq", "rtype", "rsort", "rpage"})


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The map tab. A link from before the tabs, which filtered a table on this one page, opens that table's tab."""
    country = country_or_404(code)
    for parameters, tab in (
        (RELATIONSHIP_TABLE_PARAMETERS, "country-relationships"),
        (ACTOR_TABLE_PARAMETERS, "country-actors"),
    ):
        if parameters & request.GET.keys():
            return HttpResponseRedirect(f"{reverse(tab, kwargs={'code': country})}?{request.GET.urlencode()}")
    return _country_page(request, country, "map")


def country_actors(request: HttpRequest, code: str) -> HttpResponse:
    return _country_page(request, code, "actors")


def country_relationships(request: HttpRequest, code: str) -> HttpResponse:
    return _country_page(request, code, "relationships")


def country_sources(request: HttpRequest, code: str) -> HttpResponse:
    return _country_page(request, code, "sources")


def country_counts(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    context = _country_context(request, country) | {
        "counts": selectors.country_counts(user=request.user, country=country)
    }
    return render(request, "actors/_country_counts.html", context)


def _filtered_in_address(
    response: HttpResponse, request: HttpRequest, *, table_id: str, page: str, country: str
) -> HttpResponse:
    """A table refreshed by its filter form writes the filters into the tab's address (replacing it, so that typing
    adds no history entry): a reload or a shared link shows the same rows."""
    if request.headers.get("HX-Trigger") == f"{table_id}-filters":
        query = request.GET.urlencode()
        response["HX-Replace-Url"] = reverse(page, kwargs={"code": country}) + (f"?{query}" if query else "")
    return response


def country_actors_table(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    context = _country_context(request, country) | _actors_table(request, country)
    response = render(request, "actors/_actors_table.html", context)
    return _filtered_in_address(response, request, table_id="actors-table", page="country-actors", country=country)


def country_relationships_table(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    context = _country_context(request, country) | _relationships_table(request, country)
    response = render(request, "actors/_relationships_table.html", context)
    return _filtered_in_address(
        response, request, table_id="relationships-table", page="country-relationships", country=country
    )


def _actor_or_404(request: HttpRequest, pk: int) -> Actor:
    try:
        return selectors.actor_get(user=request.user, pk=pk)
    except Actor.DoesNotExist:
        raise Http404(_("No such actor.")) from None


def _relationship_or_404(request: HttpRequest, pk: int) -> Relationship:
    try:
        return selectors.relationship_get(user=request.user, pk=pk)
    except Relationship.DoesNotExist:
        raise Http404(_("No such relationship.")) from None


def actor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor_or_404(request, pk)
    outgoing, incoming = selectors.actor_relationships(user=request.user, actor=actor)
    children = selectors.actors_visible(user=request.user).filter(parent=actor).order_by("name_en")
    editable = access.editable_ids(user=request.user, records=[actor])
    return render(
        request,
        "actors/actor.html",
        {
            "actor": actor,
            "outgoing": outgoing,
            "incoming": incoming,
            "children": children,
            "can_edit": actor.pk in editable,
            "editable_relationships": access.editable_ids(user=request.user, records=[*outgoing, *incoming]),
            "can_create": access.editable_owners(user=request.user, country=actor.country).exists(),
            "sharing": sharing_section(
                user=request.user, record=actor, share_url=reverse("actor-share", kwargs={"pk": actor.pk})
            ),
            "history": record_history_for(user=request.user, instance=actor),
            # How the governance findings' French sentences name it ("de la Police"), once an editor has said.
            "article_fr": dict(fields.ACTOR["article_fr"].options()).get(actor.article_fr)
            if actor.article_fr != fields.ACTOR["article_fr"].default
            else "",
        },
    )


def relationship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A relationship's own page, at a permanent address: its facts, sources and history."""
    relationship = _relationship_or_404(request, pk)
    can_edit = access.can_edit(user=request.user, record=relationship)
    return render(
        request,
        "actors/relationship.html",
        {
            "relationship": relationship,
            "can_edit": can_edit,
            "history": record_history_for(user=request.user, instance=relationship),
        },
    )


def _require_edit(request: HttpRequest, record: Actor | Relationship) -> None:
    if not access.can_edit(user=request.user, record=record):
        raise PermissionDenied(_("You may not change this record."))


def _owners_for(request: HttpRequest, record: Actor | Relationship) -> QuerySet[Organisation]:
    """The organisations the record may be given to: the user's editing ones, and its present owner."""
    owners = access.editable_owners(user=request.user, country=record.country)
    if record.owner_id is None:
        return owners
    return Organisation.objects.filter(Q(pk__in=owners) | Q(pk=record.owner_id))


def _lock_access_fields(request: HttpRequest, form: Any, record: Actor | Relationship) -> None:
    """Who owns the record and who may read it are shown, not offered, to those who may only edit its content."""
    if not access.can_manage(user=request.user, record=record):
        for name in ("owner", "confidentiality"):
            form.fields[name].disabled = True


def _hidden_parent(actor: Actor) -> Actor | None:
    """The actor's parent when the editor may not see it (None when it has none, or the editor sees it)."""
    if actor.parent_id is None or getattr(actor, "parent_visible", False):
        return None
    return actor.parent


def _form_response(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    form = context["form"]
    citation_names = set(CitationFieldsMixin.base_fields)
    context["main_fields"] = [field for field in form if field.name not in citation_names]
    context["citation_fields"] = [field for field in form if field.name in citation_names]
    # A plain (non-HTMX) visit gets a whole page around the same form.
    if not is_htmx(request):
        context["partial"] = template
        return render(request, "actors/form_page.html", context)
    return render(request, template, context)


def _refused_as_stale(request: HttpRequest, form: Any, stale: services.StaleRecord) -> dict[str, Any]:
    """A save made from an older version: say who changed what since, keep what was typed, move to the version
    now current so that saving again applies it knowingly."""
    form.show_version(stale.record.version)
    return {"conflict": changes_since(user=request.user, record=stale.record, version=stale.expected)}


def _citation_of(form: CitationFieldsMixin) -> SourceCitation | None:
    """The source the person chose or described in the form's citation fields, if any."""
    data = form.cleaned_data
    new, recorded = form.citation(), data.get("cite_source")
    if new is None and recorded is None:
        return None
    return SourceCitation(
        recorded=recorded,
        new=new,
        # A document describes a new source; a recorded source's document is not changed from here.
        document=data.get("source_document") if new is not None else None,
        locator=data.get("source_locator") or "",
        locator_fr=data.get("source_locator_fr") or "",
    )


def _refused_deletion(request: HttpRequest, name: str, *, redirect_to: str) -> HttpResponse:
    return refused(
        request,
        _("“%(name)s” was changed after you opened it, so it was not deleted: look at the change, then try again.")
        % {"name": name},
        redirect_to=redirect_to,
    )


def _deleted(
    request: HttpRequest,
    delete: Callable[[], object],
    *,
    missing: type[Actor] | type[Relationship],
    gone: str,
    label: str,
    record_page: str,
    done: str,
    redirect_to: str,
    leave_from: str,
) -> HttpResponse:
    """The answer to a deletion made by `delete`: refused, back to `record_page`, when the record changed since
    the reader opened it; 404, saying `gone`, when it is no longer there; otherwise the `done` message and
    `redirect_to`, which a dialog opened from the record's own page leaves for (that page is gone) when the form
    says it came from `leave_from`."""
    try:
        delete()
    except services.StaleRecord:
        return _refused_deletion(request, label, redirect_to=record_page)
    except missing.DoesNotExist:
        raise Http404(gone) from None
    return changed(request, done, redirect_to=redirect_to, leave=request.POST.get("next") == leave_from)


class _RecordForms[R: (Actor, Relationship)](ABC):
    """The pages that create and edit one kind of record together with a citation: a dialog on HTMX pages, a page
    of its own otherwise. The record and its citation are one service call; a save made from an older version is
    refused with what changed since; who owns the record and who may read it are locked for editors by a share.

    A subclass tells what differs between kinds: the form, the service calls, the words and the addresses.
    """

    model: type[R]
    form_class: type[ActorForm] | type[RelationshipForm]
    template: str
    create_url: str  # the names of the addresses the form posts to
    edit_url: str
    missing: str | Promise  # the answer when the record is gone
    # The titles of the form and the messages after a save, formatted with the record's `words`.
    new_title: str | Promise
    edit_title: str | Promise
    created: str | Promise
    saved: str | Promise

    @abstractmethod
    def get(self, request: HttpRequest, pk: int) -> R:
        """The record the user may change, or Http404."""

    @abstractmethod
    def words(self, record: R) -> dict[str, Any]:
        """What the titles and messages name the record by."""

    @abstractmethod
    def page(self, record: R) -> str:
        """Where the record is shown: a plain form post goes there once it is saved."""

    def form_options(self, request: HttpRequest, record: R | None) -> dict[str, Any]:
        """What the kind's form needs besides the choices that every form gets."""
        return {}

    def data(self, form: Any, record: R | None) -> Any:
        return form.to_data()

    @abstractmethod
    def write(
        self,
        user: AnyUser,
        data: Any,
        *,
        country: str,
        record: R | None,
        version: int | None,
        citation: SourceCitation | None,
    ) -> R:
        """Create the record (`record` None) or change it, with its citation, in one service call."""

    def create(self, request: HttpRequest, code: str) -> HttpResponse:
        country = country_or_404(code)
        owners = access.editable_owners(user=request.user, country=country)
        if not owners.exists():
            raise PermissionDenied(_("You have no editing role for this country."))
        return self._handle(request, self._form(request, country, owners, None), country=country, record=None)

    def edit(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get(request, pk)
        _require_edit(request, record)
        form = self._form(request, record.country, _owners_for(request, record), record)
        _lock_access_fields(request, form, record)
        return self._handle(request, form, country=record.country, record=record)

    def _form(self, request: HttpRequest, country: str, owners: QuerySet[Organisation], record: R | None) -> Any:
        return self.form_class(
            request.POST or None,
            request.FILES or None,
            actors=selectors.country_actors(user=request.user, country=country),
            sources=selectors.country_sources(user=request.user, country=country),
            owners=owners,
            **self.form_options(request, record),
        )

    def _handle(self, request: HttpRequest, form: Any, *, country: str, record: R | None) -> HttpResponse:
        context: dict[str, Any] = {}
        if request.method == "POST" and form.is_valid():
            try:
                saved = self.write(
                    request.user,
                    self.data(form, record),
                    country=country,
                    record=record,
                    version=form.cleaned_data.get("version"),
                    citation=_citation_of(form),
                )
            except services.StaleRecord as stale:
                context = _refused_as_stale(request, form, stale)
            except self.model.DoesNotExist:
                raise Http404(self.missing) from None  # deleted by someone else since the form was opened
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                message = self.created if record is None else self.saved
                return changed(request, message % self.words(saved), redirect_to=self.page(saved))
        if record is None:
            title, action = self.new_title, reverse(self.create_url, kwargs={"code": country})
            cancel = reverse("country-detail", kwargs={"code": country})
        else:
            title, action = self.edit_title % self.words(record), reverse(self.edit_url, kwargs={"pk": record.pk})
            cancel = self.page(record)
        return _form_response(
            request, self.template, context | {"form": form, "title": title, "action": action, "cancel": cancel}
        )


class _ActorForms(_RecordForms[Actor]):
    model, form_class, template = Actor, ActorForm, "actors/_actor_form.html"
    create_url, edit_url = "actor-create", "actor-edit"
    missing = gettext_lazy("No such actor.")
    new_title, edit_title = gettext_lazy("New actor"), gettext_lazy("Edit %(name)s")
    created, saved = gettext_lazy("Actor “%(name)s” created."), gettext_lazy("Actor “%(name)s” saved.")

    def get(self, request: HttpRequest, pk: int) -> Actor:
        return _actor_or_404(request, pk)

    def words(self, record: Actor) -> dict[str, Any]:
        return {"name": record.name}

    def page(self, record: Actor) -> str:
        return reverse("actor-detail", kwargs={"pk": record.pk})

    def form_options(self, request: HttpRequest, record: Actor | None) -> dict[str, Any]:
        return {"actor": record}

    def _form(self, request: HttpRequest, country: str, owners: QuerySet[Organisation], record: Actor | None) -> Any:
        form = super()._form(request, country, owners, record)
        if record is not None and _hidden_parent(record) is not None:
            # A parent hidden from the editor is neither offered nor cut: left empty, the field keeps it.
            form.fields["parent"].empty_label = _("a body you cannot see (unchanged)")
        return form

    def data(self, form: ActorForm, record: Actor | None) -> ActorData:
        hidden_parent = _hidden_parent(record) if record is not None else None
        if hidden_parent is not None and form.cleaned_data.get("parent") is None:
            form.cleaned_data["parent"] = hidden_parent
        return form.to_data()

    def write(
        self,
        user: AnyUser,
        data: ActorData,
        *,
        country: str,
        record: Actor | None,
        version: int | None,
        citation: SourceCitation | None,
    ) -> Actor:
        if record is None:
            return services.actor_create(user=user, country=country, data=data, citation=citation)
        return services.actor_update(user=user, actor=record, data=data, expected_version=version, citation=citation)


class _RelationshipForms(_RecordForms[Relationship]):
    model, form_class, template = Relationship, RelationshipForm, "actors/_relationship_form.html"
    create_url, edit_url = "relationship-create", "relationship-edit"
    missing = gettext_lazy("No such relationship.")
    new_title, edit_title = gettext_lazy("New relationship"), gettext_lazy("Edit relationship")
    created = gettext_lazy("Relationship “%(relationship)s” created.")
    saved = gettext_lazy("Relationship “%(relationship)s” saved.")

    def get(self, request: HttpRequest, pk: int) -> Relationship:
        return _relationship_or_404(request, pk)

    def words(self, record: Relationship) -> dict[str, Any]:
        return {"relationship": record}

    def page(self, record: Relationship) -> str:
        return reverse("relationship-detail", kwargs={"pk": record.pk})

    def form_options(self, request: HttpRequest, record: Relationship | None) -> dict[str, Any]:
        if record is None:
            # "New relationship" from an actor's page starts from that actor.
            initial = {end: request.GET[end] for end in ("source", "target") if request.GET.get(end)}
        else:
            # Who owns it and who may read it are set up by the form from the record.
            initial = {
                name: getattr(record, name)
                for name in RelationshipForm.field_order
                if name not in ("owner", "confidentiality")
            }
        return {"initial": initial, "relationship": record}

    def write(
        self,
        user: AnyUser,
        data: RelationshipData,
        *,
        country: str,
        record: Relationship | None,
        version: int | None,
        citation: SourceCitation | None,
    ) -> Relationship:
        if record is None:
            return services.relationship_create(user=user, data=data, citation=citation)
        return services.relationship_update(
            user=user, relationship=record, data=data, expected_version=version, citation=citation
        )


def _form_view(page: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return login_required(require_http_methods(["GET", "POST"])(page))


actor_create = _form_view(_ActorForms().create)
actor_edit = _form_view(_ActorForms().edit)
relationship_create = _form_view(_RelationshipForms().create)
relationship_edit = _form_view(_RelationshipForms().edit)


@login_required
@require_POST
def actor_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor_or_404(request, pk)
    name, country = actor.name, actor.country
    return _deleted(
        request,
        lambda: services.actor_delete(user=request.user, actor=actor, expected_version=posted_version(request)),
        missing=Actor,
        gone=_("No such actor."),
        label=name,
        record_page=reverse("actor-detail", kwargs={"pk": actor.pk}),
        done=_("Actor “%(name)s” deleted, with its relationships.") % {"name": name},
        # Deleted from its own page, which is gone: the country's page is shown instead.
        redirect_to=reverse("country-detail", kwargs={"code": country}),
        leave_from="country",
    )


@login_required
@require_POST
def relationship_delete(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = _relationship_or_404(request, pk)
    label, source_page = str(relationship), reverse("actor-detail", kwargs={"pk": relationship.source_id})
    return _deleted(
        request,
        lambda: services.relationship_delete(
            user=request.user, relationship=relationship, expected_version=posted_version(request)
        ),
        missing=Relationship,
        gone=_("No such relationship."),
        label=label,
        record_page=source_page,
        done=_("Relationship “%(relationship)s” deleted.") % {"relationship": label},
        # Deleted from its own page, which is gone: its first actor's page is shown instead.
        redirect_to=source_page,
        leave_from="actor",
    )


@login_required
@require_POST
def citation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        citation = selectors.citation_get(user=request.user, pk=pk)
    except (Citation.DoesNotExist, Actor.DoesNotExist, Relationship.DoesNotExist):
        raise Http404(_("No such citation.")) from None
    if citation.actor_id is not None:
        page = reverse("actor-detail", kwargs={"pk": citation.actor_id})
    else:
        page = reverse("relationship-detail", kwargs={"pk": citation.relationship_id})
    services.citation_remove(user=request.user, citation=citation)
    return changed(
        request, _("Citation of “%(source)s” removed.") % {"source": citation.source.title}, redirect_to=page
    )


def problem_counts(shown: int, total: int) -> tuple[str, str]:
    """The problems shown and counted, written with the reader's thousands separator (1,000 of 9,100,000)."""
    return number_format(shown, force_grouping=True), number_format(total, force_grouping=True)


def _import_now(
    request: HttpRequest,
    context: dict[str, Any],
    *,
    country: str,
    owner: Organisation | None,
    confidentiality: str,
    filename: str,
    data: bytes,
    mapped: dict[str, dict[str, str]] | None = None,
) -> None:
    """Import a file in the request and put the outcome in the page's context: the report, the problems, the
    columns to map (the file is then kept for the mapping form), or the reason the file cannot be read. The
    organisation's remembered mapping applies, and over it `mapped`, the one just given."""
    mapping = column_mapping_of(organisation=owner)
    for table, headers in (mapped or {}).items():
        mapping.setdefault(table, {}).update(headers)
    try:
        report = map_file_import(
            user=request.user,
            country=country,
            filename=filename,
            data=data,
            owner=owner,
            confidentiality=confidentiality,
            mapping=mapping,
        )
    except UnknownColumns as unknown:
        job = import_job_hold(
            user=request.user,
            country=country,
            owner=owner,
            confidentiality=confidentiality,
            filename=filename,
            data=data,
        )
        context["mapping_form"] = ColumnMappingForm(unknown=unknown, initial={"pending": job.pk})
        context["mapping_file"] = filename
        context["mapping_owner"] = owner
    except TableError as error:
        context["file_error"] = str(error)
    except ImportRejected as rejected:
        context["problems"] = rejected.problems
        context["problem_total"] = rejected.total
        context["problem_counts"] = problem_counts(len(rejected.problems), rejected.total)
    else:
        context["report"] = report
        messages.success(request, _("Import finished."))


def _import_mapped(request: HttpRequest, context: dict[str, Any], country: str) -> None:
    """The mapping form's answer: remember it for the organisation, then import the file kept for it."""
    job = import_job_waiting(user=request.user, pk=request.POST.get("pending", ""))
    if job is None or job.country != country:
        context["file_error"] = _("This file is no longer waiting for its columns; upload it again.")
        return
    data = bytes(job.data)
    mapping: dict[str, dict[str, str]] = {}
    try:
        read_map_file(data, filename=job.filename, mapping=column_mapping_of(organisation=job.owner))
    except UnknownColumns as unknown:
        form = ColumnMappingForm(request.POST, unknown=unknown)
        if not form.is_valid():
            context["mapping_form"] = form
            context["mapping_file"] = job.filename
            context["mapping_owner"] = job.owner
            return
        mapping = form.mapping()
        if job.owner is not None:
            column_mapping_remember(user=request.user, organisation=job.owner, country=country, mapping=mapping)
    except TableError:
        pass  # said again, and recorded, by the import below
    # A large file goes back to the worker, which reads it with the organisation's mapping now remembered; without
    # an organisation (platform staff) nothing is remembered, and the file is imported here with the answer given.
    if job.size > settings.EGIDE_IMPORT_INLINE_MAX_BYTES and job.owner is not None:
        import_job_requeue(job=job)
        context["redirect"] = reverse("import-job", kwargs={"pk": job.pk})
        return
    import_job_release(job=job)
    _import_now(
        request,
        context,
        country=country,
        owner=job.owner,
        confidentiality=job.confidentiality,
        filename=job.filename,
        data=data,
        mapped=mapping,
    )


def _mapping_asked(request: HttpRequest, context: dict[str, Any], country: str) -> None:
    """The mapping form for a large file the background worker found with unknown headers."""
    job = import_job_waiting(user=request.user, pk=request.GET.get("pending", ""))
    if job is None or job.country != country:
        context["file_error"] = _("This file is no longer waiting for its columns; upload it again.")
        return
    try:
        read_map_file(bytes(job.data), filename=job.filename, mapping=column_mapping_of(organisation=job.owner))
    except UnknownColumns as unknown:
        context["mapping_form"] = ColumnMappingForm(unknown=unknown, initial={"pending": job.pk})
        context["mapping_file"] = job.filename
        context["mapping_owner"] = job.owner
    except TableError as error:
        context["file_error"] = str(error)


@login_required
@require_http_methods(["GET", "POST"])
def country_import(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    owners = access.editable_owners(user=request.user, country=country)
    if not owners.exists():
        raise PermissionDenied(_("You have no editing role for this country."))
    mapped = request.method == "POST" and "pending" in request.POST
    # Bound on every upload: a post without a file must say the file is required, not show a blank form.
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" and not mapped else ImportForm()
    form.setup_owners(owners)
    context: dict[str, Any] = {"country": country, "country_name": countries()[country].label, "form": form}
    if mapped:
        _import_mapped(request, context, country)
        if "redirect" in context:
            return HttpResponseRedirect(context["redirect"])
    elif request.method == "GET" and "pending" in request.GET:
        _mapping_asked(request, context, country)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        owner, confidentiality = form.cleaned_data["owner"], form.cleaned_data["confidentiality"]
        if upload.size > settings.EGIDE_IMPORT_MAX_BYTES:
            form.add_error(
                "file", _("The file is larger than %(size)s MB.") % {"size": settings.EGIDE_IMPORT_MAX_BYTES // 2**20}
            )
        elif is_large(upload):
            # A large file is imported by the background worker, so that no request holds a web worker for long.
            return import_in_background(
                request, upload, kind=ImportKind.MAP, country=country, owner=owner, confidentiality=confidentiality
            )
        else:
            _import_now(
                request,
                context,
                country=country,
                owner=owner,
                confidentiality=confidentiality,
                filename=upload.name or "upload",
                data=upload.read(),
            )
    if "file_error" in context and form.is_bound:
        form.add_error("file", context.pop("file_error"))
    return render(request, "actors/import.html", context)


def country_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    country = country_or_404(code)
    if fmt not in exporter.FORMATS:
        raise Http404(_("Unknown export format."))
    content = exporter.export_map(user=request.user, country=country, fmt=fmt)
    response = HttpResponse(content, content_type=exporter.CONTENT_TYPES[fmt])
    filename = f"egide-{country}-map.{exporter.EXTENSIONS[fmt]}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404(_("Unknown template format."))
    response = HttpResponse(exporter.export_template(fmt), content_type=exporter.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="egide-map-template.{exporter.EXTENSIONS[fmt]}"'
    return response


def source_document(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a source's uploaded document to those who may see the source, never as a public file."""
    try:
        source = selectors.sources_visible(user=request.user).get(pk=pk)
    except Source.DoesNotExist:
        raise Http404(_("No such source.")) from None
    if not source.document:
        raise Http404(_("This source has no uploaded document."))
    name = (source.document.name or "document").rsplit("/", 1)[-1]
    return FileResponse(source.document.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def actor_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a restricted actor with another organisation, named by its acronym."""
    actor = _actor_or_404(request, pk)
    return share_posted(request, actor, page=reverse("actor-detail", kwargs={"pk": actor.pk}))

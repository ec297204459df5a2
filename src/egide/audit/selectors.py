"""Reading the audit log: a record's history, an organisation's log, and what an event changed."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.text import capfirst

from egide.accounts.models import Membership, Organisation, Role
from egide.audit.models import AuditEvent, action_label
from egide.core.users import AnyUser

SEARCH_MAX_LENGTH = 200
EMPTY_VALUES: tuple[Any, ...] = (None, "", [], {})


def record_history(*, instance: models.Model) -> QuerySet[AuditEvent]:
    """Every event on this record, newest first. The caller has already checked that the user may see it."""
    if instance.pk is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
    ).order_by("-created_at", "-id")


def _administrator_membership(user: AnyUser | None, organisation: Organisation) -> Membership | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Membership.objects.filter(user=user, organisation=organisation, role=Role.ADMINISTRATOR).first()


def _organisation_events(organisation: Organisation) -> QuerySet[AuditEvent]:
    """The events on the records the organisation owned at the time: an event belongs to the record's owner after
    the change, and a change that handed the record over to another organisation belongs to the one that gave it
    up as well (its `before` names the earlier owner), so that both organisations read it in their log."""
    return AuditEvent.objects.filter(Q(organisation=organisation) | Q(action="update", before__owner=organisation.pk))


def organisation_log(
    *, user: AnyUser | None, organisation: Organisation, action: str = "", model: str = "", search: str = ""
) -> QuerySet[AuditEvent]:
    """The events on the records the organisation owned at the time, newest first, filtered.

    Only superusers and the organisation's administrators may read it; an administrator whose membership is
    limited to some countries reads the events of those countries (and of records that have no country).
    `model` is a record type as "app_label.model" or just "model"; `search` looks in the record's name and the
    username.
    """
    events = _organisation_events(organisation)
    if not (user is not None and user.is_authenticated and user.is_active and user.is_superuser):
        membership = _administrator_membership(user, organisation)
        if membership is None:
            raise PermissionDenied("Only the organisation's administrators may read its audit log.")
        if membership.countries:
            events = events.filter(Q(country__in=membership.countries) | Q(country=""))
    if action:
        events = events.filter(action=action)
    if model:
        app_label, _dot, model_name = model.lower().rpartition(".")
        events = events.filter(content_type__model=model_name)
        if app_label:
            events = events.filter(content_type__app_label=app_label)
    search = search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        events = events.filter(Q(object_repr__icontains=search) | Q(username__icontains=search))
    return events.order_by("-created_at", "-id")


def content_type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(capfirst(model._meta.verbose_name)) if model is not None else content_type.model


def organisation_log_choices(*, organisation: Organisation) -> dict[str, list[tuple[str, str]]]:
    """The actions and record types that occur in the organisation's log, for the page's filters.

    Call it after `organisation_log`, which checks the permission.
    """
    events = _organisation_events(organisation).order_by()
    actions = sorted(
        ((action, action_label(action)) for action in events.values_list("action", flat=True).distinct()),
        key=lambda choice: choice[1].lower(),
    )
    content_type_ids = set(events.values_list("content_type_id", flat=True).distinct())
    types = sorted(
        (
            (f"{content_type.app_label}.{content_type.model}", content_type_label(content_type))
            for content_type in (ContentType.objects.get_for_id(pk) for pk in content_type_ids)
        ),
        key=lambda choice: choice[1].lower(),
    )
    return {"actions": actions, "models": types}


def _primary_key_name(event: AuditEvent) -> str:
    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    return model._meta.pk.name if model is not None and model._meta.pk is not None else "id"


def changes(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field the event changed, in the record's field order.

    A creation lists the fields it filled in, a deletion the fields the record had; the primary key is left out.
    """
    before = event.before if isinstance(event.before, dict) else None
    after = event.after if isinstance(event.after, dict) else None
    if before is None and after is None:
        return []
    primary_key = _primary_key_name(event)
    fields = list(after or {}) + [name for name in (before or {}) if name not in (after or {})]
    rows: list[tuple[str, Any, Any]] = []
    for field in fields:
        if field == primary_key:
            continue
        old = before.get(field) if before is not None else None
        new = after.get(field) if after is not None else None
        if before is None or after is None:
            if (new if before is None else old) in EMPTY_VALUES:
                continue
        elif old == new:
            continue
        rows.append((field, old, new))
    return rows

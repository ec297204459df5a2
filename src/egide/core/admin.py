"""Admin pieces shared by the apps: read-only pages, and the audit of every change made in the admin.

Every model admin of the site is either read-only or audited: `audit_every_admin` (called once the admin modules
are loaded) gives the audit to those registered without it, Django's own and third parties' included.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Permission
from django.db import models, transaction
from django.http import HttpRequest

from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot

SECRET_FIELDS = frozenset({"password", "key", "bin_key", "secret", "token", "token_hash"})
"""Never written to the log, not even hashed: the log only says that one was set or changed."""
SECRET_SET = "set"
SECRET_UNUSABLE = "unusable"
SECRET_CHANGED = "changed"
CAPTURED_ATTRIBUTE = "_egide_admin_audit"


class ReadOnlyAdmin(admin.ModelAdmin):
    """The record as it happened: nobody adds, changes or deletes it here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _related_label(related: models.Model) -> str:
    if isinstance(related, Permission):
        return f"{related.content_type.app_label}.{related.codename}"
    return str(related)


def _secrets(instance: models.Model) -> dict[str, Any]:
    """The secret fields' values, kept in memory only to tell whether they changed."""
    return {
        field.name: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if field.name in SECRET_FIELDS
    }


def audit_state(instance: models.Model) -> dict[str, Any]:
    """What the log keeps of a record changed in the admin: its fields without the secrets, and its many-to-many
    links (a user's groups and permissions) as sorted names."""
    values = {name: value for name, value in snapshot(instance).items() if name not in SECRET_FIELDS}
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            related = getattr(instance, field.name).all()
            if field.related_model is Permission:
                related = related.select_related("content_type")
            values[field.name] = sorted(_related_label(item) for item in related)
    return values


def _secret_set(value: Any) -> str:
    return SECRET_UNUSABLE if isinstance(value, str) and value.startswith(UNUSABLE_PASSWORD_PREFIX) else SECRET_SET


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit event (who, when, from where, before and after) for each addition, change and deletion.

    The state before a change is read when the admin loads the record, before the form touches it; the event is
    written where Django logs the change, after the many-to-many links are saved, in the same transaction.
    """

    def _captured(self, request: HttpRequest) -> dict[tuple[str, Any], tuple[dict[str, Any], dict[str, Any]]]:
        captured = getattr(request, CAPTURED_ATTRIBUTE, None)
        if captured is None:
            captured = {}
            setattr(request, CAPTURED_ATTRIBUTE, captured)
        return captured

    def _capture(self, request: HttpRequest, obj: models.Model) -> None:
        self._captured(request).setdefault((obj._meta.label, obj.pk), (audit_state(obj), _secrets(obj)))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            self._capture(request, obj)
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and (obj._meta.label, obj.pk) not in self._captured(request):
            # Saved from the list page (editable columns): read the stored record, the form has changed `obj`.
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                self._capture(request, stored)
        super().save_model(request, obj, form, change)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        after = audit_state(obj)
        after.update({name: _secret_set(value) for name, value in _secrets(obj).items() if value})
        audit_record(user=request.user, action=Action.CREATE, instance=obj, before=None, after=after)
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        before, secrets_before = self._captured(request).pop((obj._meta.label, obj.pk), (None, {}))
        after = audit_state(obj)
        secrets_after = _secrets(obj)
        after.update(
            {
                name: SECRET_CHANGED
                for name, value in secrets_after.items()
                if name in secrets_before and secrets_before[name] != value
            }
        )
        if after != before:
            audit_record(user=request.user, action=Action.UPDATE, instance=obj, before=before, after=after)
        return entry

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(user=request.user, action=Action.DELETE, instance=obj, before=audit_state(obj), after=None)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(user=request.user, action=Action.DELETE, instance=obj, before=audit_state(obj), after=None)
            super().delete_queryset(request, queryset)


def audit_every_admin(site: admin.AdminSite) -> None:
    """Register again, audited, every model admin that is neither audited nor read-only."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdmin | ReadOnlyAdmin):
            continue
        audited = type(
            f"Audited{type(model_admin).__name__}", (AuditedAdmin, type(model_admin)), {"__module__": __name__}
        )
        site.unregister(model)
        site.register(model, audited)

"""Platform staff manage organisations and memberships here; every change goes to the audit log."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from egide.accounts.models import Membership, Organisation
from egide.audit.services import audit_record, snapshot


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
        after = snapshot(obj)
        if after != before:
            audit_record(
                user=request.user, action="update" if change else "create", instance=obj, before=before, after=after
            )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(user=request.user, action="delete", instance=obj, before=snapshot(obj), after=None)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["acronym", "name_en", "type", "home_country", "iati_identifier"]
    list_filter = ["type"]
    search_fields = ["acronym", "name_en", "name_fr", "iati_identifier"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation", "role", "countries"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "organisation__acronym"]
    autocomplete_fields = ["user", "organisation"]

"""Platform staff manage organisations, memberships, users and groups here; every change goes to the audit log."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from egide.accounts.models import Membership, Organisation
from egide.core.admin import AuditedAdmin


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


admin.site.unregister(User)


@admin.register(User)
class PlatformUserAdmin(AuditedAdmin, UserAdmin):
    """Django's user admin, audited: promotions, demotions, groups, permissions and password changes."""

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        # Django's password page saves outside the admin's usual transaction: the change and its audit event
        # are written together or not at all.
        with transaction.atomic():
            response: HttpResponse = super().user_change_password(request, id, form_url)
        return response

from django.contrib import admin
from django.http import HttpRequest

from egide.security.models import ApiToken, LoginAttempt


class ReadOnlyAdmin(admin.ModelAdmin):
    """The record as it happened: nobody adds, changes or deletes it here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["attempted_at", "username", "ip_address", "success", "outcome", "user_agent"]
    list_filter = ["success", "outcome", "attempted_at"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempted_at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created and revoked by their owners (pages) or with `egide token` (command line)."""

    list_display = ["user", "name", "display_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["created_at", "revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    exclude = ["digest"]

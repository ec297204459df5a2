from django.contrib import admin

from egide.core.admin import ReadOnlyAdmin
from egide.security.models import ApiToken, LoginAttempt


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

"""The audit log in Django's admin: for reading only, by anyone, superusers included."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from egide.audit.display import change_rows
from egide.audit.models import AuditEvent, action_label
from egide.core.admin import ReadOnlyAdmin


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        present = set(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
        return sorted(((action, action_label(action)) for action in present), key=lambda choice: choice[1].lower())

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    date_hierarchy = "created_at"
    list_display = [
        "created_at",
        "username",
        "action_display",
        "content_type",
        "object_repr",
        "organisation",
        "country",
        "channel",
        "ip",
    ]
    list_filter = [ActionFilter, "channel", "content_type", "organisation", "country"]
    list_select_related = ["content_type", "organisation"]
    search_fields = ["object_repr", "username", "=ip"]
    show_full_result_count = False
    fields = readonly_fields = (
        "created_at",
        "user",
        "username",
        "ip",
        "channel",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "country",
        "organisation",
        "changes_display",
    )

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, event: AuditEvent) -> str:
        return event.action_label

    @admin.display(description=_("changes"))
    def changes_display(self, event: AuditEvent) -> SafeString:
        rows = [(row.label, row.before or "—", row.after or "—") for row in change_rows(event)]
        if not rows:
            return format_html("{}", "—")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("field"),
            _("before"),
            _("after"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

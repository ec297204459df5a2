"""Template helpers for the audit log: what an event changed, and the type of its record."""

from django import template
from django.contrib.contenttypes.models import ContentType

from egide.audit.display import ChangeRow, Display, change_rows
from egide.audit.models import AuditEvent
from egide.audit.selectors import content_type_label

register = template.Library()

RENDER_KEY = "egide.audit.display"


@register.simple_tag(takes_context=True)
def audit_changes(context: template.Context, event: AuditEvent) -> list[ChangeRow]:
    """The fields the event changed, labelled in the reader's language, with readable before and after values."""
    display = context.render_context.get(RENDER_KEY)
    if not isinstance(display, Display):
        display = Display()
        context.render_context[RENDER_KEY] = display
    return change_rows(event, display)


@register.filter
def record_type(event: AuditEvent) -> str:
    return content_type_label(ContentType.objects.get_for_id(event.content_type_id))

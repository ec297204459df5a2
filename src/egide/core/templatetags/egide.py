from django import template
from django.template.context import Context
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from egide.core.labels import in_reader_language

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: Context, name: str, value: object) -> str:
    """The current query string with one parameter replaced (for pagers and sort links)."""
    params = context["request"].GET.copy()
    params[name] = str(value)
    return str(params.urlencode())


@register.filter
def member_of(value: object, collection: object) -> bool:
    """`{{ item|member_of:collection }}`: whether the item is in the collection (for permission sets)."""
    try:
        return value in collection  # type: ignore[operator]
    except TypeError:
        return False


@register.simple_tag
def bilingual(english: str, french: str, *, multiline: bool = False) -> SafeString | str:
    """`{% bilingual record.notes record.notes_fr %}`: the text in the reader's language, or else in the other
    language with a note saying which (empty when neither has any, for `default`)."""
    written = in_reader_language(english or "", french or "")
    if written is None:
        return ""
    text = linebreaksbr(written.text) if multiline else conditional_escape(written.text)
    if not written.other_language:
        return format_html('<span lang="{}">{}</span>', written.language, text)
    note = _("(in English)") if written.language == "en" else _("(in French)")
    return format_html(
        '<span lang="{}">{}</span> <small class="other-language">{}</small>', written.language, text, note
    )

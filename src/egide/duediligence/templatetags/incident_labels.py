"""Labels of the incidents' codes in the reader's language (the models' choices of confidence are read once, in
English, when the models are loaded)."""

from django import template

from egide.core import taxonomy

register = template.Library()


@register.filter
def confidence_label(code: str) -> str:
    term = taxonomy.CONFIDENCE_BY_CODE.get(code)
    return term.label if term else code

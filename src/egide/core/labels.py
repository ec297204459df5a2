"""Bilingual labels for reference data that the project owns (taxonomy, countries, sectors)."""

from dataclasses import dataclass

from django.utils.translation import get_language


def active_language() -> str:
    return (get_language() or "en")[:2]


@dataclass(frozen=True, slots=True)
class Term:
    """A code with an English and a French label; `label` follows the active language."""

    code: str
    label_en: str
    label_fr: str

    @property
    def label(self) -> str:
        return self.label_fr if active_language() == "fr" else self.label_en

    def __str__(self) -> str:
        return self.label

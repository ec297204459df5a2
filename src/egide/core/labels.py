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


@dataclass(frozen=True, slots=True)
class Written:
    """Text that people write in English and in French, as a reader sees it: in the reader's language when it is
    written in it, or else in the other, marked as such."""

    text: str
    language: str
    """The language the text is in: en or fr."""
    other_language: bool
    """Not the reader's language: written only in the other one."""


def in_reader_language(english: str, french: str) -> Written | None:
    """The text for the reader (None when neither language has any)."""
    reader = active_language()
    mine, other = (french, english) if reader == "fr" else (english, french)
    if mine.strip():
        return Written(mine, reader, other_language=False)
    if other.strip():
        return Written(other, "en" if reader == "fr" else "fr", other_language=True)
    return None

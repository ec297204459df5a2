"""The fields of the map's records, declared once: what files, the JSON document, forms, the API and imports say
about each field is derived from here.

Adding a field to actors or relationships is one entry here (and the model's column with its migration): the
field then has its column in the spreadsheets and the template, its key in the JSON document, its form field,
its text rule in the API, and its checks in the import.
"""

import dataclasses

from django.utils.translation import gettext_lazy as _

from egide.accounts.levels import Confidentiality
from egide.core import taxonomy
from egide.core.fields import Field, Kind, Record

__all__ = ["Field", "Kind", "Record"]

DATE_HELP = _("A year (2016), a month (2016-03) or a day (2016-03-30).")


CONFIDENCE = Field(
    "confidence", _("Confidence"), Kind.CODE, max_length=16, default="medium", terms=taxonomy.CONFIDENCE_LEVELS
)
CONFIDENTIALITY = Field(
    "confidentiality",
    _("Who may read it"),
    Kind.CODE,
    max_length=16,
    default=Confidentiality.PARTNERS,
    choices=Confidentiality.choices,
)
"""A file's row without it takes the import's choice rather than this default."""
NOTES = Field("notes", _("Notes"), Kind.TEXT, rows=2)
NOTES_FR = Field("notes_fr", _("Notes in French"), Kind.TEXT, rows=2)

ACTOR = Record(
    "actors",
    (
        Field(
            "reference",
            _("Reference"),
            Kind.LINE,
            required=True,
            max_length=64,
            help_text=_("A short identifier used in files and the API; left empty, one is made from the acronym."),
        ),
        Field("kind", _("Kind"), Kind.CODE, required=True, max_length=48, terms=taxonomy.KINDS),
        Field("name_en", _("Name in English"), Kind.LINE, max_length=300),
        Field("name_fr", _("Name in French"), Kind.LINE, max_length=300),
        Field("acronym_en", _("Acronym in English"), Kind.LINE, max_length=32),
        Field("acronym_fr", _("Acronym in French"), Kind.LINE, max_length=32),
        Field(
            "article_fr",
            _("Article in French"),
            Kind.CODE,
            max_length=8,
            default="unknown",
            choices=(
                ("unknown", _("Not given: sentences quote the name after “l’acteur”")),
                ("le", _("le (masculine: le Ministère)")),
                ("la", _("la (feminine: la Police)")),
                ("l", _("l’ (before a vowel: l’Assemblée)")),
                ("les", _("les (plural: les Forces armées)")),
                ("none", _("No article (a name that stands alone: Radio Ndeke Luka)")),
            ),
            help_text=_("How French sentences name the actor: “de la Police”, “du Ministère”, “de l’Assemblée”."),
        ),
        Field("parent", _("Parent actor"), Kind.REFERENCE),
        Field("statutory", _("Statutory (established by law)"), Kind.YES_NO, default=True),
        Field("legitimacy_disputed", _("Legitimacy disputed"), Kind.YES_NO, default=False),
        Field("mandate_text", _("Legal mandate"), Kind.TEXT, rows=3),
        Field("mandate_text_fr", _("Legal mandate in French"), Kind.TEXT, rows=3),
        Field("mandate_reference", _("Mandate reference"), Kind.LINE, max_length=500),
        CONFIDENCE,
        NOTES,
        NOTES_FR,
        CONFIDENTIALITY,
    ),
)

RELATIONSHIP = Record(
    "relationships",
    (
        Field("from", _("From"), Kind.REFERENCE, required=True, key="source"),
        Field("type", _("Relationship"), Kind.CODE, required=True, max_length=24, terms=taxonomy.RELATIONSHIP_TYPES),
        Field("to", _("To"), Kind.REFERENCE, required=True, key="target"),
        # Free text in a one-line input: a law's title and article, at most the column's length.
        Field("legal_basis", _("Legal basis"), Kind.TEXT, max_length=500),
        Field("legal_basis_fr", _("Legal basis in French"), Kind.TEXT, max_length=500),
        Field("start", _("Start"), Kind.FUZZY_DATE, max_length=10, help_text=DATE_HELP),
        Field("end", _("End"), Kind.FUZZY_DATE, max_length=10, help_text=DATE_HELP),
        Field("ongoing", _("Still ongoing"), Kind.YES_NO, default=True),
        Field("strength", _("Strength"), Kind.CODE, max_length=16, default="moderate", terms=taxonomy.STRENGTHS),
        CONFIDENCE,
        NOTES,
        NOTES_FR,
        CONFIDENTIALITY,
    ),
)

SOURCE = Record(
    "sources",
    (
        Field("title", _("or a new source: title"), Kind.LINE, required=True, max_length=500),
        Field("author", _("Publisher or author"), Kind.LINE, max_length=300),
        Field("date", _("Date of the source"), Kind.FUZZY_DATE, help_text=DATE_HELP),
        Field("url", _("Link"), Kind.URL, max_length=1000),
        Field("locator", _("Page or passage relied on"), Kind.LINE, max_length=500),
        Field("locator_fr", _("Page or passage relied on, in French"), Kind.LINE, max_length=500),
    ),
)
"""A cited source and the passage relied on."""

PASSAGE = ("locator", "locator_fr")
"""The fields of SOURCE that belong to the citation (the passage relied on), not to the source."""

BILINGUAL = {
    "mandate_text": "mandate_text_fr",
    "notes": "notes_fr",
    "legal_basis": "legal_basis_fr",
    "locator": "locator_fr",
}
"""Text that people write in English and in French: each English field with its French one. Pages show the
reader's language, or else the other language marked as such."""

INLINE_SOURCE = SOURCE.prefixed("source_", "sources")
"""A row of the actors or relationships table may cite one source inline with these columns; any number more go
in the citations table."""

RELATIONSHIP_KEY = ("from", "type", "to", "start")
"""What identifies a relationship in a file: its ends, its type and its start."""

CITATION = Record(
    "citations",
    (
        Field(
            "record",
            _("Record"),
            Kind.CODE,
            required=True,
            choices=(("actor", _("actor")), ("relationship", _("relationship"))),
        ),
        Field("actor", _("Actor"), Kind.REFERENCE),
        *(dataclasses.replace(RELATIONSHIP[name], required=False, key="") for name in RELATIONSHIP_KEY),
        *SOURCE.fields,
    ),
)
"""A citations table's row: the record it cites (an actor by reference, a relationship by its key), then the
source."""

TABLES: dict[str, tuple[Field, ...]] = {
    ACTOR.table: ACTOR.fields + INLINE_SOURCE.fields,
    RELATIONSHIP.table: RELATIONSHIP.fields + INLINE_SOURCE.fields,
    CITATION.table: CITATION.fields,
}
"""The tables of a map file, in order, with their columns."""

"""The fields of a programme and of its parts, declared once: the columns of the spreadsheets and the template, the
form fields, the API's bodies and answers, and the import's checks are derived from here.

A programme is one row of the `programmes` table; what it holds in several (recipient countries, participating
organisations, sectors, areas, supported actors) are rows of tables of their own, each naming the programme by
its IATI identifier in the `programme` column.
"""

from django.utils.translation import gettext_lazy as _

from egide.accounts.levels import Confidentiality
from egide.core import iati_codes, taxonomy
from egide.core.fields import Field, Kind, Record
from egide.programmes import codes

__all__ = ["Field", "Kind", "Record"]


PROGRAMME = Record(
    "programmes",
    (
        Field(
            "iati_identifier",
            _("IATI identifier"),
            Kind.LINE,
            required=True,
            max_length=150,
            help_text=_(
                "The reporting organisation's identifier followed by the activity's own (for example FR-3-ABC)."
            ),
        ),
        Field("title_en", _("Title in English"), Kind.LINE, required=True, max_length=500),
        Field("title_fr", _("Title in French"), Kind.LINE, max_length=500),
        Field("description_en", _("Description in English"), Kind.TEXT),
        Field("description_fr", _("Description in French"), Kind.TEXT),
        Field("status", _("Status"), Kind.CODE, max_length=2, default="1", terms=iati_codes.STATUSES),
        Field("planned_start", _("Planned start"), Kind.DATE, default=None),
        Field("actual_start", _("Actual start"), Kind.DATE, default=None),
        Field("planned_end", _("Planned end"), Kind.DATE, default=None),
        Field("actual_end", _("Actual end"), Kind.DATE, default=None),
        Field(
            "default_currency",
            _("Default currency"),
            Kind.LINE,
            max_length=3,
            default="EUR",
            help_text=_("The ISO 4217 code of the currency its amounts are given in (EUR, USD, XAF...)."),
        ),
        Field(
            "requested_by",
            _("Requested by (institution of the map)"),
            Kind.ACTOR,
            default=None,
            help_text=_("The institution of the partner country that asked for the programme."),
        ),
        Field("requested_by_name", _("Requested by"), Kind.LINE, max_length=300),
        Field("requested_on", _("Request date"), Kind.DATE, default=None),
        Field("request_reference", _("Request reference"), Kind.LINE, max_length=300),
        Field(
            "lifecycle_stage",
            _("Lifecycle stage"),
            Kind.CODE,
            max_length=24,
            default="request",
            terms=codes.LIFECYCLE_STAGES,
        ),
        Field("years_committed", _("Years committed"), Kind.INTEGER, default=None),
        Field(
            "illustrative",
            _("Illustrative"),
            Kind.YES_NO,
            default=False,
            help_text=_("Built around published facts with invented details."),
        ),
        Field(
            "confidentiality",
            _("Who may read it"),
            Kind.CODE,
            max_length=16,
            default=str(Confidentiality.PARTNERS),
            choices=Confidentiality.choices,
        ),
    ),
    label=_("Programmes"),
)

PROGRAMME_KEY = Field("programme", _("Programme (IATI identifier)"), Kind.LINE, required=True, max_length=150)
"""The column by which a part's row names its programme."""

COUNTRY = Record(
    "countries",
    (
        PROGRAMME_KEY,
        Field("country", _("Country"), Kind.COUNTRY, required=True, max_length=2),
        Field("percentage", _("Percentage"), Kind.NUMBER, default=None),
    ),
    label=_("Recipient countries"),
)

PARTICIPATION = Record(
    "participations",
    (
        PROGRAMME_KEY,
        Field("role", _("Role"), Kind.CODE, required=True, max_length=2, terms=iati_codes.ROLES),
        Field(
            "organisation",
            _("Organisation of the platform"),
            Kind.ORGANISATION,
            default=None,
            help_text=_("An organisation with an account on the platform (its acronym in files)."),
        ),
        Field(
            "name", _("Name"), Kind.LINE, max_length=300, help_text=_("The organisation's name when it has no account.")
        ),
        Field("iati_reference", _("IATI organisation identifier"), Kind.LINE, max_length=100),
        Field(
            "organisation_type",
            _("Organisation type"),
            Kind.CODE,
            max_length=2,
            terms=iati_codes.ORGANISATION_TYPES,
        ),
    ),
    label=_("Participating organisations"),
)

SECTOR = Record(
    "sectors",
    (
        PROGRAMME_KEY,
        Field(
            "code",
            _("DAC sector"),
            Kind.LINE,
            required=True,
            max_length=32,
            help_text=_("An OECD DAC five-digit purpose code (15210: security system management and reform)."),
        ),
        Field("percentage", _("Percentage"), Kind.NUMBER, default=None),
    ),
    label=_("Sectors"),
)

AREA = Record(
    "areas",
    (
        PROGRAMME_KEY,
        Field("area", _("Area of action"), Kind.CODE, required=True, max_length=48, terms=taxonomy.AREAS_OF_ACTION),
    ),
    label=_("Areas of action"),
)

SUPPORT = Record(
    "supported_actors",
    (
        PROGRAMME_KEY,
        Field(
            "actor",
            _("Actor"),
            Kind.ACTOR,
            required=True,
            default=None,
            help_text=_("An actor of the map, in one of the programme's countries."),
        ),
        Field("support_en", _("Support in English"), Kind.LINE, max_length=500),
        Field("support_fr", _("Support in French"), Kind.LINE, max_length=500),
    ),
    label=_("Supported actors"),
)

LOCATION = Record(
    "locations",
    (
        Field("name", _("Place"), Kind.LINE, required=True, max_length=300),
        Field("country", _("Country"), Kind.COUNTRY, max_length=2),
        Field("region", _("Region"), Kind.LINE, max_length=300),
        Field("latitude", _("Latitude"), Kind.NUMBER, default=None),
        Field("longitude", _("Longitude"), Kind.NUMBER, default=None),
    ),
    label=_("Locations"),
)
"""Locations are written in the form and the API; files leave them out."""

DOCUMENT = Record(
    "documents",
    (
        Field("title_en", _("Title in English"), Kind.LINE, required=True, max_length=500),
        Field("title_fr", _("Title in French"), Kind.LINE, max_length=500),
        Field("url", _("Link"), Kind.LINE, max_length=1000),
        Field("category", _("Category"), Kind.CODE, max_length=3, default="A02", terms=codes.DOCUMENT_CATEGORIES),
        Field("language", _("Language"), Kind.CODE, max_length=2, terms=codes.DOCUMENT_LANGUAGES),
        Field("document_date", _("Date of the document"), Kind.DATE, default=None),
    ),
    label=_("Documents"),
)

PARTS: tuple[Record, ...] = (COUNTRY, PARTICIPATION, SECTOR, AREA, SUPPORT)
"""The tables of a file after the programmes table, in order."""

TABLES: dict[str, Record] = {record.table: record for record in (PROGRAMME, *PARTS)}
"""The tables of a programmes file, in order."""

BILINGUAL = {"title_en": "title_fr", "description_en": "description_fr", "support_en": "support_fr"}

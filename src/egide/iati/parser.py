"""Reading IATI activity files (versions 1.01 to 1.05 and 2.01 to 2.03) into plain records, one activity at a time.

The file is read as a stream: each `iati-activity` element is turned into an `Activity` when it ends, then cleared
and dropped from the tree, so that memory holds one activity whatever the file's size. Entities are never expanded,
no DTD is loaded, nothing is fetched from the network, and a document that declares a DTD is refused.

Malformed XML raises `MalformedFile` naming the file, line and column: the caller writes nothing from that file.
The faults publishers make (missing dates, empty narratives, unknown codes, percentages that do not add up, values
without currency) become `Warning`s on the activity, which is still returned.
"""

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import IO

from lxml import etree

from egide.core import iati_codes
from egide.core.reference import countries
from egide.iati.records import (
    Activity,
    Budget,
    DocumentLink,
    Indicator,
    Location,
    Money,
    Narratives,
    Organisation,
    Participant,
    Period,
    PolicyMarker,
    RelatedActivity,
    Result,
    Share,
    Transaction,
    Warning,
)

type Element = etree._Element

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LARGEST_VALUE = Decimal(10) ** 18
"""Amounts at or above this are refused (with a warning): no aid activity holds a quintillion of any currency, and
the database keeps 20 digits."""
PERCENTAGE_TOLERANCE = Decimal("0.5")
READING_VERSION = 2
"""Part of every activity's digest: bump it when the records read from the same text change (the parser reads more
or differently, or the importer writes them differently), so that the next import of an activity imported before
reads and writes it again instead of finding it unchanged. Version 2: the dimensions of targets and actuals."""

# IATI 1.0x wrote some codes as words or letters; 2.0x uses numbers. Read both, store 2.0x's.
TRANSACTION_TYPES_1 = {
    "IF": "1",
    "C": "2",
    "D": "3",
    "E": "4",
    "IR": "5",
    "LR": "6",
    "R": "7",
    "QP": "8",
    "QS": "9",
    "CG": "10",
}
ROLES_1 = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
DATE_TYPES_1 = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}
SECTOR_VOCABULARIES_1 = {
    "DAC": "1",
    "DAC-3": "2",
    "COFOG": "3",
    "NACE": "4",
    "NTEE": "5",
    "ADT": "6",
    "RO": "98",
    "RO2": "99",
}
REGION_VOCABULARIES_1 = {"DAC": "1", "UN": "2"}
POLICY_VOCABULARIES_1 = {"DAC": "1"}
BUDGET_TYPES_1 = {"original": "1", "revised": "2"}
RESULT_TYPES_1 = {"output": "1", "outcome": "2", "impact": "3", "other": "9"}
TRUE_WORDS = frozenset({"1", "true"})
DATE_CODES = frozenset(DATE_TYPES_1.values())


class MalformedFile(ValueError):
    """The file is not well-formed XML, or declares a DTD: nothing from it may be written."""

    def __init__(self, filename: str, line: int | None, column: int | None, message: str) -> None:
        self.filename, self.line, self.column, self.message = filename, line, column, message
        super().__init__(f"{filename}, line {line}, column {column}: {message}")

    def __reduce__(self) -> tuple[type["MalformedFile"], tuple[str, int | None, int | None, str]]:
        """Pickled as what it was made of (it comes back from the process that read the file)."""
        return (MalformedFile, (self.filename, self.line, self.column, self.message))


@dataclass(frozen=True, slots=True)
class Codelists:
    """The codes the parser checks (an unknown one is a warning, never a refusal). `sectors` holds the DAC
    five-digit codes when the official list is loaded; without it, a DAC code is only checked to be five digits."""

    statuses: frozenset[str]
    transaction_types: frozenset[str]
    roles: frozenset[str]
    countries: frozenset[str]
    sectors: frozenset[str] = frozenset()


@cache
def built_in_codelists() -> Codelists:
    """The platform's own minimal lists, for use offline."""
    return Codelists(
        statuses=frozenset(iati_codes.STATUS_BY_CODE),
        transaction_types=frozenset(iati_codes.TRANSACTION_TYPE_BY_CODE),
        roles=frozenset(iati_codes.ROLE_BY_CODE),
        countries=frozenset(countries()),
    )


@dataclass(frozen=True, slots=True)
class Unchanged:
    """An activity whose digest was the one given in `known` when it was read: not read further. It keeps the
    element's text and the file's context, so that it can still be read (`read_unchanged`) if, by the time it is
    written, an earlier file of the same run has changed that activity."""

    identifier: str
    line: int | None
    digest: str
    element: bytes
    context: tuple[str, str, str]
    """The file's version, language and currency."""


def digest_of(element: Element, context: bytes) -> str:
    """A digest of the activity element as written (and of the file's version, language and currency, which change
    how it reads): the same file read twice gives the same digests."""
    digest = hashlib.blake2b(context, digest_size=16)
    digest.update(etree.tostring(element, with_tail=False))
    return digest.hexdigest()


def _identifier(element: Element) -> str:
    for child in element:
        if child.tag == "iati-identifier":
            return " ".join((child.text or "").split())
    return ""


def read_activities(
    source: str | Path | IO[bytes], *, filename: str = "", codes: Codelists | None = None
) -> Iterator[Activity]:
    """Each activity of the file, in the file's order. `filename` names the file in errors (a stream has none).
    Each activity carries its `digest` (digest_of)."""
    for activity in read_activities_since(source, filename=filename, codes=codes, known={}):
        assert isinstance(activity, Activity)
        yield activity


def read_activities_since(
    source: str | Path | IO[bytes],
    *,
    known: Mapping[str, str],
    filename: str = "",
    codes: Codelists | None = None,
) -> Iterator[Activity | Unchanged]:
    """`read_activities`, but an activity whose digest is the one in `known` (identifier → its digest when it
    was last imported) is yielded as `Unchanged`, without being read further: re-reading an unchanged file costs
    little more than the XML parser's own pass."""
    name = filename or str(source)
    reader = _Reader(codes or built_in_codelists())
    context = etree.iterparse(
        source,
        events=("start", "end"),
        tag=("iati-activities", "iati-activity"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    seen_root = False
    context_bytes = b""
    try:
        for event, element in context:
            if event == "start":
                if element.tag == "iati-activities":
                    _refuse_dtd(element, name)
                    reader.version = (element.get("version") or "").strip()
                    reader.file_language = element.get(XML_LANG, "")
                    reader.file_currency = (element.get("default-currency") or "").strip()
                    context_bytes = (
                        f"{READING_VERSION}|{reader.version}|{reader.file_language}|{reader.file_currency}|".encode()
                    )
                    seen_root = True
                elif not seen_root:
                    raise _not_an_activity_file(name, element)
                continue
            if element.tag != "iati-activity":
                continue
            digest = digest_of(element, context_bytes)
            result: Activity | Unchanged
            if known and known.get(identifier := _identifier(element)) == digest:
                result = Unchanged(
                    identifier,
                    element.sourceline,
                    digest,
                    etree.tostring(element, with_tail=False),
                    (reader.version, reader.file_language, reader.file_currency),
                )
            else:
                result = reader.activity(element)
                result.digest = digest
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
            yield result
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno, None)
        raise MalformedFile(name, line, column, error.msg or str(error)) from None
    if not seen_root:
        raise MalformedFile(name, None, None, "no iati-activities element: this is not an IATI activity file")


def _not_an_activity_file(filename: str, element: Element) -> MalformedFile:
    return MalformedFile(
        filename,
        element.sourceline,
        None,
        f"the document's root is <{element.tag!s}>; an IATI activity file's root is <iati-activities>",
    )


def read_unchanged(unchanged: Unchanged, codes: Codelists | None = None) -> Activity:
    """The activity an `Unchanged` stands for, read after all."""
    reader = _Reader(codes or built_in_codelists())
    reader.version, reader.file_language, reader.file_currency = unchanged.context
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    activity = reader.activity(etree.fromstring(unchanged.element, parser))
    activity.line, activity.digest = unchanged.line, unchanged.digest
    return activity


def _refuse_dtd(root: Element, filename: str) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise MalformedFile(filename, None, None, "the file declares a DTD or entities, which imports refuse")


_DATES: dict[str, date | None] = {}
_PERCENTAGES: dict[str, Decimal | None] = {}
CACHE_SIZE = 10_000
"""Dates and percentages repeat from one activity to the next: each distinct text is read once, up to this many
(then the cache starts again, so that memory stays flat whatever the file)."""
ZERO = Decimal(0)
NO_DIMENSIONS: tuple[tuple[str, str], ...] = ()


def _first(element: Element) -> dict[str, Element]:
    """The element's children by tag, the first of each (one pass: lxml's find() goes through ElementPath)."""
    found: dict[str, Element] = {}
    for child in element[:]:
        found.setdefault(child.tag, child)  # type: ignore[arg-type]
    return found


def _text(element: Element) -> str:
    return " ".join((element.text or "").split())


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return _DATES[value]
    except KeyError:
        pass
    try:
        day: date | None = date.fromisoformat(value.strip()[:10])
    except ValueError:
        day = None
    if len(_DATES) >= CACHE_SIZE:
        _DATES.clear()
    _DATES[value] = day
    return day


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _percentage(raw: str) -> Decimal | None:
    """The percentage written, if it is a number from 0 to 100."""
    try:
        return _PERCENTAGES[raw]
    except KeyError:
        pass
    number = _decimal(raw)
    if number is not None and not 0 <= number <= 100:
        number = None
    if len(_PERCENTAGES) >= CACHE_SIZE:
        _PERCENTAGES.clear()
    _PERCENTAGES[raw] = number
    return number


class _Reader:
    """Turns one `iati-activity` element into an `Activity`, collecting the warnings as it goes.

    Each element is visited once, its children in one loop dispatched on their tag; an element's attributes are
    read with one `items()` where several are needed (each lxml `get()` parses its name again)."""

    def __init__(self, codes: Codelists) -> None:
        self.codes = codes
        self.version = ""
        self.file_language = ""
        self.file_currency = ""
        self.language = ""
        self.currency = ""
        self.handlers: dict[str, Callable[[Activity, Element], None]] = {
            "iati-identifier": self._identifier,
            "reporting-org": self._reporting_org,
            "participating-org": self._participating_org,
            "title": self._title,
            "description": self._description,
            "activity-status": self._status,
            "activity-date": self._activity_date,
            "recipient-country": self._recipient_country,
            "recipient-region": self._recipient_region,
            "sector": self._sector,
            "budget": self._budget,
            "transaction": self._transaction,
            "location": self._location,
            "result": self._result,
            "policy-marker": self._policy_marker,
            "related-activity": self._related_activity,
            "document-link": self._document_link,
        }

    # The activity -------------------------------------------------------------------------------------------------

    def activity(self, element: Element) -> Activity:
        version = self.version
        language = self.file_language
        currency = self.file_currency
        hierarchy = ""
        for key, value in element.items():
            if key == XML_LANG:
                language = value
            elif key == "default-currency":
                if value:
                    currency = value
            elif key == "hierarchy":
                hierarchy = value.strip()
            elif key == "version" and not version:
                version = value.strip()
        activity = Activity(
            identifier="",
            version=version,
            line=element.sourceline,
            default_language=language,
            default_currency=currency.strip(),
            hierarchy=hierarchy,
        )
        self.current = activity
        self.language = language
        self.currency = activity.default_currency
        handlers = self.handlers
        for child in element[:]:
            handler = handlers.get(child.tag)  # type: ignore[arg-type]
            if handler is not None:
                handler(activity, child)
        self._check(activity, element)
        return activity

    def _check(self, activity: Activity, element: Element) -> None:
        if not activity.identifier:
            self.warn("no_identifier", element)
        if not activity.titles:
            self.warn("no_title", element)
        if not activity.status:
            self.warn("no_status", element)
        dates = activity.dates
        if "1" not in dates and "2" not in dates:
            self.warn("no_start_date", element)
        shares = activity.recipient_countries + activity.recipient_regions if activity.recipient_regions else None
        given = [share.percentage for share in (shares if shares is not None else activity.recipient_countries)]
        if len(given) > 1 or (given and given[0] is not None):
            total = ZERO
            for percentage in given:
                total = total + (percentage or ZERO)
            if abs(total - 100) > PERCENTAGE_TOLERANCE:
                self.warn("recipient_percentages", element, f"{total}")
        sectors = activity.sectors
        if not sectors:
            return
        by_vocabulary: dict[str, list[Decimal | None]] = {}
        for share in sectors:
            found = by_vocabulary.get(share.vocabulary)
            if found is None:
                by_vocabulary[share.vocabulary] = [share.percentage]
            else:
                found.append(share.percentage)
        vocabularies = sorted(by_vocabulary.items()) if len(by_vocabulary) > 1 else by_vocabulary.items()
        for vocabulary, percentages in vocabularies:
            if len(percentages) > 1 or percentages[0] is not None:
                total = ZERO
                for percentage in percentages:
                    total = total + (percentage or ZERO)
                if abs(total - 100) > PERCENTAGE_TOLERANCE:
                    self.warn("sector_percentages", element, f"{vocabulary}: {total}")

    def warn(self, code: str, element: Element, detail: str = "") -> None:
        self.current.warnings.append(Warning(code, str(element.tag), element.sourceline, detail))

    # Texts, codes, amounts ----------------------------------------------------------------------------------------

    def narratives(self, element: Element, *, keep_lines: bool = False) -> Narratives:
        """The element's `narrative` children by language (2.0x), or its own text (1.0x)."""
        texts: Narratives = {}
        language = self.language
        read = False
        for narrative in element[:]:
            if narrative.tag != "narrative":
                continue
            read = True
            raw = narrative.text
            text = (raw.strip() if keep_lines else " ".join(raw.split())) if raw else ""
            if not text:
                self.warn("empty_narrative", element)
                continue
            found = language
            for key, value in narrative.items():
                if key == XML_LANG:
                    found = value
                    break
            if found not in texts:
                texts[found] = text
        if not read:
            raw = element.text
            if raw:
                text = raw.strip() if keep_lines else " ".join(raw.split())
                if text:
                    texts[element.get(XML_LANG, language)] = text
        return texts

    def code(self, element: Element, known: frozenset[str] | None = None, words: dict[str, str] | None = None) -> str:
        raw = (element.get("code") or "").strip()
        code = (words.get(raw) or words.get(raw.lower(), raw)) if words else raw
        if known is not None and code and code not in known:
            self.warn("unknown_code", element, raw)
        return code

    def date_of(self, element: Element | None) -> date | None:
        if element is None:
            return None
        raw = element.get("iso-date") or element.text
        day = _DATES.get(raw) if raw else None
        if day is None:
            day = _date(raw)
        if day is None and raw and raw.strip():
            self.warn("bad_date", element, raw.strip()[:40])
        return day

    def percentage(self, element: Element, raw: str | None) -> Decimal | None:
        """The `percentage` attribute's value `raw` read (warned about unless it is a number from 0 to 100)."""
        if raw is None or not raw.strip():
            return None
        number = _percentage(raw)
        if number is None:
            self.warn("bad_percentage", element, raw.strip()[:40])
        return number

    def money(self, element: Element | None, fallback_date: date | None = None) -> Money:
        if element is None:
            return Money(None, "", fallback_date)
        raw = element.text or ""
        value = _decimal(raw.replace(",", "") if "," in raw and "." in raw else raw)
        if value is None:
            self.warn("bad_value", element, raw.strip()[:40])
        elif abs(value) >= LARGEST_VALUE:
            self.warn("value_out_of_range", element, raw.strip()[:40])
            value = None
        currency = ""
        written_date = None
        for key, attribute in element.items():
            if key == "currency":
                currency = attribute
            elif key == "value-date":
                written_date = attribute
        currency = currency.strip().upper() if currency else self.currency.upper()
        if not currency:
            self.warn("no_currency", element)
        value_date = _date(written_date)
        if value_date is None:
            if written_date:
                self.warn("bad_date", element, written_date[:40])
            value_date = fallback_date
        return Money(value, currency, value_date)

    def organisation(self, element: Element, activity_attribute: str = "") -> Organisation:
        ref = kind = activity_id = ""
        for key, value in element.items():
            if key == "ref":
                ref = value.strip()
            elif key == "type":
                kind = value.strip()
            elif key == activity_attribute:
                activity_id = value.strip()
        return Organisation(ref, kind, self.narratives(element), activity_id)

    # The elements -------------------------------------------------------------------------------------------------

    def _identifier(self, activity: Activity, element: Element) -> None:
        activity.identifier = _text(element)

    def _reporting_org(self, activity: Activity, element: Element) -> None:
        activity.reporting_org = self.organisation(element)

    def _participating_org(self, activity: Activity, element: Element) -> None:
        raw = ref = kind = activity_id = ""
        for key, value in element.items():
            if key == "role":
                raw = value.strip()
            elif key == "ref":
                ref = value.strip()
            elif key == "type":
                kind = value.strip()
            elif key == "activity-id":
                activity_id = value.strip()
        role = ROLES_1.get(raw.lower(), raw)
        if role not in self.codes.roles:
            self.warn("unknown_code", element, raw)
        organisation = Organisation(ref, kind, self.narratives(element), activity_id)
        if not ref and not organisation.name:
            self.warn("unnamed_organisation", element)
        activity.participants.append(Participant(role, organisation))

    def _title(self, activity: Activity, element: Element) -> None:
        titles = activity.titles
        if not titles:
            activity.titles = self.narratives(element)
            return
        for language, text in self.narratives(element).items():
            titles.setdefault(language, text)

    def _description(self, activity: Activity, element: Element) -> None:
        texts = self.narratives(element, keep_lines=True)
        if texts:
            activity.descriptions.append(((element.get("type") or "1").strip(), texts))

    def _status(self, activity: Activity, element: Element) -> None:
        activity.status = self.code(element, self.codes.statuses)

    def _activity_date(self, activity: Activity, element: Element) -> None:
        raw = iso_date = ""
        for key, value in element.items():
            if key == "type":
                raw = value.strip()
            elif key == "iso-date":
                iso_date = value
        kind = DATE_TYPES_1.get(raw, raw)
        if kind not in DATE_CODES:
            self.warn("unknown_code", element, raw)
            return
        if iso_date:
            day = _date(iso_date)
            if day is None and iso_date.strip():
                self.warn("bad_date", element, iso_date.strip()[:40])
        else:
            day = self.date_of(element)
        if day is not None:
            activity.dates.setdefault(kind, day)

    def _recipient_country(self, activity: Activity, element: Element) -> None:
        code = ""
        percentage = None
        for key, value in element.items():
            if key == "code":
                code = value.strip().upper()
            elif key == "percentage":
                percentage = value
        if code not in self.codes.countries:
            self.warn("unknown_code", element, code)
            return
        activity.recipient_countries.append(Share(code, "", self.percentage(element, percentage)))

    def _recipient_region(self, activity: Activity, element: Element) -> None:
        code = (element.get("code") or "").strip()
        if not code:
            self.warn("unknown_code", element)
            return
        raw = (element.get("vocabulary") or "1").strip()
        vocabulary = REGION_VOCABULARIES_1.get(raw, raw)
        activity.recipient_regions.append(Share(code, vocabulary, self.percentage(element, element.get("percentage"))))

    def sector(self, element: Element, *, with_percentage: bool) -> Share | None:
        code = raw = ""
        percentage = None
        for key, value in element.items():
            if key == "code":
                code = value.strip()
            elif key == "vocabulary":
                raw = value
            elif key == "percentage":
                percentage = value
        raw = raw.strip() if raw else "1"
        vocabulary = SECTOR_VOCABULARIES_1.get(raw, raw)
        if not code:
            self.warn("unknown_code", element)
            return None
        if vocabulary == "1" and (
            not (len(code) == 5 and code.isdigit()) or (self.codes.sectors and code not in self.codes.sectors)
        ):
            self.warn("unknown_code", element, code)
        return Share(code, vocabulary, self.percentage(element, percentage) if with_percentage else None)

    def _sector(self, activity: Activity, element: Element) -> None:
        share = self.sector(element, with_percentage=True)
        if share is not None:
            activity.sectors.append(share)

    def _budget(self, activity: Activity, element: Element) -> None:
        raw_type = status = ""
        for key, value in element.items():
            if key == "type":
                raw_type = value
            elif key == "status":
                status = value
        raw_type = raw_type.strip() if raw_type else "1"
        start_element = end_element = value_element = None
        for child in element[:]:
            tag = child.tag
            if tag == "period-start":
                if start_element is None:
                    start_element = child
            elif tag == "period-end":
                if end_element is None:
                    end_element = child
            elif tag == "value" and value_element is None:
                value_element = child
        start = self.date_of(start_element)
        activity.budgets.append(
            Budget(
                BUDGET_TYPES_1.get(raw_type.lower(), raw_type),
                status.strip() if status else "1",
                start,
                self.date_of(end_element),
                self.money(value_element, start),
            )
        )

    def _transaction(self, activity: Activity, element: Element) -> None:
        kind = ""
        day: date | None = None
        value: Element | None = None
        description: Narratives = {}
        provider = receiver = None
        sectors: list[Share] = []
        country = region = ""
        for child in element[:]:
            tag = child.tag
            if tag == "transaction-type":
                raw = (child.get("code") or "").strip()
                kind = TRANSACTION_TYPES_1.get(raw) or TRANSACTION_TYPES_1.get(raw.lower(), raw)
                if kind and kind not in self.codes.transaction_types:
                    self.warn("unknown_code", child, raw)
            elif tag == "transaction-date":
                written = child.get("iso-date")
                day = _DATES.get(written) if written else None
                if day is None:
                    day = self.date_of(child)
            elif tag == "value":
                value = child
            elif tag == "description":
                description = self.narratives(child, keep_lines=True)
            elif tag == "provider-org":
                provider = self.organisation(child, "provider-activity-id")
            elif tag == "receiver-org":
                receiver = self.organisation(child, "receiver-activity-id")
            elif tag == "sector":
                share = self.sector(child, with_percentage=False)
                if share is not None:
                    sectors.append(share)
            elif tag == "recipient-country":
                country = (child.get("code") or "").strip().upper()
                if country not in self.codes.countries:
                    self.warn("unknown_code", child, country)
                    country = ""
            elif tag == "recipient-region":
                region = (child.get("code") or "").strip()
        if not kind:
            self.warn("no_transaction_type", element)
        if day is None:
            self.warn("no_transaction_date", element)
        money = self.money(value, day)
        if value is None:
            self.warn("bad_value", element)
        activity.transactions.append(
            Transaction(
                kind,
                day,
                money,
                (element.get("ref") or "").strip(),
                description,
                provider,
                receiver,
                tuple(sectors),
                country,
                region,
            )
        )

    def _location(self, activity: Activity, element: Element) -> None:
        name: Narratives = {}
        description: Narratives = {}
        latitude = longitude = None
        administrative: list[tuple[str, str, str]] = []
        for child in element[:]:
            tag = child.tag
            if tag == "name":
                name = self.narratives(child)
            elif tag == "description":
                description = self.narratives(child, keep_lines=True)
            elif tag == "point":
                position = child.findtext("pos") or ""
                parts = position.split()
                if len(parts) == 2:
                    latitude, longitude = _decimal(parts[0]), _decimal(parts[1])
            elif tag == "coordinates":  # 1.0x
                latitude, longitude = _decimal(child.get("latitude")), _decimal(child.get("longitude"))
            elif tag == "administrative":
                code = (child.get("code") or child.get("adm1") or child.get("country") or "").strip()
                if code:
                    administrative.append(
                        ((child.get("vocabulary") or "").strip(), (child.get("level") or "").strip(), code)
                    )
        if (latitude is not None and not -90 <= latitude <= 90) or (
            longitude is not None and not -180 <= longitude <= 180
        ):
            self.warn("bad_coordinates", element, f"{latitude} {longitude}")
            latitude = longitude = None
        activity.locations.append(
            Location(
                ref=(element.get("ref") or "").strip(),
                name=name,
                description=description,
                latitude=latitude,
                longitude=longitude,
                administrative=tuple(administrative),
            )
        )

    def _result(self, activity: Activity, element: Element) -> None:
        raw = aggregation = ""
        for key, value in element.items():
            if key == "type":
                raw = value.strip()
            elif key == "aggregation-status":
                aggregation = value
        indicators = []
        title_element = description_element = None
        for child in element[:]:
            tag = child.tag
            if tag == "indicator":
                indicators.append(self.indicator(child))
            elif tag == "title":
                if title_element is None:
                    title_element = child
            elif tag == "description" and description_element is None:
                description_element = child
        activity.results.append(
            Result(
                RESULT_TYPES_1.get(raw.lower(), raw),
                self.narratives(title_element) if title_element is not None else {},
                self.narratives(description_element, keep_lines=True) if description_element is not None else {},
                aggregation.strip().lower() in TRUE_WORDS,
                tuple(indicators),
            )
        )

    def indicator(self, element: Element) -> Indicator:
        title_element = description_element = baseline = None
        periods = []
        date_of = self.date_of
        for child in element[:]:
            tag = child.tag
            if tag == "period":
                start = end = target = actual = None
                for part in child[:]:
                    part_tag = part.tag
                    if part_tag == "period-start":
                        if start is None:
                            start = part
                    elif part_tag == "period-end":
                        if end is None:
                            end = part
                    elif part_tag == "target":
                        if target is None:
                            target = part
                    elif part_tag == "actual" and actual is None:
                        actual = part
                target_value = actual_value = ""
                target_dimensions = actual_dimensions = NO_DIMENSIONS
                if target is not None:
                    target_value = (target.get("value") or "").strip()
                    if len(target):
                        target_dimensions = self.dimensions(target)
                if actual is not None:
                    actual_value = (actual.get("value") or "").strip()
                    if len(actual):
                        actual_dimensions = self.dimensions(actual)
                periods.append(
                    Period(
                        date_of(start),
                        date_of(end),
                        target_value,
                        actual_value,
                        target_dimensions,
                        actual_dimensions,
                    )
                )
            elif tag == "title":
                if title_element is None:
                    title_element = child
            elif tag == "description":
                if description_element is None:
                    description_element = child
            elif tag == "baseline" and baseline is None:
                baseline = child
        measure = ascending = None
        for key, value in element.items():
            if key == "measure":
                measure = value
            elif key == "ascending":
                ascending = value
        year = baseline_value = ""
        baseline_date = None
        if baseline is not None:
            for key, value in baseline.items():
                if key == "year":
                    year = value.strip()
                elif key == "iso-date":
                    baseline_date = _date(value)
                elif key == "value":
                    baseline_value = value.strip()
        return Indicator(
            measure.strip() if measure else "1",
            (ascending.strip() if ascending else "1").lower() in TRUE_WORDS,
            self.narratives(title_element) if title_element is not None else {},
            self.narratives(description_element, keep_lines=True) if description_element is not None else {},
            int(year) if year.isdigit() and len(year) == 4 else None,
            baseline_date,
            baseline_value,
            tuple(periods),
        )

    def dimensions(self, element: Element) -> tuple[tuple[str, str], ...]:
        """The (name, value) of each `dimension` of a target or an actual (2.0x; 1.0x has none): sex: female. A
        dimension without its name or its value says nothing: left out, with a warning."""
        found = []
        for child in element:
            if child.tag != "dimension":
                continue
            name = value = ""
            for key, attribute in child.items():
                if key == "name":
                    name = " ".join(attribute.split())
                elif key == "value":
                    value = " ".join(attribute.split())
            if not name or not value:
                self.warn("incomplete_dimension", child, (name or value)[:40])
                continue
            found.append((name, value))
        return tuple(found)

    def _policy_marker(self, activity: Activity, element: Element) -> None:
        raw = (element.get("vocabulary") or "1").strip()
        activity.policy_markers.append(
            PolicyMarker(
                vocabulary=POLICY_VOCABULARIES_1.get(raw, raw),
                code=(element.get("code") or "").strip(),
                significance=(element.get("significance") or "").strip(),
            )
        )

    def _related_activity(self, activity: Activity, element: Element) -> None:
        ref = (element.get("ref") or "").strip()
        if ref:
            activity.related_activities.append(RelatedActivity((element.get("type") or "").strip(), ref))

    def _document_link(self, activity: Activity, element: Element) -> None:
        url = (element.get("url") or "").strip()
        if not url:
            self.warn("no_url", element)
            return
        parts = _first(element)
        title = parts.get("title")
        activity.documents.append(
            DocumentLink(
                url=url,
                format=(element.get("format") or "").strip(),
                title=self.narratives(title) if title is not None else {},
                categories=tuple(
                    (child.get("code") or "").strip()
                    for child in element
                    if child.tag == "category" and child.get("code")
                ),
                languages=tuple(
                    (child.get("code") or "").strip()
                    for child in element
                    if child.tag == "language" and child.get("code")
                ),
                date=self.date_of(parts.get("document-date")),
            )
        )

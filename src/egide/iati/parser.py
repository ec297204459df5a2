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


class MalformedFile(ValueError):
    """The file is not well-formed XML, or declares a DTD: nothing from it may be written."""

    def __init__(self, filename: str, line: int | None, column: int | None, message: str) -> None:
        self.filename, self.line, self.column, self.message = filename, line, column, message
        super().__init__(f"{filename}, line {line}, column {column}: {message}")


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
    return hashlib.blake2b(context + etree.tostring(element, with_tail=False), digest_size=16).hexdigest()


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
                    context_bytes = f"{reader.version}|{reader.file_language}|{reader.file_currency}|".encode()
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


def _first(element: Element) -> dict[str, Element]:
    """The element's children by tag, the first of each (one pass: lxml's find() goes through ElementPath)."""
    found: dict[str, Element] = {}
    for child in element:
        found.setdefault(child.tag, child)  # type: ignore[arg-type]
    return found


def _text(element: Element) -> str:
    return " ".join((element.text or "").split())


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class _Reader:
    """Turns one `iati-activity` element into an `Activity`, collecting the warnings as it goes."""

    def __init__(self, codes: Codelists) -> None:
        self.codes = codes
        self.version = ""
        self.file_language = ""
        self.file_currency = ""
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
        activity = Activity(
            identifier="",
            version=self.version or (element.get("version") or "").strip(),
            line=element.sourceline,
            default_language=element.get(XML_LANG, self.file_language),
            default_currency=(element.get("default-currency") or self.file_currency).strip(),
            hierarchy=(element.get("hierarchy") or "").strip(),
        )
        self.current = activity
        handlers = self.handlers
        for child in element:
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
        if "1" not in activity.dates and "2" not in activity.dates:
            self.warn("no_start_date", element)
        given = [share.percentage for share in activity.recipient_countries + activity.recipient_regions]
        if any(percentage is not None for percentage in given) or len(given) > 1:
            total = sum((percentage or Decimal(0) for percentage in given), Decimal(0))
            if abs(total - 100) > PERCENTAGE_TOLERANCE:
                self.warn("recipient_percentages", element, f"{total}")
        by_vocabulary: dict[str, list[Decimal | None]] = {}
        for share in activity.sectors:
            by_vocabulary.setdefault(share.vocabulary, []).append(share.percentage)
        for vocabulary, percentages in sorted(by_vocabulary.items()):
            if len(percentages) > 1 or any(percentage is not None for percentage in percentages):
                total = sum((percentage or Decimal(0) for percentage in percentages), Decimal(0))
                if abs(total - 100) > PERCENTAGE_TOLERANCE:
                    self.warn("sector_percentages", element, f"{vocabulary}: {total}")

    def warn(self, code: str, element: Element, detail: str = "") -> None:
        self.current.warnings.append(Warning(code, str(element.tag), element.sourceline, detail))

    # Texts, codes, amounts ----------------------------------------------------------------------------------------

    def narratives(self, element: Element, *, keep_lines: bool = False) -> Narratives:
        """The element's `narrative` children by language (2.0x), or its own text (1.0x)."""
        texts: Narratives = {}
        language = self.current.default_language
        children = [child for child in element if child.tag == "narrative"]
        if not children:
            raw = element.text
            if raw:
                text = raw.strip() if keep_lines else " ".join(raw.split())
                if text:
                    texts[element.get(XML_LANG, language)] = text
            return texts
        for narrative in children:
            raw = narrative.text
            text = (raw.strip() if keep_lines else " ".join(raw.split())) if raw else ""
            if not text:
                self.warn("empty_narrative", element)
                continue
            found = narrative.get(XML_LANG, language)
            if found not in texts:
                texts[found] = text
        return texts

    def code(self, element: Element, known: frozenset[str] | None = None, words: dict[str, str] | None = None) -> str:
        raw = (element.get("code") or "").strip()
        code = words.get(raw, words.get(raw.lower(), raw)) if words else raw
        if known is not None and code and code not in known:
            self.warn("unknown_code", element, raw)
        return code

    def date_of(self, element: Element | None) -> date | None:
        if element is None:
            return None
        raw = element.get("iso-date") or element.text
        day = _date(raw)
        if day is None and raw and raw.strip():
            self.warn("bad_date", element, raw.strip()[:40])
        return day

    def percentage(self, element: Element) -> Decimal | None:
        raw = element.get("percentage")
        if raw is None or not raw.strip():
            return None
        number = _decimal(raw)
        if number is None or not 0 <= number <= 100:
            self.warn("bad_percentage", element, raw.strip()[:40])
            return None
        return number

    def money(self, element: Element | None, fallback_date: date | None = None) -> Money:
        if element is None:
            return Money(None, "", fallback_date)
        raw = element.text or ""
        value = _decimal(raw.replace(",", "") if raw.count(",") and "." in raw else raw)
        if value is None:
            self.warn("bad_value", element, raw.strip()[:40])
        elif abs(value) >= LARGEST_VALUE:
            self.warn("value_out_of_range", element, raw.strip()[:40])
            value = None
        currency = (element.get("currency") or self.current.default_currency).strip().upper()
        if not currency:
            self.warn("no_currency", element)
        value_date = _date(element.get("value-date"))
        if value_date is None:
            if element.get("value-date"):
                self.warn("bad_date", element, (element.get("value-date") or "")[:40])
            value_date = fallback_date
        return Money(value, currency, value_date)

    def organisation(self, element: Element, activity_attribute: str = "") -> Organisation:
        return Organisation(
            ref=(element.get("ref") or "").strip(),
            type=(element.get("type") or "").strip(),
            name=self.narratives(element),
            activity_id=(element.get(activity_attribute) or "").strip() if activity_attribute else "",
        )

    # The elements -------------------------------------------------------------------------------------------------

    def _identifier(self, activity: Activity, element: Element) -> None:
        activity.identifier = _text(element)

    def _reporting_org(self, activity: Activity, element: Element) -> None:
        activity.reporting_org = self.organisation(element)

    def _participating_org(self, activity: Activity, element: Element) -> None:
        raw = (element.get("role") or "").strip()
        role = ROLES_1.get(raw.lower(), raw)
        if role not in self.codes.roles:
            self.warn("unknown_code", element, raw)
        organisation = self.organisation(element, "activity-id")
        if not organisation.ref and not organisation.name:
            self.warn("unnamed_organisation", element)
        activity.participants.append(Participant(role, organisation))

    def _title(self, activity: Activity, element: Element) -> None:
        for language, text in self.narratives(element).items():
            activity.titles.setdefault(language, text)

    def _description(self, activity: Activity, element: Element) -> None:
        texts = self.narratives(element, keep_lines=True)
        if texts:
            activity.descriptions.append(((element.get("type") or "1").strip(), texts))

    def _status(self, activity: Activity, element: Element) -> None:
        activity.status = self.code(element, self.codes.statuses)

    def _activity_date(self, activity: Activity, element: Element) -> None:
        raw = (element.get("type") or "").strip()
        kind = DATE_TYPES_1.get(raw, raw)
        if kind not in DATE_TYPES_1.values():
            self.warn("unknown_code", element, raw)
            return
        day = self.date_of(element)
        if day is not None:
            activity.dates.setdefault(kind, day)

    def _recipient_country(self, activity: Activity, element: Element) -> None:
        code = (element.get("code") or "").strip().upper()
        if code not in self.codes.countries:
            self.warn("unknown_code", element, code)
            return
        activity.recipient_countries.append(Share(code, percentage=self.percentage(element)))

    def _recipient_region(self, activity: Activity, element: Element) -> None:
        code = (element.get("code") or "").strip()
        if not code:
            self.warn("unknown_code", element)
            return
        raw = (element.get("vocabulary") or "1").strip()
        vocabulary = REGION_VOCABULARIES_1.get(raw, raw)
        activity.recipient_regions.append(Share(code, vocabulary, self.percentage(element)))

    def sector(self, element: Element, *, with_percentage: bool) -> Share | None:
        code = (element.get("code") or "").strip()
        raw = (element.get("vocabulary") or "1").strip()
        vocabulary = SECTOR_VOCABULARIES_1.get(raw, raw)
        if not code:
            self.warn("unknown_code", element)
            return None
        if vocabulary == "1" and (
            not (len(code) == 5 and code.isdigit()) or (self.codes.sectors and code not in self.codes.sectors)
        ):
            self.warn("unknown_code", element, code)
        return Share(code, vocabulary, self.percentage(element) if with_percentage else None)

    def _sector(self, activity: Activity, element: Element) -> None:
        share = self.sector(element, with_percentage=True)
        if share is not None:
            activity.sectors.append(share)

    def _budget(self, activity: Activity, element: Element) -> None:
        raw_type = (element.get("type") or "1").strip()
        parts = _first(element)
        start = self.date_of(parts.get("period-start"))
        activity.budgets.append(
            Budget(
                type=BUDGET_TYPES_1.get(raw_type.lower(), raw_type),
                status=(element.get("status") or "1").strip(),
                period_start=start,
                period_end=self.date_of(parts.get("period-end")),
                money=self.money(parts.get("value"), start),
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
        for child in element:
            tag = child.tag
            if tag == "transaction-type":
                kind = self.code(child, self.codes.transaction_types, TRANSACTION_TYPES_1)
            elif tag == "transaction-date":
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
                type=kind,
                date=day,
                money=money,
                ref=(element.get("ref") or "").strip(),
                description=description,
                provider=provider,
                receiver=receiver,
                sectors=tuple(sectors),
                recipient_country=country,
                recipient_region=region,
            )
        )

    def _location(self, activity: Activity, element: Element) -> None:
        name: Narratives = {}
        description: Narratives = {}
        latitude = longitude = None
        administrative: list[tuple[str, str, str]] = []
        for child in element:
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
        raw = (element.get("type") or "").strip()
        indicators = tuple(self.indicator(child) for child in element if child.tag == "indicator")
        parts = _first(element)
        title_element = parts.get("title")
        description_element = parts.get("description")
        activity.results.append(
            Result(
                type=RESULT_TYPES_1.get(raw.lower(), raw),
                title=self.narratives(title_element) if title_element is not None else {},
                description=self.narratives(description_element, keep_lines=True)
                if description_element is not None
                else {},
                aggregation_status=(element.get("aggregation-status") or "").strip().lower() in TRUE_WORDS,
                indicators=indicators,
            )
        )

    def indicator(self, element: Element) -> Indicator:
        parts = _first(element)
        title_element = parts.get("title")
        description_element = parts.get("description")
        baseline = parts.get("baseline")
        year = (baseline.get("year") or "").strip() if baseline is not None else ""
        periods = []
        for period in element:
            if period.tag != "period":
                continue
            period_parts = _first(period)
            target = period_parts.get("target")
            actual = period_parts.get("actual")
            periods.append(
                Period(
                    start=self.date_of(period_parts.get("period-start")),
                    end=self.date_of(period_parts.get("period-end")),
                    target=(target.get("value") or "").strip() if target is not None else "",
                    actual=(actual.get("value") or "").strip() if actual is not None else "",
                )
            )
        return Indicator(
            measure=(element.get("measure") or "1").strip(),
            ascending=(element.get("ascending") or "1").strip().lower() in TRUE_WORDS,
            title=self.narratives(title_element) if title_element is not None else {},
            description=self.narratives(description_element, keep_lines=True)
            if description_element is not None
            else {},
            baseline_year=int(year) if year.isdigit() and len(year) == 4 else None,
            baseline_date=_date(baseline.get("iso-date")) if baseline is not None else None,
            baseline_value=(baseline.get("value") or "").strip() if baseline is not None else "",
            periods=tuple(periods),
        )

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

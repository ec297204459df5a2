"""Writing activities as an IATI 2.03 activity file, one activity at a time (memory holds one activity whatever the
number written), elements in the order the 2.03 schema requires. The parser reads back what this writes: the round
trip gives the same records. No ORM: the exporter chooses what may be published and hands plain records over."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import IO

from lxml import etree

from egide.iati.records import Activity, Indicator, Location, Money, Narratives, Organisation, Result, Share

type Element = etree._Element

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"


def write_activities(
    activities: Iterable[Activity], output: IO[bytes], *, generated: dt.datetime, comment: str = ""
) -> int:
    """Write the activities to `output` as one 2.03 file; returns how many were written. `comment`, when given, is
    written as an XML comment before the root element (the standard has no element for it: a licence, say)."""
    written = 0
    with etree.xmlfile(output, encoding="utf-8") as document:
        document.write_declaration()
        if comment:
            # "--" may not appear inside an XML comment.
            document.write(etree.Comment(f" {comment.replace('--', '- -')} "), pretty_print=True)
        with document.element(
            "iati-activities", {"version": VERSION, "generated-datetime": generated.isoformat(timespec="seconds")}
        ):
            for activity in activities:
                document.write(activity_element(activity), pretty_print=True)
                written += 1
    return written


def _number(value: Decimal) -> str:
    """A decimal as xsd:decimal writes it: never in exponent notation."""
    return format(value, "f")


class _Builder:
    def __init__(self, activity: Activity) -> None:
        self.language = activity.default_language

    def narratives(
        self, parent: Element, tag: str, texts: Narratives, attributes: dict[str, str] | None = None
    ) -> None:
        self.narrative_children(etree.SubElement(parent, tag, attributes or {}), texts)

    def narrative_children(self, element: Element, texts: Narratives) -> None:
        """One `narrative` per language; the activity's own language is not repeated on each."""
        for language, text in texts.items():
            narrative = etree.SubElement(element, "narrative")
            if language != self.language:
                narrative.set(XML_LANG, language)
            narrative.text = text

    def organisation(
        self,
        parent: Element,
        tag: str,
        organisation: Organisation,
        activity_attribute: str,
        attributes: dict[str, str] | None = None,
    ) -> None:
        attributes = dict(attributes or {})
        if organisation.ref:
            attributes["ref"] = organisation.ref
        if organisation.type:
            attributes["type"] = organisation.type
        if organisation.activity_id and activity_attribute:
            attributes[activity_attribute] = organisation.activity_id
        element = etree.SubElement(parent, tag, attributes)
        self.narrative_children(element, organisation.name)

    def share(self, parent: Element, tag: str, share: Share, *, vocabulary: bool = True) -> None:
        attributes = {"code": share.code}
        if vocabulary and share.vocabulary:
            attributes["vocabulary"] = share.vocabulary
        if share.percentage is not None:
            attributes["percentage"] = _number(share.percentage)
        etree.SubElement(parent, tag, attributes)

    def money(self, parent: Element, money: Money) -> None:
        attributes = {}
        if money.currency:
            attributes["currency"] = money.currency
        if money.value_date is not None:
            attributes["value-date"] = money.value_date.isoformat()
        value = etree.SubElement(parent, "value", attributes)
        value.text = _number(money.value) if money.value is not None else ""

    def location(self, parent: Element, location: Location) -> None:
        element = etree.SubElement(parent, "location", {"ref": location.ref} if location.ref else {})
        if location.name:
            self.narratives(element, "name", location.name)
        if location.description:
            self.narratives(element, "description", location.description)
        for vocabulary, level, code in location.administrative:
            attributes = {"code": code}
            if vocabulary:
                attributes["vocabulary"] = vocabulary
            if level:
                attributes["level"] = level
            etree.SubElement(element, "administrative", attributes)
        if location.latitude is not None and location.longitude is not None:
            point = etree.SubElement(element, "point", {"srsName": WGS84})
            etree.SubElement(point, "pos").text = f"{_number(location.latitude)} {_number(location.longitude)}"

    def result(self, parent: Element, result: Result) -> None:
        element = etree.SubElement(
            parent, "result", {"type": result.type, "aggregation-status": "1" if result.aggregation_status else "0"}
        )
        self.narratives(element, "title", result.title)
        if result.description:
            self.narratives(element, "description", result.description)
        for indicator in result.indicators:
            self.indicator(element, indicator)

    def indicator(self, parent: Element, indicator: Indicator) -> None:
        element = etree.SubElement(
            parent, "indicator", {"measure": indicator.measure, "ascending": "1" if indicator.ascending else "0"}
        )
        self.narratives(element, "title", indicator.title)
        if indicator.description:
            self.narratives(element, "description", indicator.description)
        year = indicator.baseline_year or (indicator.baseline_date.year if indicator.baseline_date else None)
        if year is not None:  # 2.03 requires a baseline's year
            attributes = {"year": str(year)}
            if indicator.baseline_date is not None:
                attributes["iso-date"] = indicator.baseline_date.isoformat()
            if indicator.baseline_value:
                attributes["value"] = indicator.baseline_value
            etree.SubElement(element, "baseline", attributes)
        for period in indicator.periods:
            period_element = etree.SubElement(element, "period")
            for tag, day in (("period-start", period.start), ("period-end", period.end)):
                if day is not None:
                    etree.SubElement(period_element, tag, {"iso-date": day.isoformat()})
            for tag, value, dimensions in (
                ("target", period.target, period.target_dimensions),
                ("actual", period.actual, period.actual_dimensions),
            ):
                if value:
                    figure = etree.SubElement(period_element, tag, {"value": value})
                    for name, category in dimensions:
                        etree.SubElement(figure, "dimension", {"name": name, "value": category})


def activity_element(activity: Activity) -> Element:
    """The activity as a 2.03 `iati-activity` element."""
    build = _Builder(activity)
    attributes = {}
    if activity.default_language:
        attributes[XML_LANG] = activity.default_language
    if activity.default_currency:
        attributes["default-currency"] = activity.default_currency
    if activity.hierarchy:
        attributes["hierarchy"] = activity.hierarchy
    root = etree.Element("iati-activity", attributes)
    etree.SubElement(root, "iati-identifier").text = activity.identifier
    reporting = activity.reporting_org
    # 2.03 requires both attributes of the reporting organisation, even empty.
    build.organisation(root, "reporting-org", reporting, "", {"ref": reporting.ref, "type": reporting.type})
    build.narratives(root, "title", activity.titles)
    for kind, texts in activity.descriptions:
        build.narratives(root, "description", texts, {"type": kind})
    for participant in activity.participants:
        build.organisation(
            root, "participating-org", participant.organisation, "activity-id", {"role": participant.role}
        )
    if activity.status:
        etree.SubElement(root, "activity-status", {"code": activity.status})
    for kind, day in sorted(activity.dates.items()):
        etree.SubElement(root, "activity-date", {"type": kind, "iso-date": day.isoformat()})
    for share in activity.recipient_countries:
        build.share(root, "recipient-country", share, vocabulary=False)
    for share in activity.recipient_regions:
        build.share(root, "recipient-region", share)
    for location in activity.locations:
        build.location(root, location)
    for share in activity.sectors:
        build.share(root, "sector", share)
    for marker in activity.policy_markers:
        attributes = {"vocabulary": marker.vocabulary, "code": marker.code}
        if marker.significance:
            attributes["significance"] = marker.significance
        etree.SubElement(root, "policy-marker", attributes)
    for budget in activity.budgets:
        element = etree.SubElement(root, "budget", {"type": budget.type, "status": budget.status})
        for tag, bound in (("period-start", budget.period_start), ("period-end", budget.period_end)):
            if bound is not None:
                etree.SubElement(element, tag, {"iso-date": bound.isoformat()})
        build.money(element, budget.money)
    for transaction in activity.transactions:
        element = etree.SubElement(root, "transaction", {"ref": transaction.ref} if transaction.ref else {})
        etree.SubElement(element, "transaction-type", {"code": transaction.type})
        if transaction.date is not None:
            etree.SubElement(element, "transaction-date", {"iso-date": transaction.date.isoformat()})
        build.money(element, transaction.money)
        if transaction.description:
            build.narratives(element, "description", transaction.description)
        if transaction.provider is not None:
            build.organisation(element, "provider-org", transaction.provider, "provider-activity-id")
        if transaction.receiver is not None:
            build.organisation(element, "receiver-org", transaction.receiver, "receiver-activity-id")
        for share in transaction.sectors:
            build.share(element, "sector", share)
        if transaction.recipient_country:
            etree.SubElement(element, "recipient-country", {"code": transaction.recipient_country})
        if transaction.recipient_region:
            etree.SubElement(element, "recipient-region", {"code": transaction.recipient_region})
    for document in activity.documents:
        element = etree.SubElement(
            root, "document-link", {"url": document.url, "format": document.format or "application/octet-stream"}
        )
        build.narratives(element, "title", document.title)
        for code in document.categories:
            etree.SubElement(element, "category", {"code": code})
        for code in document.languages:
            etree.SubElement(element, "language", {"code": code})
        if document.date is not None:
            etree.SubElement(element, "document-date", {"iso-date": document.date.isoformat()})
    for related in activity.related_activities:
        etree.SubElement(root, "related-activity", {"ref": related.ref, "type": related.type})
    for result in activity.results:
        build.result(root, result)
    return root

"""The IATI parser on real publishers' files (1.01 to 2.03) and on hand-made hostile ones: concrete values, warnings,
refusals with file, line and column."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from egide.iati.parser import MalformedFile, read_activities
from egide.iati.records import Money, Organisation, Participant, Share


def parse(text: str) -> list:
    return list(read_activities(io.BytesIO(text.encode()), filename="test.xml"))


def activity_xml(body: str, *, version: str = "2.03", attributes: str = 'default-currency="EUR"') -> str:
    return (
        f'<?xml version="1.0"?>\n<iati-activities version="{version}">\n'
        f'<iati-activity xml:lang="en" {attributes}>\n{body}\n</iati-activity>\n</iati-activities>\n'
    )


COMPLETE = """
<iati-identifier>XM-TEST-1</iati-identifier>
<reporting-org ref="XM-TEST" type="10"><narrative>Test ministry</narrative></reporting-org>
<title><narrative>Police reform</narrative><narrative xml:lang="fr">Réforme de la police</narrative></title>
<activity-status code="2"/>
<activity-date type="1" iso-date="2020-01-01"/>
<recipient-country code="CF" percentage="100"/>
<sector vocabulary="1" code="15210" percentage="100"/>
"""


def test_the_uk_1_01_file_of_the_dr_congo(iati_fixtures: Path) -> None:
    activities = list(read_activities(iati_fixtures / "CD.xml"))
    assert len(activities) == 205
    assert sum(len(activity.transactions) for activity in activities) == 815
    assert sum(len(activity.budgets) for activity in activities) == 442
    ssr = [activity for activity in activities if "15210" in activity.sector_codes()]
    assert len(ssr) == 13
    police = next(activity for activity in ssr if activity.identifier == "GB-1-113961-101")
    assert police.version == "1.01"
    assert police.titles == {"en": "Security Sector Accountability & Police Programme"}
    assert police.status == "2"
    # 1.01's worded date types arrive as 2.03's codes.
    assert police.dates == {
        "1": date(2009, 12, 1),
        "2": date(2009, 12, 1),
        "3": date(2009, 12, 30),
        "4": date(2009, 12, 30),
    }
    assert [(share.code, share.vocabulary, share.percentage) for share in police.sectors] == [
        ("15210", "1", Decimal("95")),
        ("15150", "1", Decimal("5")),
    ]
    assert police.recipient_countries == [Share("CD")]
    assert [participant.role for participant in police.participants] == ["1", "3", "4"]
    assert police.participants[0] == Participant("1", Organisation(ref="GB", type="10", name={"en": "UNITED KINGDOM"}))
    commitment = police.transactions[0]
    assert commitment.type == "2"  # "C" in 1.01
    assert commitment.date == date(2009, 12, 1)
    # The value date as published, and the activity's default currency for a value that names none.
    assert commitment.money == Money(Decimal("650295"), "GBP", date(2011, 4, 1))
    assert police.budgets[0].type == "2"  # "Revised"
    assert police.budgets[0].money == Money(Decimal("580925"), "GBP", date(2008, 4, 1))
    assert police.warnings == []


def test_the_2_01_annotated_example_in_every_part(iati_fixtures: Path) -> None:
    (activity,) = read_activities(iati_fixtures / "2.01-example-annotated.xml")
    assert activity.identifier == "AA-AAA-123456789-ABC123"
    assert activity.titles == {"en": "Activity title", "fr": "Titre de l'activité", "es": "Título de la actividad"}
    assert [kind for kind, _ in activity.descriptions] == ["1", "2", "3"]
    assert activity.reporting_org.name == {"en": "Organisation name", "fr": "Nom de l'organisme"}
    assert [(share.code, share.percentage) for share in activity.recipient_countries] == [
        ("AF", Decimal("25")),
        ("AG", Decimal("25")),
    ]
    assert [(share.code, share.vocabulary) for share in activity.recipient_regions] == [("489", "1"), ("289", "1")]
    transaction = activity.transactions[0]
    assert transaction.provider is not None
    assert transaction.provider.activity_id == "BB-BBB-123456789-1234AA"
    assert transaction.receiver is not None
    assert transaction.receiver.activity_id == "AA-AAA-123456789-1234"
    assert transaction.sectors == (Share("111", "2"),)
    assert (transaction.recipient_country, transaction.recipient_region) == ("AF", "456")
    (location,) = activity.locations
    assert (location.latitude, location.longitude) == (Decimal("31.616944"), Decimal("65.716944"))
    (result,) = activity.results
    (indicator,) = result.indicators
    assert (result.type, indicator.measure, indicator.baseline_year, indicator.baseline_value) == ("1", "1", 2012, "10")
    assert [(period.start, period.target, period.actual) for period in indicator.periods] == [
        (date(2013, 1, 1), "10", "11")
    ]
    assert [(marker.code, marker.significance) for marker in activity.policy_markers] == [("2", "3"), ("1", "4")]
    assert activity.documents[0].title == {"en": "Project Report 2013", "fr": "Rapport de projet 2013"}
    assert activity.warnings == []


def test_the_multi_publisher_file_of_2_0x_versions(iati_fixtures: Path) -> None:
    activities = list(read_activities(iati_fixtures / "dportal-liberia-sierraleone-2.0x.xml"))
    assert len(activities) == 100
    assert {activity.version for activity in activities} == {"2.01", "2.02", "2.03"}
    assert sum("LR" in activity.country_codes() for activity in activities) == 35
    # "998" is not a country: warned about and left out, never stored.
    unknown = [w for activity in activities for w in activity.warnings if w.code == "unknown_code"]
    assert any(w.element == "recipient-country" and w.detail == "998" for w in unknown)
    assert all(len(code) == 2 for activity in activities for code in activity.country_codes())


def test_names_in_several_languages_and_currencies_at_each_level(iati_fixtures: Path) -> None:
    (localised,) = read_activities(iati_fixtures / "localised-org-names.xml")
    assert localised.reporting_org.name["fr"].startswith("Ministère fédéral de la Coopération économique")
    assert set(localised.reporting_org.name) == {"de", "en", "fr"}
    (transactions,) = read_activities(iati_fixtures / "transaction-currencies.xml")
    assert transactions.transactions[0].money == Money(Decimal("8797.16"), "GBP", date(2017, 6, 30))
    (budgets,) = read_activities(iati_fixtures / "budget-currencies.xml")
    assert [budget.money.value for budget in budgets.budgets][:2] == [Decimal("1916543"), Decimal("3024387")]


@pytest.mark.parametrize("name", ["broken.xml", "broken_activity_01.xml"])
def test_the_broken_files_are_refused_with_where(iati_fixtures: Path, name: str) -> None:
    with pytest.raises(MalformedFile) as refused:
        list(read_activities(iati_fixtures / name, filename=name))
    assert refused.value.filename == name
    assert refused.value.line is not None
    assert str(refused.value).startswith(f"{name}, line {refused.value.line}")


def test_a_complete_activity_has_no_warning() -> None:
    (activity,) = parse(activity_xml(COMPLETE))
    assert activity.warnings == []
    assert activity.titles == {"en": "Police reform", "fr": "Réforme de la police"}


def test_publisher_faults_become_warnings_and_the_activity_is_read() -> None:
    (activity,) = parse(
        activity_xml(
            """
            <iati-identifier>XM-TEST-2</iati-identifier>
            <title><narrative></narrative></title>
            <activity-status code="77"/>
            <recipient-country code="CF" percentage="60"/>
            <recipient-country code="TD" percentage="30"/>
            <sector code="15210" percentage="50"/>
            <sector code="152" percentage="20"/>
            <transaction><transaction-type code="3"/><transaction-date iso-date="2021-02-30"/>
              <value value-date="2021-03-01">12.5</value></transaction>
            """,
            attributes="",
        )
    )
    codes = sorted((warning.code, warning.element) for warning in activity.warnings)
    assert codes == [
        ("bad_date", "transaction-date"),
        ("empty_narrative", "title"),
        ("no_currency", "value"),
        ("no_start_date", "iati-activity"),
        ("no_title", "iati-activity"),
        ("no_transaction_date", "transaction"),
        ("recipient_percentages", "iati-activity"),
        ("sector_percentages", "iati-activity"),
        ("unknown_code", "activity-status"),
        ("unknown_code", "sector"),
    ]
    assert activity.identifier == "XM-TEST-2"
    (transaction,) = activity.transactions
    assert transaction.money == Money(Decimal("12.5"), "", date(2021, 3, 1))
    lines = {warning.element: warning.line for warning in activity.warnings}
    assert lines["activity-status"] == 7


@pytest.mark.parametrize(
    ("value", "expected", "warning"),
    [
        ("1e400", None, "value_out_of_range"),
        ("NaN", None, "bad_value"),
        ("12,5", None, "bad_value"),
        ("1,234.50", Decimal("1234.50"), None),
        ("-300", Decimal("-300"), None),
    ],
)
def test_amounts_that_cannot_be_stored_are_warned_about(value: str, expected: Decimal | None, warning: str) -> None:
    (activity,) = parse(
        activity_xml(
            COMPLETE + f'<budget><period-start iso-date="2020-01-01"/><value value-date="2020-01-01">{value}</value>'
            "</budget>"
        )
    )
    assert activity.budgets[0].money.value == expected
    assert [w.code for w in activity.warnings] == ([warning] if warning else [])


def test_one_0x_codes_are_read_as_2_03_codes() -> None:
    (activity,) = parse(
        activity_xml(
            """
            <iati-identifier>XM-OLD-1</iati-identifier>
            <title>Old style</title>
            <activity-status code="2"/>
            <activity-date type="start-planned" iso-date="2005-01-01"/>
            <activity-date type="end-actual">2009-12-31</activity-date>
            <participating-org role="Implementing" ref="XM-OLD">Implementer</participating-org>
            <sector vocabulary="DAC" code="15210"/>
            <budget type="Original"><period-start iso-date="2005-01-01"/><value>10</value></budget>
            <transaction><transaction-type code="D"/><transaction-date iso-date="2006-01-01"/><value>5</value>
              <provider-org ref="XM-OLD" provider-activity-id="XM-OLD-0">Provider</provider-org></transaction>
            <result type="outcome"><title>Better policing</title></result>
            <location><name>Bangui</name><coordinates latitude="4.36" longitude="18.55"/></location>
            """,
            version="1.03",
        )
    )
    assert activity.titles == {"en": "Old style"}
    assert activity.dates == {"1": date(2005, 1, 1), "4": date(2009, 12, 31)}
    assert activity.participants[0].role == "4"
    assert activity.sectors == [Share("15210", "1")]
    assert activity.budgets[0].type == "1"
    (transaction,) = activity.transactions
    assert (transaction.type, transaction.money.currency) == ("3", "EUR")
    assert transaction.provider == Organisation(ref="XM-OLD", name={"en": "Provider"}, activity_id="XM-OLD-0")
    assert activity.results[0].type == "2"
    assert activity.locations[0].name == {"en": "Bangui"}
    assert activity.locations[0].latitude == Decimal("4.36")
    assert activity.warnings == []


def test_malformed_xml_names_the_line_and_column() -> None:
    text = activity_xml(COMPLETE).replace('<activity-status code="2"/>', '<activity-status code="2">')
    with pytest.raises(MalformedFile) as refused:
        parse(text)
    assert refused.value.filename == "test.xml"
    assert (refused.value.line, refused.value.column) == (13, 17)


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
        '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
        '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_a_dtd_or_entities_are_refused_and_never_expanded(prolog: str) -> None:
    text = (
        f'<?xml version="1.0"?>\n{prolog}\n<iati-activities version="2.03"><iati-activity>'
        "<iati-identifier>&lol2;</iati-identifier></iati-activity></iati-activities>"
    )
    with pytest.raises(MalformedFile, match="DTD or entities"):
        parse(text)


def test_a_file_that_is_not_an_activity_file_is_refused() -> None:
    with pytest.raises(MalformedFile, match="not an IATI activity file"):
        parse("<html><body>hello</body></html>")
    with pytest.raises(MalformedFile, match="root is <iati-activity>"):
        parse("<iati-activity><iati-identifier>A</iati-identifier></iati-activity>")


def test_activities_are_dropped_from_memory_as_they_are_read() -> None:
    body = "".join(
        f"<iati-activity><iati-identifier>XM-{number}</iati-identifier><title>T</title></iati-activity>"
        for number in range(200)
    )
    reader = read_activities(io.BytesIO(f'<iati-activities version="2.03">{body}</iati-activities>'.encode()))
    first = next(reader)
    identifiers = [first.identifier] + [activity.identifier for activity in reader]
    assert identifiers == [f"XM-{number}" for number in range(200)]


DIMENSIONS = """
<result type="1">
  <title><narrative>Police trained</narrative></title>
  <indicator measure="1" ascending="1">
    <title><narrative>Officers trained</narrative></title>
    <period>
      <period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
      <target value="40">
        <location ref="AF-KAB"/>
        <dimension name=" sex " value="female"/>
        <dimension name="age" value="  18 to   25 "/>
        <dimension name="sex"/>
        <comment><narrative>Half of the intake</narrative></comment>
      </target>
      <actual value="35"><dimension name="sex" value="female"/><dimension value="urban"/></actual>
    </period>
    <period>
      <period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>
      <target value="50"/>
    </period>
  </indicator>
</result>
"""


def test_the_dimensions_of_targets_and_actuals_are_read() -> None:
    (activity,) = parse(activity_xml(COMPLETE + DIMENSIONS))
    first, second = activity.results[0].indicators[0].periods
    assert first.target_dimensions == (("sex", "female"), ("age", "18 to 25"))
    assert first.actual_dimensions == (("sex", "female"),)
    assert (first.target, first.actual) == ("40", "35")
    assert (second.target_dimensions, second.actual_dimensions) == ((), ())
    # A dimension without its name or its value is left out, with a warning naming what it had.
    assert [(w.code, w.element, w.detail) for w in activity.warnings] == [
        ("incomplete_dimension", "dimension", "sex"),
        ("incomplete_dimension", "dimension", "urban"),
    ]


def test_the_dimensions_of_the_shared_files(iati_fixtures: Path) -> None:
    # D-Portal's synthetic activities fill every element, each target and actual with two dimensions.
    reading = read_activities(iati_fixtures / "synthetic-every-element.xml")
    activities = [next(reading), next(reading)]
    with pytest.raises(MalformedFile):  # its third activity uses an undeclared namespace prefix
        next(reading)
    periods = [period for result in activities[0].results for i in result.indicators for period in i.periods]
    assert len(periods) == 8
    assert {period.target_dimensions for period in periods} == {(("text", "text"), ("text", "text"))}
    assert {period.actual_dimensions for period in periods} == {(("text", "text"), ("text", "text"))}
    # UNICEF's Liberia activity writes an empty dimension in its target and its actual: two warnings, nothing read.
    (unicef,) = [
        activity
        for activity in read_activities(iati_fixtures / "dportal-liberia-sierraleone-2.0x.xml")
        if activity.identifier == "XM-DAC-41122-Liberia-2550/A0/08/802/004"
    ]
    (period,) = unicef.results[0].indicators[0].periods
    assert (period.target_dimensions, period.actual_dimensions) == ((), ())
    assert [(w.code, w.line) for w in unicef.warnings if w.element == "dimension"] == [
        ("incomplete_dimension", 157),
        ("incomplete_dimension", 157),
    ]

"""An imported activity's results framework in the results app: concrete values from the real files, the rules of
the results app kept, the review's statuses, re-imports (unchanged: nothing written; changed: replaced in place),
and the round trip through the export."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from lxml import etree

from egide.accounts.models import Organisation
from egide.accounts.selectors import PLATFORM
from egide.iati import importer, parser
from egide.iati.exporter import ExportChoice, iati_export
from egide.iati.importer import Filters, iati_file_import
from egide.iati.models import ImportedActivity
from egide.programmes.models import Programme
from egide.results.models import Disaggregation, Result, Update, UpdateStatus
from egide.results.models import Indicator as IndicatorRow
from egide.results.models import Period as PeriodRow
from tests.iati.test_importer import activity, write
from tests.iati.test_round_trip import activity_schema

UNDP = "XM-DAC-41114-PROJECT-00094465"
EVERYTHING = Filters(sectors=None)

RESULT = """<result type="{type}" aggregation-status="0">
  <title><narrative>Courts hear cases on time</narrative>
    <narrative xml:lang="fr">Les tribunaux jugent à temps</narrative></title>
  <indicator measure="1" ascending="0">
    <title><narrative>Case backlog</narrative></title>
    <baseline year="2019" iso-date="2019-06-30" value="1200"/>
    <period><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
      <target value="{target}"/><actual value="950"/></period>
    <period><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>
      <target value="600"/></period>
  </indicator>
  {more}
</result>"""

JUDGEMENT = """<indicator measure="5" ascending="1">
    <title><narrative>Judges' independence</narrative></title>
    <baseline year="2019" value="Weak"/>
    <period><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
      <target value="Judges appointed by a council"/><actual value="A council was created"/></period>
  </indicator>
  <indicator measure="2">
    <title><narrative>Share of detainees on remand</narrative></title>
    <period><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
      <target value="150"/><actual value="n/a"/></period>
    <period><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>
      <target value="12,5"/><actual value="1e1"/></period>
    <period><period-start iso-date="2020-01-01"/></period>
  </indicator>"""


def with_results(identifier: str = "XM-DAC-7-1", *, target: str = "800", more: str = "", kind: str = "2") -> str:
    return activity(identifier).replace(
        "</iati-activity>", RESULT.format(type=kind, target=target, more=more) + "\n</iati-activity>"
    )


def valid(data: bytes) -> None:
    """The file is valid against the official 2.03 activity schema (when ../shared holds it)."""
    schema = activity_schema()
    if schema is not None:
        assert schema.validate(etree.parse(io.BytesIO(data))), schema.error_log


def framework() -> list[tuple]:
    """Every result of every programme, as plain values, in a stable order."""
    return [
        (
            result.programme.iati_identifier,
            result.type,
            result.title_en,
            result.title_fr,
            result.description_en,
            result.aggregation_status,
            result.order,
            [
                (
                    indicator.title_en,
                    indicator.description_en,
                    indicator.measure,
                    indicator.ascending,
                    indicator.baseline_value,
                    indicator.baseline_date,
                    indicator.baseline_comment,
                    [
                        (
                            period.start,
                            period.end,
                            period.target_value,
                            period.target_comment,
                            sorted(period.updates.values_list("value", "text", "value_date", "status")),
                        )
                        for period in indicator.periods.all()
                    ],
                )
                for indicator in result.indicators.all()
            ],
        )
        for result in Result.objects.select_related("programme").order_by("programme__iati_identifier", "order")
    ]


def test_the_undp_results_framework_arrives_in_the_results_app(iati_fixtures: Path, db: None) -> None:
    report = iati_file_import(
        user=PLATFORM, path=iati_fixtures / "dportal-liberia-sierraleone-2.0x.xml", filters=EVERYTHING
    )
    assert (report.created, report.errors) == (100, [])
    result = Result.objects.get(programme__iati_identifier=UNDP)
    assert (result.type, result.title_en, result.aggregation_status) == (
        "1",
        "Integrated Results and Resources Framework (IRRF)",
        True,
    )
    # The activity says its texts are in French: a title is in the English column too (as a programme's), a
    # description only in the French one.
    assert result.title_fr == result.title_en
    assert (result.description_en, result.description_fr[:36]) == ("", "The IRRF is UNDP\u2019s results framework")
    assert result.indicators.count() == 13
    jobs = result.indicators.get(order=1)
    assert (jobs.title_en, jobs.description_fr) == (
        "Output Indicator 1.1.1.A.1.1",
        "Number of new full-time equivalent jobs created for women 15+ years old",
    )
    assert (jobs.measure, jobs.ascending) == ("1", False)
    assert (jobs.baseline_value, jobs.baseline_date) == (Decimal("9212"), dt.date(2013, 1, 1))
    periods = list(jobs.periods.all())
    assert [(period.start, period.end, period.target_value) for period in periods] == [
        (dt.date(2016, 1, 1), dt.date(2016, 12, 31), Decimal("11057")),
        (dt.date(2017, 1, 1), dt.date(2017, 12, 31), Decimal("11682")),
    ]
    actual = periods[0].updates.get()
    # An actual is a value approved by the import (here the platform's), reported on the period's last day.
    assert (actual.value, actual.value_date, actual.status) == (
        Decimal("11312"),
        dt.date(2016, 12, 31),
        UpdateStatus.APPROVED,
    )
    assert actual.reviewed_at is not None
    assert actual.submitted_at == actual.reviewed_at
    assert periods[1].updates.get().value == Decimal("21106")
    assert Result.objects.count() == 14
    assert Update.objects.filter(status=UpdateStatus.APPROVED).count() == Update.objects.count() > 0


def test_the_annotated_example_of_the_standard(iati_fixtures: Path, db: None) -> None:
    iati_file_import(user=PLATFORM, path=iati_fixtures / "2.01-example-annotated.xml", filters=EVERYTHING)
    assert framework() == [
        (
            "AA-AAA-123456789-ABC123",
            "1",
            "Result title",
            "",
            "Result description text",
            True,
            1,
            [
                (
                    "Indicator title",
                    "Indicator description text",
                    "1",
                    True,
                    Decimal("10"),
                    dt.date(2012, 1, 1),
                    "",
                    [
                        (
                            dt.date(2013, 1, 1),
                            dt.date(2013, 3, 31),
                            Decimal("10"),
                            "",
                            [(Decimal("11"), "", dt.date(2013, 3, 31), UpdateStatus.APPROVED)],
                        )
                    ],
                )
            ],
        )
    ]


def test_what_the_results_app_may_not_hold_is_kept_as_a_comment_or_left_out(tmp_path: Path, db: None) -> None:
    iati_file_import(user=PLATFORM, path=write(tmp_path, with_results(more=JUDGEMENT)))
    result = Result.objects.get()
    assert (result.type, result.title_fr, result.aggregation_status) == (
        "2",
        "Les tribunaux jugent à temps",
        False,
    )
    backlog, judges, remand = result.indicators.all()
    assert (backlog.baseline_value, backlog.baseline_date) == (Decimal("1200"), dt.date(2019, 6, 30))
    # A qualitative indicator: no values, the texts as comments and the actual as a narrative.
    assert (judges.measure, judges.baseline_value, judges.baseline_comment) == ("5", None, "Weak")
    period = judges.periods.get()
    assert (period.target_value, period.target_comment) == (None, "Judges appointed by a council")
    assert list(period.updates.values_list("value", "text")) == [(None, "A council was created")]
    # A percentage above 100 is no target value; an actual that is not a number is left out, as is a period
    # without its end.
    period, later = remand.periods.all()
    assert (period.target_value, period.target_comment) == (None, "150")
    assert not period.updates.exists()
    # A comma may be a thousands separator or a decimal point: the text is kept, not guessed at.
    assert (later.target_value, later.target_comment) == (None, "12,5")
    assert later.updates.get().value == Decimal("10")


def test_a_re_import_of_the_unchanged_file_writes_nothing(iati_fixtures: Path, db: None) -> None:
    path = iati_fixtures / "dportal-liberia-sierraleone-2.0x.xml"
    iati_file_import(user=PLATFORM, path=path, filters=EVERYTHING)
    before = framework()
    rows = [
        sorted(model.objects.values_list("pk", "updated_at"))
        for model in (Result, IndicatorRow, PeriodRow, Update)  # type: ignore[attr-defined]
    ]
    again = iati_file_import(user=PLATFORM, path=path, filters=EVERYTHING)
    assert (again.unchanged, again.updated, again.created) == (100, 0, 0)
    assert framework() == before
    assert [
        sorted(model.objects.values_list("pk", "updated_at"))
        for model in (Result, IndicatorRow, PeriodRow, Update)  # type: ignore[attr-defined]
    ] == rows


def test_a_changed_activity_has_its_results_replaced(tmp_path: Path, db: None) -> None:
    iati_file_import(user=PLATFORM, path=write(tmp_path, with_results(more=JUDGEMENT), with_results("XM-DAC-7-2")))
    other = framework()[1]
    assert IndicatorRow.objects.count() == 4
    report = iati_file_import(
        user=PLATFORM, path=write(tmp_path, with_results(target="700", kind="3"), with_results("XM-DAC-7-2"))
    )
    assert (report.updated, report.unchanged) == (1, 1)
    changed, unchanged = framework()
    assert unchanged == other
    assert changed[1] == "3"
    (backlog,) = changed[7]
    assert backlog[0] == "Case backlog"
    assert [period[2] for period in backlog[7]] == [Decimal("700"), Decimal("600")]
    # Replaced, not added: the indicators the file no longer holds are gone, with their periods and values.
    assert (IndicatorRow.objects.count(), PeriodRow.objects.count(), Update.objects.count()) == (2, 4, 2)


def test_an_editor_s_import_leaves_the_values_for_review(
    tmp_path: Path, organisation: Organisation, member: User, owner: User
) -> None:
    """The review is the owner organisation's: an editor's imported values wait for it; a reviewer's (an
    administrator's) arrive approved, under their name."""
    path = write(tmp_path, with_results())
    iati_file_import(user=member, path=path, owner=organisation)
    update = Update.objects.get()
    assert (update.status, update.submitted_by, update.reviewed_by) == (UpdateStatus.SUBMITTED, member, None)
    iati_file_import(user=owner, path=write(tmp_path, with_results(target="700")), owner=organisation)
    update = Update.objects.get()
    assert (update.status, update.submitted_by, update.reviewed_by) == (UpdateStatus.APPROVED, owner, owner)


DIMENSIONS = """<result type="1" aggregation-status="0">
  <title><narrative>Police trained</narrative></title>
  <indicator measure="1" ascending="1">
    <title><narrative>Officers trained</narrative></title>
    <period><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
      <target value="40"><dimension name="sex" value="female"/><dimension name="sex" value="Female"/>
        <dimension name="age" value="18-25"/><dimension value="male"/></target>
      <actual value="35"><dimension name="sex" value="female"/></actual></period>
  </indicator>
</result>"""


def test_dimensions_become_disaggregations_shown_and_exported(tmp_path: Path, db: None) -> None:
    """A file's dimensions of a target and of an actual, read by the parser, imported as disaggregations (each
    category holding the whole value, a repeated one once, an incomplete one warned about and left out), shown on
    the Results tab and written back by the export."""
    path = write(tmp_path, activity("XM-1").replace("</iati-activity>", DIMENSIONS + "\n</iati-activity>"))
    report = iati_file_import(user=PLATFORM, path=path)
    assert (report.created, report.errors, report.warnings) == (1, [], 1)
    assert ImportedActivity.objects.get().warnings == [
        {"code": "incomplete_dimension", "element": "dimension", "line": 28, "detail": "male"}
    ]
    period = PeriodRow.objects.get()
    assert [str(part) for part in period.target_disaggregations.order_by("id")] == [
        "sex / female: 40",
        "age / 18-25: 40",
    ]
    assert [str(part) for part in Update.objects.get().disaggregations.all()] == ["sex / female: 35"]
    # The Results tab of the (public) programme lists them under the target and the actual.
    programme = Programme.objects.get()
    page = Client().get(reverse("programme-results", kwargs={"pk": programme.pk}))
    assert page.status_code == 200
    cells = [
        " ".join(cell.get_text(" ", strip=True).split())
        for cell in BeautifulSoup(page.content, "html.parser").select(f"#period-{period.pk} td")[:2]
    ]
    assert cells == ["40 age / 18-25: 40 sex / female: 40", "35 sex / female: 35"]
    # The export says them as the dimensions of the target and of the actual.
    data = io.BytesIO()
    iati_export(user=PLATFORM, choice=ExportChoice(), output=data)
    text = data.getvalue().decode()
    valid(data.getvalue())
    assert text.count('<dimension name="sex" value="female"/>') == 2
    assert text.count('<dimension name="age" value="18-25"/>') == 1
    assert Disaggregation.objects.count() == 3


def test_an_activity_imported_by_an_older_parser_is_read_again(
    tmp_path: Path, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser's version is part of each activity's digest and of the file's: once the parser reads more (the
    dimensions, here), importing the same file again reads and writes its activities again."""
    path = write(tmp_path, activity("XM-1").replace("</iati-activity>", DIMENSIONS + "\n</iati-activity>"))
    monkeypatch.setattr(parser, "READING_VERSION", parser.READING_VERSION - 1)
    monkeypatch.setattr(importer, "READING_VERSION", parser.READING_VERSION)
    monkeypatch.setattr(parser._Reader, "dimensions", lambda self, element: ())  # a parser without dimensions
    assert iati_file_import(user=PLATFORM, path=path).created == 1
    assert iati_file_import(user=PLATFORM, path=path).unchanged == 1
    assert not Disaggregation.objects.exists()
    monkeypatch.undo()
    report = iati_file_import(user=PLATFORM, path=path)
    assert (report.updated, report.unchanged) == (1, 0)
    assert Disaggregation.objects.count() == 3
    assert iati_file_import(user=PLATFORM, path=path).unchanged == 1


def test_the_round_trip_gives_the_same_results(iati_fixtures: Path, tmp_path: Path, db: None) -> None:
    for name in ("dportal-liberia-sierraleone-2.0x.xml", "2.01-example-annotated.xml"):
        iati_file_import(user=PLATFORM, path=iati_fixtures / name, filters=EVERYTHING)
    iati_file_import(user=PLATFORM, path=write(tmp_path, with_results(more=JUDGEMENT)))
    before = framework()
    assert len(before) == 16
    output = io.BytesIO()
    iati_export(user=PLATFORM, choice=ExportChoice(), output=output)
    valid(output.getvalue())
    ImportedActivity.objects.all().delete()
    Programme.objects.all().delete()
    assert not Result.objects.exists()
    (tmp_path / "out.xml").write_bytes(output.getvalue())
    report = iati_file_import(user=PLATFORM, path=tmp_path / "out.xml", filters=EVERYTHING)
    assert (report.created, report.errors) == (102, [])
    assert framework() == before

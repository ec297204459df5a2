"""A country's results frameworks as spreadsheets: four tables keyed by the programme's IATI identifier, read and
written by the generic table readers of egide.core.imports.

- results: a programme's results, numbered (`result`: its order in the programme);
- indicators: numbered within their result (`indicator`);
- periods: an indicator's periods, keyed by their start and end;
- values: the values reported for a period, keyed by their date and value. An export writes approved values only.
"""

from django.utils.translation import gettext as _

from egide.core.imports.tables import TableLayout

PROGRAMME_KEY = ("programme",)
RESULT_KEY = (*PROGRAMME_KEY, "result")
INDICATOR_KEY = (*RESULT_KEY, "indicator")
PERIOD_KEY = (*INDICATOR_KEY, "period_start", "period_end")

COLUMNS: dict[str, tuple[str, ...]] = {
    "results": (*RESULT_KEY, "type", "title_en", "title_fr", "description_en", "description_fr"),
    "indicators": (
        *INDICATOR_KEY,
        "title_en",
        "title_fr",
        "description_en",
        "description_fr",
        "measure",
        "ascending",
        "baseline_value",
        "baseline_date",
        "baseline_comment",
        "actor",
    ),
    "periods": (*PERIOD_KEY, "target_value", "target_comment", "target_disaggregations"),
    "values": (
        *PERIOD_KEY,
        "value_date",
        "value",
        "text",
        "comment",
        "evidence_link",
        "disaggregations",
        "status",
        "return_reason",
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "results": (*RESULT_KEY, "title_en"),
    "indicators": (*INDICATOR_KEY, "title_en"),
    "periods": PERIOD_KEY,
    "values": (*PERIOD_KEY, "value_date"),
}
PARTS_SEPARATOR = ";"
"""Disaggregations in a cell: `sex / female = 12; sex / male = 30`."""


def _recognise(columns: set[str]) -> str | None:
    if "value_date" in columns:
        return "values"
    if "period_start" in columns:
        return "periods"
    if "indicator" in columns:
        return "indicators"
    if "result" in columns:
        return "results"
    return None


def _unrecognised() -> str:
    return _(
        "the header row matches no table: results need 'programme', 'result' and 'title_en'; indicators also "
        "'indicator'; periods also 'period_start' and 'period_end'; values also 'value_date'"
    )


LAYOUT = TableLayout(columns=COLUMNS, required=REQUIRED, recognise=_recognise, unrecognised=_unrecognised)

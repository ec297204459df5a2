"""The coordination brief as a spreadsheet (XLSX, openpyxl): the matrix with its money, the overlaps, the gaps, the
money flows (the Sankey diagram's links) and the timeline by partner, one sheet each, in the reader's language. Pure
presentation of what the views computed; no database."""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from egide.core.imports.tables import append_text


def brief_xlsx(
    *,
    title: str,
    columns: list[str],
    matrix: list[dict[str, Any]],
    overlaps: list[dict[str, Any]],
    gaps: list[dict[str, Any]],
    flows: list[dict[str, Any]] | None = None,
    timeline: list[dict[str, Any]] | None = None,
    due_diligence: tuple[list[str], list[list[Any]]] | None = None,
) -> bytes:
    """`due_diligence`: the header and rows of the due-diligence sheet (egide.duediligence.reports), given only
    when the reader may read some assessment of the country."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Matrix"))
    append_text(sheet, [title])
    append_text(
        sheet,
        [
            _("Partner"),
            _("Column"),
            _("Programmes"),
            _("imported from IATI"),
            _("committed") + " (USD)",
            _("committed") + " (EUR)",
            _("disbursed and spent") + " (USD)",
            _("disbursed and spent") + " (EUR)",
        ],
    )
    for row in matrix:
        for column, cell in zip(columns, row["cells"], strict=True):
            if not cell["count"]:
                continue
            append_text(
                sheet,
                [
                    row["partner"].name,
                    column,
                    cell["count"],
                    cell["imported"],
                    cell["committed_usd"],
                    cell["committed_eur"],
                    cell["spent_usd"],
                    cell["spent_eur"],
                ],
            )
    sheet = workbook.create_sheet(_("Overlaps"))
    append_text(sheet, [_("Actor or area of action"), _("Partners"), _("Programmes")])
    for overlap in overlaps:
        append_text(
            sheet, [overlap["label"], ", ".join(overlap["partners"]), "; ".join(p.title for p in overlap["programmes"])]
        )
    sheet = workbook.create_sheet(_("Gaps"))
    append_text(sheet, [_("Finding"), _("Area of action"), _("Actors without support")])
    for gap in gaps:
        if gap.get("kind") == "section":
            continue
        area = gap["area"] + (f" ({_('no programme')})" if gap["area_uncovered"] else "")
        append_text(sheet, [gap["title"], area, ", ".join(actor["name"] for actor in gap["actors"])])
    sheet = workbook.create_sheet(_("Weak sections"))
    append_text(
        sheet,
        [
            _("Assessment"),
            _("As of"),
            _("Framework"),
            _("Section"),
            _("Band"),
            _("Area of action"),
            _("Actors without support"),
        ],
    )
    for gap in gaps:
        if gap.get("kind") != "section":
            continue
        section = gap["section"]
        area = gap["area"] + (f" ({_('no programme')})" if gap["area_uncovered"] else "")
        append_text(
            sheet,
            [
                section.assessment_label,
                section.as_of,
                section.framework,
                gap["title"],
                f"{section.band} · {section.band_label}",
                area,
                ", ".join(actor["name"] for actor in gap["actors"]),
            ],
        )
    if flows is not None:
        _flows_sheet(workbook, flows)
    if timeline is not None:
        _timeline_sheet(workbook, timeline)
    if due_diligence is not None:
        sheet = workbook.create_sheet(_("Due diligence"))
        header, rows = due_diligence
        append_text(sheet, header)
        for cells in rows:
            append_text(sheet, cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _flows_sheet(workbook: Workbook, flows: list[dict[str, Any]]) -> None:
    """The Sankey diagram's links: commitments, then disbursements and expenditure, each in dollars and euros."""
    sheet = workbook.create_sheet(_("Flows"))
    append_text(sheet, [_("Money"), _("From"), _("Name"), _("To"), _("Name"), "USD", "EUR"])
    for row in flows:
        append_text(
            sheet,
            [
                row["flow"],
                row["source_layer"],
                row["source"],
                row["target_layer"],
                row["target"],
                row["usd"],
                row["eur"],
            ],
        )


def _timeline_sheet(workbook: Workbook, timeline: list[dict[str, Any]]) -> None:
    """Each funding partner's commitments and disbursements (with expenditure) per period."""
    sheet = workbook.create_sheet(_("Timeline by partner"))
    append_text(
        sheet,
        [
            _("Partner"),
            _("Period"),
            _("committed") + " (USD)",
            _("committed") + " (EUR)",
            _("disbursed and spent") + " (USD)",
            _("disbursed and spent") + " (EUR)",
        ],
    )
    for row in timeline:
        append_text(
            sheet,
            [
                row["partner"],
                row["period"],
                row["committed_usd"],
                row["committed_eur"],
                row["spent_usd"],
                row["spent_eur"],
            ],
        )

"""The coordination brief as a spreadsheet (XLSX, openpyxl): the matrix with its money, the overlaps and the gaps,
one sheet each, in the reader's language. Pure presentation of what the views computed; no database."""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook


def brief_xlsx(
    *,
    title: str,
    columns: list[str],
    matrix: list[dict[str, Any]],
    overlaps: list[dict[str, Any]],
    gaps: list[dict[str, Any]],
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Matrix"))
    sheet.append([title])
    sheet.append(
        [
            _("Partner"),
            _("Column"),
            _("Programmes"),
            _("imported from IATI"),
            _("committed") + " (USD)",
            _("committed") + " (EUR)",
            _("disbursed and spent") + " (USD)",
            _("disbursed and spent") + " (EUR)",
        ]
    )
    for row in matrix:
        for column, cell in zip(columns, row["cells"], strict=True):
            if not cell["count"]:
                continue
            sheet.append(
                [
                    row["partner"].name,
                    column,
                    cell["count"],
                    cell["imported"],
                    cell["committed_usd"],
                    cell["committed_eur"],
                    cell["spent_usd"],
                    cell["spent_eur"],
                ]
            )
    sheet = workbook.create_sheet(_("Overlaps"))
    sheet.append([_("Actor or area of action"), _("Partners"), _("Programmes")])
    for overlap in overlaps:
        sheet.append(
            [overlap["label"], ", ".join(overlap["partners"]), "; ".join(p.title for p in overlap["programmes"])]
        )
    sheet = workbook.create_sheet(_("Gaps"))
    sheet.append([_("Finding"), _("Area of action"), _("Actors without support")])
    for gap in gaps:
        if gap.get("kind") == "section":
            continue
        area = gap["area"] + (f" ({_('no programme')})" if gap["area_uncovered"] else "")
        sheet.append([gap["title"], area, ", ".join(actor["name"] for actor in gap["actors"])])
    sheet = workbook.create_sheet(_("Weak sections"))
    sheet.append(
        [
            _("Assessment"),
            _("As of"),
            _("Framework"),
            _("Section"),
            _("Band"),
            _("Area of action"),
            _("Actors without support"),
        ]
    )
    for gap in gaps:
        if gap.get("kind") != "section":
            continue
        section = gap["section"]
        area = gap["area"] + (f" ({_('no programme')})" if gap["area_uncovered"] else "")
        sheet.append(
            [
                section.assessment_label,
                section.as_of,
                section.framework,
                gap["title"],
                f"{section.band} · {section.band_label}",
                area,
                ", ".join(actor["name"] for actor in gap["actors"]),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

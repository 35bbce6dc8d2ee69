"""The optional last row of the flowchart table: "Jumlah waktu" with the total time in the Waktu column.

Printed only when the SOP's page settings ask for it (PageSettings.total_time_row); the texts come
from sopdesk/total_time.py, so the printout says what the window says. The row sits under the last
step on the last flowchart page; the engine keeps room for it there when it breaks the pages.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Sop
from ..total_time import printed_note, printed_total, total_time
from .columns import FlowColumns
from .flowchart import BODY_PT, PADDING_MM, TEXT_SLACK_MM
from .measure import Measure
from .page_model import Cell, Paragraph, Table

TOTAL_LABEL = "Jumlah waktu"


@dataclass
class TotalRow:
    cells: list[tuple[int, int, Paragraph, str]]
    """(first column, columns spanned, its text, cell kind), left to right, covering every column once."""
    height: float


def build_total_row(sop: Sop, columns: FlowColumns, measure: Measure) -> TotalRow | None:
    """The row's cells and height, or None when the SOP has no step to add up."""
    if not sop.steps:
        return None
    result = total_time(sop)
    waktu = columns.index_of("waktu")
    last = len(columns.columns) - 1
    spans = [(0, waktu, TOTAL_LABEL, "right", True, "total_label"),
             (waktu, 1, printed_total(result), "center", True, "total_waktu")]
    if waktu < last:
        spans.append((waktu + 1, last - waktu, printed_note(result), "left", False, "total_note"))
    cells = []
    height = 0.0
    for col, span, text, align, bold, kind in spans:
        width = max(sum(columns.widths[col:col + span]) - 2 * PADDING_MM, 1.0)
        paragraph = Paragraph(text, bold=bold, size_pt=BODY_PT, align=align,
                              height_mm=measure(text, BODY_PT, width, bold))
        cells.append((col, span, paragraph, kind))
        height = max(height, paragraph.height_mm)
    return TotalRow(cells, height + 2 * PADDING_MM + TEXT_SLACK_MM)


def append_total_row(table: Table, row: TotalRow) -> None:
    """Add the row under the last row of `table` (the last flowchart page's); it shows no step."""
    grid_row = len(table.row_heights)
    for col, span, paragraph, kind in row.cells:
        table.cells.append(Cell(grid_row, col, 1, span,
                                [Paragraph(paragraph.text, paragraph.bold, size_pt=paragraph.size_pt,
                                           align=paragraph.align, height_mm=paragraph.height_mm)],
                                align=paragraph.align, valign="middle", padding=PADDING_MM, kind=kind))
    table.row_heights.append(row.height)
    table.row_steps.append(None)

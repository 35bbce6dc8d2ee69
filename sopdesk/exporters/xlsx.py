"""Excel export: the page model as Identitas and Flowchart sheets with native flowchart shapes, printed as laid out."""
from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from copy import copy
from dataclasses import dataclass, field
from io import BytesIO
from itertools import accumulate
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .. import labels
from ..atomic import atomic_write_bytes
from ..interchange import sop_to_native
from ..layout.measure import line_height_mm
from ..layout.page_model import (ARROW_LENGTH_MM, ARROW_WIDTH_MM, FONT_FAMILY, LINE_PT, Cell, Document, Page,
                                 Paragraph, Table)
from ..model import Logo, Sop
from ..sanity import check_page, logo_problem
from ..textclean import storable
from .xlsx_drawing import (EMU_PER_PT, EMU_PER_PX, Anchor, CellPoint, SheetDrawing, arrowhead_length_mm,
                           inject_drawings)

SOP_SHEET = "_sopdesk"
"""The veryHidden sheet that carries the SOP itself, so an import restores it exactly.

Cell A1 holds SOP_SHEET_TAG. A2, A3, ... hold consecutive pieces of the SOP in the native
sopdesk/1 JSON (sopdesk.interchange.sop_to_native, ASCII-only so no piece can split a
character), each at most SOP_CHUNK_CHARS long (Excel caps a cell at 32,767). Reading column
A from A2 down to the first empty cell and joining the pieces gives the JSON text.
"""
SOP_SHEET_TAG = "sopdesk-xlsx/1"
SOP_CHUNK_CHARS = 30000
IDENTITY_SHEET = "Identitas"
FLOWCHART_SHEET = "Flowchart"
"""When the layout combines identity and flowchart on one page, that page goes whole on this
sheet and there is no Identitas sheet: splitting it would print one page more than the PDF."""

# pageSetup@paperSize codes. F4 (215 x 330 mm) has no code of its own: 14 is Folio
# (8.5 x 13 in = 215.9 x 330.2 mm), the nearest, so F4 also gets its exact size in
# paperWidth/paperHeight (see SIZED_PAPERS).
PAPER_CODES = {"A4": 9, "Letter": 1, "Legal": 5, "F4": 14}
SIZED_PAPERS = {"F4"}
"""Papers without a code of their own: they also get the page model's size in pageSetup@paperWidth
and @paperHeight ("215mm", "330mm").

The standard says these two override paperSize, and LibreOffice prints on that exact paper. Excel
is expected to keep to the paperSize code (Folio, the form Indonesian printer drivers offer for
F4); Folio is 0.9 mm wider and 0.2 mm taller than F4, so the same content prints at the same size
on it, and fit-to-width has nothing to shrink.
"""

PX_PER_MM = 96 / 25.4
PT_PER_MM = 72 / 25.4
MAX_DIGIT_PX = 7
"""Widest digit of the default font at 96 dpi in Excel (see DEFAULT_FONT): the unit of column widths."""
ROW_QUANTUM_PT = 0.75
"""Excel lays rows out in whole pixels (0.75 pt at 96 dpi); row edges are rounded to that grid
so the rounding never accumulates down a page and a page never ends below the engine's edge."""
EDGE_TOLERANCE_MM = 0.5
"""Column edges of different tables closer than this share one sheet column edge."""
POLYLINE_PAD_MM = 1.0
"""Room around an arrow's points inside its anchor box, so straight arrows never get a zero-size box."""
DEFAULT_FONT_PT = 9.45
DEFAULT_FONT = Font(name=FONT_FAMILY, sz=DEFAULT_FONT_PT, family=2)
"""The Normal style's font, whose widest digit is the unit of every column width.

Excel measures the digit in whole screen pixels: Arial at 9.45 pt is a 13 px font at 96 dpi,
as Arial 10 is, and its digits are 7 px. LibreOffice measures the same digit unrounded, in
twips: 1139/2048 em x 9.45 pt = 105 twips = 7 px, where Arial 10 gives 111 and made every
column 5.7% wider than meant, so the sheet printed at 94%. At 9.45 pt the digit is 7 px however
it is measured (a printer's resolution too), so both read a column as the pixels written. Every
cell the export fills or leaves empty names its own font and size (see _typing_fonts); this one
only shows in cells a user adds outside the tables.
"""

_PRESETS = {"terminator": "flowChartTerminator", "process": "flowChartProcess", "decision": "flowChartDecision"}
_SYMBOL_NAMES = {"terminator": "Terminator", "process": "Proses", "decision": "Keputusan"}
_ARROW_NAMES = {"next": "Panah", "ya": "Panah Ya", "tidak": "Panah Tidak", "joint": "Garis kegiatan bersama",
                "offpage": "Panah penghubung halaman"}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_VALIGN = {"top": "top", "middle": "center", "bottom": "bottom"}


def write_xlsx(document: Document, sop: Sop, path: Path) -> None:
    """Write the laid-out SOP as an .xlsx at `path`, atomically (a failed export leaves the old file)."""
    atomic_write_bytes(Path(path), xlsx_bytes(document, sop))


def xlsx_bytes(document: Document, sop: Sop) -> bytes:
    """The .xlsx file's bytes; ValueError for a document without pages (the layout always makes one).

    UnprintableError (Indonesian, naming the field) for margins that cannot be printed.
    """
    check_page(document.settings)
    if not document.pages:
        raise ValueError("Tidak ada halaman untuk diekspor ke Excel.")
    workbook = Workbook()
    _use_default_font(workbook)
    workbook.remove(workbook.active)
    workbook.properties.creator = "SOP Desk"
    workbook.properties.title = _clean(sop.identity.nama) or None

    identity_pages = [p for p in document.pages if p.kind == "identity"]
    flow_pages = [p for p in document.pages if p.kind != "identity"]
    drawings: dict[str, SheetDrawing] = {}
    for name, pages, repeat in ((IDENTITY_SHEET, identity_pages, False), (FLOWCHART_SHEET, flow_pages, True)):
        if pages:
            sheet = workbook.create_sheet(name)
            drawings[name] = _write_sheet(sheet, pages, document, repeat)
    _write_sop_sheet(workbook.create_sheet(SOP_SHEET), sop)
    workbook.active = 0

    buffer = BytesIO()
    workbook.save(buffer)
    return inject_drawings(buffer.getvalue(), drawings)


def _use_default_font(workbook: Workbook) -> None:
    # Column widths are counted in digits of the Normal style's font; openpyxl has no public
    # setting for it, so both the font table's first entry and the Normal style are replaced.
    workbook._fonts = IndexedList([DEFAULT_FONT])
    workbook._named_styles["Normal"].font = DEFAULT_FONT


# ---- from millimetres to the sheet's rows and columns -----------------------------------------


@dataclass
class _Band:
    """One sheet row as it lies on one printed page, in page millimetres."""

    top: float
    bottom: float
    row: int
    """0-based sheet row."""


@dataclass
class _PagePlacement:
    page: Page
    bands: list[_Band] = field(default_factory=list)
    rows: dict[tuple[int, int], int] = field(default_factory=dict)
    """(table position on the page, table row) -> 0-based sheet row."""
    tops: list[float] = field(default_factory=list)
    """Band tops, for bisecting."""

    @property
    def last_row(self) -> int:
        return self.bands[-1].row


@dataclass
class SheetGrid:
    """The sheet's columns and rows derived from a run of pages, and the mm -> cell mapping.

    Every column edge of every table becomes a sheet column edge; every table row becomes a
    sheet row, except the repeated header rows of later flowchart pages, which print through
    the print titles instead. Gaps above a table become empty spacer rows.
    """

    origin_x: float
    col_edges: list[float]
    """Column edges in mm from the left margin."""
    col_px: list[int]
    row_pt: list[float] = field(default_factory=list)
    placements: list[_PagePlacement] = field(default_factory=list)
    header_rows: tuple[int, int] | None = None
    """First and last 0-based sheet rows of the flowchart header (the print titles)."""
    row_start: list[float] = field(default_factory=list)
    """Top of each sheet row in pt from the top of the sheet, filled once the rows are known."""

    def __post_init__(self) -> None:
        self._col_start = [0]
        for width in self.col_px:
            self._col_start.append(self._col_start[-1] + width)

    def column(self, x: float) -> int:
        """Index of the sheet column edge nearest to page x (0 = the left margin)."""
        rel = x - self.origin_x
        after = bisect_left(self.col_edges, rel)
        near = [i for i in (after - 1, after) if 0 <= i < len(self.col_edges)]
        return min(near, key=lambda i: abs(self.col_edges[i] - rel))

    def point(self, placement: _PagePlacement, x: float, y: float) -> tuple[CellPoint, int, int]:
        """The cell point under page (x, y) and its absolute sheet position in EMU.

        Offsets are shares of the cell, so a point keeps its place in a row or column whose
        size was rounded.
        """
        edges = self.col_edges
        rel = min(max(x - self.origin_x, 0.0), edges[-1])
        col = min(bisect_right(edges, rel) - 1, len(self.col_px) - 1)
        col_off = round((rel - edges[col]) / (edges[col + 1] - edges[col]) * self.col_px[col] * EMU_PER_PX)

        bands = placement.bands
        band = bands[0]
        share = 0.0
        if y >= bands[-1].bottom:
            band, share = bands[-1], 1.0
        elif y > bands[0].top:
            band = bands[bisect_right(placement.tops, y) - 1]
            share = (y - band.top) / (band.bottom - band.top)
        row_off = round(share * self.row_pt[band.row] * EMU_PER_PT)
        abs_x = self._col_start[col] * EMU_PER_PX + col_off
        abs_y = round(self.row_start[band.row] * EMU_PER_PT) + row_off
        return CellPoint(col, col_off, band.row, row_off), abs_x, abs_y

    def anchor(self, placement: _PagePlacement, x: float, y: float, w: float, h: float) -> Anchor:
        start, x0, y0 = self.point(placement, x, y)
        end, x1, y1 = self.point(placement, x + w, y + h)
        return Anchor(start, end, x0, y0, max(x1 - x0, 0), max(y1 - y0, 0))


def _quantize(points: float, last: bool) -> float:
    steps = points / ROW_QUANTUM_PT
    return (math.floor(steps + 1e-6) if last else round(steps)) * ROW_QUANTUM_PT


def build_grid(pages: list[Page], repeat_header: bool) -> SheetGrid:
    """Lay a run of pages out on one sheet (see SheetGrid)."""
    origin = pages[0].margins.left
    raw = sorted({max(t.col_x(c) - origin, 0.0) for p in pages for t in p.tables for c in range(len(t.col_widths) + 1)}
                 | {0.0})
    edges = [raw[0]]
    for edge in raw[1:]:
        if edge - edges[-1] > EDGE_TOLERANCE_MM:
            edges.append(edge)
    px = [round(e * PX_PER_MM) for e in edges[:-1]] + [math.floor(edges[-1] * PX_PER_MM)]
    for i in range(1, len(px)):
        px[i] = max(px[i], px[i - 1] + 1)
    grid = SheetGrid(origin, edges, [b - a for a, b in zip(px, px[1:])])

    header_pt = 0.0
    for number, page in enumerate(pages):
        placement = _PagePlacement(page)
        skip_header = repeat_header and number > 0
        segments: list[tuple[float, float, tuple[int, int] | None]] = []
        cursor = page.margins.top
        base_mm, base_pt = cursor, 0.0
        for position, table in sorted(enumerate(page.tables), key=lambda item: item[1].y):
            start = table.header_rows if skip_header and table.role == "flowchart" else 0
            if start:
                cursor = base_mm = table.row_y(start)
                base_pt = header_pt
            for row in range(start, len(table.row_heights)):
                top = max(table.row_y(row), cursor)
                bottom = max(table.row_y(row + 1), top)
                if top > cursor + EDGE_TOLERANCE_MM:
                    segments.append((cursor, top, None))
                segments.append((top, bottom, (position, row)))
                cursor = bottom
        previous = base_pt
        for index, (top, bottom, key) in enumerate(segments):
            edge = _quantize(base_pt + (bottom - base_mm) * PT_PER_MM, last=index == len(segments) - 1)
            edge = max(edge, previous + ROW_QUANTUM_PT)
            sheet_row = len(grid.row_pt)
            grid.row_pt.append(edge - previous)
            previous = edge
            placement.bands.append(_Band(top, bottom, sheet_row))
            if key is not None:
                placement.rows[key] = sheet_row
                table = page.tables[key[0]]
                if (repeat_header and number == 0 and table.role == "flowchart" and key[1] < table.header_rows):
                    first = grid.header_rows[0] if grid.header_rows else sheet_row
                    grid.header_rows = (first, sheet_row)
                    header_pt += grid.row_pt[-1]
        if placement.bands:
            placement.tops = [band.top for band in placement.bands]
            grid.placements.append(placement)
    grid.row_start = list(accumulate(grid.row_pt, initial=0.0))
    return grid


# ---- cells ------------------------------------------------------------------------------------


def _write_sheet(sheet: Worksheet, pages: list[Page], document: Document, repeat_header: bool) -> SheetDrawing:
    grid = build_grid(pages, repeat_header)
    sheet.sheet_view.showGridLines = False
    for col, width in enumerate(grid.col_px, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = round(width / MAX_DIGIT_PX, 6)
    for row, height in enumerate(grid.row_pt, start=1):
        sheet.row_dimensions[row].height = round(height, 2)

    styles = _Styles(_typing_fonts(pages))
    for placement in grid.placements:
        for position, table in enumerate(placement.page.tables):
            for cell in table.cells:
                _write_cell(sheet, grid, placement, position, table, cell, styles)
    _print_setup(sheet, grid, document, repeat_header)

    drawing = SheetDrawing()
    for placement in grid.placements:
        _draw_page(drawing, grid, placement)
    return drawing


class _Styles:
    """Cell styles built once per combination, then copied onto every cell that has it.

    Assigning font, border and alignment objects makes openpyxl hash each of them for every
    cell (two thirds of the export time at 300 steps); copying the finished style array of the
    first cell with the same combination costs nothing.
    """

    def __init__(self, typing: dict[str, Paragraph] | None = None) -> None:
        self._arrays: dict[tuple, object] = {}
        self.typing = typing or {}
        """Per cell kind, the font an empty cell of that kind gets, for what a user types into it later."""

    def typing_font(self, kind: str) -> Paragraph | None:
        return self.typing.get(kind, self.typing.get(""))

    def apply(self, target, paragraph: Paragraph | None = None, cell: Cell | None = None,
              fill: str | None = None) -> None:
        font_key = (paragraph.size_pt, paragraph.bold, paragraph.italic) if paragraph else None
        align_key = (cell.align, cell.valign) if cell else None
        key = (font_key, align_key, fill)
        array = self._arrays.get(key)
        if array is not None:
            target._style = copy(array)
            return
        target.border = _BORDER
        if font_key:
            target.font = Font(name=FONT_FAMILY, sz=font_key[0], b=font_key[1], i=font_key[2], family=2)
        if align_key:
            target.alignment = Alignment(horizontal=align_key[0], vertical=_VALIGN.get(align_key[1], "center"),
                                         wrap_text=True)
        if fill:
            rgb = fill.lstrip("#").upper()
            target.fill = PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)
        self._arrays[key] = copy(target._style)


def _write_cell(sheet: Worksheet, grid: SheetGrid, placement: _PagePlacement, position: int, table: Table,
                cell: Cell, styles: _Styles) -> None:
    rows = [placement.rows[(position, r)] for r in range(cell.row, cell.row + cell.row_span)
            if (position, r) in placement.rows]
    if not rows:
        return  # a header row printed through the print titles
    first_col = grid.column(table.col_x(cell.col)) + 1
    last_col = max(grid.column(table.col_x(cell.col + cell.col_span)), first_col)
    top, bottom = rows[0] + 1, rows[-1] + 1
    if bottom > top or last_col > first_col:
        sheet.merge_cells(start_row=top, start_column=first_col, end_row=bottom, end_column=last_col)
    target = sheet.cell(top, first_col)
    _set_value(target, cell)
    for row in range(top, bottom + 1):
        for col in range(first_col, last_col + 1):
            if row == top and col == first_col:
                first = cell.paragraphs[0] if cell.paragraphs else styles.typing_font(cell.kind)
                styles.apply(target, first, cell, cell.fill)
            else:
                styles.apply(sheet.cell(row, col), fill=cell.fill)


def _typing_fonts(pages: list[Page]) -> dict[str, Paragraph]:
    """The size that cells of each kind print their text at, for the empty ones: the first cell of the
    kind that has text, and under "" the size most paragraphs have, for kinds that are never filled.

    An empty Keterangan would otherwise take the Normal style's font (see DEFAULT_FONT), and what a
    user types there in Excel would stand out from its column.
    """
    fonts: dict[str, Paragraph] = {}
    sizes: Counter[float] = Counter()
    for page in pages:
        for table in page.tables:
            for cell in table.cells:
                if cell.paragraphs and cell.kind not in fonts:
                    fonts[cell.kind] = Paragraph("", size_pt=cell.paragraphs[0].size_pt)
                sizes.update(p.size_pt for p in cell.paragraphs)
    if sizes:
        fonts[""] = Paragraph("", size_pt=sizes.most_common(1)[0][0])
    return fonts


def _clean(text: str) -> str:
    # Lone surrogates too: UTF-8 cannot encode them, so saving the workbook would fail on one.
    return ILLEGAL_CHARACTERS_RE.sub("", storable(text))


def _paragraph_lines(p: Paragraph) -> str:
    """The paragraph's text, with blank lines standing in for the room above it (cells have no spacing)."""
    blank = round(p.space_before_mm / line_height_mm(p.size_pt)) if p.space_before_mm > 0 else 0
    text = f"{p.number} {p.text}" if p.number else p.text
    return "\n" * blank + _clean(text)


def _set_value(target, cell: Cell) -> None:
    paragraphs = cell.paragraphs
    if not paragraphs:
        return
    if cell.kind == "no" and len(paragraphs) == 1 and paragraphs[0].text.isdigit():
        target.value = int(paragraphs[0].text)  # a number, so Excel neither flags it nor sorts it as text
        return
    styles = {(p.size_pt, p.bold, p.italic) for p in paragraphs}
    if len(styles) == 1:
        text = "\n".join(_paragraph_lines(p) for p in paragraphs)
        if text:
            target.value = text
            target.data_type = "s"  # a text starting with "=" stays text, never a formula
        return
    blocks = []
    for index, p in enumerate(paragraphs):
        font = InlineFont(rFont=FONT_FAMILY, sz=p.size_pt, b=p.bold or None, i=p.italic or None)
        blocks.append(TextBlock(font, ("\n" if index else "") + _paragraph_lines(p)))
    target.value = CellRichText(blocks)


# ---- printing ---------------------------------------------------------------------------------


def _print_setup(sheet: Worksheet, grid: SheetGrid, document: Document, repeat_header: bool) -> None:
    settings = document.settings
    first = grid.placements[0].page
    setup = sheet.page_setup
    setup.paperSize = PAPER_CODES.get(settings.paper, PAPER_CODES["A4"])
    if settings.paper in SIZED_PAPERS:
        width, height = sorted((first.width_mm, first.height_mm))  # portrait; orientation turns it
        setup.paperWidth, setup.paperHeight = f"{round(width, 2):g}mm", f"{round(height, 2):g}mm"
    setup.orientation = "landscape" if first.width_mm > first.height_mm else "portrait"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    setup.fitToWidth = 1
    # The identity sheet must shrink onto its page(s); the flowchart's pages are the row breaks.
    setup.fitToHeight = 0 if repeat_header else len(grid.placements)
    margins = first.margins
    inch = 25.4
    sheet.page_margins = PageMargins(left=margins.left / inch, right=margins.right / inch, top=margins.top / inch,
                                     bottom=margins.bottom / inch, header=margins.top / 2 / inch,
                                     footer=margins.bottom / 2 / inch)
    last_row = grid.placements[-1].last_row + 1
    sheet.print_area = f"A1:{get_column_letter(len(grid.col_px))}{last_row}"
    if repeat_header and grid.header_rows is not None:
        sheet.print_title_rows = f"{grid.header_rows[0] + 1}:{grid.header_rows[1] + 1}"
        if grid.header_rows[0] == 0:
            sheet.freeze_panes = sheet.cell(grid.header_rows[1] + 2, 1)
    for placement in grid.placements[:-1]:
        # A break's id is the 0-based row below it, i.e. the 1-based number of the page's last row.
        sheet.row_breaks.append(Break(id=placement.last_row + 1))
    _page_numbers(sheet, first)


def _page_numbers(sheet: Worksheet, first: Page) -> None:
    """The page-number furniture as the sheet's footer: Excel's &P counts the pages it prints.

    The sheet's first page is numbered as the page model numbers it (a Flowchart sheet after two
    identity pages starts at 3), and the total is the model's, since one sheet alone does not know
    the other's pages. The footer sits where the model puts the text: its section follows the
    alignment, and the footer margin is the room between the text and the paper's bottom edge.
    """
    texts = [t for t in first.furniture if t.kind == "page-number"]
    if not texts:
        return
    text = texts[0]
    section = {"left": sheet.oddFooter.left, "center": sheet.oddFooter.center,
               "right": sheet.oddFooter.right}.get(text.align, sheet.oddFooter.left)
    section.text = _clean(labels.page_number_text("&P", text.count))
    section.size = text.size_pt
    section.font = f"{FONT_FAMILY},{'Bold' if text.bold else 'Regular'}"
    sheet.page_setup.firstPageNumber = text.number
    sheet.page_setup.useFirstPageNumber = True
    sheet.page_margins.footer = max(first.height_mm - text.y - text.h, 0.0) / 25.4


# ---- shapes -----------------------------------------------------------------------------------


def _draw_page(drawing: SheetDrawing, grid: SheetGrid, placement: _PagePlacement) -> None:
    page = placement.page
    for number, image in enumerate(page.images, start=1):
        if logo_problem(Logo(image.data, image.extension)) is not None:
            continue  # a logo that does not decode is left out rather than stop the export; Masalah says so
        drawing.add_picture(grid.anchor(placement, image.x, image.y, image.w, image.h), image.data,
                            image.extension, "Logo" if number == 1 else f"Gambar {number}")
    for connector in page.connectors:
        if len(connector.points) >= 2:
            _draw_polyline(drawing, grid, placement, connector.points, _connector_name(connector.kind,
                           connector.source_step, connector.target_step), connector.arrow)
    for shape in page.shapes:
        drawing.add_symbol(grid.anchor(placement, shape.x, shape.y, shape.w, shape.h), _PRESETS[shape.kind],
                           f"Langkah {shape.step_index + 1} ({_SYMBOL_NAMES[shape.kind]})", shape.text)
    for connector in page.offpage:
        name = f"Penghubung halaman {connector.label}".strip() if connector.label else "Penghubung halaman"
        drawing.add_symbol(grid.anchor(placement, connector.x, connector.y, connector.w, connector.h),
                           "flowChartOffpageConnector", name, connector.label, bold=True)  # as in the PDF
    for label in page.labels:
        drawing.add_text(grid.anchor(placement, label.x, label.y, label.w, label.h), label.text,
                         f"Label {label.text}", label.size_pt, label.align, label.bold, label.italic)


def _connector_name(kind: str, source: int | None, target: int | None) -> str:
    """The name Excel's selection pane shows, e.g. "Panah Tidak 5 ke 2"."""
    name = _ARROW_NAMES.get(kind, "Panah")
    steps = list(dict.fromkeys(str(s + 1) for s in (source, target) if s is not None))
    return f"{name} {' ke '.join(steps)}".strip()


def _head_run(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The points with a last run at least as long as the arrowhead, so every reader aims the head right.

    LibreOffice aims an arrowhead from the point one head length back along the line to the tip;
    when the last run is shorter than the head, that point lies on the run before and the head
    comes out askew. Going on past the bend along the last run's line to one head length before
    the tip (the head's base: the head covers that stretch, in the PDF too) and back to the tip
    aims it along the last run, as the PDF does. A reader that aims heads along the last run (as
    Excel is expected to) draws the same, since the new last run lies on the old one's line.
    """
    x1, y1 = points[-1]
    before = [p for p in points[:-1] if math.hypot(p[0] - x1, p[1] - y1) > 1e-6]
    if not before:
        return points
    x0, y0 = before[-1]
    length = math.hypot(x1 - x0, y1 - y0)
    head = arrowhead_length_mm(LINE_PT, ARROW_LENGTH_MM, ARROW_WIDTH_MM)
    if length >= head:
        return points
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    return [*points[:-1], (x1 - ux * head, y1 - uy * head), points[-1]]


def _draw_polyline(drawing: SheetDrawing, grid: SheetGrid, placement: _PagePlacement,
                   points: list[tuple[float, float]], name: str, arrow: bool) -> None:
    if arrow:
        points = _head_run(points)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    # The box may not leave the page's rows, or it would be anchored to another page's.
    left_limit = grid.origin_x
    right_limit = grid.origin_x + grid.col_edges[-1]
    top_limit, bottom_limit = placement.bands[0].top, placement.bands[-1].bottom
    left = max(min(xs) - POLYLINE_PAD_MM, left_limit)
    right = min(max(xs) + POLYLINE_PAD_MM, right_limit)
    top = max(min(ys) - POLYLINE_PAD_MM, top_limit)
    bottom = min(max(ys) + POLYLINE_PAD_MM, bottom_limit)
    width, height = max(right - left, 0.01), max(bottom - top, 0.01)
    anchor = grid.anchor(placement, left, top, width, height)
    scale_x = max(anchor.cx, 1) / width
    scale_y = max(anchor.cy, 1) / height
    relative = [(round(min(max(x - left, 0.0), width) * scale_x), round(min(max(y - top, 0.0), height) * scale_y))
                for x, y in points]
    drawing.add_polyline(anchor, relative, name, LINE_PT, arrow)


# ---- the SOP itself ---------------------------------------------------------------------------


def _write_sop_sheet(sheet: Worksheet, sop: Sop) -> None:
    sheet.sheet_state = "veryHidden"
    text = json.dumps(sop_to_native(sop), ensure_ascii=True, separators=(",", ":"))
    sheet.cell(1, 1).value = SOP_SHEET_TAG
    for number, start in enumerate(range(0, len(text), SOP_CHUNK_CHARS), start=2):
        target = sheet.cell(number, 1)
        target.value = text[start:start + SOP_CHUNK_CHARS]
        target.data_type = "s"


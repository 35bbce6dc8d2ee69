"""Cells of an SOP sheet: merged ranges, sizes and values, the flowchart tables (header, actors, steps)."""
from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree
from openpyxl.utils import get_column_letter

from ..labels import format_date
from ..model import format_number
from . import ImportReport
from .vocabulary import MUTU_BAKU_ORDER, header_kind

MAX_ROWS = 3000
"""Rows scanned per sheet; an SOP of a few hundred steps with repeated headers stays far below."""
MAX_COLS = 80
"""Columns scanned per sheet: No, Kegiatan, five Mutu Baku/Keterangan columns and many actors."""
MAX_MERGES = 50_000
"""Merged ranges kept per sheet; an SOP form has a few hundred."""
MAX_MERGE_CELLS = 400_000
"""Cells covered by the merged-range index; a sheet merging more than this is not an SOP form."""
EMU_PER_PT = 12700
EMU_PER_PX = 9525
EMU_PER_MM = 36000

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


def cell_name(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def sheet_ref(sheet: str) -> str:
    """The sheet part of an address, quoted the way Excel writes it."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


# ---- the sheet's own XML: sizes, merges, formulas, drawings -------------------------------------


@dataclass
class SheetMeta:
    """What openpyxl's read-only mode does not give: read straight from the sheet part in one pass."""

    col_widths: dict[int, float] = field(default_factory=dict)
    hidden_cols: set[int] = field(default_factory=set)
    default_col_px: int = 64
    row_heights: dict[int, float] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    default_row_pt: float = 15.0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    drawing_ids: list[str] = field(default_factory=list)
    cells: int = 0  # <c> elements met, in every row
    filled: int = 0  # of those, cells holding a value, a formula or a text
    last_row: int = 0  # last row and column (within the scanned ones) of a cell that holds something
    last_col: int = 0


def _number(text: str | None, default: float, low: float = 0.0, high: float = 1e6) -> float:
    """A size attribute as a finite number within [low, high]; odd text reads as the default."""
    try:
        value = float(text) if text is not None else default
    except ValueError:
        return default
    return min(max(value, low), high) if math.isfinite(value) else default


def _col_px(width: float) -> int:
    """Excel's character-width to pixel rule for a 7-pixel maximum digit width (Calibri/Arial 11)."""
    return int(((256 * width + int(128 / 7)) / 256) * 7)


_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


def _ref_to_rc(ref: str) -> tuple[int, int] | None:
    m = _CELL_REF.match(ref.strip().upper())
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


class TooManyCells(Exception):
    """The sheet holds more cells than the workbook's budget has left."""

    def __init__(self, cells: int) -> None:
        super().__init__(cells)
        self.cells = cells


def scan_sheet(stream: IO[bytes], cell_budget: tuple[int, int] | None = None) -> SheetMeta:
    """Stream the sheet part once; rows past MAX_ROWS are parsed (to reach the merges) but not looked into.

    TooManyCells when the sheet has more filled cells, or cells at all, than `cell_budget` allows: the values
    are then never read.
    """
    meta = SheetMeta()
    tags = [f"{_MAIN}{t}" for t in ("sheetFormatPr", "col", "row", "mergeCell", "drawing")]
    row_counter = 0
    for _, elem in etree.iterparse(stream, events=("end",), tag=tags, resolve_entities=False, no_network=True,
                                   huge_tree=False):
        tag = elem.tag[len(_MAIN):]
        if tag == "row":
            r = elem.get("r")
            row_counter = int(r) if r and r.isdigit() and len(r) < 8 else row_counter + 1
            if row_counter <= MAX_ROWS:
                _scan_row(elem, row_counter, meta)
            else:
                meta.cells += len(elem)
                meta.filled += sum(1 for cell in elem if len(cell))
            if cell_budget is not None and (meta.filled > cell_budget[0] or meta.cells > cell_budget[1]):
                raise TooManyCells(meta.filled)
        elif tag == "sheetFormatPr":
            if elem.get("defaultRowHeight"):
                meta.default_row_pt = _number(elem.get("defaultRowHeight"), 15.0, high=409.0)
            if elem.get("zeroHeight") in ("1", "true"):
                meta.default_row_pt = 0.0
            if elem.get("defaultColWidth"):
                meta.default_col_px = _col_px(_number(elem.get("defaultColWidth"), 8.43, high=255.0))
            elif elem.get("baseColWidth"):
                # Excel pads the base width by 5 px and rounds up to a multiple of 8.
                base = int(_number(elem.get("baseColWidth"), 8.0, high=255.0))
                meta.default_col_px = math.ceil((base * 7 + 5) / 8) * 8
        elif tag == "col":
            first = int(_number(elem.get("min"), 1.0, low=1.0, high=16384.0))
            last = min(int(_number(elem.get("max"), first, low=1.0, high=16384.0)), MAX_COLS + 200)
            for col in range(first, last + 1):
                if elem.get("hidden") in ("1", "true"):
                    meta.hidden_cols.add(col)
                if elem.get("width"):
                    meta.col_widths[col] = _number(elem.get("width"), 8.43, high=255.0)
        elif tag == "mergeCell":
            first_ref, _, last_ref = (elem.get("ref") or "").partition(":")
            a, b = _ref_to_rc(first_ref), _ref_to_rc(last_ref or first_ref)
            if a and b and a[0] <= MAX_ROWS and a[1] <= MAX_COLS and len(meta.merges) < MAX_MERGES:
                meta.merges.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))
        elif tag == "drawing" and elem.get(_REL_ID):
            meta.drawing_ids.append(elem.get(_REL_ID))
        elem.clear()
        if tag == "row":
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    return meta


def _scan_row(elem: etree._Element, row: int, meta: SheetMeta) -> None:
    if elem.get("hidden") in ("1", "true"):
        meta.hidden_rows.add(row)
    if elem.get("ht"):
        meta.row_heights[row] = _number(elem.get("ht"), 15.0, high=409.0)
    col = 0
    for cell in elem.iterchildren(f"{_MAIN}c"):
        meta.cells += 1
        place = _ref_to_rc(cell.get("r") or "")
        col = place[1] if place else col + 1
        if not len(cell):
            continue
        meta.filled += 1
        if col > MAX_COLS:
            continue
        meta.last_row, meta.last_col = max(meta.last_row, row), max(meta.last_col, col)
        if cell.find(f"{_MAIN}f") is not None and not (cell.findtext(f"{_MAIN}v") or "").strip():
            meta.formulas_without_value.add((row, col))


# ---- the grid: values, merged ranges and geometry -------------------------------------------------


class Grid:
    """One sheet's values (merged ranges read through their top-left cell) and its row/column edges in EMU."""

    def __init__(self, sheet: str, meta: SheetMeta, values: dict[tuple[int, int], Any]) -> None:
        self.sheet = sheet
        self.meta = meta
        self.values = values
        self.rows = sorted({r for r, _ in values})
        self._row_cells: dict[int, list[int]] = {}
        for r, c in sorted(values):
            self._row_cells.setdefault(r, []).append(c)
        self._span: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        covered = 0
        for rng in meta.merges:
            r0, c0, r1, c1 = rng
            r1, c1 = min(r1, MAX_ROWS), min(c1, MAX_COLS)
            covered += max(0, r1 - r0 + 1) * max(0, c1 - c0 + 1)
            if covered > MAX_MERGE_CELLS:
                break
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._span[(r, c)] = rng
        self._col_edges = [0]
        self._row_edges = [0]
        self.misses: set[tuple[int, int]] = set()
        self.identity_labels: dict[tuple[int, int], tuple[str, str]] | None = None  # see xlsx_identity
        self._texts: dict[tuple[int, int], str] = {}  # value_text of each filled cell, once worked out

    # -- values
    def span(self, row: int, col: int) -> tuple[int, int, int, int]:
        return self._span.get((row, col), (row, col, row, col))

    def raw(self, row: int, col: int) -> Any:
        r0, c0, _, _ = self.span(row, col)
        return self.values.get((r0, c0))

    def text(self, row: int, col: int) -> str:
        """The cell as text; formulas without a saved result and error values read as empty and are noted."""
        r0, c0, _, _ = self.span(row, col)
        known = self._texts.get((r0, c0))
        if known is not None:
            return known
        value = self.values.get((r0, c0))
        if value is None:
            if (r0, c0) in self.meta.formulas_without_value:
                self.misses.add((r0, c0))
            return ""
        if isinstance(value, str) and value.strip() in _ERROR_VALUES:
            self.misses.add((r0, c0))
            return ""
        text = self._texts[(r0, c0)] = value_text(value)
        return text

    def cells_in_row(self, row: int) -> list[int]:
        return self._row_cells.get(row, [])

    def addr(self, row: int, col: int) -> str:
        return f"{sheet_ref(self.sheet)}!{cell_name(row, col)}"

    def addr_range(self, r0: int, c0: int, r1: int, c1: int) -> str:
        if (r0, c0) == (r1, c1):
            return self.addr(r0, c0)
        return f"{sheet_ref(self.sheet)}!{cell_name(r0, c0)}:{cell_name(r1, c1)}"

    def miss_lines(self, rows: range | None = None) -> list[str]:
        """Report lines for formulas that had no saved result, then forgets them."""
        lines = []
        for r, c in sorted(self.misses):
            if rows is None or r in rows:
                value = self.values.get((r, c))
                if value is None:
                    lines.append(f"{self.addr(r, c)}: rumus tanpa nilai tersimpan; buka berkas di Excel atau "
                                 "LibreOffice, biarkan dihitung, lalu simpan ulang.")
                else:
                    lines.append(f"{self.addr(r, c)}: berisi nilai galat {str(value).strip()}.")
        self.misses = {m for m in self.misses if rows is not None and m[0] not in rows}
        return lines

    # -- geometry (hidden rows and columns take no room)
    def _col_width_emu(self, col: int) -> int:
        if col in self.meta.hidden_cols:
            return 0
        width = self.meta.col_widths.get(col)
        px = _col_px(width) if width is not None else self.meta.default_col_px
        return px * EMU_PER_PX

    def _row_height_emu(self, row: int) -> int:
        if row in self.meta.hidden_rows:
            return 0
        return round(self.meta.row_heights.get(row, self.meta.default_row_pt) * EMU_PER_PT)

    def col_left(self, col: int) -> int:
        """EMU from the sheet's left edge to the left edge of 1-based column `col`."""
        col = max(1, min(col, 16384))
        while len(self._col_edges) < col:
            self._col_edges.append(self._col_edges[-1] + self._col_width_emu(len(self._col_edges)))
        return self._col_edges[col - 1]

    def row_top(self, row: int) -> int:
        row = max(1, min(row, MAX_ROWS + 2000))
        while len(self._row_edges) < row:
            self._row_edges.append(self._row_edges[-1] + self._row_height_emu(len(self._row_edges)))
        return self._row_edges[row - 1]

    def locate(self, x: float, y: float) -> tuple[int, int]:
        """The 1-based (row, col) holding a point; points beyond the edges go to the last row/column scanned."""
        self.col_left(MAX_COLS + 1)
        self.row_top(max(self.rows[-1] if self.rows else 1, 1) + 200)
        while self._row_edges[-1] <= y and len(self._row_edges) < MAX_ROWS + 2000:
            self.row_top(len(self._row_edges) + 50)
        col = max(1, bisect.bisect_right(self._col_edges, x))
        row = max(1, bisect.bisect_right(self._row_edges, y))
        return row, col


def value_text(value: Any) -> str:
    """A cell value as the text a person typed: numbers without ".0", dates in Indonesian."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return format_date(value.date(), weekday=False)
        return value.strftime("%H:%M") if value.date() == dt.date(1899, 12, 30) else str(value)
    if isinstance(value, dt.date):
        return format_date(value, weekday=False)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def read_values(worksheet: Any, meta: SheetMeta | None = None) -> dict[tuple[int, int], Any]:
    """Non-empty cached values of a read-only openpyxl sheet, within the scanned rows and columns (and, with
    the sheet's scan, no further than its last filled cell)."""
    values: dict[tuple[int, int], Any] = {}
    max_row, max_col = (MAX_ROWS, MAX_COLS) if meta is None else (meta.last_row, meta.last_col)
    if max_row < 1 or max_col < 1:
        return values
    for r, row in enumerate(worksheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True),
                            start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and not (isinstance(value, str) and not value.strip()):
                values[(r, c)] = value
    return values


# ---- the flowchart table ---------------------------------------------------------------------------

def caption_kind(text: str) -> str | None:
    """The flowchart column a header caption names (see vocabulary.HEADER_WORDS)."""
    return header_kind(text)


@dataclass
class ActorColumn:
    name: str
    first_col: int
    last_col: int
    row: int


@dataclass
class Header:
    row: int
    end_row: int
    columns: dict[str, int]
    actors: list[ActorColumn]
    guessed: list[str] = field(default_factory=list)

    def same_layout(self, other: Header) -> bool:
        return (self.columns.get("no"), self.columns.get("kegiatan")) == (
            other.columns.get("no"), other.columns.get("kegiatan")) and [
            (a.first_col, a.last_col) for a in self.actors] == [(a.first_col, a.last_col) for a in other.actors]


@dataclass
class StepRow:
    number: int
    first_row: int
    last_row: int  # rows holding its texts (merged band and continuation rows)
    zone_last: int  # where its symbols may sit: up to the row before the next step or header
    texts: dict[str, str]
    marks: list[int] = field(default_factory=list)  # actor indexes marked in cells
    other_marks: list[tuple[int, str, int, int]] = field(default_factory=list)  # (actor index, text, row, col)
    continued: bool = False


@dataclass
class FlowTable:
    sheet: str
    header: Header
    steps: list[StepRow]
    first_row: int
    last_row: int
    page_breaks: list[int] = field(default_factory=list)  # rows of repeated headers


def header_at(grid: Grid, row: int) -> Header | None:
    """The flowchart header starting at `row` (No, Kegiatan, Pelaksana over the actor names...), or None."""
    found: dict[str, tuple[int, int]] = {}
    for col in grid.cells_in_row(row):
        kind = caption_kind(grid.text(row, col))
        if kind and kind not in found:
            found[kind] = (row, col)
    if "kegiatan" not in found:
        return None
    others = {"kelengkapan", "waktu", "output", "keterangan", "mutu_baku"} & found.keys()
    if "pelaksana" not in found and not ("no" in found and len(others) >= 2):
        return None
    guessed: list[str] = []
    end_row = max(grid.span(r, c)[2] for r, c in found.values())
    actor_row = None
    if "pelaksana" in found:
        pr0, pc0, pr1, pc1 = grid.span(*found["pelaksana"])
        actor_row = pr1 + 1
        end_row = max(end_row, grid.span(actor_row, pc0)[2])
    end_row = min(end_row, row + 6)  # a header is two or three rows; a merge can claim thousands
    # Sub-captions (Kelengkapan, Waktu, Output) sit in the second header row.
    for r in range(row + 1, end_row + 1):
        for col in grid.cells_in_row(r):
            kind = caption_kind(grid.text(r, col))
            if kind and kind not in found and kind != "pelaksana":
                found[kind] = (r, col)
    columns = {kind: grid.span(*rc)[1] for kind, rc in found.items()}
    kr0, kc0, kr1, kc1 = grid.span(*found["kegiatan"])
    if kc1 > kc0:
        # "Uraian Prosedur" over both the number and the activity column; "No" may sit under it.
        no_col = columns.get("no", kc0)
        if kc0 <= no_col <= kc1:
            columns["no"] = no_col
            columns["kegiatan"] = kc0 + 1 if no_col == kc0 else kc0
    elif "no" not in columns:
        return None
    if "mutu_baku" in found and not any(k in columns for k in MUTU_BAKU_ORDER):
        mr0, mc0, mr1, mc1 = grid.span(*found["mutu_baku"])
        for i, kind in enumerate(MUTU_BAKU_ORDER[: mc1 - mc0 + 1]):
            columns[kind] = mc0 + i
        guessed.append(f"{grid.addr(mr0, mc0)}: Mutu Baku tanpa judul kolom; dibaca sebagai Kelengkapan, Waktu, "
                       "Output.")
    right_of_kegiatan = [c for k, c in columns.items() if k in ("kelengkapan", "waktu", "output", "keterangan",
                                                                 "mutu_baku") and c > kc1]
    stop = min(right_of_kegiatan) if right_of_kegiatan else MAX_COLS + 1
    if "pelaksana" in found:
        pr0, pc0, pr1, pc1 = grid.span(*found["pelaksana"])
        first, last = pc0, (pc1 if pc1 > pc0 else stop - 1)
    else:
        first, last, actor_row = kc1 + 1, stop - 1, row
        if not any(grid.text(row, c) for c in range(first, last + 1)):
            actor_row = row + 1
    actors: list[ActorColumn] = []
    col = first
    while actor_row is not None and col <= last and len(actors) < MAX_COLS:
        r0, c0, r1, c1 = grid.span(actor_row, col)
        name = " ".join(grid.text(actor_row, col).split())
        actors.append(ActorColumn(name=name, first_col=col, last_col=max(col, min(c1, last)), row=actor_row))
        col = max(col, c1) + 1
    if not actors:
        return None
    return Header(row=row, end_row=max(end_row, actor_row or row), columns=columns, actors=actors, guessed=guessed)


_STEP_NUMBER = re.compile(r"^\s*(\d{1,4})\s*[.)]?\s*$")


def step_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _STEP_NUMBER.match(value):
        number = int(_STEP_NUMBER.match(value).group(1))
    else:
        return None
    return number if 0 < number < 10000 else None


MARKS = {"✓", "√", "v", "V", "x", "X", "•", "*", "✔", "✗", "ü", "●", "○"}
"""What people type in an actor's cell to say "this actor does the step" when they draw no shapes."""
TEXT_FIELDS = ("kegiatan", "kelengkapan", "waktu", "output", "keterangan")


def _skip_numbering_row(grid: Grid, header: Header, row: int) -> int:
    """The row after the optional 1, 2, 3 ... numbering row under a header."""
    no, keg = header.columns["no"], header.columns["kegiatan"]
    if step_number(grid.raw(row, no)) == 1 and step_number(grid.raw(row, keg)) == 2:
        return grid.span(row, no)[2] + 1
    return row


def read_table(grid: Grid, header: Header, start: int, stop_rows: set[int]) -> tuple[FlowTable, int]:
    """Steps under a header until the table ends; returns the table and the row to continue scanning at."""
    table = FlowTable(sheet=grid.sheet, header=header, steps=[], first_row=header.row, last_row=header.end_row)
    row = _skip_numbering_row(grid, header, start) if start == header.end_row + 1 else start
    no_col, keg_col = header.columns["no"], header.columns["kegiatan"]
    index = bisect.bisect_left(grid.rows, row)
    while index < len(grid.rows):
        row = max(row, grid.rows[index])
        if row > table.last_row + 30 or (row in stop_rows and step_number(grid.raw(row, no_col)) is None):
            break
        again = header_at(grid, row)
        if again is not None:
            if not again.same_layout(header):
                break
            table.page_breaks.append(row)
            row = _skip_numbering_row(grid, again, again.end_row + 1)
            table.last_row = row - 1
            index = bisect.bisect_left(grid.rows, row)
            continue
        number = step_number(grid.raw(row, no_col))
        if number is not None and grid.span(row, no_col)[0] == row:
            if number == 1 and len(table.steps) > 1:
                break  # another SOP's steps begin here
            band_end = max(grid.span(row, no_col)[2], grid.span(row, keg_col)[2])
            texts = {k: grid.text(row, header.columns[k]) for k in TEXT_FIELDS if k in header.columns}
            table.steps.append(StepRow(number=number, first_row=row, last_row=band_end, zone_last=band_end,
                                       texts=texts))
            table.last_row = band_end
            row = band_end + 1
        else:
            if table.steps and _continue_step(grid, header, table.steps[-1], row):
                table.last_row = row
            row += 1
        index = bisect.bisect_left(grid.rows, row)
    _set_zones_and_marks(grid, table)
    return table, max(row, table.last_row + 1)


def _continue_step(grid: Grid, header: Header, step: StepRow, row: int) -> bool:
    """Texts typed in the rows under a step (without merging) belong to it."""
    if grid.text(row, header.columns["no"]):
        return False
    added = False
    for kind in TEXT_FIELDS:
        col = header.columns.get(kind)
        if col is None or grid.span(row, col)[0] != row:
            continue
        text = grid.text(row, col)
        if text:
            step.texts[kind] = f"{step.texts.get(kind, '')} {text}".strip()
            added = True
    if added:
        step.last_row = row
        step.continued = True
    actor_cells = any(grid.text(row, c) for a in header.actors for c in range(a.first_col, a.last_col + 1))
    return added or actor_cells


def _set_zones_and_marks(grid: Grid, table: FlowTable) -> None:
    breaks = sorted(table.page_breaks)
    for i, step in enumerate(table.steps):
        following = [table.steps[i + 1].first_row] if i + 1 < len(table.steps) else [step.last_row + 2]
        following += [b for b in breaks if b > step.last_row]
        step.zone_last = max(step.last_row, min(following) - 1)
        for a, actor in enumerate(table.header.actors):
            for r in range(step.first_row, step.last_row + 1):
                for c in range(actor.first_col, actor.last_col + 1):
                    r0, c0, _, _ = grid.span(r, c)
                    if (r0, c0) != (r, c):
                        continue
                    text = grid.text(r, c)
                    if text in MARKS and a not in step.marks:
                        step.marks.append(a)
                    elif text and text not in MARKS:
                        step.other_marks.append((a, text, r, c))


def find_tables(grid: Grid, report: ImportReport, stop_rows: set[int]) -> list[FlowTable]:
    """Every flowchart table on the sheet, top to bottom; repeated page headers stay inside their table."""
    tables: list[FlowTable] = []
    index = 0
    while index < len(grid.rows):
        header = header_at(grid, grid.rows[index])
        if header is None:
            index += 1
            continue
        report.guessed.extend(header.guessed)
        start = header.end_row + 1
        while True:
            table, next_row = read_table(grid, header, start, stop_rows)
            tables.append(table)
            no_col = header.columns["no"]
            if table.steps and step_number(grid.raw(next_row, no_col)) == 1 and next_row not in stop_rows:
                report.guessed.append(f"{grid.addr(next_row, no_col)}: penomoran langkah mulai lagi dari 1 tanpa "
                                      "judul tabel; dibaca sebagai SOP berikutnya dengan kolom yang sama.")
                start = next_row
                continue
            break
        index = bisect.bisect_left(grid.rows, next_row)
    return tables

"""The flowchart table: header cells, one measured row per step, and the symbol sizes that set row heights."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import labels
from ..model import Sop, Symbol, resolved_symbol
from .columns import FITTED_KEYS, ColumnContent, FlowColumns
from .measure import Measure, line_height_mm
from .page_model import Cell, Paragraph, ShapeKind

BODY_PT = 8.0
HEADER_PT = 8.0
NUMBERING_PT = 7.0
PADDING_MM = 1.0
TEXT_SLACK_MM = 1.5
"""Room on top of the measured text for word processors that round line heights up."""
HEADER_FILL = "#D9D9D9"
MIN_HEADER_ROW_MM = 5.0

SYMBOL_H_MM = 7.0
SYMBOL_MAX_W_MM = 16.0
DECISION_MAX_W_MM = 18.0
GAP_MM = 4.0
"""Least room above and below a symbol for arrows to turn in."""
DECISION_GAP_MM = 5.0
"""Below a decision the Ya/Tidak label needs a little more."""
TRACK_MM = 0.9
"""Distance between parallel arrows sharing a gap."""

BAND_MM = 10.0
"""Room inside the first or last row of a page for off-page connectors."""
PENTAGON_MM = 7.0

_SHAPE_KINDS: dict[Symbol, ShapeKind] = {
    Symbol.TERMINATOR: "terminator",
    Symbol.PROCESS: "process",
    Symbol.DECISION: "decision",
}


def shape_size(kind: ShapeKind, column_width: float) -> tuple[float, float]:
    """Symbol size in an actor column of that width, leaving corridors at both sides for arrows."""
    if kind == "decision":
        w = min(column_width * 0.72, DECISION_MAX_W_MM)
        return w, min(11.0, max(8.0, w * 0.6))
    return min(column_width * 0.6, SYMBOL_MAX_W_MM), min(SYMBOL_H_MM, max(4.0, column_width * 0.5))


def pentagon_size(column_width: float) -> tuple[float, float]:
    w = min(PENTAGON_MM, column_width * 0.8)
    return w, PENTAGON_MM


@dataclass
class StepRow:
    """A step's row before it is placed on a page: its texts, symbol and natural height."""

    step_index: int
    texts: dict[str, list[Paragraph]]
    shape_kind: ShapeKind
    actor_columns: list[int]
    """Positions (0-based, among the actor columns) where the step has a symbol."""
    shape_w: float
    shape_h: float
    gap_top: float
    gap_bottom: float
    height: float
    text_height: float
    clipped: bool = False


@dataclass
class Header:
    """The header rows of the flowchart table, identical on every flowchart page."""

    cells: list[Cell] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)

    @property
    def height(self) -> float:
        return sum(self.heights)

    def copy_cells(self) -> list[Cell]:
        return [Cell(c.row, c.col, c.row_span, c.col_span, [_copy(p) for p in c.paragraphs], c.align, c.valign,
                     c.fill, c.padding, c.kind, c.step_index, c.actor_id, c.clipped) for c in self.cells]


def _copy(p: Paragraph) -> Paragraph:
    return Paragraph(p.text, p.bold, p.italic, p.size_pt, p.align, p.number, p.indent_mm, p.space_before_mm,
                     p.height_mm)


def _para(measure: Measure, text: str, size: float, width: float, bold: bool = False, italic: bool = False,
          align: str = "left") -> Paragraph:
    return Paragraph(text, bold=bold, italic=italic, size_pt=size, align=align,
                     height_mm=measure(text, size, max(width, 1.0), bold))


HEADER_SIZES = (8.0, 7.5, 7.0, 6.5, 6.0)
"""Header sizes tried in turn, largest first: names wrap between words first and shrink only when a
word is wider than its column, in half points, never below 6 pt (then the word breaks)."""


def fitting_size(measure: Measure, text: str, width: float, sizes: tuple[float, ...] = HEADER_SIZES) -> float:
    """The largest header size at which no word of `text` has to break inside (narrow actor columns)."""
    words = text.split() or [""]
    for size in sizes:
        line = measure("X", size, 1000.0, True)
        if all(measure(word, size, max(width, 1.0), True) <= line * 1.01 for word in words):
            return size
    return sizes[-1]


def build_header(sop: Sop, columns: FlowColumns, measure: Measure, numbering_row: bool) -> Header:
    header = Header()
    first_actor = columns.first_actor_index
    actor_count = len(columns.actor_columns)
    mutu = columns.index_of("kelengkapan")
    last = len(columns.columns) - 1

    specs: list[tuple[int, int, str, int, int, str, str | None]] = [
        (0, 0, labels.COLUMN_NO, 2, 1, "header", None),
        (0, 1, labels.COLUMN_KEGIATAN, 2, 1, "header", None),
        (0, first_actor, labels.COLUMN_PELAKSANA, 1, actor_count, "header", None),
        (0, mutu, labels.COLUMN_MUTU_BAKU, 1, 3, "header", None),
        (0, last, labels.COLUMN_KETERANGAN, 2, 1, "header", None),
    ]
    for column in columns.actor_columns:
        actor = sop.actor(column.actor_id) if column.actor_id else None
        specs.append((1, first_actor + (column.actor_index or 0), actor.name if actor else "", 1, 1, "actor_header",
                      column.actor_id))
    for offset, title in enumerate((labels.COLUMN_KELENGKAPAN, labels.COLUMN_WAKTU, labels.COLUMN_OUTPUT)):
        specs.append((1, mutu + offset, title, 1, 1, "header", None))

    def width_of(col: int, col_span: int) -> float:
        return sum(columns.widths[col:col + col_span]) - 2 * PADDING_MM

    # One size for all actor names and one for all column titles, each the largest at which no word
    # of any of them breaks inside: names wrap onto more lines before they shrink, and every actor
    # header has the same size (the column widths keep the titles at 8 pt wherever the page allows).
    sizes = {kind: min(fitting_size(measure, text, width_of(col, span))
                       for _, col, text, _, span, k, _ in specs if k == kind)
             for kind in ("header", "actor_header")}
    for row, col, text, row_span, col_span, kind, actor_id in specs:
        paragraph = _para(measure, text, sizes[kind], width_of(col, col_span), bold=True, align="center")
        header.cells.append(Cell(row, col, row_span, col_span, [paragraph], align="center", valign="middle",
                                 fill=HEADER_FILL, padding=PADDING_MM, kind=kind, actor_id=actor_id))

    def need(c: Cell) -> float:
        return sum(p.height_mm for p in c.paragraphs) + 2 * PADDING_MM

    row0 = max([need(c) for c in header.cells if c.row == 0 and c.row_span == 1] + [MIN_HEADER_ROW_MM])
    row1 = max([need(c) for c in header.cells if c.row == 1] + [MIN_HEADER_ROW_MM])
    tall = max(need(c) for c in header.cells if c.row_span == 2)
    row1 = max(row1, tall - row0)
    header.heights = [row0, row1]

    if numbering_row:
        for col, width in enumerate(columns.widths):
            header.cells.append(Cell(2, col, paragraphs=[_para(measure, str(col + 1), NUMBERING_PT, width - 2,
                                                               italic=True, align="center")],
                                     align="center", valign="middle", padding=0.5, kind="numbering"))
        header.heights.append(max(c.paragraphs[0].height_mm for c in header.cells if c.row == 2) + 1.0)
    return header


_TEXT_COLUMNS = ("no", "kegiatan", "kelengkapan", "waktu", "output", "keterangan")
_CENTRED = ("no", "waktu")


def step_texts(sop: Sop, index: int) -> dict[str, str]:
    step = sop.steps[index]
    return {"no": str(index + 1), "kegiatan": step.kegiatan, "kelengkapan": step.kelengkapan,
            "waktu": step.waktu.display(), "output": step.output, "keterangan": step.keterangan}


def _symbol_room(sop: Sop, index: int, actor_width: float, in_degree: list[int],
                 out_degree: list[int]) -> tuple[ShapeKind, float, float, float, float]:
    """(kind, symbol width, symbol height, gap above, gap below) of a step's row."""
    kind = _SHAPE_KINDS.get(resolved_symbol(sop, index), "process")
    shape_w, shape_h = shape_size(kind, actor_width)
    gap_top = max(GAP_MM, 1.6 + TRACK_MM * in_degree[index])
    gap_bottom = max(DECISION_GAP_MM if kind == "decision" else GAP_MM, 1.6 + TRACK_MM * out_degree[index])
    return kind, shape_w, shape_h, gap_top, gap_bottom


def column_content(sop: Sop, columns: FlowColumns, in_degree: list[int], out_degree: list[int]) -> ColumnContent:
    """What the text columns of the SOP hold and how tall each row is at least, for choosing column widths."""
    actor_width = columns.actor_columns[0].width
    texts: dict[str, list[str]] = {key: [] for key in FITTED_KEYS}
    floors = []
    for index in range(len(sop.steps)):
        row_texts = step_texts(sop, index)
        for key in FITTED_KEYS:
            texts[key].append(row_texts[key])
        _, _, shape_h, gap_top, gap_bottom = _symbol_room(sop, index, actor_width, in_degree, out_degree)
        floors.append(gap_top + shape_h + gap_bottom)
    titles = {"kegiatan": labels.COLUMN_KEGIATAN, "kelengkapan": labels.COLUMN_KELENGKAPAN,
              "waktu": labels.COLUMN_WAKTU, "output": labels.COLUMN_OUTPUT, "keterangan": labels.COLUMN_KETERANGAN}
    return ColumnContent(texts, floors, titles, size_pt=BODY_PT, line_mm=line_height_mm(BODY_PT),
                         extra_mm=2 * PADDING_MM + TEXT_SLACK_MM, inset_mm=2 * PADDING_MM, title_pt=HEADER_PT)


def build_rows(sop: Sop, columns: FlowColumns, measure: Measure, in_degree: list[int],
               out_degree: list[int]) -> list[StepRow]:
    """Rows at their natural height: the taller of the measured texts and the symbol with its arrow gaps."""
    actor_width = columns.actor_columns[0].width
    positions = {c.actor_id: c.actor_index for c in columns.actor_columns if c.actor_id is not None}
    # Each text column's inner width (as _para measures it) and alignment, the same for every row.
    specs = [(key, max(columns.by_key(key).width - 2 * PADDING_MM, 1.0), "center" if key in _CENTRED else "left")
             for key in _TEXT_COLUMNS]
    rows = []
    for index in range(len(sop.steps)):
        texts = step_texts(sop, index)
        paragraphs: dict[str, list[Paragraph]] = {}
        text_height = 0.0
        for key, width, align in specs:
            text = texts[key]
            height = measure(text, BODY_PT, width, False)
            paragraphs[key] = [Paragraph(text, False, False, BODY_PT, align, height_mm=height)]
            if height > text_height:
                text_height = height
        kind, shape_w, shape_h, gap_top, gap_bottom = _symbol_room(sop, index, actor_width, in_degree, out_degree)
        actor_columns = sorted({positions[a] for a in sop.steps[index].actors if a in positions})
        height = max(text_height + 2 * PADDING_MM + TEXT_SLACK_MM, gap_top + shape_h + gap_bottom)
        rows.append(StepRow(index, paragraphs, kind, actor_columns, shape_w, shape_h, gap_top, gap_bottom,
                            height, text_height + 2 * PADDING_MM))
    return rows


def row_cells(row: StepRow, grid_row: int, columns: FlowColumns, height: float) -> list[Cell]:
    """The cells of a step's row on its page; actor cells are empty, the symbols are drawn over them."""
    cells = []
    step, texts = row.step_index, row.texts
    clipped = row.text_height > height + 1e-6
    # A step's row is on one page only: its cells take the row's paragraphs themselves.
    for col, column in enumerate(columns.columns):
        key = column.key
        if key == "actor":
            cells.append(Cell(grid_row, col, 1, 1, [], "left", "middle", None, PADDING_MM, "actor", step,
                              column.actor_id))
            continue
        paragraphs = list(texts[key])
        align = paragraphs[0].align if paragraphs else "left"
        cells.append(Cell(grid_row, col, 1, 1, paragraphs, align, "middle", None, PADDING_MM, key, step, None,
                          clipped))
    return cells

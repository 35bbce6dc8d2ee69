"""The page model: every page, table, symbol and arrow of an SOP, positioned in millimetres.

This is what the layout engine hands to every writer (Qt painter/PDF, Word, Excel, preview).
All coordinates are millimetres from the top-left corner of the page, y growing downwards.
Writers translate units and nothing else: a writer that decides a position, a size or a page
break on its own is a bug. Texts are final (uppercased, numbered, dates formatted) and every
cell carries the paragraphs exactly as they print.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..model import PageSettings

PageKind = Literal["identity", "flowchart", "combined"]
TableRole = Literal["identity", "flowchart"]
Align = Literal["left", "center", "right", "justify"]
VAlign = Literal["top", "middle", "bottom"]
ShapeKind = Literal["terminator", "process", "decision"]
FlowKind = Literal["next", "ya", "tidak", "joint"]

BORDER_PT = 0.75
"""Width of table borders."""
LINE_PT = 1.0
"""Width of symbol outlines and connectors."""
ARROW_LENGTH_MM = 2.2
ARROW_WIDTH_MM = 1.6
FONT_FAMILY = "Arial"
"""Font named in the documents; measured and painted with the metric-compatible Liberation Sans."""


@dataclass
class Margins:
    top: float
    bottom: float
    left: float
    right: float


@dataclass
class Rect:
    """An axis-aligned rectangle in mm."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, x: float, y: float, tolerance: float = 0.0) -> bool:
        return (self.x - tolerance <= x <= self.right + tolerance
                and self.y - tolerance <= y <= self.bottom + tolerance)


@dataclass
class Paragraph:
    """One paragraph of a cell.

    number: a list marker ("1.", "2.") printed at the left with the text indented by indent_mm
    (a hanging indent); "" for a plain paragraph. space_before_mm is blank room above the
    paragraph (the signature and stamp space in "Disahkan oleh"). Heights were measured with
    the text wrapped at the cell's inner width minus indent_mm.
    """

    text: str
    bold: bool = False
    italic: bool = False
    size_pt: float = 8.0
    align: Align = "left"
    number: str = ""
    indent_mm: float = 0.0
    space_before_mm: float = 0.0
    height_mm: float = 0.0
    """Measured height of the wrapped text (without space_before_mm)."""


@dataclass
class Cell:
    """A table cell at (row, col) spanning row_span x col_span grid cells.

    kind names the cell's role so writers can style or find cells without parsing texts:
    "logo", "label", "value", "signature", "title", "box", "header", "actor_header",
    "numbering", "no", "kegiatan", "actor", "kelengkapan", "waktu", "output", "keterangan".
    padding is the same on all four sides. clipped is True when the text did not fit the
    height the page allows and the writer must cut it at the cell border.
    """

    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    paragraphs: list[Paragraph] = field(default_factory=list)
    align: Align = "left"
    valign: VAlign = "middle"
    fill: str | None = None
    """Background as "#RRGGBB", or None for no fill."""
    padding: float = 1.0
    kind: str = ""
    step_index: int | None = None
    actor_id: str | None = None
    clipped: bool = False

    @property
    def text(self) -> str:
        """All paragraphs as plain text, markers included, one per line."""
        return "\n".join(f"{p.number} {p.text}" if p.number else p.text for p in self.paragraphs)


@dataclass
class Table:
    """A grid table at (x, y); cells cover every grid position exactly once (merges via spans).

    role "identity": the whole identity sheet as one 3-column table (logo block, label,
    value); rows 0-5 are the six identity rows, rows 6-8 the six boxes, whose right box
    spans columns 1-2 so the split falls on the logo block's right edge. When the boxes do
    not fit one page, the first table holds the box rows (or parts of them) that fit, and
    each identity continuation page has a table of box rows only (from row 0), whose boxes
    that go on are titled "<box> (lanjutan):".
    role "flowchart": the step table of one page.

    header_rows rows at the top repeat on every flowchart page (2, or 3 with the numbering
    row). row_steps gives, per row, the step index shown in that row or None for header rows.
    """

    x: float
    y: float
    col_widths: list[float]
    row_heights: list[float]
    cells: list[Cell]
    header_rows: int = 0
    role: TableRole = "flowchart"
    row_steps: list[int | None] = field(default_factory=list)
    border_pt: float = BORDER_PT

    @property
    def width(self) -> float:
        return sum(self.col_widths)

    @property
    def height(self) -> float:
        return sum(self.row_heights)

    def col_x(self, col: int) -> float:
        """Left edge of grid column `col` (col == len(col_widths) gives the right edge)."""
        return self.x + sum(self.col_widths[:col])

    def row_y(self, row: int) -> float:
        """Top edge of grid row `row` (row == len(row_heights) gives the bottom edge)."""
        return self.y + sum(self.row_heights[:row])

    def cell_rect(self, cell: Cell) -> Rect:
        x = self.col_x(cell.col)
        y = self.row_y(cell.row)
        return Rect(x, y, self.col_x(cell.col + cell.col_span) - x, self.row_y(cell.row + cell.row_span) - y)

    def cell_at(self, row: int, col: int) -> Cell | None:
        """The cell covering grid position (row, col), merged cells included."""
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.row_span and cell.col <= col < cell.col + cell.col_span:
                return cell
        return None

    def row_of_step(self, step_index: int) -> int | None:
        for row, step in enumerate(self.row_steps):
            if step == step_index:
                return row
        return None

    def row_at(self, y: float) -> int | None:
        top = self.y
        for row, height in enumerate(self.row_heights):
            if top <= y < top + height:
                return row
            top += height
        return None


@dataclass
class SymbolShape:
    """A flowchart symbol in its bounding box: a stadium, a rectangle or a diamond.

    One per (step, actor): a step done by several actors has a shape in each actor column.
    key is unique in the document and is what connectors refer to.
    """

    kind: ShapeKind
    x: float
    y: float
    w: float
    h: float
    step_index: int
    actor_id: str | None
    text: str = ""
    key: str = ""

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.w, self.h)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Connector:
    """An arrow: an orthogonal polyline (only horizontal and vertical segments).

    The arrowhead sits at the last point when arrow is True; "joint" lines that tie the
    shapes of one shared activity have no arrowhead. source_key and target_key name the
    SymbolShape or OffPageConnector at each end. source_step and target_step are always the
    two steps of the flow, even when one end is an off-page connector because the other step
    is on another page.
    """

    points: list[tuple[float, float]]
    kind: FlowKind = "next"
    source_step: int | None = None
    target_step: int | None = None
    source_key: str = ""
    target_key: str = ""
    arrow: bool = True


@dataclass
class TextLabel:
    """A free text on the page: the Ya/Tidak labels of decision exits."""

    text: str
    x: float
    y: float
    w: float
    h: float
    size_pt: float = 7.0
    align: Align = "left"
    bold: bool = False
    italic: bool = False


@dataclass
class PageText(TextLabel):
    """Page furniture outside the content box: "Halaman x dari y" in the bottom margin.

    kind "page-number": number is this page's (1-based) and count the document's page total,
    so a writer that has its own page fields (Excel's footer &P) can say the same thing.
    """

    kind: str = "page-number"
    number: int = 0
    count: int = 0


@dataclass
class OffPageConnector:
    """The down-pointing pentagon that continues a flow on another page.

    direction "out": the flow leaves this page here; "in": it arrives here. The two ends of
    one flow share pair_key and label (label may be "" when settings ask for empty connectors).
    step_index is the step on this page the pentagon connects to (source for "out", target
    for "in"); other_step_index is the step at the far end on the other page.
    """

    x: float
    y: float
    w: float
    h: float
    label: str
    pair_key: str
    direction: Literal["out", "in"]
    step_index: int
    other_step_index: int | None = None
    key: str = ""

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.w, self.h)

    def outline(self) -> list[tuple[float, float]]:
        """Polygon points: a rectangle whose lower part narrows to a point at the bottom centre."""
        shoulder = self.y + self.h * 0.6
        return [(self.x, self.y), (self.x + self.w, self.y), (self.x + self.w, shoulder),
                (self.x + self.w / 2, self.y + self.h), (self.x, shoulder)]


@dataclass
class ImageItem:
    """A picture placed on the page (the logo); data is the file's bytes, extension "png", "jpg" or "svg"."""

    x: float
    y: float
    w: float
    h: float
    data: bytes
    extension: str


@dataclass
class Page:
    """One printed page. kind "combined" holds the identity tables and the flowchart table."""

    index: int
    width_mm: float
    height_mm: float
    margins: Margins
    kind: PageKind
    tables: list[Table] = field(default_factory=list)
    shapes: list[SymbolShape] = field(default_factory=list)
    connectors: list[Connector] = field(default_factory=list)
    labels: list[TextLabel] = field(default_factory=list)
    offpage: list[OffPageConnector] = field(default_factory=list)
    images: list[ImageItem] = field(default_factory=list)
    furniture: list[PageText] = field(default_factory=list)
    """Texts in the margins (the page number); they are outside the content box on purpose."""

    def table(self, role: TableRole) -> Table | None:
        return next((t for t in self.tables if t.role == role), None)

    @property
    def flowchart(self) -> Table | None:
        return self.table("flowchart")

    @property
    def step_indices(self) -> list[int]:
        """Steps whose rows are on this page, in order."""
        table = self.flowchart
        return [s for s in table.row_steps if s is not None] if table else []

    def step_at(self, x: float, y: float) -> int | None:
        """The step under a point in mm: its symbol, an off-page connector or its table row."""
        for shape in self.shapes:
            if shape.rect.contains(x, y, 0.5):
                return shape.step_index
        for connector in self.offpage:
            if connector.rect.contains(x, y, 0.5):
                return connector.step_index
        table = self.flowchart
        if table is None or not (table.x <= x <= table.x + table.width):
            return None
        row = table.row_at(y)
        return table.row_steps[row] if row is not None and row < len(table.row_steps) else None


@dataclass
class Document:
    """All pages of one SOP in print order, with the settings they were laid out for.

    problems lists what the layout had to give up on (texts cut, columns too narrow), in
    Indonesian, for validation to show; see layout_problems().
    """

    pages: list[Page]
    settings: PageSettings
    problems: list[LayoutProblem] = field(default_factory=list)

    def page_of_step(self, step_index: int) -> int | None:
        for page in self.pages:
            if step_index in page.step_indices:
                return page.index
        return None

    @property
    def flowchart_pages(self) -> list[Page]:
        return [p for p in self.pages if p.flowchart is not None]


@dataclass
class LayoutProblem:
    """Something the layout could not do as asked.

    code: "actor-column-narrow", "row-too-tall" or "identity-too-tall" (an identity text taller
    than a page, cut; long lists are no problem, they continue); step_index names the
    step for row problems; message is Indonesian and ready to show.
    """

    code: str
    message: str
    step_index: int | None = None

    def __str__(self) -> str:
        return self.message

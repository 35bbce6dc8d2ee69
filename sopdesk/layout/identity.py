"""The identity sheet: one table with the logo block, the six identity rows and the six boxes.

Boxes whose lists do not fit the first page continue on identity continuation pages, never cut
(format §4.5: rows are never lost, numbering stays continuous). The continuation table has the
same three columns but only box rows: the six identity rows are not repeated (the format notes
ask for repeated headers on flowchart pages only). A box that goes on is split between two
items; its part on the next page is titled "<box> (lanjutan):" and its numbers go on (16., 17.
…); its partner box in the same row, if already finished, is an empty cell there. Only an
item taller than a whole page is cut, and reported.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from .. import labels
from ..dates import date_text
from ..model import IdLabel, Identity, Logo
from ..sanity import logo_problem
from .measure import Measure
from .page_model import Cell, ImageItem, LayoutProblem, Paragraph, Table

BODY_PT = 9.0
INSTANSI_PT = 11.0
UNIT_PT = 10.0
PADDING_MM = 1.5
SIGNATURE_SPACE_MM = 25.0
MIN_ROW_MM = 7.0
MIN_BOX_MM = 10.0
LIST_INDENT_MM = 5.0
LOGO_MAX_W_MM = 30.0
LOGO_MAX_H_MM = 24.0
LOGO_GAP_MM = 2.0
SHARES = (0.50, 0.15, 0.35)  # logo block, label, value (format §3.2)
ROW_COUNT = 9


CONTINUED = "lanjutan"


@dataclass
class IdentityBlock:
    """The laid-out identity table and its logo, the continuation tables, and what had to be cut.

    table is the first page's table; continued holds one table per identity continuation page
    (each at the same (x, y) on its own page).
    """

    table: Table
    images: list[ImageItem] = field(default_factory=list)
    problems: list[LayoutProblem] = field(default_factory=list)
    continued: list[Table] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.table.height

    @property
    def tables(self) -> list[Table]:
        return [self.table, *self.continued]


def _para(measure: Measure, text: str, size: float, width: float, bold: bool = False, align: str = "left",
          number: str = "", indent: float = 0.0, space_before: float = 0.0) -> Paragraph:
    height = measure(text, size, max(width - indent, 1.0), bold)
    return Paragraph(text, bold=bold, size_pt=size, align=align, number=number, indent_mm=indent,
                     space_before_mm=space_before, height_mm=height)


def content_height(cell: Cell) -> float:
    """Height the cell's paragraphs need, padding included."""
    return sum(p.space_before_mm + p.height_mm for p in cell.paragraphs) + 2 * cell.padding


def _signer_lines(identity: Identity) -> list[tuple[str, bool, float]]:
    signer = identity.signer
    lines = [(signer.jabatan or "-", False, 0.0), (signer.nama or "-", True, SIGNATURE_SPACE_MM)]
    if signer.id_label is not IdLabel.NONE:
        lines.append((f"{signer.id_label.value}. {signer.id_number}".strip(), False, 0.0))
    return lines


def _identity_rows(identity: Identity, weekday: bool = True) -> list[tuple[str, list[str]]]:
    # date_text: an unreadable date prints exactly as it was typed.
    revisi = [date_text(identity, "tanggal_revisi", weekday=weekday)]
    if identity.revisi_ke is not None:
        revisi.append(f"Revisi ke {identity.revisi_ke}")
    effective = "tanggal_pengesahan" if identity.use_pengesahan else "tanggal_efektif"
    return [
        (labels.IDENTITY_LABELS["nomor"], [identity.nomor or "-"]),
        (labels.IDENTITY_LABELS["tanggal_pembuatan"], [date_text(identity, "tanggal_pembuatan", weekday=weekday)]),
        (labels.IDENTITY_LABELS["tanggal_revisi"], revisi),
        (labels.IDENTITY_LABELS[effective], [date_text(identity, effective, weekday=weekday)]),
    ]


def build_identity(identity: Identity, measure: Measure, x: float, y: float, width: float,
                   max_height: float | None = None, weekday: bool = True) -> IdentityBlock:
    """Lay out the identity table at (x, y); boxes that pass max_height go on continuation tables."""
    cols = [width * share for share in SHARES]
    inner = [c - 2 * PADDING_MM for c in cols]
    cells: list[Cell] = []
    heights = [0.0] * ROW_COUNT

    def add(cell: Cell) -> Cell:
        cells.append(cell)
        if cell.row_span == 1:
            heights[cell.row] = max(heights[cell.row], content_height(cell), MIN_ROW_MM)
        return cell

    rows = _identity_rows(identity, weekday)
    for row, (label, values) in enumerate(rows):
        add(Cell(row, 1, paragraphs=[_para(measure, label, BODY_PT, inner[1])], kind="label", padding=PADDING_MM))
        add(Cell(row, 2, paragraphs=[_para(measure, v, BODY_PT, inner[2]) for v in values], kind="value",
                 padding=PADDING_MM))

    signer_row = len(rows)
    add(Cell(signer_row, 1, paragraphs=[_para(measure, labels.DISAHKAN_OLEH, BODY_PT, inner[1])], kind="label",
             valign="top", padding=PADDING_MM))
    add(Cell(signer_row, 2, align="center", valign="top", kind="signature", padding=PADDING_MM,
             paragraphs=[_para(measure, text, BODY_PT, inner[2], bold=bold, align="center", space_before=space)
                         for text, bold, space in _signer_lines(identity)]))

    title_row = signer_row + 1
    add(Cell(title_row, 1, paragraphs=[_para(measure, labels.title_label(identity.cakupan), BODY_PT, inner[1])],
             kind="label", padding=PADDING_MM))
    add(Cell(title_row, 2, paragraphs=[_para(measure, identity.nama or "-", BODY_PT + 1, inner[2], bold=True)],
             kind="title", padding=PADDING_MM))

    logo_size = _logo_size(identity.logo, inner[0])
    block = [_para(measure, identity.instansi.upper() or "-", INSTANSI_PT, inner[0], bold=True, align="center",
                   space_before=logo_size[1] + LOGO_GAP_MM if logo_size else 0.0)]
    block += [_para(measure, line, UNIT_PT, inner[0], bold=True, align="center") for line in identity.unit_lines]
    logo_cell = add(Cell(0, 0, row_span=6, paragraphs=block, align="center", kind="logo", padding=PADDING_MM))

    box_widths = (inner[0], inner[1] + inner[2] + 2 * PADDING_MM)
    box_rows = [[_box_paragraphs(measure, key, getattr(identity, key), box_widths[side])
                 for side, key in enumerate(pair)] for pair in labels.BOX_ROWS]
    for offset, pair in enumerate(box_rows):
        row = 6 + offset
        for col, paragraphs, span in ((0, pair[0], 1), (1, pair[1], 2)):
            add(Cell(row, col, col_span=span, valign="top", kind="box", padding=PADDING_MM, paragraphs=paragraphs))
        heights[row] = max(heights[row], MIN_BOX_MM)

    # The logo block spans the six identity rows; when it needs more, every row gets a share.
    shortfall = content_height(logo_cell) - sum(heights[:6])
    if shortfall > 0:
        heights[:6] = [h + shortfall / 6 for h in heights[:6]]

    table = Table(x, y, cols, heights, cells, header_rows=0, role="identity", row_steps=[None] * ROW_COUNT)
    result = IdentityBlock(table)
    if max_height is not None and table.height > max_height + 1e-6:
        top = sum(heights[:6])
        if top + MIN_BOX_MM > max_height + 1e-6:
            # The identity rows themselves pass the page: they are cut, the boxes still go on.
            _scale_rows(table, range(6), max(max_height - MIN_BOX_MM, MIN_ROW_MM))
            top = sum(table.row_heights[:6])
            result.problems.append(LayoutProblem(
                "identity-too-tall",
                "Bagian atas halaman identitas (logo, unit, Nama SOP) tidak muat dalam satu halaman; "
                "teksnya terpotong. Persingkat teks atau pilih kertas yang lebih besar."))
        _continue_boxes(result, measure, box_rows, box_widths, max_height, top)
    if logo_size and identity.logo is not None:
        rect = table.cell_rect(logo_cell)
        top = rect.y + max((rect.h - content_height(logo_cell)) / 2, 0.0) + PADDING_MM
        result.images.append(ImageItem(rect.x + (rect.w - logo_size[0]) / 2, top, logo_size[0], logo_size[1],
                                       identity.logo.data, identity.logo.extension.lower()))
    return result


def _box_paragraphs(measure: Measure, key: str, items: list[str], width: float) -> list[Paragraph]:
    paragraphs = [_para(measure, f"{labels.BOX_TITLES[key]}:", BODY_PT, width, bold=True)]
    filled = [item for item in items if item.strip()]
    if not filled:
        paragraphs.append(_para(measure, "-", BODY_PT, width))
    for number, item in enumerate(filled, start=1):
        paragraphs.append(_para(measure, item, BODY_PT, width, number=f"{number}.", indent=LIST_INDENT_MM))
    return paragraphs


def _scale_rows(table: Table, rows: range, height: float) -> None:
    """Shrink the given rows evenly to `height` in all; cells that no longer fit are clipped."""
    scale = height / max(sum(table.row_heights[r] for r in rows), 1e-6)
    for r in rows:
        table.row_heights[r] *= scale
    _mark_clipped(table)


def _mark_clipped(table: Table) -> None:
    for cell in table.cells:
        if content_height(cell) > table.cell_rect(cell).h + 1e-6:
            cell.clipped = True


def _paragraphs_height(paragraphs: list[Paragraph]) -> float:
    return sum(p.space_before_mm + p.height_mm for p in paragraphs) + 2 * PADDING_MM


def _fitting(paragraphs: list[Paragraph], room: float) -> int:
    """How many leading paragraphs fit in a box row of height `room`."""
    used = 2 * PADDING_MM
    for count, p in enumerate(paragraphs):
        used += p.space_before_mm + p.height_mm
        if used > room + 1e-6:
            return count
    return len(paragraphs)


def _continue_boxes(result: IdentityBlock, measure: Measure, box_rows: list[list[list[Paragraph]]],
                    box_widths: tuple[float, float], max_height: float, top: float) -> None:
    """Fill the first table's box rows as far as the page allows, the rest on continuation tables.

    Each page row holds, per side, the paragraphs still to print from that box; a side is split
    between two items (never after the title alone) and its rest opens the next page under
    "<title> (lanjutan):".
    """
    first = result.table
    pending = [[list(side) for side in pair] for pair in box_rows]
    keys = labels.BOX_ROWS
    pages: list[list[tuple[list[list[Paragraph]], float, list[bool]]]] = [[]]
    room = max_height - top
    row = 0
    fresh = False  # True when the current page holds no box row yet (nothing can move further)
    while row < len(pending):
        sides = pending[row]
        need = max(max(_paragraphs_height(side) for side in sides if side) if any(sides) else 0.0, MIN_BOX_MM)
        if need <= room + 1e-6:
            pages[-1].append((sides, need, [False, False]))
            room -= need
            row += 1
            fresh = False
            continue
        if room < MIN_BOX_MM - 1e-6 and not fresh:
            pages.append([])
            room, fresh = max_height, True
            continue
        placed: list[list[Paragraph]] = []
        rest: list[list[Paragraph]] = []
        for side in sides:
            count = _fitting(side, room)
            if count < len(side) and count <= _title_count(side):
                count = 0  # never a title without its first item
            placed.append(side[:count])
            rest.append(side[count:])
        clipped = [False, False]
        if not any(placed):
            if not fresh:
                pages.append([])
                room, fresh = max_height, True
                continue
            # On a page of its own and still too tall: one item passes a whole page; cut it.
            for k, side in enumerate(sides):
                if side and _fitting(side, room) < len(side):
                    count = max(_fitting(side, room), _title_count(side) + 1)
                    placed[k], rest[k] = side[:count], side[count:]
                    clipped[k] = _paragraphs_height(placed[k]) > room + 1e-6
                    if clipped[k]:
                        result.problems.append(LayoutProblem(
                            "identity-too-tall",
                            f"Satu butir {labels.BOX_TITLES[keys[row][k]]} terlalu panjang untuk satu halaman; "
                            "teksnya terpotong. Persingkat butir itu atau pecah menjadi beberapa butir."))
                else:
                    placed[k], rest[k] = side, []
        height = max(min(max(_paragraphs_height(side) for side in placed if side), room), MIN_BOX_MM)
        pages[-1].append((placed, height, clipped))
        if not any(rest):  # both sides ended here (an item was cut): the next box row goes on, no empty row
            room -= height
            row += 1
            fresh = False
            continue
        pending[row] = [_continued(measure, keys[row][k], side, box_widths[k]) if side else []
                        for k, side in enumerate(rest)]
        pages.append([])
        room, fresh = max_height, True

    # The first page's rows replace the box cells of the first table.
    first.cells = [c for c in first.cells if c.row < 6]
    first.row_heights = first.row_heights[:6]
    first.row_steps = [None] * 6
    for k, (sides, height, clipped) in enumerate(pages[0]):
        _add_box_row(first, 6 + k, sides, height, clipped)
    for page in pages[1:]:
        if not page:
            continue
        table = Table(first.x, first.y, list(first.col_widths), [], [], header_rows=0, role="identity")
        for k, (sides, height, clipped) in enumerate(page):
            _add_box_row(table, k, sides, height, clipped)
        result.continued.append(table)


def _title_count(side: list[Paragraph]) -> int:
    """Paragraphs at the head of a box that are its title (one), 0 for a box's continuing items."""
    return 1 if side and not side[0].number else 0


def _continued(measure: Measure, key: str, rest: list[Paragraph], width: float) -> list[Paragraph]:
    if not rest[0].number:
        return rest  # the box had not started yet: it keeps its own title
    title = _para(measure, f"{labels.BOX_TITLES[key]} ({CONTINUED}):", BODY_PT, width, bold=True)
    return [title, *rest]


def _add_box_row(table: Table, row: int, sides: list[list[Paragraph]], height: float, clipped: list[bool]) -> None:
    for col, span, paragraphs, cut in ((0, 1, sides[0], clipped[0]), (1, 2, sides[1], clipped[1])):
        table.cells.append(Cell(row, col, col_span=span, valign="top", kind="box", padding=PADDING_MM,
                                paragraphs=paragraphs, clipped=cut))
    table.row_heights.append(height)
    table.row_steps.append(None)


def _logo_size(logo: Logo | None, cell_width: float) -> tuple[float, float] | None:
    # A logo that does not decode is left out of every format alike; Masalah says why.
    if logo is None or not logo.data or logo_problem(logo) is not None:
        return None
    aspect = image_aspect(logo.data, logo.extension) or 1.0  # width / height
    max_w = min(LOGO_MAX_W_MM, cell_width)
    w, h = LOGO_MAX_H_MM * aspect, LOGO_MAX_H_MM
    if w > max_w:
        w, h = max_w, max_w / aspect
    return w, h


def image_aspect(data: bytes, extension: str) -> float | None:
    """Width/height of a PNG, JPEG or SVG read from its header; None when it cannot be read."""
    try:
        size = _image_size(data, extension.lower())
    except (struct.error, ValueError, IndexError):
        return None
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return size[0] / size[1]


def _image_size(data: bytes, extension: str) -> tuple[float, float] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        pos = 2
        while pos + 9 < len(data):
            if data[pos] != 0xFF:
                pos += 1
                continue
            marker = data[pos + 1]
            length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                h, w = struct.unpack(">HH", data[pos + 5:pos + 9])
                return w, h
            pos += 2 + length
        return None
    if extension == "svg" or b"<svg" in data[:2048]:
        return _svg_size(data[:4096].decode("utf-8", "replace"))
    return None


_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_NUMBER = re.compile(r"[-+]?\d*\.?\d+")


def _svg_size(head: str) -> tuple[float, float] | None:
    tag = _SVG_TAG.search(head)
    if not tag:
        return None
    attrs = dict(re.findall(r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', tag.group(0)))
    view_box = attrs.get("viewBox")
    if view_box:
        numbers = [float(n) for n in _NUMBER.findall(view_box)]
        if len(numbers) == 4:
            return numbers[2], numbers[3]
    w, h = _NUMBER.match(attrs.get("width", "")), _NUMBER.match(attrs.get("height", ""))
    if w and h:
        return float(w.group(0)), float(h.group(0))
    return None

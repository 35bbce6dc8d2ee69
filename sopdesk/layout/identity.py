"""The identity sheet: one table with the logo block, the six identity rows and the six boxes."""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from .. import labels
from ..model import IdLabel, Identity, Logo
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


@dataclass
class IdentityBlock:
    """The laid-out identity table and its logo, plus what had to be cut."""

    table: Table
    images: list[ImageItem] = field(default_factory=list)
    problems: list[LayoutProblem] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.table.height


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


def _identity_rows(identity: Identity) -> list[tuple[str, list[str]]]:
    revisi = [labels.format_date(identity.tanggal_revisi)]
    if identity.revisi_ke is not None:
        revisi.append(f"Revisi ke {identity.revisi_ke}")
    if identity.use_pengesahan:
        effective = (labels.IDENTITY_LABELS["tanggal_pengesahan"], identity.tanggal_pengesahan)
    else:
        effective = (labels.IDENTITY_LABELS["tanggal_efektif"], identity.tanggal_efektif)
    return [
        (labels.IDENTITY_LABELS["nomor"], [identity.nomor or "-"]),
        (labels.IDENTITY_LABELS["tanggal_pembuatan"], [labels.format_date(identity.tanggal_pembuatan)]),
        (labels.IDENTITY_LABELS["tanggal_revisi"], revisi),
        (effective[0], [labels.format_date(effective[1])]),
    ]


def build_identity(identity: Identity, measure: Measure, x: float, y: float, width: float,
                   max_height: float | None = None) -> IdentityBlock:
    """Lay out the identity table at (x, y); rows shrink (texts cut) when it would pass max_height."""
    cols = [width * share for share in SHARES]
    inner = [c - 2 * PADDING_MM for c in cols]
    cells: list[Cell] = []
    heights = [0.0] * ROW_COUNT

    def add(cell: Cell) -> Cell:
        cells.append(cell)
        if cell.row_span == 1:
            heights[cell.row] = max(heights[cell.row], content_height(cell), MIN_ROW_MM)
        return cell

    rows = _identity_rows(identity)
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

    for offset, pair in enumerate(labels.BOX_ROWS):
        row = 6 + offset
        for col, key, span in ((0, pair[0], 1), (1, pair[1], 2)):
            box_width = inner[0] if col == 0 else inner[1] + inner[2] + 2 * PADDING_MM
            add(Cell(row, col, col_span=span, valign="top", kind="box", padding=PADDING_MM,
                     paragraphs=_box_paragraphs(measure, key, getattr(identity, key), box_width)))
        heights[row] = max(heights[row], MIN_BOX_MM)

    # The logo block spans the six identity rows; when it needs more, every row gets a share.
    shortfall = content_height(logo_cell) - sum(heights[:6])
    if shortfall > 0:
        heights[:6] = [h + shortfall / 6 for h in heights[:6]]

    table = Table(x, y, cols, heights, cells, header_rows=0, role="identity", row_steps=[None] * ROW_COUNT)
    result = IdentityBlock(table)
    if max_height is not None and table.height > max_height + 1e-6:
        _shrink_to(table, max_height)
        result.problems.append(LayoutProblem(
            "identity-too-tall",
            "Halaman identitas tidak muat dalam satu halaman; sebagian isi kotak terpotong. "
            "Persingkat daftar atau pilih kertas yang lebih besar."))
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


def _shrink_to(table: Table, max_height: float) -> None:
    """Cut the tallest box rows first (a common cap), then everything evenly if that is not enough."""
    heights = table.row_heights
    boxes = heights[6:]
    room = max_height - sum(heights[:6])
    if room >= len(boxes) * MIN_ROW_MM:
        low, high = 0.0, max(boxes)
        for _ in range(40):
            cap = (low + high) / 2
            if sum(min(h, cap) for h in boxes) > room:
                high = cap
            else:
                low = cap
        heights[6:] = [min(h, low) for h in boxes]
    else:
        scale = max_height / sum(heights)
        table.row_heights = heights = [h * scale for h in heights]
    for cell in table.cells:
        if content_height(cell) > table.cell_rect(cell).h + 1e-6:
            cell.clipped = True


def _logo_size(logo: Logo | None, cell_width: float) -> tuple[float, float] | None:
    if logo is None or not logo.data:
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

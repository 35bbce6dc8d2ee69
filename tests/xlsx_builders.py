"""Hand-made SOP workbooks for the import tests: cells written with openpyxl, shapes as hand-written DrawingML.

The drawings imitate what people produce in Excel and LibreOffice, not what SOP Desk exports:
one big group inside mc:AlternateContent with scaled child coordinates, loose straight lines
with flips (an elbow drawn as two pieces), glued bentConnector3 connectors, "Y"/"T" boxes
without outline, text inside a connector, off-page pentagons at a repeated header, or no
shapes at all and a ✓ in the actor's cell.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from sopdesk.labels import MONTHS, WEEKDAYS
from sopdesk.model import END, Sop, Symbol, resolved_symbol

EMU_PX = 9525
EMU_PT = 12700
EMU_MM = 36000
NS_DECL = ('xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
           'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
           'xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main"')

OFFICIAL_LABELS = {"nomor": "Nomor SOP", "pembuatan": "Tanggal Pembuatan", "revisi": "Tanggal Revisi",
                   "efektif": "Tanggal Efektif", "disahkan": "Disahkan oleh", "nama": "Nama SOP",
                   "dasar_hukum": "Dasar Hukum", "kualifikasi_pelaksana": "Kualifikasi Pelaksana",
                   "keterkaitan": "Keterkaitan", "peralatan_perlengkapan": "Peralatan/Perlengkapan",
                   "peringatan": "Peringatan", "pencatatan_pendataan": "Pencatatan dan Pendataan"}
VARIANT_LABELS = {"nomor": "NO SOP", "pembuatan": "TGL. PEMBUATAN", "revisi": "TGL. REVISI",
                  "efektif": "TANGGAL PENGESAHAN", "disahkan": "DISAHKAN OLEH", "nama": "JUDUL SOP MIKRO",
                  "dasar_hukum": "DASAR HUKUM", "kualifikasi_pelaksana": "KUALIFIKASI PELAKSANAAN",
                  "keterkaitan": "KETERKAITAN DENGAN SOP LAIN", "peralatan_perlengkapan": "PERALATAN/ PERLENGKAPAN",
                  "peringatan": "PERINGATAN", "pencatatan_pendataan": "PENCATATAN DAN PENDATAAN"}
BOXES = (("dasar_hukum", "kualifikasi_pelaksana"), ("keterkaitan", "peralatan_perlengkapan"),
         ("peringatan", "pencatatan_pendataan"))


@dataclass
class Style:
    """How the person who made the sheet worked."""

    drawing: str = "legacy"  # "legacy", "loose", "glued", "marks" (no shapes, ✓ in cells), "pictures" (symbols
    # pasted as pictures, arrows glued to them)
    one_sheet: bool = False  # identity above the flowchart on one sheet
    labels: dict[str, str] = field(default_factory=lambda: dict(OFFICIAL_LABELS))
    dates: str = "weekday"  # "weekday" ("Senin, 05 Januari 2026"), "plain" ("5 Januari 2026"), "excel"
    signer_rows: bool = False  # jabatan, blank, nama, NIP in four rows instead of one cell
    box_label_rows: bool = False  # box label in its own row, items in the cell below
    numbering_row: bool = False
    page_break_after: tuple[int, ...] = ()  # step numbers after which the header is pasted again
    spacer_pair_after: tuple[int, ...] = ()  # steps followed by two unnumbered rows holding an off-page pair
    merged_steps: tuple[int, ...] = ()  # steps spanning two merged rows
    branch_labels: str = "ya-tidak"  # "ya-tidak", "y-t", "words", "custom" (not yes/no words), "none"
    captions: dict[str, str] = field(default_factory=dict)  # header caption overrides
    offpage_labels: bool = False  # number the off-page pentagon pairs
    formula_waktu: bool = False  # Waktu typed as a formula (="10 Menit"); openpyxl saves no result for it
    boxes_in_columns: bool = False  # each box its own rows: label across A:C, then number in A, text in B:C
    title_above_flowchart: bool = False  # "Nama SOP : ..." typed again above the flowchart table
    split_after: int = 0  # the flowchart goes on in a second sheet after this step (header repeated there)
    picture_format: str = "png"  # with drawing="pictures": "png" (drawn outlines) or "emf" (not decodable)


# ---- the sheet grid, as the builder lays it out -------------------------------------------------------


class Geometry:
    """Column and row edges in EMU for the widths and heights the builder sets (Excel's own rules)."""

    def __init__(self) -> None:
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}

    def left(self, col: int) -> int:
        return sum(int(((256 * self.widths.get(c, 8.43 + 0.71) + 18) / 256) * 7) * EMU_PX for c in range(1, col))

    def top(self, row: int) -> int:
        return sum(round(self.heights.get(r, 15.0) * EMU_PT) for r in range(1, row))

    def cell_point(self, x: float, y: float) -> tuple[int, int, int, int]:
        col = 1
        while self.left(col + 1) <= x:
            col += 1
        row = 1
        while self.top(row + 1) <= y:
            row += 1
        return col - 1, int(x - self.left(col)), row - 1, int(y - self.top(row))


# ---- cells --------------------------------------------------------------------------------------------


def _date_text(value: dt.date | None, style: str) -> object:
    if value is None:
        return "-"
    if style == "excel":
        return dt.datetime(value.year, value.month, value.day)
    plain = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if style == "plain":
        return plain
    return f"{WEEKDAYS[value.weekday()]}, {value.day:02d} {MONTHS[value.month - 1]} {value.year}"


def _write_identity(ws, sop: Sop, style: Style, geo: Geometry, top: int) -> int:
    """The identity table from row `top`; returns the first row after it."""
    ident = sop.identity
    lab = style.labels
    wrap = Alignment(wrap_text=True, vertical="top")
    for col, width in ((1, 45.0), (2, 18.0), (3, 40.0)):
        geo.widths[col] = max(geo.widths.get(col, 0), width)
    rows = [("nomor", ident.nomor), ("pembuatan", _date_text(ident.tanggal_pembuatan, style.dates)),
            ("revisi", _date_text(ident.tanggal_revisi, style.dates)),
            ("efektif", _date_text(ident.tanggal_efektif or ident.tanggal_pengesahan, style.dates))]
    r = top
    for key, value in rows:
        ws.cell(r, 2, lab[key])
        cell = ws.cell(r, 3, value)
        if isinstance(value, dt.datetime):
            cell.number_format = "dd mmmm yyyy"
        r += 1
    signer = ident.signer
    nip = f"{signer.id_label.value}. {signer.id_number}" if signer.id_label.value else ""
    ws.cell(r, 2, lab["disahkan"])
    if style.signer_rows:
        for offset, line in enumerate([signer.jabatan, None, signer.nama, nip]):
            ws.cell(r + offset, 3, line)
        ws.merge_cells(start_row=r, start_column=2, end_row=r + 3, end_column=2)
        r += 4
    else:
        ws.cell(r, 3, f"{signer.jabatan}\n\n\n{signer.nama}\n{nip}").alignment = wrap
        geo.heights[r] = 80
        r += 1
    ws.cell(r, 2, lab["nama"])
    ws.cell(r, 3, ident.nama)
    r += 1
    ws.cell(top, 1, "\n".join([ident.instansi] + ident.unit_lines)).alignment = wrap
    ws.merge_cells(start_row=top, start_column=1, end_row=r - 1, end_column=1)
    if style.boxes_in_columns:
        # As many offices type it: the number in its own narrow column, the text merged beside it.
        for key in [k for pair in BOXES for k in pair]:
            ws.cell(r, 1, f"{lab[key].upper()} :")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
            r += 1
            for n, item in enumerate(getattr(ident, key), start=1):
                ws.cell(r, 1, n)
                ws.cell(r, 2, item).alignment = wrap
                ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
                r += 1
            r += 1  # an empty row before the next box
        return r
    for left, right in BOXES:
        for key, col in ((left, 1), (right, 2)):
            items = getattr(ident, key)
            body = "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1)) or "-"
            if style.box_label_rows:
                ws.cell(r, col, lab[key].upper())
                ws.cell(r + 1, col, body).alignment = wrap
            else:
                ws.cell(r, col, f"{lab[key]}:\n{body}").alignment = wrap
            if col == 2:
                ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
                if style.box_label_rows:
                    ws.merge_cells(start_row=r + 1, start_column=2, end_row=r + 1, end_column=3)
        geo.heights[r + (1 if style.box_label_rows else 0)] = 60
        r += 2 if style.box_label_rows else 1
    return r


@dataclass
class FlowLayout:
    """Where the builder put the flowchart: step bands, actor columns, header rows."""

    header_rows: list[int] = field(default_factory=list)
    step_rows: list[tuple[int, int]] = field(default_factory=list)  # (first, last) row per step
    actor_cols: list[int] = field(default_factory=list)
    pages: list[list[int]] = field(default_factory=list)  # step indexes per page
    spacers: dict[int, tuple[int, int]] = field(default_factory=dict)  # step index -> its two spacer rows


def _write_header(ws, sop: Sop, style: Style, r: int, actor_cols: list[int], after: int) -> int:
    caption = {"no": "No", "kegiatan": "Kegiatan", "pelaksana": "Pelaksana", "mutu": "Mutu Baku",
               "kelengkapan": "Kelengkapan", "waktu": "Waktu", "output": "Output", "keterangan": "Keterangan"}
    caption.update(style.captions)
    ws.cell(r, 1, caption["no"])
    ws.cell(r, 2, caption["kegiatan"])
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    ws.merge_cells(start_row=r, start_column=2, end_row=r + 1, end_column=2)
    ws.cell(r, actor_cols[0], caption["pelaksana"])
    if len(actor_cols) > 1:
        ws.merge_cells(start_row=r, start_column=actor_cols[0], end_row=r, end_column=actor_cols[-1])
    for col, actor in zip(actor_cols, sop.actors):
        ws.cell(r + 1, col, actor.name)
    ws.cell(r, after, caption["mutu"])
    ws.merge_cells(start_row=r, start_column=after, end_row=r, end_column=after + 2)
    for offset, key in enumerate(("kelengkapan", "waktu", "output")):
        ws.cell(r + 1, after + offset, caption[key])
    ws.cell(r, after + 3, caption["keterangan"])
    ws.merge_cells(start_row=r, start_column=after + 3, end_row=r + 1, end_column=after + 3)
    r += 2
    if style.numbering_row:
        for col in range(1, after + 4):
            ws.cell(r, col, str(col))
        r += 1
    return r


def _write_flowchart(ws, sop: Sop, style: Style, geo: Geometry, top: int, first_number: int = 1) -> FlowLayout:
    actor_cols = list(range(3, 3 + len(sop.actors)))
    after = 3 + len(sop.actors)
    for col, width in [(1, 5.0), (2, 38.0)] + [(c, 16.0) for c in actor_cols] + [
            (after, 20.0), (after + 1, 10.0), (after + 2, 20.0), (after + 3, 14.0)]:
        geo.widths[col] = max(geo.widths.get(col, 0), width)
    names = {a.id: i for i, a in enumerate(sop.actors)}
    layout = FlowLayout(actor_cols=actor_cols, pages=[[]])
    if style.title_above_flowchart:
        ws.cell(top, 1, f"Nama SOP : {sop.identity.nama}")
        top += 2
    layout.header_rows.append(top)
    r = _write_header(ws, sop, style, top, actor_cols, after)
    for i, step in enumerate(sop.steps):
        span = 2 if (i + 1) in style.merged_steps else 1
        for offset in range(span):
            geo.heights[r + offset] = 50.0 / span if span > 1 else 48.0
        waktu = step.waktu.display()
        if style.formula_waktu and waktu:
            waktu = f'="{waktu}"'
        texts = [i + first_number, step.kegiatan] + [None] * len(actor_cols) + [
            step.kelengkapan, waktu, step.output, step.keterangan]
        for col, value in enumerate(texts, start=1):
            if value not in (None, ""):
                ws.cell(r, col, value).alignment = Alignment(wrap_text=True, vertical="center")
            if span > 1 and col not in actor_cols:
                ws.merge_cells(start_row=r, start_column=col, end_row=r + span - 1, end_column=col)
        if style.drawing == "marks":
            for actor_id in step.actors:
                ws.cell(r, actor_cols[names[actor_id]], "✓")
        layout.step_rows.append((r, r + span - 1))
        layout.pages[-1].append(i)
        r += span
        if (i + 1) in style.spacer_pair_after and i + 1 < len(sop.steps):
            # Two thin rows with no number: the arrow leaves through a pentagon and comes back through another.
            geo.heights[r] = geo.heights[r + 1] = 16.0
            layout.spacers[i] = (r, r + 1)
            r += 2
        if (i + 1) in style.page_break_after and i + 1 < len(sop.steps):
            geo.heights[r] = 12.0  # room for the outgoing off-page pentagon, as people leave it
            r += 1
            layout.header_rows.append(r)
            r = _write_header(ws, sop, style, r, actor_cols, after)
            layout.pages.append([])
    return layout


# ---- shapes -------------------------------------------------------------------------------------------


@dataclass
class _Shape:
    kind: str  # sp / line
    x: float
    y: float
    w: float
    h: float
    prst: str = ""
    text: str = ""
    textbox: bool = False
    no_outline: bool = False
    head: bool = False
    flip_h: bool = False
    flip_v: bool = False
    glue: tuple[int | None, int | None] = (None, None)
    id: int = 0
    image: bytes = b""  # for kind "pic": the picture placed instead of a drawn shape


PRESETS = {Symbol.TERMINATOR: "flowChartTerminator", Symbol.PROCESS: "flowChartProcess",
           Symbol.DECISION: "flowChartDecision"}


class _Drawer:
    """Symbols and arrows for a flowchart, in sheet EMU, in one of the hand-made styles."""

    def __init__(self, sop: Sop, style: Style, geo: Geometry, flow: FlowLayout, steps: range | None = None) -> None:
        self.sop, self.style, self.geo, self.flow = sop, style, geo, flow
        self.steps = steps if steps is not None else range(len(sop.steps))  # the steps on this sheet
        self.shapes: list[_Shape] = []
        self.next_id = 2
        self.boxes: dict[tuple[int, int], _Shape] = {}  # (step, actor) -> symbol

    def add(self, shape: _Shape) -> _Shape:
        shape.id = self.next_id
        self.next_id += 1
        self.shapes.append(shape)
        return shape

    def column_centre(self, actor: int) -> float:
        col = self.flow.actor_cols[actor]
        return (self.geo.left(col) + self.geo.left(col + 1)) / 2

    def band(self, index: int) -> tuple[float, float]:
        first, last = self.flow.step_rows[index - self.steps.start]
        return self.geo.top(first), self.geo.top(last + 1)

    def symbols(self) -> None:
        order = {a.id: i for i, a in enumerate(self.sop.actors)}
        for i in self.steps:
            step = self.sop.steps[i]
            top, bottom = self.band(i)
            symbol = resolved_symbol(self.sop, i)
            h = (bottom - top) * (0.55 if symbol is Symbol.DECISION else 0.3)
            w = 11 * EMU_MM
            for actor_id in step.actors:
                cx, cy = self.column_centre(order[actor_id]), (top + bottom) / 2
                self.boxes[(i, order[actor_id])] = self.add(_Shape("sp", cx - w / 2, cy - h / 2, w, h,
                                                                   prst=PRESETS[symbol]))
            joint = [self.boxes[(i, order[a])] for a in step.actors]
            for left, right in zip(joint, joint[1:]):
                self.line([(left.x + left.w, left.y + left.h / 2), (right.x, right.y + right.h / 2)], head=False)

    def line(self, points: list[tuple[float, float]], head: bool = True, glue=(None, None), text: str = "") -> None:
        """An arrow along `points`: one piece per segment in the loose style, else one connector."""
        style = self.style.drawing
        if style == "loose" and len(points) > 2 and not text:
            for k, (a, b) in enumerate(zip(points, points[1:])):
                self._segment(a, b, head and k == len(points) - 2)
            return
        a, b = points[0], points[-1]
        shape = self._segment(a, b, head, prst="bentConnector3" if len(points) > 2 else "straightConnector1")
        shape.glue, shape.text = glue, text

    def _segment(self, a, b, head: bool, prst: str = "straightConnector1") -> _Shape:
        x, y = min(a[0], b[0]), min(a[1], b[1])
        return self.add(_Shape("line", x, y, abs(b[0] - a[0]), abs(b[1] - a[1]), prst=prst, head=head,
                               flip_h=b[0] < a[0], flip_v=b[1] < a[1]))

    def source_box(self, i: int, target: int) -> _Shape:
        """Of a joint step, the symbol in the target's column if there is one."""
        order = {a.id: k for k, a in enumerate(self.sop.actors)}
        target_cols = {order[a] for a in self.sop.steps[target].actors}
        mine = [(col, box) for (step, col), box in self.boxes.items() if step == i]
        return next((box for col, box in mine if col in target_cols), mine[0][1])

    def target_box(self, i: int) -> _Shape:
        return next(box for (step, _), box in self.boxes.items() if step == i)

    def arrow(self, i: int, target: int, label: str = "") -> None:
        src, dst = self.source_box(i, target), self.target_box(target)
        sx, sy = src.x + src.w / 2, src.y + src.h
        tx = dst.x + dst.w / 2
        glue = (src.id, dst.id) if self.style.drawing in ("glued", "pictures") else (None, None)
        if target < i and abs(tx - sx) < 1000:
            # A loop back within one column goes round the side, as a person draws it, not over the
            # forward arrow: out of the right side, up a corridor, into the target's right side.
            corridor = max(src.x + src.w, dst.x + dst.w) + 4 * EMU_MM
            points = [(src.x + src.w, src.y + src.h / 2), (corridor, src.y + src.h / 2),
                      (corridor, dst.y + dst.h / 2), (dst.x + dst.w, dst.y + dst.h / 2)]
        elif target < i:  # loop back: out of the side, up into the target's bottom
            side = src.x if tx < sx else src.x + src.w
            points = [(side, src.y + src.h / 2), (tx, src.y + src.h / 2), (tx, dst.y + dst.h)]
        elif abs(tx - sx) < 1000:
            points = [(sx, sy), (tx, dst.y)]
        elif self._is_side_branch(i, target):
            side = src.x if tx < sx else src.x + src.w
            points = [(side, src.y + src.h / 2), (tx, src.y + src.h / 2), (tx, dst.y)]
        else:
            mid = (sy + dst.y) / 2
            points = [(sx, sy), (sx, mid), (tx, mid), (tx, dst.y)]
        in_connector = label and self.style.drawing == "glued"
        self.line(points, glue=glue, text=label if in_connector else "")
        if label and not in_connector:
            a, b = points[0], points[1]
            dx = 1 if b[0] > a[0] else -1 if b[0] < a[0] else 0
            lx = a[0] + (dx * 2.5 * EMU_MM if dx else 1.2 * EMU_MM)
            ly = a[1] + (-4 * EMU_MM if dx else 0.8 * EMU_MM)
            box = 7 * EMU_MM
            self.add(_Shape("sp", lx if dx >= 0 else lx - box, ly, box, 3.5 * EMU_MM, prst="rect", text=label,
                            textbox=self.style.drawing != "legacy", no_outline=self.style.drawing == "legacy"))

    def exit_arrow(self, i: int, label: str, side: bool) -> None:
        """A branch that leaves the procedure: a short arrow to nothing, down or (for Tidak) out of the side."""
        src = self.target_box(i)
        if side:
            start = (src.x + src.w, src.y + src.h / 2)
            end, label_at = (start[0] + 6 * EMU_MM, start[1]), (start[0] + 1.5 * EMU_MM, start[1] - 4 * EMU_MM)
        else:
            start = (src.x + src.w / 2, src.y + src.h)
            end, label_at = (start[0], start[1] + 5 * EMU_MM), (start[0] + 1.2 * EMU_MM, start[1] + 0.8 * EMU_MM)
        self.line([start, end], text=label if self.style.drawing == "glued" else "")
        if label and self.style.drawing != "glued":
            self.add(_Shape("sp", label_at[0], label_at[1], 7 * EMU_MM, 3.5 * EMU_MM, prst="rect", text=label,
                            textbox=True))

    def _is_side_branch(self, i: int, target: int) -> bool:
        step = self.sop.steps[i]
        return step.no_target == self.sop.steps[target].id

    def offpage(self, last: int, first: int, label: str) -> None:
        src, dst = self.source_box(last, first), self.target_box(first)
        size = 5 * EMU_MM
        _, band_bottom = self.band(last)
        ex, ey = src.x + src.w / 2 - size / 2, band_bottom + 0.5 * EMU_MM
        exit_ = self.add(_Shape("sp", ex, ey, size, size * 0.9, prst="flowChartOffpageConnector", text=label))
        self.line([(src.x + src.w / 2, src.y + src.h), (src.x + src.w / 2, ey)],
                  glue=(src.id, exit_.id) if self.style.drawing == "glued" else (None, None))
        top, _ = self.band(first)
        nx, ny = dst.x + dst.w / 2 - size / 2, top + 0.3 * EMU_MM
        entry = self.add(_Shape("sp", nx, ny, size, size * 0.9, prst="flowChartOffpageConnector", text=label))
        self.line([(nx + size / 2, ny + size * 0.9), (nx + size / 2, dst.y)],
                  glue=(entry.id, dst.id) if self.style.drawing == "glued" else (None, None))

    def spacer_pair(self, i: int, j: int, label: str = "") -> None:
        """Step i to step j through a pentagon pair in the unnumbered rows between them."""
        src, dst = self.source_box(i, j), self.target_box(j)
        first, second = self.flow.spacers[i]
        size = 4 * EMU_MM
        sx, dx = src.x + src.w / 2, dst.x + dst.w / 2
        ey = self.geo.top(first) + 0.5 * EMU_MM
        exit_ = self.add(_Shape("sp", sx - size / 2, ey, size, size, prst="homePlate"))
        self.line([(sx, src.y + src.h), (sx, ey)], glue=(src.id, exit_.id) if self.style.drawing == "glued"
                  else (None, None))
        if label:
            self.add(_Shape("sp", sx + 1.2 * EMU_MM, src.y + src.h + 0.5 * EMU_MM, 7 * EMU_MM, 3.5 * EMU_MM,
                            prst="rect", text=label, textbox=True))
        ny = self.geo.top(second) + 0.5 * EMU_MM
        entry = self.add(_Shape("sp", dx - size / 2, ny, size, size, prst="homePlate"))
        self.line([(dx, ny + size), (dx, dst.y)], glue=(entry.id, dst.id) if self.style.drawing == "glued"
                  else (None, None))

    def sheet_exit(self, i: int, label: str = "") -> None:
        """The flow leaves this sheet under step i: an arrow into an off-page connector."""
        src, size = self.target_box(i), 5 * EMU_MM
        _, bottom = self.band(i)
        ex, ey = src.x + src.w / 2 - size / 2, bottom + 0.5 * EMU_MM
        exit_ = self.add(_Shape("sp", ex, ey, size, size * 0.9, prst="flowChartOffpageConnector"))
        self.line([(src.x + src.w / 2, src.y + src.h), (src.x + src.w / 2, ey)],
                  glue=(src.id, exit_.id) if self.style.drawing == "glued" else (None, None))
        if label:
            self.add(_Shape("sp", src.x + src.w / 2 + 1.2 * EMU_MM, src.y + src.h + 0.5 * EMU_MM, 7 * EMU_MM,
                            3.5 * EMU_MM, prst="rect", text=label, textbox=True))

    def sheet_entry(self, j: int) -> None:
        """The flow comes onto this sheet at step j: an off-page connector above it, an arrow down into it."""
        dst, size = self.target_box(j), 5 * EMU_MM
        top, _ = self.band(j)
        nx, ny = dst.x + dst.w / 2 - size / 2, top + 0.3 * EMU_MM
        entry = self.add(_Shape("sp", nx, ny, size, size * 0.9, prst="flowChartOffpageConnector"))
        self.line([(nx + size / 2, ny + size * 0.9), (nx + size / 2, dst.y)],
                  glue=(entry.id, dst.id) if self.style.drawing == "glued" else (None, None))

    def flows(self) -> None:
        sop = self.sop
        index = {s.id: k for k, s in enumerate(sop.steps)}
        last_on_page = {page[-1]: pages[0] for page, pages in zip(self.flow.pages, self.flow.pages[1:])}
        words = {"ya-tidak": ("Ya", "Tidak"), "y-t": ("Y", "T"), "none": ("", ""),
                 "words": ("Setuju", "Ditolak"), "custom": ("Elektronik", "Tercetak")}[self.style.branch_labels]
        pair = 1
        if self.steps.start > 0:
            self.sheet_entry(self.steps.start)
        for i in self.steps:
            step = sop.steps[i]
            if resolved_symbol(sop, i) is Symbol.DECISION:
                for target, word, side in ((step.yes_target, words[0], False), (step.no_target, words[1], True)):
                    if target is not None and target != END and index[target] == self.steps.stop:
                        self.sheet_exit(i, word)  # on to the first step of the next sheet
                        continue
                    if target is not None and target != END and index[target] not in self.steps:
                        raise ValueError("the builder draws no other decision branch across sheets")
                    if target == END:
                        self.exit_arrow(i, word, side)
                    elif target is not None and index[target] == i + 1 and i in self.flow.spacers:
                        self.spacer_pair(i, i + 1, word)
                    elif target is not None:
                        self.arrow(i, index[target], word)
            elif i + 1 < len(sop.steps):
                if i + 1 not in self.steps:
                    self.sheet_exit(i)
                elif i in self.flow.spacers:
                    self.spacer_pair(i, i + 1)
                elif i in last_on_page:
                    self.offpage(i, last_on_page[i], str(pair) if self.style.offpage_labels else "")
                    pair += 1
                else:
                    self.arrow(i, i + 1)


def symbol_picture(symbol: Symbol, width: int = 220, height: int = 110) -> bytes:
    """A PNG of a flowchart symbol as people paste them: black outline on white, a few strokes of 'text'."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    pad = 6
    box = (pad, pad, width - pad, height - pad)
    if symbol is Symbol.DECISION:
        cx, cy = width / 2, height / 2
        draw.polygon([(cx, pad), (width - pad, cy), (cx, height - pad), (pad, cy)], outline="black", width=3)
    elif symbol is Symbol.TERMINATOR:
        draw.rounded_rectangle(box, radius=(height - 2 * pad) // 2, outline="black", width=3)
    else:
        draw.rectangle(box, outline="black", width=3)
    for k in range(2):  # the words typed inside the box
        y = height / 2 - 8 + 12 * k
        draw.line([(width * 0.38, y), (width * 0.62, y)], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _shape_xml(s: _Shape, place) -> str:
    """One shape; `place` turns the sheet box into the xfrm box (child space inside a group)."""
    x, y, w, h = place(s.x, s.y, s.w, s.h)
    flips = (' flipH="1"' if s.flip_h else "") + (' flipV="1"' if s.flip_v else "")
    xfrm = f'<a:xfrm{flips}><a:off x="{int(x)}" y="{int(y)}"/><a:ext cx="{int(w)}" cy="{int(h)}"/></a:xfrm>'
    if s.kind == "pic":
        return (f'<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="{s.id}" name="Gambar {s.id}"/><xdr:cNvPicPr>'
                f'<a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill>'
                f'<a:blip r:embed="rIdImg{s.id}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
                f'<xdr:spPr>{xfrm}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>')
    outline = ('<a:ln w="9525"><a:noFill/></a:ln>' if s.no_outline else
               '<a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
               + ('<a:tailEnd type="triangle"/>' if s.head else "") + "</a:ln>")
    geom = f'<a:prstGeom prst="{s.prst}"><a:avLst/></a:prstGeom>'
    body = (f'<xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>{s.text}</a:t></a:r></a:p></xdr:txBody>'
            if s.text else "")
    if s.kind == "line" and not s.text:
        glue = ""
        if s.glue[0] is not None:
            glue += f'<a:stCxn id="{s.glue[0]}" idx="2"/>'
        if s.glue[1] is not None:
            glue += f'<a:endCxn id="{s.glue[1]}" idx="0"/>'
        return (f'<xdr:cxnSp macro=""><xdr:nvCxnSpPr><xdr:cNvPr id="{s.id}" name="Konektor {s.id}"/>'
                f'<xdr:cNvCxnSpPr>{glue}</xdr:cNvCxnSpPr></xdr:nvCxnSpPr><xdr:spPr>{xfrm}{geom}{outline}'
                f'</xdr:spPr></xdr:cxnSp>')
    box = ' txBox="1"' if s.textbox else ""
    return (f'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{s.id}" name="Bentuk {s.id}"/>'
            f'<xdr:cNvSpPr{box}/></xdr:nvSpPr><xdr:spPr>{xfrm}{geom}{outline}</xdr:spPr>{body}</xdr:sp>')


def _anchor(geo: Geometry, x: float, y: float, w: float, h: float, inner: str) -> str:
    c0, co0, r0, ro0 = geo.cell_point(x, y)
    c1, co1, r1, ro1 = geo.cell_point(x + w, y + h)
    return (f'<xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>{c0}</xdr:col><xdr:colOff>{co0}</xdr:colOff>'
            f'<xdr:row>{r0}</xdr:row><xdr:rowOff>{ro0}</xdr:rowOff></xdr:from><xdr:to><xdr:col>{c1}</xdr:col>'
            f'<xdr:colOff>{co1}</xdr:colOff><xdr:row>{r1}</xdr:row><xdr:rowOff>{ro1}</xdr:rowOff></xdr:to>'
            f'{inner}<xdr:clientData/></xdr:twoCellAnchor>')


def drawing_xml(shapes: list[_Shape], geo: Geometry, style: str) -> str:
    if style == "legacy":
        # One group for everything, child coordinates doubled and shifted, wrapped for a14 readers.
        x0 = min(s.x for s in shapes)
        y0 = min(s.y for s in shapes)
        x1 = max(s.x + s.w for s in shapes)
        y1 = max(s.y + s.h for s in shapes)
        shift = 1_000_000

        def child(x, y, w, h):
            return shift + (x - x0) * 2, shift + (y - y0) * 2, w * 2, h * 2

        children = "".join(_shape_xml(s, child) for s in shapes)
        group = (f'<xdr:grpSp><xdr:nvGrpSpPr><xdr:cNvPr id="1000" name="Grup Flowchart"/><xdr:cNvGrpSpPr/>'
                 f'</xdr:nvGrpSpPr><xdr:grpSpPr><a:xfrm><a:off x="{int(x0)}" y="{int(y0)}"/>'
                 f'<a:ext cx="{int(x1 - x0)}" cy="{int(y1 - y0)}"/><a:chOff x="{shift}" y="{shift}"/>'
                 f'<a:chExt cx="{int((x1 - x0) * 2)}" cy="{int((y1 - y0) * 2)}"/></a:xfrm></xdr:grpSpPr>'
                 f'{children}</xdr:grpSp>')
        anchor = _anchor(geo, x0, y0, x1 - x0, y1 - y0, group)
        body = (f'<mc:AlternateContent><mc:Choice Requires="a14">{anchor}</mc:Choice>'
                f'<mc:Fallback>{anchor}</mc:Fallback></mc:AlternateContent>')
    else:
        body = "".join(_anchor(geo, s.x, s.y, s.w, s.h, _shape_xml(s, lambda x, y, w, h: (x, y, w, h)))
                       for s in shapes)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr {NS_DECL}>{body}</xdr:wsDr>'


def inject_drawing(xlsx: bytes, sheet_part: str, drawing: str, number: int = 1,
                   media: dict[str, tuple[bytes, str]] | None = None) -> bytes:
    """Add a drawing part to an openpyxl-saved workbook: part, sheet rels, <drawing r:id>, content type;
    `media` (relationship id -> picture bytes and extension) adds the pictures the drawing embeds."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    folder, base = sheet_part.rsplit("/", 1)
    rels_part = f"{folder}/_rels/{base}.rels"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == sheet_part:
                tag = (b'<drawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                       b'r:id="rIdDrawing1"/>')
                data = data.replace(b"</worksheet>", tag + b"</worksheet>")
            elif info.filename == "[Content_Types].xml":
                defaults = "".join(f'<Default Extension="{ext}" ContentType="image/{"x-emf" if ext == "emf" else ext}"/>'
                                   for ext in sorted({ext for _, ext in (media or {}).values()})
                                   if f'Extension="{ext}"'.encode() not in data)
                data = data.replace(b"</Types>", f'{defaults}<Override PartName="/xl/drawings/drawing{number}.xml" '
                                    'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
                                    '</Types>'.encode())
            target.writestr(info, data)
        assert rels_part not in source.NameToInfo
        target.writestr(rels_part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                        'Id="rIdDrawing1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                        f'drawing" Target="../drawings/drawing{number}.xml"/></Relationships>')
        target.writestr(f"xl/drawings/drawing{number}.xml", drawing)
        if media:
            rels = "".join(f'<Relationship Id="{rel}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                           f'relationships/image" Target="../media/d{number}_{rel}.{ext}"/>'
                           for rel, (_, ext) in media.items())
            target.writestr(f"xl/drawings/_rels/drawing{number}.xml.rels",
                            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
                            '</Relationships>')
            for rel, (content, ext) in media.items():
                target.writestr(f"xl/media/d{number}_{rel}.{ext}", content)
    return out.getvalue()


# ---- whole workbooks ----------------------------------------------------------------------------------


def build_workbook(sops: Sop | list[Sop], style: Style | None = None, stacked: bool = False) -> bytes:
    """SOPs as a person would type and draw them: a sheet pair (Identitas/Flowchart) or one sheet each,
    or with `stacked` all of them one below the other on a single sheet."""
    sops = [sops] if isinstance(sops, Sop) else sops
    style = style or Style()
    workbook = Workbook()
    workbook.remove(workbook.active)
    drawn: list[tuple[object, Geometry, list[_Shape]]] = []
    next_id = 2
    ws, geo, top = None, Geometry(), 1
    for number, sop in enumerate(sops, start=1):
        suffix = f" {number}" if len(sops) > 1 else ""
        if style.one_sheet or stacked:
            if ws is None or not stacked:
                ws, geo, top = workbook.create_sheet(f"SOP{suffix}"), Geometry(), 1
                drawn.append((ws, geo, []))
            top = _write_identity(ws, sop, style, geo, top) + 2
            flow_ws = ws
        else:
            _write_identity(workbook.create_sheet(f"Identitas{suffix}"), sop, style, Geometry(), 1)
            flow_ws, geo, top = workbook.create_sheet(f"Flowchart{suffix}"), Geometry(), 1
            drawn.append((flow_ws, geo, []))
        if style.split_after:
            # The flowchart goes on in a sheet of its own, its numbering carried on; the flow leaves the
            # first sheet through an off-page connector and comes onto the second through another.
            k = style.split_after
            first, rest = sop.clone(), sop.clone()
            first.steps, rest.steps = first.steps[:k], rest.steps[k:]
            layouts = [_write_flowchart(flow_ws, first, style, geo, top)]
            more_geo = Geometry()
            more_ws = workbook.create_sheet(f"Flowchart{suffix} (lanjutan)")
            drawn.append((more_ws, more_geo, []))
            layouts.append(_write_flowchart(more_ws, rest, style, more_geo, 1, first_number=k + 1))
            if style.drawing != "marks":
                for (_, sheet_geo, shapes), part, steps in zip(drawn[-2:], layouts,
                                                               (range(0, k), range(k, len(sop.steps)))):
                    drawer = _Drawer(sop, style, sheet_geo, part, steps)
                    drawer.next_id = next_id
                    drawer.symbols()
                    drawer.flows()
                    next_id = drawer.next_id
                    shapes.extend(drawer.shapes)
            continue
        layout = _write_flowchart(flow_ws, sop, style, geo, top)
        top = layout.step_rows[-1][1] + 4
        if style.drawing != "marks":
            drawer = _Drawer(sop, style, geo, layout)
            drawer.next_id = next_id
            drawer.symbols()
            drawer.flows()
            next_id = drawer.next_id
            if style.drawing == "pictures":
                kinds = {prst: symbol for symbol, prst in PRESETS.items()}
                for shape in drawer.shapes:
                    if shape.kind == "sp" and shape.prst in kinds:
                        shape.kind = "pic"
                        shape.image = (symbol_picture(kinds[shape.prst]) if style.picture_format == "png"
                                       else b"\x01\x00\x00\x00 EMF tidak dapat dibaca " * 4)
            drawn[-1][2].extend(drawer.shapes)
    for sheet, geo, _ in drawn:
        for col, width in geo.widths.items():
            sheet.column_dimensions[get_column_letter(col)].width = width
        for row in range(1, max(geo.heights, default=1) + 1):
            # Every row explicit, as LibreOffice writes them.
            sheet.row_dimensions[row].height = geo.heights.setdefault(row, 15.0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    for n, (sheet, geo, shapes) in enumerate(drawn, start=1):
        if shapes:
            part = f"xl/worksheets/sheet{workbook.sheetnames.index(sheet.title) + 1}.xml"
            ext = "png" if style.picture_format == "png" else "emf"
            media = {f"rIdImg{s.id}": (s.image, ext) for s in shapes if s.kind == "pic"}
            data = inject_drawing(data, part, drawing_xml(shapes, geo, style.drawing), n, media)
    return data


def libreoffice_roundtrip(source: Path, folder: Path) -> Path | None:
    """The workbook opened and saved again by LibreOffice Calc, or None where soffice is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    out = folder / "libreoffice"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=180)
    result = out / (source.stem + ".xlsx")
    return result if result.exists() else None

"""SOP PDFs made the way an office might make them in LibreOffice Writer, for the PDF importer's tests.

Each sample is a flat OpenDocument text (.fodt) whose pages hold drawing objects pinned in place:
the form's rules drawn as lines (or thin filled rectangles), texts in text boxes, and the flowchart
drawn with the basic shapes of the Drawing toolbar (a rounded
rectangle for the terminator, a rectangle, a four-point polygon for the decision, a five-point
polygon for the off-page connector) joined by polylines with arrowheads. LibreOffice turns it into
a PDF (`soffice --convert-to pdf`), so the PDF is written by another program than SOP Desk, with
its own fonts, paths and text order. The same spec is what the test expects back.

Run as a script to write the .fodt and .pdf files into a folder:
    python tests/pdf_office_maker.py OUT_DIR
"""
from __future__ import annotations

import copy
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

PAGE_W, PAGE_H = 842.0, 595.0  # A4 landscape, points
MARGIN = 36.0


@dataclass
class StepSpec:
    text: list[str]  # the lines as printed in the Kegiatan cell
    actors: list[int]
    kind: str = "process"  # "terminator", "process", "decision"
    yes: int | None = None  # 0-based step index
    no: int | None = None
    yes_label: str = "Ya"
    no_label: str = "Tidak"
    kelengkapan: str = ""
    waktu: str = ""
    output: str = ""
    keterangan: str = ""


@dataclass
class SopSpec:
    name: str
    labels: dict[str, str]  # field -> label text as printed
    identity: dict[str, str]  # field -> value as printed
    signer: list[str]  # jabatan, name, NIP line
    boxes: dict[str, list[str]]  # box field -> items (printed numbered)
    box_titles: dict[str, str]
    instansi: list[str]
    unit: list[str]
    header: dict[str, str]  # column kind -> caption
    actors: list[str]
    steps: list[StepSpec]
    rows_per_page: list[int]  # steps on each flowchart page
    same_page: bool = False  # flowchart under the identity table on page 1
    thin_rect_rules: bool = False
    shape_fill: str = "#ffffff"
    two_column_box: str = ""  # a box whose list is printed in two columns
    repeat_header: bool = False
    writer_table: bool = False  # the flowchart is a real Writer table (borders, merged header cells), one page


class Page:
    def __init__(self, spec: SopSpec) -> None:
        self.spec = spec
        self.items: list[str] = []

    def rule(self, x1: float, y1: float, x2: float, y2: float) -> None:
        if self.spec.thin_rect_rules:
            if abs(y1 - y2) < 0.01:
                self.items.append(f'<draw:rect draw:style-name="rule" svg:x="{x1:.2f}pt" svg:y="{y1 - 0.4:.2f}pt" '
                                  f'svg:width="{x2 - x1:.2f}pt" svg:height="0.8pt"/>')
            else:
                self.items.append(f'<draw:rect draw:style-name="rule" svg:x="{x1 - 0.4:.2f}pt" svg:y="{y1:.2f}pt" '
                                  f'svg:width="0.8pt" svg:height="{y2 - y1:.2f}pt"/>')
        else:
            self.items.append(f'<draw:line draw:style-name="line" svg:x1="{x1:.2f}pt" svg:y1="{y1:.2f}pt" '
                              f'svg:x2="{x2:.2f}pt" svg:y2="{y2:.2f}pt"/>')

    def text(self, x: float, y: float, w: float, lines: list[str], size: int = 8, bold: bool = False,
             centre: bool = False) -> None:
        style = ("Pb" if bold else "P") + ("c" if centre else "") + str(size)
        paragraphs = "".join(f'<text:p text:style-name="{style}">{escape(line)}</text:p>' for line in lines)
        height = (size + 3) * max(len(lines), 1) + 2
        self.items.append(f'<draw:frame draw:style-name="box" svg:x="{x:.2f}pt" svg:y="{y:.2f}pt" '
                          f'svg:width="{w:.2f}pt" svg:height="{height:.2f}pt"><draw:text-box>{paragraphs}'
                          f'</draw:text-box></draw:frame>')

    def cell_rule(self, x1: float, y1: float, x2: float, y2: float) -> None:
        """A rule of the flowchart table: drawn, unless the table is a real Writer table."""
        if not self.spec.writer_table:
            self.rule(x1, y1, x2, y2)

    def cell_text(self, x: float, y: float, w: float, lines: list[str], size: int = 8, bold: bool = False,
                  centre: bool = False) -> None:
        if not self.spec.writer_table:
            self.text(x, y, w, lines, size, bold, centre)

    def shape(self, kind: str, cx: float, cy: float, w: float = 40, h: float = 16, label: str = "") -> None:
        x, y = cx - w / 2, cy - h / 2
        fill = self.spec.shape_fill
        inner = f'<text:p text:style-name="Pc6">{escape(label)}</text:p>' if label else ""
        if kind == "terminator":
            self.items.append(f'<draw:rect draw:style-name="shape" draw:corner-radius="{h / 2:.2f}pt" '
                              f'svg:x="{x:.2f}pt" svg:y="{y:.2f}pt" svg:width="{w:.2f}pt" svg:height="{h:.2f}pt">'
                              f'{inner}</draw:rect>')
        elif kind == "process":
            self.items.append(f'<draw:rect draw:style-name="shape" svg:x="{x:.2f}pt" svg:y="{y:.2f}pt" '
                              f'svg:width="{w:.2f}pt" svg:height="{h:.2f}pt">{inner}</draw:rect>')
        else:
            if kind == "decision":
                points = "500,0 1000,500 500,1000 0,500"
            else:  # off-page connector: a pentagon pointing down
                points = "0,0 1000,0 1000,650 500,1000 0,650"
            self.items.append(f'<draw:polygon draw:style-name="shape" svg:x="{x:.2f}pt" svg:y="{y:.2f}pt" '
                              f'svg:width="{w:.2f}pt" svg:height="{h:.2f}pt" svg:viewBox="0 0 1000 1000" '
                              f'draw:points="{points}">{inner}</draw:polygon>')
        del fill

    def arrow(self, points: list[tuple[float, float]]) -> None:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x0, y0 = min(xs), min(ys)
        # A box at least 2 pt each way: LibreOffice stretches a polyline drawn in a box of no width.
        if max(xs) - x0 < 2:
            x0 -= 1
        if max(ys) - y0 < 2:
            y0 -= 1
        w, h = max(max(xs) - x0, 2.0), max(max(ys) - y0, 2.0)
        scale = 100.0
        rel = " ".join(f"{(px - x0) * scale:.0f},{(py - y0) * scale:.0f}" for px, py in points)
        self.items.append(f'<draw:polyline draw:style-name="arrow" svg:x="{x0:.2f}pt" svg:y="{y0:.2f}pt" '
                          f'svg:width="{w:.2f}pt" svg:height="{h:.2f}pt" '
                          f'svg:viewBox="0 0 {w * scale:.0f} {h * scale:.0f}" draw:points="{rel}"/>')

    def xml(self, number: int) -> str:
        return f'<draw:page draw:name="hal{number}" draw:master-page-name="Default">{"".join(self.items)}</draw:page>'


def _identity(page: Page, spec: SopSpec) -> float:
    """Draws the identity table; returns the y under it."""
    left, right = MARGIN, PAGE_W - MARGIN
    mid = left + (right - left) * 0.55
    label_w = 90
    rows = ["nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "disahkan", "nama"]
    heights = {"disahkan": 64, "nama": 22}
    top = MARGIN
    y = top
    page.rule(left, top, right, top)
    for field_name in rows:
        h = heights.get(field_name, 13)
        page.text(mid + 2, y + 1.5, label_w - 4, [spec.labels[field_name]])
        if field_name == "disahkan":
            page.text(mid + label_w + 2, y + 1.5, right - mid - label_w - 4, [spec.signer[0]], centre=True)
            page.text(mid + label_w + 2, y + h - 26, right - mid - label_w - 4, spec.signer[1:], centre=True)
        else:
            page.text(mid + label_w + 2, y + 1.5, right - mid - label_w - 4, [spec.identity[field_name]],
                      bold=field_name == "nama")
        y += h
        page.rule(mid, y, right, y)
    page.rule(left, y, left, top)
    page.rule(mid, top, mid, y)
    page.rule(mid + label_w, top, mid + label_w, y)
    page.rule(right, top, right, y)
    page.text(left + 10, top + 40, mid - left - 20, spec.instansi, size=11, bold=True, centre=True)
    page.text(left + 10, top + 40 + 14 * len(spec.instansi) + 16, mid - left - 20, spec.unit, size=9, centre=True)
    page.rule(left, y, mid, y)
    # The six boxes, two per row.
    order = (("dasar_hukum", "kualifikasi_pelaksana"), ("keterkaitan", "peralatan_perlengkapan"),
             ("peringatan", "pencatatan_pendataan"))
    for pair in order:
        lines_needed = max(_box_lines(spec, box) for box in pair)
        h_title, h_body = 12, 11 * lines_needed + 6
        for k, box in enumerate(pair):
            x0 = left if k == 0 else mid
            x1 = mid if k == 0 else right
            page.text(x0 + 3, y + 1, x1 - x0 - 6, [spec.box_titles[box]], bold=True)
            items = spec.boxes.get(box, [])
            numbered = [f"{i + 1}. {item}" for i, item in enumerate(items)] if items else ["-"]
            if box == spec.two_column_box and len(numbered) > 1:
                half = (len(numbered) + 1) // 2
                width = (x1 - x0) / 2
                page.text(x0 + 3, y + h_title + 2, width - 6, numbered[:half])
                page.text(x0 + width + 3, y + h_title + 2, width - 6, numbered[half:])
            else:
                page.text(x0 + 3, y + h_title + 2, x1 - x0 - 6, numbered)
        page.rule(left, y + h_title, right, y + h_title)
        page.rule(left, y + h_title + h_body, right, y + h_title + h_body)
        page.rule(left, y, left, y + h_title + h_body)
        page.rule(mid, y, mid, y + h_title + h_body)
        page.rule(right, y, right, y + h_title + h_body)
        y += h_title + h_body
    return y


def _box_lines(spec: SopSpec, box: str) -> int:
    items = spec.boxes.get(box, [])
    if box == spec.two_column_box:
        return max((len(items) + 1) // 2, 1)
    return max(len(items), 1)


@dataclass
class Grid:
    xs: list[float] = field(default_factory=list)  # column edges
    kinds: list[str] = field(default_factory=list)


def _columns(spec: SopSpec) -> Grid:
    left, right = MARGIN, PAGE_W - MARGIN
    widths = [24, 150] + [62] * len(spec.actors) + [80, 44, 80]
    rest = right - left - sum(widths)
    widths.append(rest)
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    kinds = ["no", "kegiatan"] + ["actor"] * len(spec.actors) + ["kelengkapan", "waktu", "output", "keterangan"]
    return Grid(xs, kinds)


def _header(page: Page, spec: SopSpec, grid: Grid, top: float) -> float:
    xs = grid.xs
    h1, h2 = 14, 16
    bottom = top + h1 + h2
    first_actor = 2
    last_actor = 2 + len(spec.actors)
    page.cell_rule(xs[0], top, xs[-1], top)
    page.cell_rule(xs[first_actor], top + h1, xs[last_actor + 3], top + h1)
    page.cell_rule(xs[0], bottom, xs[-1], bottom)
    for k, x in enumerate(xs):
        if first_actor < k < last_actor or last_actor < k < last_actor + 3:
            page.cell_rule(x, top + h1, x, bottom)
        else:
            page.cell_rule(x, top, x, bottom)
    page.cell_text(xs[0] + 1, top + 10, xs[1] - xs[0] - 2, [spec.header["no"]], bold=True, centre=True)
    page.cell_text(xs[1] + 1, top + 10, xs[2] - xs[1] - 2, [spec.header["kegiatan"]], bold=True, centre=True)
    page.cell_text(xs[first_actor] + 1, top + 2, xs[last_actor] - xs[first_actor] - 2, [spec.header["pelaksana"]],
              bold=True, centre=True)
    for k, name in enumerate(spec.actors):
        page.cell_text(xs[first_actor + k] + 1, top + h1 + 2, xs[first_actor + k + 1] - xs[first_actor + k] - 2, [name],
                  size=7, bold=True, centre=True)
    page.cell_text(xs[last_actor] + 1, top + 2, xs[last_actor + 3] - xs[last_actor] - 2, [spec.header["mutu_baku"]],
              bold=True, centre=True)
    for k, kind in enumerate(("kelengkapan", "waktu", "output")):
        page.cell_text(xs[last_actor + k] + 1, top + h1 + 2, xs[last_actor + k + 1] - xs[last_actor + k] - 2,
                  [spec.header[kind]], size=7, bold=True, centre=True)
    page.cell_text(xs[-2] + 1, top + 10, xs[-1] - xs[-2] - 2, [spec.header["keterangan"]], bold=True, centre=True)
    return bottom


ROW_H = 60.0


def _chart_pages(spec: SopSpec, first_page: Page, first_top: float) -> list[Page]:
    grid = _columns(spec)
    xs = grid.xs
    pages: list[Page] = []
    centres: dict[int, tuple[int, float, float]] = {}  # step -> (page, cx, cy) of its main shape
    row_tops: dict[int, float] = {}
    start = 0
    for p, count in enumerate(spec.rows_per_page):
        page = first_page if (p == 0 and spec.same_page) else Page(spec)
        if not (p == 0 and spec.same_page):
            pages.append(page)
        top = first_top if (p == 0 and spec.same_page) else MARGIN
        y = _header(page, spec, grid, top) if (p == 0 or spec.repeat_header) else top
        if not (p == 0 or spec.repeat_header):
            page.rule(xs[0], y, xs[-1], y)
        for i in range(start, start + count):
            step = spec.steps[i]
            bottom = y + ROW_H
            page.cell_rule(xs[0], bottom, xs[-1], bottom)
            for x in xs:
                page.cell_rule(x, y, x, bottom)
            page.cell_text(xs[0] + 1, y + 4, xs[1] - xs[0] - 2, [str(i + 1)], centre=True)
            page.cell_text(xs[1] + 3, y + 4, xs[2] - xs[1] - 6, step.text)
            base = 2 + len(spec.actors)
            for k, value in enumerate((step.kelengkapan, step.waktu, step.output, step.keterangan)):
                if value:
                    page.cell_text(xs[base + k] + 3, y + 4, xs[base + k + 1] - xs[base + k] - 6, [value], size=7)
            cy = y + ROW_H / 2
            row_tops[i] = y
            for n, actor in enumerate(step.actors):
                cx = (xs[2 + actor] + xs[3 + actor]) / 2
                kind = step.kind if n == 0 else ("process" if step.kind == "decision" else step.kind)
                if kind == "decision":
                    page.shape("decision", cx, cy, 40, 26)
                else:
                    page.shape(kind, cx, cy)
                if n == 0:
                    centres[i] = (len(pages) - 1 if pages else 0, cx, cy)
            y = bottom
        start += count
        if not (p == 0 and spec.same_page):
            pass
    all_pages = ([first_page] if spec.same_page else []) + pages
    page_of_step = {}
    k = 0
    for p, count in enumerate(spec.rows_per_page):
        for i in range(k, k + count):
            page_of_step[i] = p
        k += count
    # Connectors: the next step for processes, the two branches for decisions.
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for i, step in enumerate(spec.steps):
        if step.kind == "terminator" and i > 0:
            continue
        here = page_of_step[i]
        _, cx, cy = centres[i]
        half_h = 13 if step.kind == "decision" else 8
        targets = [(step.yes, step.yes_label, "bottom"), (step.no, step.no_label, "side")] \
            if step.kind == "decision" else [(i + 1, "", "bottom")]
        for target, label, where in targets:
            if target is None or target >= len(spec.steps):
                continue
            _, tx, ty = centres[target]
            t_half = 13 if spec.steps[target].kind == "decision" else 8
            page = all_pages[here]
            if page_of_step[target] != here:
                # An off-page connector pair ("A", "B" ...): under the shape here, at the top of the target's row.
                letter = next(letters)
                bottom_y = cy + half_h
                page.arrow([(cx, bottom_y), (cx, bottom_y + 6)])
                page.shape("offpage", cx, bottom_y + 12, 16, 12, letter)
                nxt = all_pages[page_of_step[target]]
                nxt.shape("offpage", tx, row_tops[target] + 8, 16, 12, letter)
                nxt.arrow([(tx, row_tops[target] + 14), (tx, ty - t_half)])
                if label:
                    page.text(cx + 3, cy + half_h - 1, 40, [label], size=6)
                continue
            if where == "bottom":
                if abs(tx - cx) < 1:
                    page.arrow([(cx, cy + half_h), (tx, ty - t_half)])
                else:
                    mid_y = ty - t_half - 6
                    page.arrow([(cx, cy + half_h), (cx, mid_y), (tx, mid_y), (tx, ty - t_half)])
                if label:
                    page.text(cx + 3, cy + half_h + 1, 40, [label], size=6)
            else:
                # The other branch leaves from the right vertex and goes round to the target's right side.
                right_x = cx + 20
                lane = min(right_x + 12 + 3 * i, xs[2 + len(spec.actors)] - 5)
                page.arrow([(right_x, cy), (lane, cy), (lane, ty), (tx + 20, ty)])
                page.text(right_x + 2, cy - 10, 50, [label], size=6)
    return all_pages


def _anchored(item: str, page: int) -> str:
    """A shape pinned to a page of the Writer document."""
    name_end = item.index(" ")
    return f'{item[:name_end]} text:anchor-type="page" text:anchor-page-number="{page}"{item[name_end:]}'


def _cell(text: list[str] | str, style: str = "P8", rows: int = 1, cols: int = 1) -> str:
    lines = [text] if isinstance(text, str) else text
    span = (f' table:number-rows-spanned="{rows}"' if rows > 1 else "") + (
        f' table:number-columns-spanned="{cols}"' if cols > 1 else "")
    body = "".join(f'<text:p text:style-name="{style}">{escape(line)}</text:p>' for line in lines) or \
        f'<text:p text:style-name="{style}"/>'
    return f'<table:table-cell table:style-name="Cell" office:value-type="string"{span}>{body}</table:table-cell>'


def _writer_table(spec: SopSpec) -> tuple[str, str]:
    """(styles, table) of the flowchart as a Writer table whose rows and columns sit where the shapes expect."""
    grid = _columns(spec)
    widths = [b - a for a, b in zip(grid.xs, grid.xs[1:])]
    n = len(spec.actors)
    styles = [f'<style:style style:name="Tbl" style:family="table"><style:table-properties '
              f'style:width="{sum(widths):.2f}pt" table:align="left" fo:margin-left="0pt" fo:margin-top="0pt" '
              f'fo:margin-bottom="0pt" fo:break-before="page"/></style:style>',
              '<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties '
              'fo:border="0.6pt solid #000000" fo:padding="1.5pt" style:vertical-align="top"/></style:style>']
    for k, w in enumerate(widths):
        styles.append(f'<style:style style:name="Col{k}" style:family="table-column"><style:table-column-properties '
                      f'style:column-width="{w:.2f}pt"/></style:style>')
    for name, h in (("Rh1", 14), ("Rh2", 16), ("Rs", ROW_H)):
        styles.append(f'<style:style style:name="{name}" style:family="table-row"><style:table-row-properties '
                      f'style:row-height="{h}pt"/></style:style>')
    cols = "".join(f'<table:table-column table:style-name="Col{k}"/>' for k in range(len(widths)))
    cover = "<table:covered-table-cell/>"
    head1 = (_cell(spec.header["no"], "Pbc8", rows=2) + _cell(spec.header["kegiatan"], "Pbc8", rows=2)
             + _cell(spec.header["pelaksana"], "Pbc8", cols=n) + cover * (n - 1)
             + _cell(spec.header["mutu_baku"], "Pbc8", cols=3) + cover * 2
             + _cell(spec.header["keterangan"], "Pbc8", rows=2))
    head2 = (cover * 2 + "".join(_cell(name, "Pbc7") for name in spec.actors)
             + "".join(_cell(spec.header[k], "Pbc7") for k in ("kelengkapan", "waktu", "output")) + cover)
    rows = [f'<table:table-row table:style-name="Rh1">{head1}</table:table-row>',
            f'<table:table-row table:style-name="Rh2">{head2}</table:table-row>']
    for i, step in enumerate(spec.steps):
        cells = (_cell(str(i + 1), "Pc8") + _cell(" ".join(step.text)) + _cell("") * n
                 + "".join(_cell(v, "P7") for v in (step.kelengkapan, step.waktu, step.output, step.keterangan)))
        rows.append(f'<table:table-row table:style-name="Rs">{cells}</table:table-row>')
    table = f'<table:table table:name="Bagan" table:style-name="Tbl">{cols}{"".join(rows)}</table:table>'
    return "".join(styles), table


def fodt(spec: SopSpec) -> str:
    """The sample as a flat OpenDocument text (.fodt): pages of shapes pinned in place in LibreOffice Writer."""
    first = Page(spec)
    y = _identity(first, spec)
    pages = [first]
    chart = _chart_pages(spec, first, y + 14)
    pages += [p for p in chart if p is not first]
    shapes = "".join(_anchored(item, n + 1) for n, page in enumerate(pages) for item in page.items)
    breaks = '<text:p text:style-name="Empty"/>' + '<text:p text:style-name="Break"/>' * (len(pages) - 1)
    table_styles = ""
    if spec.writer_table:
        # The identity page, then the flowchart table starting the second page at the top margin.
        table_styles, table = _writer_table(spec)
        breaks = '<text:p text:style-name="Empty"/>' + table
    para = []
    for size in (6, 7, 8, 9, 11):
        for bold in (False, True):
            for centre in (False, True):
                name = ("Pb" if bold else "P") + ("c" if centre else "") + str(size)
                weight = ' fo:font-weight="bold"' if bold else ""
                align = ' fo:text-align="center"' if centre else ""
                para.append(f'<style:style style:name="{name}" style:family="paragraph">'
                            f'<style:paragraph-properties fo:margin-top="0pt" fo:margin-bottom="0pt"'
                            f' fo:line-height="100%"{align}/>'
                            f'<style:text-properties fo:font-size="{size}pt" style:font-name="Liberation Sans" '
                            f'fo:font-family="Liberation Sans"{weight}/></style:style>')
    over = 'style:wrap="run-through" style:run-through="foreground"'
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="Liberation Sans" svg:font-family="Liberation Sans"/>
</office:font-face-decls>
<office:styles>
 <draw:marker draw:name="Panah" svg:viewBox="0 0 20 30" svg:d="M10 0l-10 30h20z"/>
 <style:style style:name="Standard" style:family="paragraph"/>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="PM1"><style:page-layout-properties fo:margin-top="{MARGIN}pt"
  fo:margin-bottom="{MARGIN}pt" fo:margin-left="{MARGIN}pt" fo:margin-right="{MARGIN}pt"
  fo:page-width="{PAGE_W}pt" fo:page-height="{PAGE_H}pt"
  style:print-orientation="landscape"/></style:page-layout>
 <style:style style:name="Empty" style:family="paragraph"><style:text-properties fo:font-size="2pt"/></style:style>
 <style:style style:name="Break" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/>
  <style:text-properties fo:font-size="2pt"/></style:style>
 <style:style style:name="line" style:family="graphic"><style:graphic-properties draw:stroke="solid"
  svg:stroke-width="0.6pt" svg:stroke-color="#000000" draw:fill="none" {over}/></style:style>
 <style:style style:name="rule" style:family="graphic"><style:graphic-properties draw:stroke="none"
  draw:fill="solid" draw:fill-color="#000000" {over}/></style:style>
 <style:style style:name="shape" style:family="graphic"><style:graphic-properties draw:stroke="solid"
  svg:stroke-width="0.8pt" svg:stroke-color="#000000" draw:fill="solid" draw:fill-color="{spec.shape_fill}"
  draw:textarea-vertical-align="middle" {over}/></style:style>
 <style:style style:name="arrow" style:family="graphic"><style:graphic-properties draw:stroke="solid"
  svg:stroke-width="0.6pt" svg:stroke-color="#000000" draw:fill="none" draw:marker-end="Panah"
  draw:marker-end-width="5pt" {over}/></style:style>
 <style:style style:name="box" style:family="graphic"><style:graphic-properties draw:stroke="none" draw:fill="none"
  fo:padding="0pt" draw:textarea-vertical-align="top" {over}/></style:style>
 {"".join(para)}
 {table_styles}
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="PM1"/></office:master-styles>
<office:body><office:text>{shapes}{breaks}</office:text></office:body>
</office:document>
'''


# ---- the samples ------------------------------------------------------------------------------------


def samples() -> list[SopSpec]:
    dinas = SopSpec(
        name="dinas-perizinan",
        labels={"nomor": "Nomor SOP", "tanggal_pembuatan": "Tgl. Pembuatan", "tanggal_revisi": "Tgl. Revisi",
                "tanggal_efektif": "Tgl. Efektif", "disahkan": "Disahkan Oleh", "nama": "Judul SOP"},
        identity={"nomor": "800/12/DPMPTSP/2024", "tanggal_pembuatan": "05-02-2024",
                  "tanggal_revisi": "-", "tanggal_efektif": "1 Maret 2024", "nama": "Penerbitan Izin Reklame"},
        signer=["Kepala Dinas Penanaman Modal", "Drs. Ahmad Fauzi, M.Si.", "NIP. 19750312 199903 1 004"],
        boxes={"dasar_hukum": ["Undang-Undang Nomor 6 Tahun 2023", "Peraturan Pemerintah Nomor 5 Tahun 2021",
                               "Peraturan Daerah Nomor 3 Tahun 2019", "Peraturan Bupati Nomor 12 Tahun 2022"],
               "kualifikasi_pelaksana": ["Memahami tata cara perizinan", "Mampu mengoperasikan komputer"],
               "keterkaitan": [],
               "peralatan_perlengkapan": ["Komputer", "Printer", "Aplikasi perizinan daring"],
               "peringatan": ["Izin tidak terbit bila berkas tidak lengkap"],
               "pencatatan_pendataan": ["Register izin reklame"]},
        box_titles={"dasar_hukum": "Dasar Hukum :", "kualifikasi_pelaksana": "Kualifikasi Pelaksanaan :",
                    "keterkaitan": "Keterkaitan :", "peralatan_perlengkapan": "Peralatan/Perlengkapan :",
                    "peringatan": "Peringatan :", "pencatatan_pendataan": "Pencatatan dan Pendataan :"},
        instansi=["PEMERINTAH KABUPATEN CONTOH", "DINAS PENANAMAN MODAL DAN PTSP"],
        unit=["Bidang Pelayanan Perizinan"],
        header={"no": "No", "kegiatan": "Uraian Prosedur", "pelaksana": "Pelaksana", "mutu_baku": "Mutu Buku",
                "kelengkapan": "Persyaratan", "waktu": "Waktu", "output": "Output", "keterangan": "Keterangan"},
        actors=["Pemohon", "Petugas Loket", "Kepala Bidang", "Kepala Dinas"],
        steps=[
            StepSpec(["Mengajukan permohonan izin", "reklame secara daring"], [0], "terminator",
                     kelengkapan="Formulir", waktu="10 menit", output="Berkas permohonan"),
            StepSpec(["Memeriksa kelengkapan berkas"], [1], "decision", yes=2, no=0, yes_label="lengkap",
                     no_label="belum lengkap", kelengkapan="Berkas permohonan", waktu="30 menit",
                     output="Berkas diperiksa"),
            StepSpec(["Membuat draf izin dan", "mengirim ke Kepala Bidang"], [1], kelengkapan="Berkas lengkap",
                     waktu="1 hari", output="Draf izin"),
            StepSpec(["Meneliti draf izin reklame"], [2], "decision", yes=4, no=2, yes_label="valid",
                     no_label="belum valid", kelengkapan="Draf izin", waktu="2 jam", output="Draf diparaf",
                     keterangan="Paraf koordinasi"),
            StepSpec(["Menandatangani izin secara", "elektronik"], [3], kelengkapan="Draf diparaf",
                     waktu="1 hari", output="Izin reklame"),
            StepSpec(["Menyerahkan izin kepada", "pemohon melalui loket non-", "tunai"], [1, 0],
                     kelengkapan="Izin reklame", waktu="15 menit", output="Tanda terima"),
            StepSpec(["Menerima izin reklame"], [0], "terminator", output="Izin diterima"),
        ],
        rows_per_page=[4, 3],
        two_column_box="dasar_hukum",
    )
    ringkas = SopSpec(
        name="biro-umum-ringkas",
        labels={"nomor": "No. SOP", "tanggal_pembuatan": "Tanggal Pembuatan", "tanggal_revisi": "Tanggal Revisi",
                "tanggal_efektif": "Tanggal Pengesahan", "disahkan": "Disahkan oleh", "nama": "Nama SOP"},
        identity={"nomor": "SOP-07/BU/2023", "tanggal_pembuatan": "Senin, 02 Januari 2023",
                  "tanggal_revisi": "-", "tanggal_efektif": "Selasa, 10 Januari 2023",
                  "nama": "Peminjaman Ruang Rapat"},
        signer=["Kepala Biro Umum", "Siti Rahmawati, S.E.", "NIP. 198001012005012001"],
        boxes={"dasar_hukum": ["Peraturan Gubernur Nomor 4 Tahun 2020"],
               "kualifikasi_pelaksana": ["Memahami tata kelola ruang rapat"],
               "keterkaitan": ["SOP Pengelolaan Barang Milik Daerah"],
               "peralatan_perlengkapan": ["Buku agenda"],
               "peringatan": ["Ruang dipakai tanpa jadwal"],
               "pencatatan_pendataan": ["Agenda peminjaman"]},
        box_titles={"dasar_hukum": "DASAR HUKUM", "kualifikasi_pelaksana": "KUALIFIKASI PELAKSANA",
                    "keterkaitan": "KETERKAITAN", "peralatan_perlengkapan": "PERALATAN/PERLENGKAPAN",
                    "peringatan": "PERINGATAN", "pencatatan_pendataan": "PENCATATAN DAN PENDATAAN"},
        instansi=["PEMERINTAH PROVINSI CONTOH"],
        unit=["SEKRETARIAT DAERAH", "BIRO UMUM"],
        header={"no": "No", "kegiatan": "Kegiatan", "pelaksana": "Pelaksana", "mutu_baku": "Mutu Baku",
                "kelengkapan": "Kelengkapan", "waktu": "Waktu", "output": "Output", "keterangan": "Keterangan"},
        actors=["Peminjam", "Pengelola Ruang"],
        steps=[
            StepSpec(["Mengisi formulir peminjaman"], [0], "terminator", kelengkapan="Formulir", waktu="5 menit",
                     output="Formulir terisi"),
            StepSpec(["Memeriksa jadwal ruang"], [1], "decision", yes=2, no=0, yes_label="Y", no_label="T",
                     kelengkapan="Agenda", waktu="10 menit", output="Jadwal"),
            StepSpec(["Mencatat peminjaman dan", "menyerahkan kunci"], [1, 0], "terminator",
                     kelengkapan="Agenda", waktu="5 menit", output="Kunci ruang"),
        ],
        rows_per_page=[3],
        same_page=True,
        thin_rect_rules=True,
        shape_fill="#9dc3e6",
    )
    ulang = copy.deepcopy(dinas)
    ulang.name = "dinas-judul-berulang"
    ulang.rows_per_page = [2, 3, 2]
    ulang.repeat_header = True
    ulang.thin_rect_rules = True
    ulang.shape_fill = "#000000"  # filled black shapes, as some offices draw them
    ulang.header = dict(ulang.header, kegiatan="Aktivitas", mutu_baku="Mutu Baku", kelengkapan="Kelengkapan")
    tabel = copy.deepcopy(ringkas)
    tabel.name = "tabel-writer"
    tabel.same_page = False
    tabel.writer_table = True
    tabel.rows_per_page = [4]
    tabel.thin_rect_rules = False
    tabel.shape_fill = "#ffffff"
    tabel.actors = ["Pegawai", "Kepegawaian", "Kepala Biro"]
    tabel.steps = [
        StepSpec(["Mengajukan permohonan cuti melalui aplikasi"], [0], "terminator", kelengkapan="Formulir cuti",
                 waktu="10 menit", output="Permohonan cuti"),
        StepSpec(["Memeriksa sisa cuti pegawai"], [1], "decision", yes=2, no=0, yes_label="Ya", no_label="Tidak",
                 kelengkapan="Data cuti", waktu="30 menit", output="Hasil pemeriksaan"),
        StepSpec(["Menyetujui dan menandatangani surat izin cuti"], [2], kelengkapan="Draf surat", waktu="1 hari",
                 output="Surat izin cuti"),
        StepSpec(["Menerima surat izin cuti"], [0, 1], "terminator", output="Surat diterima"),
    ]
    return [dinas, ringkas, ulang, tabel]


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def build(folder: Path) -> dict[str, Path]:
    """Every sample written as .fodg and converted to PDF in `folder`; name -> PDF path (empty without soffice)."""
    program = soffice()
    if program is None:
        return {}
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for spec in samples():
        source = folder / f"{spec.name}.fodt"
        source.write_text(fodt(spec), encoding="utf-8")
        sources.append(source)
    with tempfile.TemporaryDirectory(prefix="sopdesk-pdf-lo-") as profile:
        subprocess.run([program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(folder), *map(str, sources)],
                       check=True, capture_output=True, timeout=180)
    return {spec.name: folder / f"{spec.name}.pdf" for spec in samples()
            if (folder / f"{spec.name}.pdf").exists()}


if __name__ == "__main__":
    out = build(Path(sys.argv[1] if len(sys.argv) > 1 else "pdf-samples"))
    for name, path in out.items():
        print(name, path)

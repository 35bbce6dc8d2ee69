"""Word export: the page model as a .docx, one table per page, the chart as one group of glued shapes per page."""
from __future__ import annotations

import datetime as dt
import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from lxml import etree

from ..atomic import atomic_write_bytes
from ..layout.page_model import Cell, Document, ImageItem, Page, Paragraph, Rect, Table
from ..model import Logo, Sop
from ..sanity import check_page, logo_problem
from .docx_drawing import (
    LINE_240THS,
    NS,
    DrawingIds,
    add_chart,
    add_label,
    add_picture,
    add_run,
    clean_text,
    connection_site,
    connector_box,
    connector_shape,
    label_shape,
    offpage_shape,
    qn,
    run_properties,
    sub,
    symbol_shape,
)
from .docx_native import add_native_part, body_text_digest
from .docx_numbering import ListNumbering

TWIPS_PER_MM = 1440 / 25.4
PT_MM = 25.4 / 72
ANCHOR_LINE_TWIPS = 20
"""Height (1 pt) of each page's lead paragraph (the page break), of the paragraph that holds the
page's drawings, and of the closing paragraph.

They sit outside the tables, so the top and bottom page margins are written that much smaller:
the first table then starts exactly where the page model puts it, and the closing paragraph can
never push an extra page after a table that fills the last page."""
EMPTY_PT = 8.0

LayerRenderer = Callable[[Page], tuple[bytes, Rect]]
"""Paints a page's flowchart layer (symbols, arrows, labels, off-page connectors; no table, no
logo) as a transparent PNG, for the "ratakan bagan" setting, and says which box of the page (mm)
the picture covers: the whole page, or just the part that has drawings, which is far quicker."""
ImageRasterizer = Callable[[ImageItem], bytes]
"""Turns an image Word cannot show everywhere (SVG) into PNG bytes at the item's size."""

_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_VALIGN = {"top": "top", "middle": "center", "bottom": "bottom"}
_SVG_BLIP_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
_SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def write_docx(document: Document, sop: Sop, path: Path, flatten: bool = False, *,
               render_layer: LayerRenderer | None = None, rasterize: ImageRasterizer | None = None) -> None:
    """Write the laid-out SOP to `path` as Word; the old file stays whole until the new one is complete.

    flatten=True ("ratakan bagan") draws each page's flowchart as one picture painted by
    render_layer instead of editable shapes. OSError from the file system propagates unchanged.
    """
    atomic_write_bytes(Path(path), docx_bytes(document, sop, flatten, render_layer=render_layer,
                                              rasterize=rasterize))


def docx_bytes(document: Document, sop: Sop, flatten: bool = False, *, render_layer: LayerRenderer | None = None,
               rasterize: ImageRasterizer | None = None) -> bytes:
    """The .docx file's bytes, built in memory; UnprintableError (Indonesian, names the field) for unprintable margins."""
    check_page(document.settings)
    if flatten and render_layer is None:
        raise ValueError("flatten needs render_layer, the painter that draws the flowchart layer as PNG")
    word = docx.Document()
    _DocxBuilder(word, document, sop, flatten, render_layer, rasterize).build()
    stream = io.BytesIO()
    word.save(stream)
    return stream.getvalue()


class _DocxBuilder:
    """Fills a blank python-docx document from the page model, element by element with lxml."""

    def __init__(self, word, document: Document, sop: Sop, flatten: bool, render_layer: LayerRenderer | None,
                 rasterize: ImageRasterizer | None) -> None:
        self.word = word
        self.document = document
        self.sop = sop
        self.flatten = flatten
        self.render_layer = render_layer
        self.rasterize = rasterize
        self.ids = DrawingIds()
        self.body = word.element.body
        self.numbering = ListNumbering(word)

    def build(self) -> None:
        self._set_defaults()
        section = self.body.find(qn("w:sectPr"))
        for child in list(self.body):
            if child is not section:
                self.body.remove(child)
        pages = self.document.pages
        for page in pages:
            self._page(page)
        closing = sub(self.body, "w:p")
        # Hidden as well as tiny, so Word and LibreOffice give the paragraph no room at all.
        self._paragraph_props(closing, ANCHOR_LINE_TWIPS, hidden=True)
        if pages:
            self._section(section, pages[0])
        self.body.append(section)  # the section properties stay the body's last child
        root = self.word.element
        etree.cleanup_namespaces(root, top_nsmap=NS, keep_ns_prefixes=list(root.nsmap))
        add_native_part(self.word, self.sop, body_text_digest(self.body))

    # ---- document-wide settings ----------------------------------------------------------

    def _set_defaults(self) -> None:
        styles = self.word.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is not None:
            styles.remove(defaults)
        defaults = etree.Element(qn("w:docDefaults"))
        styles.insert(0, defaults)
        r_default = sub(defaults, "w:rPrDefault")
        r_pr = run_properties(r_default, EMPTY_PT)
        sub(r_pr, "w:lang", {"w:val": "id-ID", "w:eastAsia": "id-ID", "w:bidi": "ar-SA"})
        p_default = sub(defaults, "w:pPrDefault")
        p_pr = sub(p_default, "w:pPr")
        sub(p_pr, "w:spacing", {"w:before": 0, "w:after": 0, "w:line": 240, "w:lineRule": "auto"})

        # The template says Word 2010; mode 15 keeps Word out of compatibility mode and lines the
        # table's outer border up with the margin, as LibreOffice and the page model place it.
        settings = self.word.settings.element
        for setting in settings.iter(qn("w:compatSetting")):
            if setting.get(qn("w:name")) == "compatibilityMode":
                setting.set(qn("w:val"), "15")

        identity = self.sop.identity
        props = self.word.core_properties
        props.title = clean_text(identity.nama)[:250]
        props.subject = clean_text(f"SOP {identity.nomor}".strip())[:250]
        props.author = "SOP Desk"
        props.last_modified_by = "SOP Desk"
        props.keywords = "SOP AP"
        props.comments = ""
        props.language = "id-ID"
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
        props.created = now
        props.modified = now
        props.revision = 1
        # The template's thumbnail shows python-docx's own sample page.
        rels = self.word.part.package.rels
        for key, rel in list(rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                rels.pop(key)

    def _section(self, section: etree._Element, page: Page) -> None:
        for child in list(section):
            section.remove(child)
        landscape = page.width_mm > page.height_mm
        size = {"w:w": twips(page.width_mm), "w:h": twips(page.height_mm)}
        if landscape:
            size["w:orient"] = "landscape"
        sub(section, "w:pgSz", size)
        margins = page.margins
        top = max(twips(margins.top) - 2 * ANCHOR_LINE_TWIPS, 0)  # room for each page's lead and anchor lines
        bottom = max(twips(margins.bottom) - ANCHOR_LINE_TWIPS, 0)
        sub(section, "w:pgMar", {"w:top": top, "w:right": twips(margins.right), "w:bottom": bottom,
                                 "w:left": twips(margins.left), "w:header": top // 2, "w:footer": bottom // 2,
                                 "w:gutter": 0})
        sub(section, "w:cols", {"w:space": 720})
        sub(section, "w:docGrid", {"w:linePitch": 360})

    # ---- pages -----------------------------------------------------------------------------

    def _page(self, page: Page) -> None:
        tables = sorted(page.tables, key=lambda t: t.y)
        body_top = twips(page.margins.top) - ANCHOR_LINE_TWIPS
        first_gap = twips(tables[0].y) - body_top if tables else ANCHOR_LINE_TWIPS
        # The page break has a paragraph of its own, apart from the drawings: LibreOffice saves a
        # break before a paragraph that holds only drawings inside the first text box it writes,
        # so on reopening every chart would print one page too early.
        lead = sub(self.body, "w:p")
        self._paragraph_props(lead, ANCHOR_LINE_TWIPS, page_break=page.index > 0)
        anchor = sub(self.body, "w:p")
        self._paragraph_props(anchor, max(first_gap, ANCHOR_LINE_TWIPS))
        self._drawings(anchor, page)
        previous: Table | None = None
        for table in tables:
            if previous is not None:
                # Two tables need a paragraph between them; it is exactly the gap the model leaves.
                gap = twips(table.y) - twips(previous.y + previous.height)
                spacer = sub(self.body, "w:p")
                self._paragraph_props(spacer, max(gap, 2))
            self._table(table, page)
            previous = table

    def _paragraph_props(self, paragraph: etree._Element, line_twips: int, page_break: bool = False,
                         hidden: bool = False) -> None:
        p_pr = sub(paragraph, "w:pPr")
        if page_break:
            sub(p_pr, "w:pageBreakBefore")
        sub(p_pr, "w:spacing", {"w:before": 0, "w:after": 0, "w:line": line_twips, "w:lineRule": "exact"})
        run_properties(p_pr, 1.0, hidden=hidden)

    def _drawings(self, paragraph: etree._Element, page: Page) -> None:
        for image in page.images:
            # A logo that does not decode is left out rather than stop the export; Masalah says so.
            if logo_problem(Logo(image.data, image.extension)) is None:
                self._image(paragraph, image)
        for text in page.furniture:
            # The page number: a borderless text box at the model's place in the bottom margin,
            # with the model's own text, so Word prints exactly what the PDF prints.
            add_label(paragraph, self.ids, text)
        has_layer = page.shapes or page.connectors or page.labels or page.offpage
        if self.flatten and has_layer and self.render_layer is not None:
            picture, box = self.render_layer(page)
            add_picture(paragraph, self.ids, self._image_part(picture), box.x, box.y, box.w, box.h, "Bagan alir",
                        f"Bagan alir halaman {page.index + 1}")
            return
        self._chart_group(paragraph, page)

    def _chart_group(self, paragraph: etree._Element, page: Page) -> None:
        """The page's flowchart as one group; each arrow end that meets a symbol's side is glued to it."""
        if not (page.shapes or page.connectors or page.offpage or page.labels):
            return
        group_id = self.ids.take()
        sites: dict[str, tuple[int, tuple[float, float, float, float]]] = {}
        symbols = []
        for shape in page.shapes:
            shape_id = self.ids.take()
            step = self.sop.steps[shape.step_index] if 0 <= shape.step_index < len(self.sop.steps) else None
            descr = f"Langkah {shape.step_index + 1}: {step.kegiatan}" if step else ""
            box = (shape.x, shape.y, shape.w, shape.h)
            symbols.append((symbol_shape(shape_id, shape, descr), box))
            if shape.key:
                sites[shape.key] = (shape_id, box)
        pentagons = []
        for connector in page.offpage:
            shape_id = self.ids.take()
            box = (connector.x, connector.y, connector.w, connector.h)
            pentagons.append((offpage_shape(shape_id, connector), box))
            if connector.key:
                sites[connector.key] = (shape_id, box)

        def glue(key: str, point: tuple[float, float]) -> tuple[int, int] | None:
            if key not in sites:
                return None
            shape_id, box = sites[key]
            site = connection_site(box, point)
            return None if site is None else (shape_id, site)

        arrows = []
        for connector in page.connectors:
            if len(connector.points) < 2:
                continue
            start = glue(connector.source_key, connector.points[0])
            end = glue(connector.target_key, connector.points[-1])
            arrows.append((connector_shape(self.ids.take(), connector, start, end), connector_box(connector)))
        texts = [(label_shape(self.ids.take(), label), (label.x, label.y, label.w, label.h))
                 for label in page.labels]
        # Arrows first, so symbols and labels stack above the arrow ends they touch.
        add_chart(paragraph, self.ids, arrows + symbols + pentagons + texts, "Bagan alir",
                  f"Bagan alir halaman {page.index + 1}", group_id)

    def _image_part(self, data: bytes) -> str:
        r_id, _ = self.word.part.get_or_add_image(io.BytesIO(data))
        return r_id

    def _image(self, paragraph: etree._Element, image: ImageItem) -> None:
        extension = image.extension.lower()
        if extension != "svg":
            r_id = self._image_part(image.data)
            add_picture(paragraph, self.ids, r_id, image.x, image.y, image.w, image.h, "Logo", "Logo instansi")
            return
        # Word 2016+ shows the SVG itself; older readers and LibreOffice 7.4 show the PNG beside it.
        fallback = self.rasterize(image) if self.rasterize else _blank_png()
        r_id = self._image_part(fallback)
        add_picture(paragraph, self.ids, r_id, image.x, image.y, image.w, image.h, "Logo", "Logo instansi")
        package = self.word.part.package
        svg = Part(package.next_partname("/word/media/image%d.svg"), "image/svg+xml", image.data, package)
        svg_id = self.word.part.relate_to(svg, RT.IMAGE)
        blip = paragraph[-1].find(".//" + qn("a:blip"))
        ext = sub(sub(blip, "a:extLst"), "a:ext", {"uri": _SVG_BLIP_URI})
        svg_blip = etree.SubElement(ext, f"{{{_SVG_NS}}}svgBlip", nsmap={"asvg": _SVG_NS})
        svg_blip.set(qn("r:embed"), svg_id)

    # ---- tables ----------------------------------------------------------------------------

    def _table(self, table: Table, page: Page) -> None:
        tbl = sub(self.body, "w:tbl")
        tbl_pr = sub(tbl, "w:tblPr")
        edges = [twips(table.col_x(c)) for c in range(len(table.col_widths) + 1)]
        sub(tbl_pr, "w:tblW", {"w:w": edges[-1] - edges[0], "w:type": "dxa"})
        sub(tbl_pr, "w:tblInd", {"w:w": edges[0] - twips(page.margins.left), "w:type": "dxa"})
        borders = sub(tbl_pr, "w:tblBorders")
        size = max(2, round(table.border_pt * 8))
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            sub(borders, f"w:{side}", {"w:val": "single", "w:sz": size, "w:space": 0, "w:color": "000000"})
        sub(tbl_pr, "w:tblLayout", {"w:type": "fixed"})
        margins = sub(tbl_pr, "w:tblCellMar")
        for side in ("top", "left", "bottom", "right"):
            sub(margins, f"w:{side}", {"w:w": 0, "w:type": "dxa"})
        sub(tbl_pr, "w:tblLook", {"w:val": "0000", "w:firstRow": 0, "w:lastRow": 0, "w:firstColumn": 0,
                                  "w:lastColumn": 0, "w:noHBand": 1, "w:noVBand": 1})
        grid = sub(tbl, "w:tblGrid")
        for left, right in zip(edges, edges[1:]):
            sub(grid, "w:gridCol", {"w:w": right - left})

        # Each row is the difference of rounded edges, so rounding never adds up down the page.
        tops = [twips(table.row_y(r)) for r in range(len(table.row_heights) + 1)]
        half_border = table.border_pt * PT_MM / 2
        starts = {(c.row, c.col): c for c in table.cells}
        covering: dict[tuple[int, int], Cell] = {}
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    covering[(r, c)] = cell
        for row in range(len(table.row_heights)):
            tr = sub(tbl, "w:tr")
            tr_pr = sub(tr, "w:trPr")
            sub(tr_pr, "w:cantSplit")
            # "At least": text added in Word grows its row instead of being cut off (docs/word-design.md).
            sub(tr_pr, "w:trHeight", {"w:val": tops[row + 1] - tops[row], "w:hRule": "atLeast"})
            if row < table.header_rows:
                sub(tr_pr, "w:tblHeader")
            col = 0
            while col < len(table.col_widths):
                cell = covering.get((row, col))
                if cell is None:  # a hole in the grid: fill it so Word sees a full row
                    self._cell(tr, Cell(row, col), edges, half_border, continued=False)
                    col += 1
                    continue
                start = starts.get((row, cell.col)) is cell
                self._cell(tr, cell, edges, half_border, continued=not start)
                col = cell.col + cell.col_span

    def _cell(self, tr: etree._Element, cell: Cell, edges: list[int], half_border: float, continued: bool) -> None:
        tc = sub(tr, "w:tc")
        tc_pr = sub(tc, "w:tcPr")
        last = min(cell.col + cell.col_span, len(edges) - 1)
        sub(tc_pr, "w:tcW", {"w:w": edges[last] - edges[cell.col], "w:type": "dxa"})
        if cell.col_span > 1:
            sub(tc_pr, "w:gridSpan", {"w:val": cell.col_span})
        if cell.row_span > 1:
            sub(tc_pr, "w:vMerge", {"w:val": "continue"} if continued else {"w:val": "restart"})
        if cell.fill:
            sub(tc_pr, "w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": cell.fill.lstrip("#").upper()})
        # The model counts padding from the grid line; Word and LibreOffice count cell margins from
        # the inner edge of the border, which lies half a border width further in.
        padding = max(twips(cell.padding - half_border), 0)
        margins = sub(tc_pr, "w:tcMar")
        for side in ("top", "left", "bottom", "right"):
            sub(margins, f"w:{side}", {"w:w": padding, "w:type": "dxa"})
        sub(tc_pr, "w:vAlign", {"w:val": _VALIGN.get(cell.valign, "center")})
        paragraphs = [] if continued else cell.paragraphs
        if not paragraphs:
            empty = sub(tc, "w:p")
            p_pr = sub(empty, "w:pPr")
            sub(p_pr, "w:jc", {"w:val": _ALIGN.get(cell.align, "left")})
            run_properties(p_pr, EMPTY_PT)
            return
        for paragraph in paragraphs:
            # Every cell's list is a list of its own in Word; a continued box starts at its own first number.
            self._paragraph(tc, paragraph, list_key=id(cell))

    def _paragraph(self, parent: etree._Element, paragraph: Paragraph, list_key: object = None) -> None:
        p = sub(parent, "w:p")
        p_pr = sub(p, "w:pPr")
        sub(p_pr, "w:spacing", {"w:before": twips(paragraph.space_before_mm), "w:after": 0, "w:line": LINE_240THS,
                                "w:lineRule": "auto"})
        text = paragraph.text
        numbered = self.numbering.number_paragraph(p_pr, paragraph, list_key) if paragraph.number else False
        if paragraph.number:
            indent = twips(paragraph.indent_mm)
            # A hanging indent: the marker at the cell's edge, the text (and its wrapped lines) at the indent.
            sub(p_pr, "w:ind", {"w:left": indent, "w:hanging": indent})
            if not numbered:
                text = f"{paragraph.number}\t{text}"
        elif paragraph.indent_mm:
            sub(p_pr, "w:ind", {"w:left": twips(paragraph.indent_mm)})
        sub(p_pr, "w:jc", {"w:val": _ALIGN.get(paragraph.align, "left")})
        run_properties(p_pr, paragraph.size_pt, paragraph.bold, paragraph.italic)
        add_run(p, text, paragraph.size_pt, paragraph.bold, paragraph.italic)


def _blank_png() -> bytes:
    """A 1 x 1 transparent PNG, the stand-in beside an SVG when no rasterizer is at hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


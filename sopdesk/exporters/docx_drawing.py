"""DrawingML for the Word export: flowchart symbols, arrows, labels and pictures as floating Word drawings.

Anchoring, and why (see docs tech-notes §1a):

Every drawing of a page is a floating ``wp:anchor`` held by one anchor paragraph that sits just
before that page's first table, outside every table, and each is positioned with
``relativeFrom="page"`` on both axes, so its offsets are the page model's millimetres unchanged.

- Word 2013+ (compatibilityMode 15) treats every object anchored inside a table cell as
  ``layoutInCell`` and keeps it inside the cell vertically, so an arrow anchored in one row
  that runs down into the next could be pulled back or clipped. Keeping the anchor out of the
  table takes the drawings out of those rules altogether.
- LibreOffice 7.4 follows ``layoutInCell`` differently from Word (it changed again in 25.2);
  outside a table both agree.
- Page-relative offsets do not depend on anything laid out before the table; the anchor
  paragraph only has to be on the right page, which ``pageBreakBefore`` on it guarantees,
  because the engine already made every table fit its page with exact, unsplittable rows.
- Each symbol and arrow is its own anchor rather than one group per page, so in Word, WPS and
  LibreOffice every shape can be selected, moved and edited on its own (arrows are freeforms:
  Edit Points works), and LibreOffice's stretching of groups whose extent is not the tight
  union of their children cannot happen.

Checked in LibreOffice 7.4: every symbol prints within 0.5 mm of the page model
(tests/test_export_docx.py looks at the rendered pixels). Word itself still needs one manual look.

The cost, accepted: a row that grows after editing in Word does not drag the drawings along
(no anchoring survives that, tech-notes §1a); rows are exact so that it does not happen.

No ``mc:AlternateContent``/VML fallback is written: it only serves Word 2007.
"""
from __future__ import annotations

import re

from lxml import etree

from ..layout.page_model import LINE_PT, Connector, OffPageConnector, SymbolShape, TextLabel
from ..textclean import storable

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
WPS_URI = NS["wps"]
PIC_URI = NS["pic"]

EMU_PER_MM = 36000
EMU_PER_PT = 12700
FONT = "Arial"
SYMBOL_TEXT_PT = 6.5
OFFPAGE_TEXT_PT = 7.0
BLACK = "000000"
WHITE = "FFFFFF"

PRESETS = {
    "terminator": "flowChartTerminator",
    "process": "flowChartProcess",
    "decision": "flowChartDecision",
    "offpage": "flowChartOffpageConnector",
}
SHAPE_NAMES = {"terminator": "Terminator", "process": "Proses", "decision": "Keputusan"}
LINE_240THS = 233
"""Line pitch as Word's "multiple" (240 = single).

The painter and the measure set lines at Liberation Sans' ascent + descent (1.1175 em); Word's and
LibreOffice's single spacing adds the font's line gap (1.15 em). 233/240 takes the gap out again,
so every cell holds exactly as many lines as the page model measured and the PDF shows."""
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}

# Word wants relativeHeight unique per drawing; a later drawing stacks above an earlier one.
_Z_BASE = 251659264

# XML 1.0 cannot carry these; a pasted text may still contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    # Lone surrogates too: UTF-8 cannot encode them, so lxml would fail the whole export on one.
    return _NOT_XML.sub("", storable(text))


def qn(name: str) -> str:
    """'w:p' -> '{namespace}p'."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def sub(parent: etree._Element, name: str, attrs: dict[str, object] | None = None) -> etree._Element:
    """Append a child; attribute names with a prefix ('r:embed') are qualified, the rest stay bare."""
    element = etree.SubElement(parent, qn(name))
    for key, value in (attrs or {}).items():
        element.set(qn(key) if ":" in key else key, str(value))
    return element


def emu(mm: float) -> int:
    return round(mm * EMU_PER_MM)


class DrawingIds:
    """Hands out the document-wide unique docPr ids and the stacking order of drawings."""

    def __init__(self) -> None:
        self._next = 1

    def take(self) -> int:
        value = self._next
        self._next += 1
        return value


def _anchor(paragraph: etree._Element, ids: DrawingIds, x: float, y: float, w: float, h: float, name: str,
            descr: str = "") -> tuple[etree._Element, int]:
    """A run holding a floating drawing at page position (x, y) mm; returns its wp:anchor and docPr id."""
    run = sub(paragraph, "w:r")
    drawing = sub(run, "w:drawing")
    shape_id = ids.take()
    anchor = sub(drawing, "wp:anchor", {
        "distT": 0, "distB": 0, "distL": 0, "distR": 0, "simplePos": 0, "relativeHeight": _Z_BASE + shape_id,
        "behindDoc": 0, "locked": 0, "layoutInCell": 1, "allowOverlap": 1})
    sub(anchor, "wp:simplePos", {"x": 0, "y": 0})
    position_h = sub(anchor, "wp:positionH", {"relativeFrom": "page"})
    sub(position_h, "wp:posOffset").text = str(emu(x))
    position_v = sub(anchor, "wp:positionV", {"relativeFrom": "page"})
    sub(position_v, "wp:posOffset").text = str(emu(y))
    sub(anchor, "wp:extent", {"cx": emu(w), "cy": emu(h)})
    sub(anchor, "wp:effectExtent", {"l": 0, "t": 0, "r": 0, "b": 0})
    sub(anchor, "wp:wrapNone")
    doc_pr = {"id": shape_id, "name": clean_text(f"{name} {shape_id}")}
    if descr:
        doc_pr["descr"] = clean_text(descr)
    sub(anchor, "wp:docPr", doc_pr)
    sub(anchor, "wp:cNvGraphicFramePr")
    return anchor, shape_id


def _shape_body(anchor: etree._Element, text_box: bool = False) -> etree._Element:
    graphic = sub(anchor, "a:graphic")
    data = sub(graphic, "a:graphicData", {"uri": WPS_URI})
    wsp = sub(data, "wps:wsp")
    sub(wsp, "wps:cNvSpPr", {"txBox": 1} if text_box else None)
    return wsp


def _xfrm(sp_pr: etree._Element, w: float, h: float) -> None:
    xfrm = sub(sp_pr, "a:xfrm")
    sub(xfrm, "a:off", {"x": 0, "y": 0})
    sub(xfrm, "a:ext", {"cx": emu(w), "cy": emu(h)})


def _solid(parent: etree._Element, colour: str) -> None:
    fill = sub(parent, "a:solidFill")
    sub(fill, "a:srgbClr", {"val": colour})


def _outline(sp_pr: etree._Element, arrow: bool = False) -> None:
    line = sub(sp_pr, "a:ln", {"w": round(LINE_PT * EMU_PER_PT)})
    _solid(line, BLACK)
    sub(line, "a:miter", {"lim": 800000})
    if arrow:
        # The page model's arrowhead is 2.2 mm long and 1.6 mm wide. Arrowhead sizes count in line
        # widths with a floor for thin lines; on a 1 pt line LibreOffice 7.4 draws "med" 2.1 mm long
        # and "sm" 1.4 mm wide, the nearest pair.
        sub(line, "a:tailEnd", {"type": "triangle", "w": "sm", "len": "med"})


def _text_box(wsp: etree._Element, text: str, size_pt: float, align: str = "center", bold: bool = False,
              italic: bool = False) -> None:
    txbx = sub(wsp, "wps:txbx")
    content = sub(txbx, "w:txbxContent")
    for line in text.split("\n"):
        paragraph = sub(content, "w:p")
        p_pr = sub(paragraph, "w:pPr")
        sub(p_pr, "w:spacing", {"w:before": 0, "w:after": 0, "w:line": LINE_240THS, "w:lineRule": "auto"})
        sub(p_pr, "w:jc", {"w:val": _JC.get(align, "center")})
        add_run(paragraph, line, size_pt, bold=bold, italic=italic)


def _body_pr(wsp: etree._Element, wrap: str = "square", anchor: str = "ctr", side_inset_mm: float = 0.0) -> None:
    side = emu(side_inset_mm)
    body = sub(wsp, "wps:bodyPr", {"rot": 0, "vert": "horz", "wrap": wrap, "lIns": side, "tIns": 0, "rIns": side,
                                   "bIns": 0, "anchor": anchor, "anchorCtr": 0})
    sub(body, "a:noAutofit")


def add_run(paragraph: etree._Element, text: str, size_pt: float, bold: bool = False,
            italic: bool = False) -> etree._Element | None:
    """A run of Arial text; tabs and line breaks inside the text become Word's own."""
    text = clean_text(text)
    if not text:
        return None
    run = sub(paragraph, "w:r")
    run_properties(run, size_pt, bold, italic)
    for index, piece in enumerate(text.split("\n")):
        if index:
            sub(run, "w:br")
        for tab_index, chunk in enumerate(piece.split("\t")):
            if tab_index:
                sub(run, "w:tab")
            if chunk:
                t = sub(run, "w:t")
                t.text = chunk
                if chunk != chunk.strip():
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def run_properties(parent: etree._Element, size_pt: float, bold: bool = False, italic: bool = False,
                   name: str = "w:rPr", hidden: bool = False) -> etree._Element:
    r_pr = sub(parent, name)
    sub(r_pr, "w:rFonts", {"w:ascii": FONT, "w:hAnsi": FONT, "w:cs": FONT, "w:eastAsia": FONT})
    if bold:
        sub(r_pr, "w:b")
        sub(r_pr, "w:bCs")
    if italic:
        sub(r_pr, "w:i")
        sub(r_pr, "w:iCs")
    if hidden:
        sub(r_pr, "w:vanish")
    half_points = max(1, round(size_pt * 2))
    sub(r_pr, "w:sz", {"w:val": half_points})
    sub(r_pr, "w:szCs", {"w:val": half_points})
    return r_pr


# ---- the page model's drawables ------------------------------------------------------------


def add_symbol(paragraph: etree._Element, ids: DrawingIds, shape: SymbolShape, descr: str = "") -> int:
    """A flowchart symbol as a preset shape, white-filled so it reads like the printed page."""
    name = SHAPE_NAMES.get(shape.kind, "Simbol")
    anchor, shape_id = _anchor(paragraph, ids, shape.x, shape.y, shape.w, shape.h,
                               f"{name} langkah {shape.step_index + 1}", descr)
    wsp = _shape_body(anchor)
    sp_pr = sub(wsp, "wps:spPr")
    _xfrm(sp_pr, shape.w, shape.h)
    geometry = sub(sp_pr, "a:prstGeom", {"prst": PRESETS[shape.kind]})
    sub(geometry, "a:avLst")
    _solid(sp_pr, WHITE)
    _outline(sp_pr)
    if shape.text:
        _text_box(wsp, shape.text, SYMBOL_TEXT_PT)
    # The painter sets a symbol's text centred in the middle 80 % of its width.
    _body_pr(wsp, side_inset_mm=shape.w * 0.1)
    return shape_id


def add_offpage(paragraph: etree._Element, ids: DrawingIds, connector: OffPageConnector) -> int:
    """The down-pointing pentagon; its pair label is the shape's own text."""
    where = "ke" if connector.direction == "out" else "dari"
    descr = "Penghubung antarhalaman"
    if connector.other_step_index is not None:
        descr += f" {where} langkah {connector.other_step_index + 1}"
    anchor, shape_id = _anchor(paragraph, ids, connector.x, connector.y, connector.w, connector.h,
                               "Penghubung halaman", descr)
    wsp = _shape_body(anchor)
    sp_pr = sub(wsp, "wps:spPr")
    _xfrm(sp_pr, connector.w, connector.h)
    geometry = sub(sp_pr, "a:prstGeom", {"prst": PRESETS["offpage"]})
    sub(geometry, "a:avLst")
    _solid(sp_pr, WHITE)
    _outline(sp_pr)
    if connector.label:
        _text_box(wsp, connector.label, OFFPAGE_TEXT_PT, bold=True)
    # The preset keeps text out of the point; no wrapping, so "12" never splits in a 7 mm pentagon.
    _body_pr(wsp, wrap="none")
    return shape_id


def add_connector(paragraph: etree._Element, ids: DrawingIds, connector: Connector) -> int:
    """An arrow as an open freeform polyline (custGeom), arrowhead at the last point."""
    xs = [p[0] for p in connector.points]
    ys = [p[1] for p in connector.points]
    left, top = min(xs), min(ys)
    w, h = max(xs) - left, max(ys) - top
    name = "Panah" if connector.arrow else "Garis"
    if connector.source_step is not None and connector.target_step is not None:
        name += f" {connector.source_step + 1}-{connector.target_step + 1}"
    anchor, shape_id = _anchor(paragraph, ids, left, top, w, h, name)
    wsp = _shape_body(anchor)
    sp_pr = sub(wsp, "wps:spPr")
    _xfrm(sp_pr, w, h)
    geometry = sub(sp_pr, "a:custGeom")
    for child in ("a:avLst", "a:gdLst", "a:ahLst", "a:cxnLst"):
        sub(geometry, child)
    sub(geometry, "a:rect", {"l": "l", "t": "t", "r": "r", "b": "b"})
    path_list = sub(geometry, "a:pathLst")
    # A straight vertical or horizontal arrow has a zero extent; the path keeps a 1 EMU box so
    # that no consumer divides by zero when it scales path units to the extent.
    path = sub(path_list, "a:path", {"w": max(emu(w), 1), "h": max(emu(h), 1), "fill": "none"})
    for index, (px, py) in enumerate(connector.points):
        step = sub(path, "a:moveTo" if index == 0 else "a:lnTo")
        sub(step, "a:pt", {"x": emu(px - left), "y": emu(py - top)})
    sub(sp_pr, "a:noFill")
    _outline(sp_pr, arrow=connector.arrow)
    _body_pr(wsp)
    return shape_id


def add_label(paragraph: etree._Element, ids: DrawingIds, label: TextLabel) -> int:
    """A Ya/Tidak label: a borderless text box, text at its top edge as the painter sets it.

    No wrapping, so a font that runs a little wide never pushes the word onto a second line.
    """
    anchor, shape_id = _anchor(paragraph, ids, label.x, label.y, label.w, label.h, f"Label {label.text}")
    wsp = _shape_body(anchor, text_box=True)
    sp_pr = sub(wsp, "wps:spPr")
    _xfrm(sp_pr, label.w, label.h)
    geometry = sub(sp_pr, "a:prstGeom", {"prst": "rect"})
    sub(geometry, "a:avLst")
    sub(sp_pr, "a:noFill")
    line = sub(sp_pr, "a:ln")
    sub(line, "a:noFill")
    _text_box(wsp, label.text, label.size_pt, label.align, label.bold, label.italic)
    _body_pr(wsp, wrap="none", anchor="t")
    return shape_id


def add_picture(paragraph: etree._Element, ids: DrawingIds, r_id: str, x: float, y: float, w: float, h: float,
                name: str, descr: str = "") -> int:
    """A floating picture (the logo, or a flattened flowchart layer) stretched over its model box."""
    anchor, shape_id = _anchor(paragraph, ids, x, y, w, h, name, descr)
    frame = anchor.find(qn("wp:cNvGraphicFramePr"))
    sub(frame, "a:graphicFrameLocks", {"noChangeAspect": 1})
    graphic = sub(anchor, "a:graphic")
    data = sub(graphic, "a:graphicData", {"uri": PIC_URI})
    pic = sub(data, "pic:pic")
    nv = sub(pic, "pic:nvPicPr")
    sub(nv, "pic:cNvPr", {"id": shape_id, "name": f"{name} {shape_id}"})
    sub(nv, "pic:cNvPicPr")
    blip_fill = sub(pic, "pic:blipFill")
    sub(blip_fill, "a:blip", {"r:embed": r_id})
    stretch = sub(blip_fill, "a:stretch")
    sub(stretch, "a:fillRect")
    sp_pr = sub(pic, "pic:spPr")
    xfrm = sub(sp_pr, "a:xfrm")
    sub(xfrm, "a:off", {"x": 0, "y": 0})
    sub(xfrm, "a:ext", {"cx": emu(w), "cy": emu(h)})
    geometry = sub(sp_pr, "a:prstGeom", {"prst": "rect"})
    sub(geometry, "a:avLst")
    return shape_id

"""DrawingML for the Word writer: each page's flowchart as one canvas (Word) or group (others), arrows glued to symbols.

Why a canvas or group per page, glued arrows and page-relative anchoring: see docs/word-design.md. In short:

- Every drawing sits in one anchor paragraph just before the page's first table, outside every
  table, positioned with ``relativeFrom="page"`` on both axes, so its offsets are the page model's
  millimetres unchanged and Word's in-cell rules (``layoutInCell``, always on since Word 2013)
  never apply.
- The flowchart of a page (symbols, arrows, off-page connectors, Ya/Tidak labels) is written
  twice in one ``mc:AlternateContent``: a drawing canvas (``wpc:wpc``, required "wpc") for Word,
  where glued connectors stay on a symbol that is moved, and the same members as one ``wpg:wgp``
  group for every reader that does not know canvases (LibreOffice 7.4 cannot open a bare canvas,
  but takes the fallback). The group's child coordinates are page EMUs and its ``chOff/chExt``
  the tight union of its members (LibreOffice stretches a group whose members do not fill it).
  A click selects the whole chart, so moving it moves every symbol with its arrows.
- Arrows are connectors (``wps:cNvCnPr``) whose ``a:stCxn``/``a:endCxn`` name the symbol and the
  connection site each end touches, drawn as Word's own preset connectors (docx_connectors), which
  readers know how to re-route; the rare line no preset draws is a free path (``a:custGeom``).
- The logo and the page number are no part of the chart and stay anchors of their own.

No VML fallback is written: it only serves Word 2007.
"""
from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from ..layout.page_model import LINE_PT, Connector, OffPageConnector, SymbolShape, TextLabel
from ..textclean import storable
from .docx_connectors import PresetConnector, fit_preset

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "wpc": "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
WPS_URI = NS["wps"]
PIC_URI = NS["pic"]
WPG_URI = NS["wpg"]
WPC_URI = NS["wpc"]
CANVAS_MARGIN_MM = 1.0
"""Room around the chart inside Word's canvas, so arrowheads and outlines on its edge are not cut."""

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
            descr: str = "", shape_id: int | None = None) -> tuple[etree._Element, int]:
    """A floating drawing at page position (x, y) mm, in a new run of `paragraph` (or right under an
    mc:Choice / mc:Fallback); returns its wp:anchor and docPr id."""
    holder = sub(paragraph, "w:r") if paragraph.tag == qn("w:p") else paragraph
    drawing = sub(holder, "w:drawing")
    if shape_id is None:
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


def _shape(shape_id: int | None, name: str, descr: str = "", text_box: bool = False,
           connector: bool = False) -> etree._Element:
    """A bare wps:wsp; with shape_id it is a group member and carries its own cNvPr (a lone shape uses docPr)."""
    wsp = etree.Element(qn("wps:wsp"), nsmap={"wps": NS["wps"]})
    if shape_id is not None:
        attrs = {"id": shape_id, "name": clean_text(f"{name} {shape_id}")}
        if descr:
            attrs["descr"] = clean_text(descr)
        sub(wsp, "wps:cNvPr", attrs)
    if connector:
        sub(wsp, "wps:cNvCnPr")
    else:
        sub(wsp, "wps:cNvSpPr", {"txBox": 1} if text_box else None)
    return wsp


def _xfrm(sp_pr: etree._Element, x: float, y: float, w: float, h: float) -> None:
    xfrm = sub(sp_pr, "a:xfrm")
    sub(xfrm, "a:off", {"x": emu(x), "y": emu(y)})
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

Box = tuple[float, float, float, float]
"""(x, y, w, h) on the page, in mm."""

CONNECTION_SITES = ("top", "left", "bottom", "right")
"""The connection sites (a:cxnLst) of the four flowchart presets, by index: each preset lists the
middle of its top, left, bottom and right side in this order (presetShapeDefinitions.xml)."""
_SITE_REACH_MM = 0.3


def connection_site(box: Box, point: tuple[float, float]) -> int | None:
    """Index of the connection site of a symbol in `box` that `point` touches, or None."""
    x, y, w, h = box
    sites = [(x + w / 2, y), (x, y + h / 2), (x + w / 2, y + h), (x + w, y + h / 2)]
    for index, (sx, sy) in enumerate(sites):
        if abs(point[0] - sx) <= _SITE_REACH_MM and abs(point[1] - sy) <= _SITE_REACH_MM:
            return index
    return None


def symbol_shape(shape_id: int | None, shape: SymbolShape, descr: str = "") -> etree._Element:
    """A flowchart symbol as a preset shape, white-filled so it reads like the printed page."""
    name = SHAPE_NAMES.get(shape.kind, "Simbol")
    wsp = _shape(shape_id, f"{name} langkah {shape.step_index + 1}", descr)
    sp_pr = sub(wsp, "wps:spPr")
    _xfrm(sp_pr, shape.x, shape.y, shape.w, shape.h)
    geometry = sub(sp_pr, "a:prstGeom", {"prst": PRESETS[shape.kind]})
    sub(geometry, "a:avLst")
    _solid(sp_pr, WHITE)
    _outline(sp_pr)
    if shape.text:
        _text_box(wsp, shape.text, SYMBOL_TEXT_PT)
    # The painter sets a symbol's text centred in the middle 80 % of its width.
    _body_pr(wsp, side_inset_mm=shape.w * 0.1)
    return wsp


def offpage_shape(shape_id: int | None, connector: OffPageConnector) -> etree._Element:
    """The down-pointing pentagon; its pair label is the shape's own text."""
    where = "ke" if connector.direction == "out" else "dari"
    descr = "Penghubung antarhalaman"
    if connector.other_step_index is not None:
        descr += f" {where} langkah {connector.other_step_index + 1}"
    wsp = _shape(shape_id, "Penghubung halaman", descr)
    sp_pr = sub(wsp, "wps:spPr")
    _xfrm(sp_pr, connector.x, connector.y, connector.w, connector.h)
    geometry = sub(sp_pr, "a:prstGeom", {"prst": PRESETS["offpage"]})
    sub(geometry, "a:avLst")
    _solid(sp_pr, WHITE)
    _outline(sp_pr)
    if connector.label:
        _text_box(wsp, connector.label, OFFPAGE_TEXT_PT, bold=True)
    # The preset keeps text out of the point; no wrapping, so "12" never splits in a 7 mm pentagon.
    _body_pr(wsp, wrap="none")
    return wsp


def connector_box(connector: Connector) -> Box:
    xs = [p[0] for p in connector.points]
    ys = [p[1] for p in connector.points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def connector_shape(shape_id: int | None, connector: Connector, start: tuple[int, int] | None = None,
                    end: tuple[int, int] | None = None) -> etree._Element:
    """An arrow as a connector glued to (shape id, site) at `start` and `end`; its path is the model's polyline."""
    name = "Panah" if connector.arrow else "Garis"
    if connector.source_step is not None and connector.target_step is not None:
        name += f" {connector.source_step + 1}-{connector.target_step + 1}"
    wsp = _shape(shape_id, name, connector=True)
    properties = wsp.find(qn("wps:cNvCnPr"))
    if start is not None:
        sub(properties, "a:stCxn", {"id": start[0], "idx": start[1]})
    if end is not None:
        sub(properties, "a:endCxn", {"id": end[0], "idx": end[1]})
    sp_pr = sub(wsp, "wps:spPr")
    preset = fit_preset(connector.points)
    if preset is not None:
        _preset_connector(sp_pr, preset)
    else:
        _free_path(sp_pr, connector)
    sub(sp_pr, "a:noFill")
    _outline(sp_pr, arrow=connector.arrow)
    _body_pr(wsp)
    return wsp


def _preset_connector(sp_pr: etree._Element, preset: PresetConnector) -> None:
    """Word's own connector kind, so a reader that re-routes glued connectors can re-route this one."""
    attrs: dict[str, object] = {}
    if preset.rot90:
        attrs["rot"] = 5400000
    if preset.flip_h:
        attrs["flipH"] = 1
    if preset.flip_v:
        attrs["flipV"] = 1
    xfrm = sub(sp_pr, "a:xfrm", attrs)
    sub(xfrm, "a:off", {"x": emu(preset.x), "y": emu(preset.y)})
    sub(xfrm, "a:ext", {"cx": emu(preset.w), "cy": emu(preset.h)})
    geometry = sub(sp_pr, "a:prstGeom", {"prst": preset.prst})
    guides = sub(geometry, "a:avLst")
    for index, value in enumerate(preset.adj, start=1):
        sub(guides, "a:gd", {"name": f"adj{index}", "fmla": f"val {value}"})


def _free_path(sp_pr: etree._Element, connector: Connector) -> None:
    """The polyline as a free path, for the few lines no preset draws (a U-turn into its own column)."""
    left, top, w, h = connector_box(connector)
    _xfrm(sp_pr, left, top, w, h)
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


def label_shape(shape_id: int | None, label: TextLabel) -> etree._Element:
    """A Ya/Tidak label (or the page number): a borderless text box, text at its top edge as the painter sets it.

    No wrapping, so a font that runs a little wide never pushes the word onto a second line.
    """
    wsp = _shape(shape_id, f"Label {label.text}", text_box=True)
    sp_pr = sub(wsp, "wps:spPr")
    _xfrm(sp_pr, label.x, label.y, label.w, label.h)
    geometry = sub(sp_pr, "a:prstGeom", {"prst": "rect"})
    sub(geometry, "a:avLst")
    sub(sp_pr, "a:noFill")
    line = sub(sp_pr, "a:ln")
    sub(line, "a:noFill")
    _text_box(wsp, label.text, label.size_pt, label.align, label.bold, label.italic)
    _body_pr(wsp, wrap="none", anchor="t")
    return wsp


def _graphic(anchor: etree._Element, uri: str) -> etree._Element:
    return sub(sub(anchor, "a:graphic"), "a:graphicData", {"uri": uri})


def add_label(paragraph: etree._Element, ids: DrawingIds, label: TextLabel) -> int:
    """A text box of its own at the label's page position (the page number, outside the chart)."""
    anchor, shape_id = _anchor(paragraph, ids, label.x, label.y, label.w, label.h, f"Label {label.text}")
    wsp = label_shape(None, label)
    # A lone shape's offset is the anchor's; inside the shape it starts at 0, 0.
    offset = wsp.find(f"{qn('wps:spPr')}/{qn('a:xfrm')}/{qn('a:off')}")
    offset.set("x", "0")
    offset.set("y", "0")
    _graphic(anchor, WPS_URI).append(wsp)
    return shape_id


def add_chart(paragraph: etree._Element, ids: DrawingIds, members: list[tuple[etree._Element, Box]], name: str,
              descr: str, chart_id: int) -> None:
    """A page's chart: a drawing canvas for Word, the same shapes as a group for every other reader.

    Word keeps glued connectors on their symbols while a symbol is moved only inside a drawing
    canvas; LibreOffice 7.4 cannot open a file with a bare canvas but reads mc:AlternateContent and
    takes the fallback when it does not know what the choice requires. Both copies hold the very
    same members, ids and glue, so each reader sees one whole chart.
    """
    left = min(box[0] for _, box in members)
    top = min(box[1] for _, box in members)
    right = max(box[0] + box[2] for _, box in members)
    bottom = max(box[1] + box[3] for _, box in members)
    run = sub(paragraph, "w:r")
    alternate = sub(run, "mc:AlternateContent")
    choice = sub(alternate, "mc:Choice", {"Requires": "wpc"})
    margin = CANVAS_MARGIN_MM
    anchor, _ = _anchor(choice, ids, left - margin, top - margin, right - left + 2 * margin,
                        bottom - top + 2 * margin, name, descr, shape_id=chart_id)
    canvas = etree.SubElement(_graphic(anchor, WPC_URI), qn("wpc:wpc"), nsmap={"wpc": NS["wpc"]})
    sub(canvas, "wpc:bg")
    sub(canvas, "wpc:whole")
    dx, dy = emu(left - margin), emu(top - margin)
    for member, _ in members:
        # A canvas has no child space of its own: members sit in EMU from its top-left corner.
        copy = deepcopy(member)
        offset = copy.find(f"{qn('wps:spPr')}/{qn('a:xfrm')}/{qn('a:off')}")
        offset.set("x", str(int(offset.get("x")) - dx))
        offset.set("y", str(int(offset.get("y")) - dy))
        canvas.append(copy)
    fallback = sub(alternate, "mc:Fallback")
    anchor, _ = _anchor(fallback, ids, left, top, right - left, bottom - top, name, descr, shape_id=chart_id)
    group = etree.SubElement(_graphic(anchor, WPG_URI), qn("wpg:wgp"), nsmap={"wpg": NS["wpg"]})
    sub(group, "wpg:cNvGrpSpPr")
    # The group's box is the tight union of its members (LibreOffice stretches a group whose members
    # do not fill it) and its child space is the page in EMU, so members keep the model's millimetres.
    xfrm = sub(sub(group, "wpg:grpSpPr"), "a:xfrm")
    sub(xfrm, "a:off", {"x": 0, "y": 0})
    sub(xfrm, "a:ext", {"cx": emu(right - left), "cy": emu(bottom - top)})
    sub(xfrm, "a:chOff", {"x": emu(left), "y": emu(top)})
    sub(xfrm, "a:chExt", {"cx": emu(right - left), "cy": emu(bottom - top)})
    for member, _ in members:
        group.append(member)


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

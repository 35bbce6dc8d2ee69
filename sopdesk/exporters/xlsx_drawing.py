"""DrawingML shapes for the Excel export and the zip surgery that adds them to a workbook openpyxl saved."""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from lxml import etree
from lxml.builder import ElementMaker

from ..layout.page_model import ARROW_LENGTH_MM, ARROW_WIDTH_MM
from ..textclean import storable

EMU_PER_MM = 36000
EMU_PER_PT = 12700
EMU_PER_PX = 9525
"""One screen pixel at 96 dpi, the unit Excel lays columns out in."""

XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
ASVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
SVG_BLIP_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
DRAWING_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
IMAGE_CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "svg": "image/svg+xml"}

# Elements a worksheet may hold after <drawing>, in schema order: <drawing> goes before the first of them.
_AFTER_DRAWING = ("legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                  "webPublishItems", "tableParts", "extLst")

_NSMAP = {"xdr": XDR_NS, "a": A_NS, "r": R_NS}
XDR = ElementMaker(namespace=XDR_NS, nsmap=_NSMAP)
A = ElementMaker(namespace=A_NS, nsmap=_NSMAP)

BLACK = "000000"
WHITE = "FFFFFF"


@dataclass(frozen=True)
class CellPoint:
    """A point on the sheet: a 0-based cell plus offsets into it in EMU."""

    col: int
    col_off: int
    row: int
    row_off: int


@dataclass(frozen=True)
class Anchor:
    """Where a shape sits: its top-left and bottom-right cell points, and the same box in absolute EMU.

    Excel and LibreOffice place the shape from the cell points; the absolute box goes into
    a:xfrm, which readers that ignore anchors (and Excel before it recalculates) use.
    """

    start: CellPoint
    end: CellPoint
    x: int
    y: int
    cx: int
    cy: int


@dataclass
class _Picture:
    blip: etree._Element
    data: bytes
    extension: str


@dataclass
class SheetDrawing:
    """The shapes of one worksheet, in z-order (first added is drawn lowest)."""

    anchors: list[etree._Element] = field(default_factory=list)
    pictures: list[_Picture] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.anchors)

    def add_symbol(self, anchor: Anchor, preset: str, name: str, text: str = "", size_pt: float = 7.0,
                   bold: bool = False) -> None:
        """A flowchart symbol drawn with one of the DrawingML presets, white inside, black outline."""
        sp_pr = XDR.spPr(_xfrm(anchor), A.prstGeom(A.avLst(), prst=preset), _solid(WHITE), _line(1.0))
        self._add_shape(anchor, "oneCell", name, sp_pr, _text_body(text, size_pt, bold=bold) if text else None)

    def add_polyline(self, anchor: Anchor, points: list[tuple[int, int]], name: str, width_pt: float,
                     arrow: bool = True) -> None:
        """An open polyline (EMU points relative to the anchor box) with an arrowhead at its last point.

        An xdr:sp with a custom geometry rather than a connector: LibreOffice 7.4 mis-routes
        elbow connectors (cxnSp) in spreadsheets, while freeforms render the same everywhere
        and stay editable (Edit Points) in Excel.
        """
        path = A.path(A.moveTo(_pt(*points[0])), *[A.lnTo(_pt(*p)) for p in points[1:]],
                      w=str(max(anchor.cx, 1)), h=str(max(anchor.cy, 1)), fill="none")
        geometry = A.custGeom(A.avLst(), A.gdLst(), A.ahLst(), A.cxnLst(), A.rect(l="l", t="t", r="r", b="b"),
                              A.pathLst(path))
        sp_pr = XDR.spPr(_xfrm(anchor), geometry, A.noFill(), _line(width_pt, arrow))
        # twoCell: the arrow stretches with the rows it crosses, so it still joins its symbols.
        self._add_shape(anchor, "twoCell", name, sp_pr, None)

    def add_text(self, anchor: Anchor, text: str, name: str, size_pt: float, align: str = "left",
                 bold: bool = False, italic: bool = False) -> None:
        """A borderless, unfilled text box (the Ya/Tidak labels)."""
        sp_pr = XDR.spPr(_xfrm(anchor), A.prstGeom(A.avLst(), prst="rect"), A.noFill(), A.ln(A.noFill()))
        body = _text_body(text, size_pt, align=align, bold=bold, italic=italic, wrap=False)
        self._add_shape(anchor, "oneCell", name, sp_pr, body, text_box=True)

    def add_picture(self, anchor: Anchor, data: bytes, extension: str, name: str) -> None:
        blip = A.blip()
        pic = XDR.pic(
            XDR.nvPicPr(XDR.cNvPr(id="0", name=name), XDR.cNvPicPr(A.picLocks(noChangeAspect="1"))),
            XDR.blipFill(blip, A.stretch(A.fillRect())),
            XDR.spPr(_xfrm(anchor), A.prstGeom(A.avLst(), prst="rect")),
        )
        self.anchors.append(_two_cell(anchor, "oneCell", pic))
        self.pictures.append(_Picture(blip, data, extension.lower()))

    def _add_shape(self, anchor: Anchor, edit_as: str, name: str, sp_pr: etree._Element,
                   body: etree._Element | None, text_box: bool = False) -> None:
        nv = XDR.nvSpPr(XDR.cNvPr(id="0", name=_xml_text(name)), XDR.cNvSpPr(txBox="1") if text_box else XDR.cNvSpPr())
        shape = XDR.sp(nv, sp_pr, macro="", textlink="")
        if body is not None:
            shape.append(body)
        self.anchors.append(_two_cell(anchor, edit_as, shape))


def _two_cell(anchor: Anchor, edit_as: str, content: etree._Element) -> etree._Element:
    return XDR.twoCellAnchor(_marker("from", anchor.start), _marker("to", anchor.end), content, XDR.clientData(),
                             editAs=edit_as)


def _marker(tag: str, point: CellPoint) -> etree._Element:
    return XDR(tag, XDR.col(str(point.col)), XDR.colOff(str(point.col_off)), XDR.row(str(point.row)),
               XDR.rowOff(str(point.row_off)))


def _xfrm(anchor: Anchor) -> etree._Element:
    return A.xfrm(A.off(x=str(anchor.x), y=str(anchor.y)), A.ext(cx=str(anchor.cx), cy=str(anchor.cy)))


def _pt(x: int, y: int) -> etree._Element:
    return A.pt(x=str(x), y=str(y))


def _solid(colour: str) -> etree._Element:
    return A.solidFill(A.srgbClr(val=colour))


ARROWHEAD_FACTORS = {"sm": 2.0, "med": 3.0, "lg": 5.0}
"""A DrawingML arrowhead's width (w) and length (len) as multiples of its line's width."""
ARROWHEAD_MIN_LINE_MM = 0.7
"""Lines thinner than this get the arrowheads of a line this wide: LibreOffice's rule when it reads
DrawingML (measured in its renders); Excel was not at hand to measure, and is expected to size them alike."""


def arrowhead_sizes(width_pt: float, head_length_mm: float, head_width_mm: float) -> tuple[str, str]:
    """The tailEnd (w, len) whose head comes closest to a head_length_mm x head_width_mm triangle.

    Sizes come in three steps per line width, so a head can only come near: at 1 pt "sm" wide and
    "med" long make 1.4 x 2.1 mm against the PDF's 1.6 x 2.2 mm.
    """
    base = max(width_pt * 25.4 / 72, ARROWHEAD_MIN_LINE_MM)

    def nearest(target: float) -> str:
        return min(ARROWHEAD_FACTORS, key=lambda name: abs(ARROWHEAD_FACTORS[name] * base - target))

    return nearest(head_width_mm), nearest(head_length_mm)


def arrowhead_length_mm(width_pt: float, head_length_mm: float, head_width_mm: float) -> float:
    """How long the head that arrowhead_sizes chooses prints."""
    _, length = arrowhead_sizes(width_pt, head_length_mm, head_width_mm)
    return ARROWHEAD_FACTORS[length] * max(width_pt * 25.4 / 72, ARROWHEAD_MIN_LINE_MM)


def _line(width_pt: float, arrow: bool = False) -> etree._Element:
    line = A.ln(_solid(BLACK), A.round(), w=str(round(width_pt * EMU_PER_PT)))
    if arrow:
        w, length = arrowhead_sizes(width_pt, ARROW_LENGTH_MM, ARROW_WIDTH_MM)
        line.append(A.tailEnd(type="triangle", w=w, len=length))
    return line


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text XML 1.0 and UTF-8 can carry; a shape's text must never fail the whole export."""
    return _NOT_XML.sub("", storable(text))


_ALIGN = {"left": "l", "center": "ctr", "right": "r", "justify": "just"}


def _text_body(text: str, size_pt: float, align: str = "center", bold: bool = False, italic: bool = False,
               wrap: bool = True) -> etree._Element:
    body = XDR.txBody(
        A.bodyPr(vertOverflow="overflow", horzOverflow="overflow", wrap="square" if wrap else "none",
                 lIns="0", tIns="0", rIns="0", bIns="0", rtlCol="0", anchor="ctr"),
        A.lstStyle(),
    )
    for line in text.split("\n"):
        run_props = A.rPr(_solid(BLACK), A.latin(typeface="Arial"), A.cs(typeface="Arial"),
                          lang="id-ID", sz=str(round(size_pt * 100)), b="1" if bold else "0",
                          i="1" if italic else "0")
        body.append(A.p(A.pPr(algn=_ALIGN.get(align, "ctr")), A.r(run_props, A.t(_xml_text(line)))))
    return body


# ---- zip post-processing -----------------------------------------------------------------


def inject_drawings(workbook: bytes, drawings: dict[str, SheetDrawing]) -> bytes:
    """Add each sheet's shapes to a saved workbook and return the new file's bytes.

    A sheet that already has a drawing part (openpyxl writes one for its charts and images)
    gets the shapes appended to that part; otherwise a new part, its relationships, the
    sheet's <drawing r:id> and the content-type override are added. openpyxl must never
    load the result again: it drops every shape it cannot model.
    """
    package = _Package(workbook)
    sheet_parts = package.sheet_parts()
    for sheet_name, drawing in drawings.items():
        if len(drawing) == 0:
            continue
        if sheet_name not in sheet_parts:
            raise KeyError(f"no worksheet named {sheet_name!r} in the workbook")
        package.add_drawing(sheet_parts[sheet_name], drawing)
    return package.to_bytes()


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part))


class _Package:
    """The parts of an xlsx zip, edited in memory and written back in their original order."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            self.order = archive.namelist()
            self.parts = {name: archive.read(name) for name in self.order}

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.parts[name])

    def put_xml(self, name: str, root: etree._Element) -> None:
        if name not in self.parts:
            self.order.append(name)
        self.parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def put(self, name: str, data: bytes) -> None:
        if name not in self.parts:
            self.order.append(name)
        self.parts[name] = data

    def relationships(self, part: str) -> etree._Element:
        rels = _rels_path(part)
        if rels in self.parts:
            return self.xml(rels)
        return etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})

    def add_relationship(self, part: str, rels: etree._Element, rel_type: str, target_part: str) -> str:
        taken = {r.get("Id") for r in rels}
        number = len(taken) + 1
        while f"rId{number}" in taken:
            number += 1
        rel_id = f"rId{number}"
        etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship", Id=rel_id, Type=rel_type,
                         Target=_relative(part, target_part))
        self.put_xml(_rels_path(part), rels)
        return rel_id

    def sheet_parts(self) -> dict[str, str]:
        """Worksheet name -> part name, read through workbook.xml and its relationships."""
        workbook = self.xml("xl/workbook.xml")
        targets = {r.get("Id"): r.get("Target") for r in self.relationships("xl/workbook.xml")}
        parts = {}
        for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
            target = targets.get(sheet.get(f"{{{R_NS}}}id"))
            if target:
                parts[sheet.get("name")] = _resolve("xl/workbook.xml", target)
        return parts

    def unused_name(self, pattern: str) -> str:
        number = 1
        while pattern.format(number) in self.parts:
            number += 1
        return pattern.format(number)

    def add_content_type(self, part: str | None = None, content_type: str = "",
                         extension: str | None = None) -> None:
        types = self.xml("[Content_Types].xml")
        if extension is not None:
            if any(d.get("Extension", "").lower() == extension for d in types.iter(f"{{{CT_NS}}}Default")):
                return
            # Defaults come before Overrides in the schema.
            default = etree.Element(f"{{{CT_NS}}}Default", Extension=extension, ContentType=content_type)
            overrides = types.findall(f"{{{CT_NS}}}Override")
            if overrides:
                overrides[0].addprevious(default)
            else:
                types.append(default)
        else:
            if any(o.get("PartName") == f"/{part}" for o in types.iter(f"{{{CT_NS}}}Override")):
                return
            etree.SubElement(types, f"{{{CT_NS}}}Override", PartName=f"/{part}", ContentType=content_type)
        self.put_xml("[Content_Types].xml", types)

    def add_drawing(self, sheet_part: str, drawing: SheetDrawing) -> None:
        sheet = self.xml(sheet_part)
        existing = sheet.find(f"{{{MAIN_NS}}}drawing")
        if existing is not None:
            targets = {r.get("Id"): r.get("Target") for r in self.relationships(sheet_part)}
            drawing_part = _resolve(sheet_part, targets[existing.get(f"{{{R_NS}}}id")])
            root = self.xml(drawing_part)
        else:
            drawing_part = self.unused_name("xl/drawings/drawing{}.xml")
            root = XDR.wsDr()
            rel_id = self.add_relationship(sheet_part, self.relationships(sheet_part), DRAWING_REL, drawing_part)
            _insert_drawing_element(sheet, rel_id)
            self.put_xml(sheet_part, sheet)
            self.add_content_type(drawing_part, DRAWING_CONTENT_TYPE)

        used = [int(c.get("id", "0")) for c in root.iter(f"{{{XDR_NS}}}cNvPr") if c.get("id", "").isdigit()]
        next_id = max(used, default=1) + 1
        for anchor in drawing.anchors:
            for c_nv_pr in anchor.iter(f"{{{XDR_NS}}}cNvPr"):
                c_nv_pr.set("id", str(next_id))
                next_id += 1
            root.append(anchor)
        if drawing.pictures:
            rels = self.relationships(drawing_part)
            for picture in drawing.pictures:
                extension = "jpeg" if picture.extension == "jpg" else picture.extension
                media = self.unused_name("xl/media/image{}." + extension)
                self.put(media, picture.data)
                self.add_content_type(content_type=IMAGE_CONTENT_TYPES.get(extension, "image/png"),
                                      extension=extension)
                rel_id = self.add_relationship(drawing_part, rels, IMAGE_REL, media)
                picture.blip.set(f"{{{R_NS}}}embed", rel_id)
                if extension == "svg":
                    _add_svg_extension(picture.blip, rel_id)
        self.put_xml(drawing_part, root)

    def to_bytes(self) -> bytes:
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in self.order:
                archive.writestr(name, self.parts[name])
        return out.getvalue()


def _add_svg_extension(blip: etree._Element, rel_id: str) -> None:
    # Office 2016+ draws SVG through this extension; with no rasteriser outside Qt there is no
    # PNG to put in the plain blip, so both name the SVG (LibreOffice reads it from the blip).
    svg = etree.Element(f"{{{ASVG_NS}}}svgBlip", nsmap={"asvg": ASVG_NS})
    svg.set(f"{{{R_NS}}}embed", rel_id)
    blip.append(A.extLst(A.ext(svg, uri=SVG_BLIP_URI)))


def _insert_drawing_element(sheet: etree._Element, rel_id: str) -> None:
    element = etree.Element(f"{{{MAIN_NS}}}drawing")
    element.set(f"{{{R_NS}}}id", rel_id)
    later = [child for child in sheet if etree.QName(child).localname in _AFTER_DRAWING]
    if later:
        later[0].addprevious(element)
    else:
        sheet.append(element)
    # Declare r: on the root, as Excel itself does, rather than on the new element.
    etree.cleanup_namespaces(sheet, top_nsmap={"r": R_NS})

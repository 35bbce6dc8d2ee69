"""Drawing shapes of a sheet, read with lxml from the drawing part: boxes, arrows and labels in sheet EMU."""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from .vocabulary import decision_word
from .xlsx_cells import EMU_PER_MM, Grid

XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"

MAX_SHAPES = 4_000
"""Shapes read per sheet; a hand-made SOP has a few hundred, a sheet of many SOPs a few thousand. A drawing
with more is refused (see sopdesk.importers.xlsx), never read in part."""

TERMINATOR_GEOMETRIES = {"flowChartTerminator", "roundRect", "ellipse", "flowChartAlternateProcess"}
PROCESS_GEOMETRIES = {"flowChartProcess", "rect"}
DECISION_GEOMETRIES = {"flowChartDecision", "diamond"}
OFFPAGE_GEOMETRIES = {"flowChartOffpageConnector", "homePlate", "pentagon", "flowChartConnector"}
_LINE_PATHS: dict[str, list[tuple[float, float]]] = {
    "line": [(0, 0), (1, 1)],
    "straightConnector1": [(0, 0), (1, 1)],
    "bentConnector2": [(0, 0), (1, 0), (1, 1)],
    "curvedConnector2": [(0, 0), (1, 0), (1, 1)],
}
# Block arrows point one way whatever their flips say about the box.
_BLOCK_ARROWS = {
    "rightArrow": [(0, 0.5), (1, 0.5)], "leftArrow": [(1, 0.5), (0, 0.5)],
    "downArrow": [(0.5, 0), (0.5, 1)], "upArrow": [(0.5, 1), (0.5, 0)],
}
SYMBOL_KINDS = ("terminator", "process", "decision", "other")


@dataclass
class Shape:
    """One drawn object, placed on the sheet in EMU; `points` run from a line's start to its end."""

    ref: str
    kind: str  # terminator, process, decision, offpage, other, label, line, picture
    geometry: str
    box: tuple[float, float, float, float]
    text: str = ""
    points: list[tuple[float, float]] = field(default_factory=list)
    head_start: bool = False
    head_end: bool = False
    glue_start: str | None = None
    glue_end: str | None = None
    image_rel: str | None = None
    as_symbol: bool = False  # a picture standing for a symbol in a step's row (see guess_picture_kind)
    guess: str = ""  # how a picture's symbol kind was guessed, for the report

    @property
    def centre(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.box
        return (x0 + x1) / 2, (y0 + y1) / 2


@dataclass(frozen=True)
class _Map:
    """x -> sx·x + tx, y -> sy·y + ty: from a shape's own coordinates to the sheet (negative scale = flip)."""

    sx: float = 1.0
    tx: float = 0.0
    sy: float = 1.0
    ty: float = 0.0

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        return self.sx * x + self.tx, self.sy * y + self.ty

    def then(self, a: float, b: float, c: float, d: float) -> _Map:
        """This map applied after x -> a·x + b, y -> c·y + d."""
        return _Map(self.sx * a, self.sx * b + self.tx, self.sy * c, self.sy * d + self.ty)


def _int(elem: etree._Element | None, name: str, default: float = 0.0) -> float:
    if elem is None:
        return default
    try:
        return float(elem.get(name, default))
    except (TypeError, ValueError):
        return default


def _cell_point(grid: Grid, elem: etree._Element | None) -> tuple[float, float] | None:
    if elem is None:
        return None
    try:
        col = int(elem.findtext(f"{XDR}col") or 0)
        row = int(elem.findtext(f"{XDR}row") or 0)
        col_off = float(elem.findtext(f"{XDR}colOff") or 0)
        row_off = float(elem.findtext(f"{XDR}rowOff") or 0)
    except ValueError:
        return None
    return grid.col_left(col + 1) + col_off, grid.row_top(row + 1) + row_off


def _anchor_box(grid: Grid, anchor: etree._Element) -> tuple[float, float, float, float] | None:
    tag = etree.QName(anchor).localname
    if tag == "twoCellAnchor":
        start, end = _cell_point(grid, anchor.find(f"{XDR}from")), _cell_point(grid, anchor.find(f"{XDR}to"))
        if start and end:
            return start[0], start[1], max(start[0], end[0]), max(start[1], end[1])
    elif tag == "oneCellAnchor":
        start, ext = _cell_point(grid, anchor.find(f"{XDR}from")), anchor.find(f"{XDR}ext")
        if start:
            return start[0], start[1], start[0] + _int(ext, "cx"), start[1] + _int(ext, "cy")
    elif tag == "absoluteAnchor":
        pos, ext = anchor.find(f"{XDR}pos"), anchor.find(f"{XDR}ext")
        x, y = _int(pos, "x"), _int(pos, "y")
        return x, y, x + _int(ext, "cx"), y + _int(ext, "cy")
    return None


_KNOWN = {f"{XDR}{t}" for t in ("sp", "grpSp", "cxnSp", "pic", "graphicFrame", "twoCellAnchor", "oneCellAnchor",
                                "absoluteAnchor")}


def _children(parent: etree._Element) -> Iterator[etree._Element]:
    """Children, with mc:AlternateContent replaced by its first usable Choice, else its Fallback."""
    for child in parent:
        if child.tag == f"{MC}AlternateContent":
            branches = [c for c in child if c.tag == f"{MC}Choice"]
            chosen = next((b for b in branches if any(g.tag in _KNOWN for g in b)), None)
            if chosen is None:
                chosen = child.find(f"{MC}Fallback")
            if chosen is not None:
                yield from _children(chosen)
        elif isinstance(child.tag, str):
            yield child


def _xfrm(elem: etree._Element) -> etree._Element | None:
    for path in (f"{XDR}spPr/{A}xfrm", f"{XDR}grpSpPr/{A}xfrm", f"{XDR}xfrm"):
        found = elem.find(path)
        if found is not None:
            return found
    return None


def _own_box(xfrm: etree._Element | None) -> tuple[float, float, float, float] | None:
    """(x, y, width, height) from a:xfrm, or None when it is missing."""
    if xfrm is None:
        return None
    off, ext = xfrm.find(f"{A}off"), xfrm.find(f"{A}ext")
    if off is None or ext is None:
        return None
    return _int(off, "x"), _int(off, "y"), _int(ext, "cx"), _int(ext, "cy")


def _fit(box: tuple[float, float, float, float], own: tuple[float, float, float, float] | None) -> _Map:
    """The map placing a top-level object's own coordinates onto its anchor box (the anchor wins)."""
    x0, y0, x1, y1 = box
    if own is None:
        return _Map(1.0, x0, 1.0, y0)
    ox, oy, w, h = own
    sx = (x1 - x0) / w if w > 0 else 1.0
    sy = (y1 - y0) / h if h > 0 else 1.0
    return _Map(sx, x0 - ox * sx, sy, y0 - oy * sy)


def _text(elem: etree._Element) -> str:
    paragraphs = []
    for body in elem.iter(f"{XDR}txBody", f"{A}txBody"):
        for p in body.iter(f"{A}p"):
            paragraphs.append("".join(t.text or "" for t in p.iter(f"{A}t")))
    return "\n".join(p.strip() for p in paragraphs).strip()


def _has_head(line: etree._Element | None, which: str) -> bool:
    end = line.find(f"{A}{which}") if line is not None else None
    return end is not None and end.get("type", "none") != "none"


def _path_points(geom: etree._Element, w: float, h: float) -> tuple[list[tuple[float, float]], bool]:
    """Unit-box points of a freeform's outline and whether it is closed."""
    points: list[tuple[float, float]] = []
    closed = False
    for path in geom.iter(f"{A}path"):
        pw, ph = _int(path, "w", w) or w or 1.0, _int(path, "h", h) or h or 1.0
        for cmd in path:
            tag = etree.QName(cmd).localname if isinstance(cmd.tag, str) else ""
            if tag == "close":
                closed = True
                continue
            pts = cmd.findall(f"{A}pt")
            if pts:
                pt = pts[-1]
                points.append((_int(pt, "x") / pw, _int(pt, "y") / ph))
    return points, closed


def _unit_points(geometry: str, spPr: etree._Element | None, w: float, h: float) -> tuple[list, bool]:
    """(points in the unit box before flips, is a line) for connector presets and open freeforms."""
    if geometry in _LINE_PATHS:
        return list(_LINE_PATHS[geometry]), True
    if geometry.startswith(("bentConnector", "curvedConnector")):
        guides = {g.get("name"): g.get("fmla", "") for g in spPr.iter(f"{A}gd")} if spPr is not None else {}

        def adj(name: str) -> float:
            parts = guides.get(name, "val 50000").split()
            try:
                return float(parts[-1]) / 100000
            except ValueError:
                return 0.5

        if geometry.endswith("3"):
            a1 = adj("adj1")
            return [(0, 0), (a1, 0), (a1, 1), (1, 1)], True
        if geometry.endswith(("4", "5")):
            a1, a2 = adj("adj1"), adj("adj2")
            return [(0, 0), (a1, 0), (a1, a2), (1, a2), (1, 1)], True
    if geometry in _BLOCK_ARROWS:
        return list(_BLOCK_ARROWS[geometry]), True
    if geometry == "custGeom" and spPr is not None:
        geom = spPr.find(f"{A}custGeom")
        points, closed = _path_points(geom, w, h) if geom is not None else ([], False)
        line = spPr.find(f"{A}ln")
        if len(points) >= 2 and (not closed or _has_head(line, "tailEnd") or _has_head(line, "headEnd")):
            return points, True
    return [], False


def _classify(geometry: str, elem: etree._Element, text: str, size: tuple[float, float]) -> str:
    spPr = elem.find(f"{XDR}spPr")
    is_textbox = any(n.get("txBox") in ("1", "true") for n in elem.iter(f"{XDR}cNvSpPr"))
    no_outline = spPr is not None and spPr.find(f"{A}ln/{A}noFill") is not None
    small = size[0] < 15 * EMU_PER_MM and size[1] < 12 * EMU_PER_MM
    if text and (is_textbox or (geometry in ("rect", "") and no_outline)
                 or (branch_word(text) and small and geometry in ("rect", "", "roundRect", "ellipse"))):
        return "label"
    if is_textbox:
        return "ignored"
    if not text and spPr is not None and spPr.find(f"{A}noFill") is not None and no_outline:
        return "ignored"  # neither line nor fill: nothing is printed
    for kind, names in (("terminator", TERMINATOR_GEOMETRIES), ("process", PROCESS_GEOMETRIES),
                        ("decision", DECISION_GEOMETRIES), ("offpage", OFFPAGE_GEOMETRIES)):
        if geometry in names:
            return kind
    return "other"


def branch_word(text: str) -> str | None:
    """"ya" or "tidak" for a decision branch label (see vocabulary.decision_word)."""
    return decision_word(text)


def _shape(elem: etree._Element, to_sheet: _Map, own: tuple[float, float, float, float], tag: str) -> Shape | None:
    ox, oy, w, h = own
    corners = [to_sheet(ox, oy), to_sheet(ox + w, oy + h)]
    box = (min(p[0] for p in corners), min(p[1] for p in corners),
           max(p[0] for p in corners), max(p[1] for p in corners))
    nv = next(elem.iter(f"{XDR}cNvPr"), None)
    ref = nv.get("id", "") if nv is not None else ""
    if tag == "pic":
        blip = next(elem.iter(f"{A}blip"), None)
        return Shape(ref=ref, kind="picture", geometry="", box=box,
                     image_rel=blip.get(R_EMBED) if blip is not None else None)
    if tag == "graphicFrame":
        return None
    spPr = elem.find(f"{XDR}spPr")
    prst = spPr.find(f"{A}prstGeom") if spPr is not None else None
    geometry = prst.get("prst", "") if prst is not None else (
        "custGeom" if spPr is not None and spPr.find(f"{A}custGeom") is not None else "")
    text = _text(elem)
    unit, is_line = _unit_points(geometry, spPr, w, h)
    if tag == "cxnSp" and not is_line:
        unit, is_line = [(0, 0), (1, 1)], True
    if not is_line:
        kind = _classify(geometry, elem, text, (box[2] - box[0], box[3] - box[1]))
        return None if kind == "ignored" else Shape(ref=ref, kind=kind, geometry=geometry, box=box, text=text)
    xfrm = _xfrm(elem)
    flip_h = xfrm is not None and xfrm.get("flipH") in ("1", "true") and geometry not in _BLOCK_ARROWS
    flip_v = xfrm is not None and xfrm.get("flipV") in ("1", "true") and geometry not in _BLOCK_ARROWS
    points = [to_sheet(ox + (1 - u if flip_h else u) * w, oy + (1 - v if flip_v else v) * h) for u, v in unit]
    rotation = _int(xfrm, "rot") / 60000 if xfrm is not None else 0.0
    if rotation:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        cos, sin = math.cos(math.radians(rotation)), math.sin(math.radians(rotation))
        points = [(cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos) for x, y in points]
    line = spPr.find(f"{A}ln") if spPr is not None else None
    shape = Shape(ref=ref, kind="line", geometry=geometry, box=box, text=text, points=points,
                  head_start=_has_head(line, "headEnd"), head_end=_has_head(line, "tailEnd") or geometry in
                  _BLOCK_ARROWS)
    st, en = next(elem.iter(f"{A}stCxn"), None), next(elem.iter(f"{A}endCxn"), None)
    shape.glue_start = st.get("id") if st is not None else None
    shape.glue_end = en.get("id") if en is not None else None
    return shape


def _walk(elem: etree._Element, to_sheet: _Map, found: list[Shape]) -> None:
    """One object and, for a group, its children through the group's child-space transform."""
    if len(found) >= MAX_SHAPES:
        return
    tag = etree.QName(elem).localname
    own = _own_box(_xfrm(elem))
    if tag == "grpSp":
        xfrm = _xfrm(elem)
        ox, oy, w, h = own or (0.0, 0.0, 0.0, 0.0)
        ch_off, ch_ext = (xfrm.find(f"{A}chOff"), xfrm.find(f"{A}chExt")) if xfrm is not None else (None, None)
        cx, cy = _int(ch_off, "x", ox), _int(ch_off, "y", oy)
        cw, chh = _int(ch_ext, "cx", w), _int(ch_ext, "cy", h)
        sx, sy = (w / cw if cw > 0 else 1.0), (h / chh if chh > 0 else 1.0)
        flip_h = xfrm is not None and xfrm.get("flipH") in ("1", "true")
        flip_v = xfrm is not None and xfrm.get("flipV") in ("1", "true")
        a, b = (-sx, ox + w + cx * sx) if flip_h else (sx, ox - cx * sx)
        c, d = (-sy, oy + h + cy * sy) if flip_v else (sy, oy - cy * sy)
        inner = to_sheet.then(a, b, c, d)
        for child in _children(elem):
            _walk(child, inner, found)
        return
    if tag not in ("sp", "cxnSp", "pic", "graphicFrame") or own is None:
        return
    shape = _shape(elem, to_sheet, own, tag)
    if shape is not None:
        found.append(shape)


def read_drawing(xml: bytes, grid: Grid, parse: Callable[[bytes], etree._Element]) -> list[Shape]:
    """Every shape of one drawing part, in drawing order, placed through the sheet's row and column edges."""
    root = parse(xml)
    found: list[Shape] = []
    for anchor in _children(root):
        if len(found) >= MAX_SHAPES:
            break
        box = _anchor_box(grid, anchor)
        if box is None:
            continue
        for elem in _children(anchor):
            tag = etree.QName(elem).localname
            if tag not in ("sp", "grpSp", "cxnSp", "pic"):
                continue
            own = _own_box(_xfrm(elem))
            rotated = own is not None and _int(_xfrm(elem), "rot") != 0 and tag != "grpSp"
            if own is None or own[2] <= 0 and own[3] <= 0:
                own = (box[0], box[1], box[2] - box[0], box[3] - box[1])
            if rotated:
                # Rotated objects keep their own size; only their centre comes from the anchor.
                ox, oy, w, h = own
                cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
                to_sheet = _Map(1.0, cx - (ox + w / 2), 1.0, cy - (oy + h / 2))
            else:
                to_sheet = _fit(box, own)
            _walk_top(elem, to_sheet, own, found)
    return found


def _walk_top(elem: etree._Element, to_sheet: _Map, own: tuple[float, float, float, float],
              found: list[Shape]) -> None:
    tag = etree.QName(elem).localname
    if tag == "grpSp":
        _walk(elem, to_sheet, found)
        return
    shape = _shape(elem, to_sheet, own, tag)
    if shape is not None:
        found.append(shape)


# ---- pictures pasted as symbols -----------------------------------------------------------------------

MAX_PICTURE_PIXELS = 25_000_000
"""Pictures larger than this are not decoded to guess their shape (a decompression bomb stays shut)."""


def _ink_shape(data: bytes) -> str | None:
    """"process", "terminator" or "decision" from the picture's pixels, or None when it cannot be decoded.

    The drawn outline is cropped out of the white or transparent surround, then looked at where the
    three symbols differ: a box has ink in its corners; a capsule (or an ellipse) has none there
    but runs along the top edge away from the middle; a diamond touches the top edge only in the middle.
    """
    try:
        from PIL import Image
    except ImportError:
        return None
    import io
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PICTURE_PIXELS or image.width < 4 or image.height < 4:
                return None
            image.draft("RGB", (128, 128))
            rgba = image.convert("RGBA")
    except Exception:  # noqa: BLE001 - any picture a library cannot decode is simply not looked into
        return None
    size = 48
    small = rgba.resize((size * 4, size * 4))
    pixels = small.load()
    w, h = small.size
    ink = [[pixels[x, y][3] > 64 and sum(pixels[x, y][:3]) < 3 * 225 for x in range(w)] for y in range(h)]
    xs = [x for y in range(h) for x in range(w) if ink[y][x]]
    ys = [y for y in range(h) for x in range(w) if ink[y][x]]
    if not xs:
        return None
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None

    def any_ink(fx0: float, fx1: float, fy0: float, fy1: float) -> bool:
        ax0, ax1 = x0 + int(fx0 * (x1 - x0)), x0 + int(fx1 * (x1 - x0))
        ay0, ay1 = y0 + int(fy0 * (y1 - y0)), y0 + int(fy1 * (y1 - y0))
        return any(ink[y][x] for y in range(ay0, ay1 + 1) for x in range(ax0, ax1 + 1))

    corners = sum(any_ink(a, a + 0.06, b, b + 0.06) for a in (0.0, 0.94) for b in (0.0, 0.94))
    if corners >= 3:
        return "process"
    top_side = any_ink(0.25, 0.35, 0.0, 0.08) and any_ink(0.65, 0.75, 0.0, 0.08)
    bottom_side = any_ink(0.25, 0.35, 0.92, 1.0) and any_ink(0.65, 0.75, 0.92, 1.0)
    return "terminator" if top_side and bottom_side else "decision"


def guess_picture_kind(data: bytes | None, box: tuple[float, float, float, float],
                       end_step: bool) -> tuple[str, str]:
    """(symbol kind, how it was guessed) for a picture placed as a step's symbol.

    Its pixels decide when they can be decoded (PNG, JPEG, GIF, BMP); otherwise its proportions:
    a near-square picture is a diamond, a wide one a box, and on the first or last step a capsule.
    """
    kind = _ink_shape(data) if data else None
    if kind is not None:
        return kind, "menurut garis bentuk pada gambarnya"
    width, height = box[2] - box[0], box[3] - box[1]
    ratio = width / height if height > 0 else 0.0
    shown = f"{ratio:.1f}".replace(".", ",")
    if 0.75 <= ratio <= 1.35:
        return "decision", f"menurut perbandingan lebar:tinggi {shown} (hampir persegi)"
    if end_step:
        return "terminator", f"menurut letaknya (langkah pertama/terakhir) dan perbandingan lebar:tinggi {shown}"
    return "process", f"menurut perbandingan lebar:tinggi {shown}"

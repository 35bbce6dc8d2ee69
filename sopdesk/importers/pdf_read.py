"""What a PDF page holds, read with PDFium: its characters with their boxes, its vector paths and its pictures.

Everything is in points with the origin at the top left of the page (y grows downwards), so
rows read top to bottom as on paper. Paths inside form XObjects (signed PDFs wrap the whole
page in one) are brought to page space through every enclosing form's matrix.

The reader is bounded: pages, objects per page, path segments and characters per page all have
caps, and hostile streams are refused before PDFium parses them (see check_streams).
"""
from __future__ import annotations

import ctypes
import re
import struct
import zlib
from dataclasses import dataclass, field

import pypdfium2 as pdfium
from pypdfium2 import raw

MAX_PAGES = 120
"""Longest PDF read; the longest SOP seen runs to 22 pages, a bundle of several SOPs can be longer."""
MAX_OBJECTS_PER_PAGE = 20_000
MAX_OBJECTS_TOTAL = 60_000
"""Drawing objects read over the whole file; the 30 real SOPs of the dev set hold 240 on average."""
MAX_CHARS_TOTAL = 600_000
MAX_SEGMENTS_PER_PAGE = 400_000
MAX_CHARS_PER_PAGE = 60_000
MAX_FORM_DEPTH = 8
MAX_STREAM_BYTES = 16 * 1024 * 1024
"""Largest decoded stream allowed; an SOP page's content is well under 1 MB."""
MAX_DECODED_TOTAL = 120 * 1024 * 1024
MAX_STREAMS = 50_000


class PdfTooComplex(Exception):
    """The file is beyond the reader's caps; `what` says which, in Indonesian."""

    def __init__(self, what: str, whole_file: bool = False) -> None:
        super().__init__(what)
        self.what = what
        self.whole_file = whole_file


@dataclass
class TextBox:
    """Text with the box it is printed in, in page points."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Char(TextBox):
    style: tuple[int, bool, bool] = (0, False, False)  # (font size in half points, bold, italic)


@dataclass
class Path:
    """One path object: its subpaths as point lists (curves flattened), with how it is painted."""

    subpaths: list[list[tuple[float, float]]]
    closed: list[bool]
    curved: list[bool]
    fill: bool
    stroke: bool
    fill_rgb: tuple[int, int, int] = (0, 0, 0)
    bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    images: list[tuple[float, float, float, float]] = field(default_factory=list)
    logos: list[tuple[tuple[float, float, float, float], bytes, str]] = field(default_factory=list)
    """Pictures in the top left of the page (where the form has its logo): (box, file bytes, "png" or "jpg")."""


_STREAM = re.compile(rb"stream\r?\n")
_FLATE = re.compile(rb"/FlateDecode|/Fl\b")


def check_streams(data: bytes) -> None:
    """Refuse PDF bombs: a Flate stream that decodes past MAX_STREAM_BYTES, or all streams past MAX_DECODED_TOTAL.

    Each stream is decoded in chunks with a cap, so a 1 GB bomb costs only the cap to detect.
    """
    total = 0
    count = 0
    pos = 0
    while True:
        m = _STREAM.search(data, pos)
        if m is None:
            return
        count += 1
        if count > MAX_STREAMS:
            raise PdfTooComplex(f"lebih dari {MAX_STREAMS:,} aliran data".replace(",", "."))
        start = m.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        head = data[max(0, m.start() - 400):m.start()]
        pos = end + 9
        if not _FLATE.search(head):
            continue
        decoder = zlib.decompressobj()
        chunk = data[start:end]
        produced = 0
        try:
            out = decoder.decompress(chunk, MAX_STREAM_BYTES + 1)
            produced = len(out)
            while decoder.unconsumed_tail and produced <= MAX_STREAM_BYTES:
                out = decoder.decompress(decoder.unconsumed_tail, MAX_STREAM_BYTES + 1 - produced)
                if not out:
                    break
                produced += len(out)
        except zlib.error:
            continue  # a damaged stream is PDFium's to judge
        if produced > MAX_STREAM_BYTES:
            raise PdfTooComplex("aliran data yang membesar berlebihan saat dibuka (bom PDF)")
        total += produced
        if total > MAX_DECODED_TOTAL:
            raise PdfTooComplex("isi terkompresi yang terlalu besar setelah dibuka")


def _matrix_chain(obj: pdfium.PdfObject) -> list[tuple[float, float, float, float, float, float]]:
    chain = []
    node = obj
    depth = 0
    while node is not None and depth <= MAX_FORM_DEPTH + 1:
        m = node.get_matrix()
        chain.append((m.a, m.b, m.c, m.d, m.e, m.f))
        node = getattr(node, "container", None)
        depth += 1
    return chain


def _apply(chain, x: float, y: float) -> tuple[float, float]:
    for a, b, c, d, e, f in chain:
        x, y = a * x + c * y + e, b * x + d * y + f
    return x, y


def _bezier(p0, p1, p2, p3, steps: int = 6) -> list[tuple[float, float]]:
    out = []
    for k in range(1, steps + 1):
        t = k / steps
        u = 1 - t
        out.append((u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0],
                    u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1]))
    return out


def _straight(p0, p1, p2, p3) -> bool:
    """Whether a Bézier piece's control points lie on the line between its ends."""
    dx, dy = p3[0] - p0[0], p3[1] - p0[1]
    length = (dx * dx + dy * dy) ** 0.5
    if length < 1e-6:
        return max(abs(p[0] - p0[0]) + abs(p[1] - p0[1]) for p in (p1, p2)) < 0.3
    return all(abs((p[0] - p0[0]) * dy - (p[1] - p0[1]) * dx) / length < 0.3 for p in (p1, p2))


class View:
    """PDF user space to the page as shown: origin top left, y down, the page's /Rotate applied."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        left, bottom, right, top = page.get_mediabox()
        self.left, self.bottom = left, bottom
        self.w, self.h = right - left, top - bottom
        rotation = page.get_rotation() % 360
        self.rotation = rotation if rotation in (0, 90, 180, 270) else 0
        self.width, self.height = (self.h, self.w) if self.rotation in (90, 270) else (self.w, self.h)

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        x, y = x - self.left, y - self.bottom
        if self.rotation == 90:
            return y, x
        if self.rotation == 180:
            return self.w - x, y
        if self.rotation == 270:
            return self.h - y, self.w - x
        return x, self.h - y

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        ax, ay = self(x0, y0)
        bx, by = self(x1, y1)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _read_path(obj: pdfium.PdfObject, view: View, budget: list[int]) -> Path | None:
    handle = obj.raw
    count = raw.FPDFPath_CountSegments(handle)
    if count <= 0:
        return None
    budget[0] -= count
    if budget[0] < 0:
        raise PdfTooComplex("gambar vektor yang terlalu rumit pada satu halaman")
    chain = _matrix_chain(obj)
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[float, float]]] = []
    closed: list[bool] = []
    curved: list[bool] = []
    pending: list[tuple[float, float]] = []
    for i in range(count):
        seg = raw.FPDFPath_GetPathSegment(handle, i)
        if not seg or not raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            continue
        px, py = _apply(chain, x.value, y.value)
        point = view(px, py)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
            closed.append(False)
            curved.append(False)
            pending = []
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            pending.append(point)
            if len(pending) == 3:
                start = subpaths[-1][-1]
                if _straight(start, pending[0], pending[1], pending[2]):
                    subpaths[-1].append(pending[2])  # a straight line written as a curve
                else:
                    subpaths[-1].extend(_bezier(start, *pending))
                    curved[-1] = True
                pending = []
        else:
            subpaths[-1].append(point)
        if raw.FPDFPathSegment_GetClose(seg):
            closed[-1] = True
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(handle, ctypes.byref(fillmode), ctypes.byref(stroke))
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    rgb = (0, 0, 0)
    if raw.FPDFPageObj_GetFillColor(handle, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        rgb = (r.value, g.value, b.value)
    xs = [p[0] for sp in subpaths for p in sp]
    ys = [p[1] for sp in subpaths for p in sp]
    if not xs:
        return None
    return Path(subpaths, closed, curved, fill=fillmode.value != 0, stroke=bool(stroke.value), fill_rgb=rgb,
                bbox=(min(xs), min(ys), max(xs), max(ys)))


def _read_chars(page: pdfium.PdfPage, view: View) -> list[Char]:
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count > MAX_CHARS_PER_PAGE:
            raise PdfTooComplex("terlalu banyak huruf pada satu halaman")
        handle = textpage.raw
        chars = []
        rect = raw.FS_RECTF()
        flags = ctypes.c_int()
        for i in range(count):
            code = raw.FPDFText_GetUnicode(handle, i)
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
                continue
            text = chr(code)
            if text in "\r\n":
                continue
            if code == 2:
                text = "-"  # PDFium's mark for a hyphen the text carried
            elif code < 32 or 0x7F <= code < 0xA0:
                continue
            if raw.FPDFText_IsGenerated(handle, i) == 1:
                if text == " " and chars and chars[-1].text != " ":
                    prev = chars[-1]  # a word break PDFium saw: placed just after the letter before it
                    chars.append(Char(" ", prev.x1, prev.y0, prev.x1, prev.y1))
                continue
            # The loose box spans the font's ascent to descent and the glyph's advance, so the letters of a
            # word touch and a full stop sits on the same line as the word before it.
            if not raw.FPDFText_GetLooseCharBox(handle, i, ctypes.byref(rect)):
                continue
            if text.isspace():
                text = " "
            raw.FPDFText_GetFontInfo(handle, i, None, 0, ctypes.byref(flags))
            style = (round(raw.FPDFText_GetFontSize(handle, i) * 2), raw.FPDFText_GetFontWeight(handle, i) >= 600,
                     bool(flags.value & 0x40))
            chars.append(Char(text, *view.box(rect.left, rect.top, rect.right, rect.bottom), style))
        return chars
    finally:
        textpage.close()


@dataclass
class Budget:
    """What is left to read of the whole file (objects and characters); shared by its pages."""

    objects: int = MAX_OBJECTS_TOTAL
    chars: int = MAX_CHARS_TOTAL


MAX_LOGO_PIXELS = 1600 * 1600


def _png(width: int, height: int, rows: list[bytes], colour_type: int) -> bytes:
    """A PNG file of 8-bit rows (colour type 2 = RGB, 6 = RGBA)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw_rows = b"".join(b"\x00" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw_rows, 6)) + chunk(b"IEND", b""))


def _picture(obj) -> tuple[bytes, str] | None:
    """The picture of an image object as a file: JPEG data as stored, anything else drawn into a PNG."""
    try:
        width, height = obj.get_px_size()
        if width <= 0 or height <= 0 or width * height > MAX_LOGO_PIXELS:
            return None
        if obj.get_filters() == ["DCTDecode"]:
            data = bytes(obj.get_data(decode_simple=True))
            return (data, "jpg") if data[:2] == b"\xff\xd8" else None
        bitmap = obj.get_bitmap(render=True)  # freed by pypdfium2 with the page
        channels = bitmap.n_channels
        if channels not in (3, 4) or bitmap.width * bitmap.height > MAX_LOGO_PIXELS:
            return None
        buffer = bytes(bitmap.buffer)
        rows = []
        for y in range(bitmap.height):
            line = bytearray(buffer[y * bitmap.stride:y * bitmap.stride + bitmap.width * channels])
            line[0::channels], line[2::channels] = line[2::channels], line[0::channels]  # BGR(A) to RGB(A)
            rows.append(bytes(line))
        return _png(bitmap.width, bitmap.height, rows, 6 if channels == 4 else 2), "png"
    except (pdfium.PdfiumError, ValueError, TypeError, OSError):
        return None


def read_page(document: pdfium.PdfDocument, index: int, budget: Budget | None = None) -> Page:
    budget = budget if budget is not None else Budget()
    page = document[index]
    try:
        view = View(page)
        width, height = view.width, view.height
        result = Page(index + 1, width, height)
        result.chars = _read_chars(page, view)
        budget.chars -= len(result.chars)
        if budget.chars < 0:
            raise PdfTooComplex(f"lebih dari {MAX_CHARS_TOTAL:,} huruf".replace(",", "."), whole_file=True)
        segments = [MAX_SEGMENTS_PER_PAGE]
        objects = 0
        for obj in page.get_objects(max_depth=MAX_FORM_DEPTH):
            objects += 1
            budget.objects -= 1
            if objects > MAX_OBJECTS_PER_PAGE:
                raise PdfTooComplex("terlalu banyak objek gambar pada satu halaman")
            if budget.objects < 0:
                raise PdfTooComplex(f"lebih dari {MAX_OBJECTS_TOTAL:,} objek gambar".replace(",", "."),
                                    whole_file=True)
            if obj.type == raw.FPDF_PAGEOBJ_PATH:
                path = _read_path(obj, view, segments)
                if path is not None:
                    result.paths.append(path)
            elif obj.type == raw.FPDF_PAGEOBJ_IMAGE:
                chain = _matrix_chain(obj)
                corners = [_apply(chain, cx, cy) for cx, cy in ((0, 0), (1, 0), (0, 1), (1, 1))]
                shown = [view(cx, cy) for cx, cy in corners]
                xs = [c[0] for c in shown]
                ys = [c[1] for c in shown]
                box = (min(xs), min(ys), max(xs), max(ys))
                result.images.append(box)
                if box[3] < height * 0.45 and box[2] < width * 0.6 and box[2] - box[0] < 200 and \
                        box[3] - box[1] < 200 and len(result.logos) < 3:
                    logo = _picture(obj)
                    if logo is not None:
                        result.logos.append((box, *logo))
        return result
    finally:
        page.close()

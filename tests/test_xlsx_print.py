"""The Excel export printed by LibreOffice against SOP Desk's own PDF of the same page model.

Both PDFs are read with the small vector-path reader below: page sizes, the tables' extent (the
print scale), symbol centres, arrowheads, and (through pdftotext -bbox) the Ya/Tidak labels. One
LibreOffice run converts every workbook of the module.
"""
from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest

from sopdesk import outputs
from sopdesk.interchange import sop_from_fixture
from sopdesk.layout.page_model import Document, Page
from sopdesk.model import Sop

from .conftest import load_fixture
from .render_helpers import SOFFICE, convert_to_pdf
from .test_export_xlsx import short_sop as three_step_sop

MM_PER_PT = 25.4 / 72
CENTRE_TOLERANCE_MM = 0.5
SCALE_TOLERANCE = 0.01

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]


# ---- a small PDF path reader ---------------------------------------------------------------------

_OBJECT = re.compile(rb"(?<![^\r\n])(\d+)\s+\d+\s+obj\b")
_REFERENCE = re.compile(rb"(\d+)\s+\d+\s+R")
_NUMBER = re.compile(rb"-?(?:\d+\.?\d*|\.\d+)")
_SPACE = b" \t\r\n\f\x00"
_DELIMITERS = b"()<>[]{}/%"
_PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"n"}
_STROKES = {b"S", b"s", b"B", b"B*", b"b", b"b*"}


@dataclass
class PdfPath:
    """One painted path in page millimetres from the top-left corner (y down)."""

    subpaths: list[list[tuple[float, float]]]
    stroke: bool
    fill: bool
    fill_rgb: tuple[float, ...]

    @property
    def points(self) -> list[tuple[float, float]]:
        return [p for sub in self.subpaths for p in sub]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass
class PdfPage:
    width_mm: float
    height_mm: float
    paths: list[PdfPath] = field(default_factory=list)


class _Pdf:
    """Objects found by their "n 0 obj" headers at line starts (the last definition of a number wins).

    Enough for the classic files Qt and LibreOffice write: no object streams, Flate or no filter.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.starts = {int(m.group(1)): m.end() for m in _OBJECT.finditer(data)}

    def head(self, number: int) -> bytes:
        """The object's text up to its stream, if it has one."""
        start = self.starts[number]
        end = self.data.find(b"endobj", start)
        stream = self.data.find(b"stream", start, end)
        return self.data[start:stream if stream >= 0 else end]

    def entry(self, text: bytes, key: bytes) -> bytes | None:
        """What follows /key in a dictionary; a reference is replaced by the object it names."""
        match = re.search(rb"/" + key + rb"(?![A-Za-z0-9])\s*", text)
        if match is None:
            return None
        rest = text[match.end():]
        ref = re.match(rb"(\d+)\s+\d+\s+R", rest)
        return self.head(int(ref.group(1))).strip() if ref else rest

    def numbers(self, text: bytes, key: bytes) -> list[float]:
        value = self.entry(text, key) or b"[]"
        return [float(n) for n in _NUMBER.findall(value[:value.index(b"]")])]

    def stream(self, number: int) -> bytes:
        head = self.head(number)
        begin = self.starts[number] + len(head) + len(b"stream")
        begin += 2 if self.data[begin:begin + 2] == b"\r\n" else 1
        length = int(_NUMBER.match(self.entry(head, b"Length")).group(0))
        raw = self.data[begin:begin + length]
        return zlib.decompress(raw) if b"FlateDecode" in head else raw

    def page_numbers(self, number: int) -> list[int]:
        head = self.head(number)
        if re.search(rb"/Type\s*/Page(?!s)", head):
            return [number]
        kids = self.entry(head, b"Kids")
        return [n for ref in _REFERENCE.finditer(kids[:kids.index(b"]")]) for n in self.page_numbers(int(ref.group(1)))]

    def pages(self) -> list[int]:
        root = int(re.findall(rb"/Root\s+(\d+)\s+\d+\s+R", self.data)[-1])
        return self.page_numbers(int(re.search(rb"/Pages\s+(\d+)\s+\d+\s+R", self.head(root)).group(1)))


def _tokens(data: bytes):
    """(kind, value) of a content stream: "num", "name", "str" (skipped text) or "op"."""
    i, n = 0, len(data)
    while i < n:
        c = data[i:i + 1]
        if c in _SPACE:
            i += 1
        elif c == b"%":
            while i < n and data[i:i + 1] not in b"\r\n":
                i += 1
        elif c == b"(":
            depth, j = 1, i + 1
            while j < n and depth:
                ch = data[j:j + 1]
                depth += {b"(": 1, b")": -1}.get(ch, 0)
                j += 2 if ch == b"\\" else 1
            yield "str", data[i:j]
            i = j
        elif data[i:i + 2] in (b"<<", b">>"):
            yield "op", data[i:i + 2]
            i += 2
        elif c == b"<":
            j = data.index(b">", i) + 1
            yield "str", data[i:j]
            i = j
        elif c in b"[]{}":
            yield "op", c
            i += 1
        else:
            j = i + 1
            while j < n and data[j:j + 1] not in _SPACE and data[j:j + 1] not in _DELIMITERS:
                j += 1
            word = data[i:j]
            if c == b"/":
                yield "name", word[1:]
            elif _NUMBER.fullmatch(word):
                yield "num", float(word)
            else:
                yield "op", word
            i = j


def _times(m: tuple, n: tuple) -> tuple:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _paint(pdf: _Pdf, page: PdfPage, top_pt: float, content: bytes, resources: bytes, ctm: tuple) -> None:
    stack: list[tuple] = []
    fill_rgb: tuple[float, ...] = (0.0, 0.0, 0.0)
    subpaths: list[list[tuple[float, float]]] = []
    operands: list = []
    depth = 0  # inside arrays and inline dictionaries (text arrays, marked content): not path operands
    tokens = _tokens(content)

    def point(x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = ctm
        return (x * a + y * c + e) * MM_PER_PT, (top_pt - (x * b + y * d + f)) * MM_PER_PT

    for kind, value in tokens:
        if kind == "op" and value in (b"[", b"<<"):
            depth += 1
            continue
        if kind == "op" and value in (b"]", b">>"):
            depth -= 1
            continue
        if kind != "op" or depth:
            if not depth:
                operands.append(value)
            continue
        nums = [v for v in operands if isinstance(v, float)]
        if value == b"q":
            stack.append((ctm, fill_rgb))
        elif value == b"Q" and stack:
            ctm, fill_rgb = stack.pop()
        elif value == b"cm" and len(nums) >= 6:
            ctm = _times(tuple(nums[-6:]), ctm)
        elif value in (b"rg", b"sc", b"scn", b"g") and len(nums) in (1, 3):
            fill_rgb = tuple(nums) * (3 if len(nums) == 1 else 1)
        elif value == b"m" and len(nums) >= 2:
            subpaths.append([point(*nums[-2:])])
        elif value in (b"l", b"c", b"v", b"y") and subpaths:
            subpaths[-1] += [point(nums[k], nums[k + 1]) for k in range(0, len(nums) - 1, 2)]
        elif value == b"re" and len(nums) >= 4:
            x, y, w, h = nums[-4:]
            subpaths.append([point(x, y), point(x + w, y), point(x + w, y + h), point(x, y + h), point(x, y)])
        elif value == b"h" and subpaths and subpaths[-1]:
            subpaths[-1].append(subpaths[-1][0])
        elif value in _PAINT:
            if value in (b"s", b"b", b"b*") and subpaths and subpaths[-1]:
                subpaths[-1].append(subpaths[-1][0])
            if value != b"n" and any(subpaths):
                page.paths.append(PdfPath([s for s in subpaths if s], value in _STROKES, value not in (b"S", b"s"),
                                          fill_rgb))
            subpaths = []
        elif value == b"Do" and operands:
            _form(pdf, page, top_pt, operands[-1], resources, ctm)
        elif value == b"BI":
            for kind2, value2 in tokens:  # an inline image: its data is no operator
                if kind2 == "op" and value2 == b"EI":
                    break
        operands = []


def _form(pdf: _Pdf, page: PdfPage, top_pt: float, name: bytes, resources: bytes, ctm: tuple) -> None:
    xobjects = pdf.entry(resources, b"XObject") or b""
    ref = re.search(rb"/" + re.escape(name) + rb"\s+(\d+)\s+\d+\s+R", xobjects)
    if ref is None:
        return
    number = int(ref.group(1))
    head = pdf.head(number)
    if not re.search(rb"/Subtype\s*/Form", head):
        return  # a picture (the logo)
    matrix = pdf.numbers(head, b"Matrix")
    inner = _times(tuple(matrix), ctm) if len(matrix) == 6 else ctm
    _paint(pdf, page, top_pt, pdf.stream(number), pdf.entry(head, b"Resources") or resources, inner)


def read_pdf(path: Path) -> list[PdfPage]:
    """Every page of a PDF with its painted paths (texts and pictures left out)."""
    pdf = _Pdf(Path(path).read_bytes())
    pages = []
    for number in pdf.pages():
        head = pdf.head(number)
        x0, y0, x1, y1 = pdf.numbers(head, b"MediaBox")[:4]
        page = PdfPage((x1 - x0) * MM_PER_PT, (y1 - y0) * MM_PER_PT)
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)", head).group(1)
        data = b"\n".join(pdf.stream(int(r.group(1))) for r in _REFERENCE.finditer(contents))
        _paint(pdf, page, y1, data, pdf.entry(head, b"Resources") or b"", (1.0, 0.0, 0.0, 1.0, -x0, 0.0))
        pages.append(page)
    return pages


def read_words(path: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page, every word pdftotext finds, with its box in mm (x0, y0, x1, y1)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in re.findall(r"<page .*?</page>", out, re.DOTALL):
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)
        pages.append([(html.unescape(w), *(float(v) * MM_PER_PT for v in box)) for *box, w in words])
    return pages


# ---- what the two PDFs show -----------------------------------------------------------------------


def table_box(page: PdfPage) -> tuple[float, float, float, float]:
    """The tables' outer edges: the outermost vertical and horizontal stroked runs longer than 3 mm.

    Runs, not path boxes: LibreOffice lengthens a border line by half its width at each end.
    """
    xs, ys = [], []
    for path in page.paths:
        if not path.stroke:
            continue
        for sub in path.subpaths:
            for (ax, ay), (bx, by) in pairwise(sub):
                if abs(ax - bx) < 0.01 and abs(ay - by) > 3:
                    xs.append(ax)
                elif abs(ay - by) < 0.01 and abs(ax - bx) > 3:
                    ys.append(ay)
    return min(xs), min(ys), max(xs), max(ys)


@dataclass
class Frame:
    """How one printed page relates to another: the table's top-left corner and the scale on each axis."""

    x: float
    y: float
    sx: float
    sy: float

    def to(self, other: Frame, point: tuple[float, float]) -> tuple[float, float]:
        """Where a point of this page lands on the other page."""
        return (other.x + (point[0] - self.x) * other.sx / self.sx,
                other.y + (point[1] - self.y) * other.sy / self.sy)


def frame(page: PdfPage, model: Page) -> Frame:
    x0, y0, x1, y1 = table_box(page)
    left = min(t.x for t in model.tables)
    right = max(t.x + t.width for t in model.tables)
    top = min(t.y for t in model.tables)
    bottom = max(t.y + t.height for t in model.tables)
    return Frame(x0, y0, (x1 - x0) / (right - left), (y1 - y0) / (bottom - top))


def find_symbol(page: PdfPage, centre: tuple[float, float], size: tuple[float, float],
                reach: float = 2.0) -> PdfPath | None:
    """The painted outline of the size given nearest to centre, within reach mm."""
    best, distance = None, reach
    for path in page.paths:
        x0, y0, x1, y1 = path.bbox
        if abs(x1 - x0 - size[0]) > 0.6 or abs(y1 - y0 - size[1]) > 0.6:
            continue
        gap = math.dist(((x0 + x1) / 2, (y0 + y1) / 2), centre)
        if gap < distance:
            best, distance = path, gap
    return best


def centre(path: PdfPath) -> tuple[float, float]:
    x0, y0, x1, y1 = path.bbox
    return (x0 + x1) / 2, (y0 + y1) / 2


@dataclass
class Head:
    tip: tuple[float, float]
    length: float
    width: float
    direction: tuple[float, float]


def arrowheads(page: PdfPage) -> list[Head]:
    """Black filled triangles under 5 mm: the tip is the corner facing the shortest side."""
    heads = []
    for path in page.paths:
        x0, y0, x1, y1 = path.bbox
        if not path.fill or max(path.fill_rgb) > 0.2 or max(x1 - x0, y1 - y0) > 5:
            continue
        corners: list[tuple[float, float]] = []
        for p in path.points:
            if all(math.dist(p, q) > 0.05 for q in corners):
                corners.append(p)
        if len(corners) != 3:
            continue
        sides = sorted(((math.dist(corners[i], corners[j]), i, j) for i, j in ((0, 1), (1, 2), (0, 2))))
        base, i, j = sides[0]
        tip = corners[3 - i - j]
        middle = ((corners[i][0] + corners[j][0]) / 2, (corners[i][1] + corners[j][1]) / 2)
        length = math.dist(tip, middle)
        heads.append(Head(tip, length, base, ((tip[0] - middle[0]) / length, (tip[1] - middle[1]) / length)))
    return heads


# ---- the SOPs, printed both ways ----------------------------------------------------------------


def short_last_runs(document: Document) -> int:
    """Gives up to three straight arrows into a symbol a 1 mm last run after a bend (the case LibreOffice
    aimed askew); returns how many."""
    changed = 0
    for page in document.pages:
        for connector in page.connectors:
            if changed == 3:
                return changed
            (x0, y0), (x1, y1) = connector.points[0], connector.points[-1]
            if (connector.arrow and len(connector.points) == 2 and abs(x0 - x1) < 1e-6 and y1 - y0 > 8):
                mid, end = (y0 + y1) / 2, y1 - 1.0
                side = x0 + (4.0 if changed % 2 else -4.0)
                connector.points = [(x0, y0), (x0, mid), (side, mid), (side, end), (x0, end), (x1, y1)]
                changed += 1
    return changed


def short_sop() -> Sop:
    """Identity and a three-step chart with a decision on one F4 page (a "combined" page)."""
    sop = three_step_sop()
    sop.page.combine_pages = True
    return sop


@dataclass
class Printed:
    document: Document
    ours: list[PdfPage]
    libreoffice: list[PdfPage]
    our_words: list
    libreoffice_words: list


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Printed]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    folder = tmp_path_factory.mktemp("xlsx-print")
    cases = {}
    for name, fixture, paper in (("banyak-halaman", "000_dca99833c4e40ed1", "A4"),
                                 ("banyak-halaman-f4", "000_dca99833c4e40ed1", "F4"),
                                 ("keputusan", "contoh-peminjaman-arsip", "A4"),
                                 ("ujung-pendek", "contoh-peminjaman-arsip", "F4"),
                                 ("satu-halaman", "", "F4")):
        sop = sop_from_fixture(load_fixture(fixture)) if fixture else short_sop()
        sop.page.paper = paper
        document = outputs.laid_out(sop)
        if name == "ujung-pendek":
            assert short_last_runs(document) > 0
        outputs.write_pdf(sop, folder / f"{name}.pdf", document=document)
        outputs.write_xlsx(sop, folder / f"{name}.xlsx", document=document)
        cases[name] = document
    out = folder / "libreoffice"
    with tempfile.TemporaryDirectory(prefix="xlsx-print-lo-") as profile:
        convert_to_pdf([folder / f"{n}.xlsx" for n in cases], out, Path(profile))
    return {name: Printed(document, read_pdf(folder / f"{name}.pdf"), read_pdf(out / f"{name}.pdf"),
                          read_words(folder / f"{name}.pdf"), read_words(out / f"{name}.pdf"))
            for name, document in cases.items()}


CASES = ["banyak-halaman", "banyak-halaman-f4", "keputusan", "ujung-pendek", "satu-halaman"]


@pytest.mark.parametrize("name", CASES)
def test_pages_and_paper_are_the_pdfs(printed, name):
    case = printed[name]
    assert len(case.libreoffice) == len(case.ours) == len(case.document.pages)
    assert (name == "satu-halaman") == (case.document.pages[0].kind == "combined")
    for model, ours, theirs in zip(case.document.pages, case.ours, case.libreoffice):
        # Our PDF rounds the page to whole points (0.2 mm); the paper itself is the model's.
        assert ours.width_mm == pytest.approx(model.width_mm, abs=0.36)
        assert ours.height_mm == pytest.approx(model.height_mm, abs=0.36)
        assert theirs.width_mm == pytest.approx(model.width_mm, abs=0.1), "F4 is 215 x 330 mm, not Folio"
        assert theirs.height_mm == pytest.approx(model.height_mm, abs=0.1)


@pytest.mark.parametrize("name", CASES)
def test_every_page_prints_at_the_pdfs_scale(printed, name):
    case = printed[name]
    for model, ours, theirs in zip(case.document.pages, case.ours, case.libreoffice):
        mine, other = frame(ours, model), frame(theirs, model)
        assert mine.sx == pytest.approx(1, abs=0.002) and mine.sy == pytest.approx(1, abs=0.002)
        # Both axes: columns (widths in digits of the default font) and rows (points in whole pixels).
        assert other.sx / mine.sx == pytest.approx(1, abs=SCALE_TOLERANCE), (model.index, model.kind)
        assert other.sy / mine.sy == pytest.approx(1, abs=SCALE_TOLERANCE), (model.index, model.kind)
        # The table starts at the page's margins, as in the PDF.
        assert (other.x, other.y) == pytest.approx((mine.x, mine.y), abs=0.5)


@pytest.mark.parametrize("name", CASES)
def test_symbols_print_where_the_pdf_prints_them(printed, name):
    case = printed[name]
    checked = 0
    for model, ours, theirs in zip(case.document.pages, case.ours, case.libreoffice):
        mine, other = frame(ours, model), frame(theirs, model)
        for symbol in [*model.shapes, *model.offpage]:
            box = (symbol.w, symbol.h)
            in_ours = find_symbol(ours, (symbol.x + symbol.w / 2, symbol.y + symbol.h / 2), box)
            assert in_ours is not None, (model.index, symbol)
            expected = mine.to(other, centre(in_ours))
            in_theirs = find_symbol(theirs, expected, (symbol.w * other.sx, symbol.h * other.sy))
            assert in_theirs is not None, (model.index, symbol)
            assert math.dist(centre(in_theirs), expected) < CENTRE_TOLERANCE_MM, (model.index, symbol)
            ox0, oy0, ox1, oy1 = in_ours.bbox
            tx0, ty0, tx1, ty1 = in_theirs.bbox
            assert tx1 - tx0 == pytest.approx((ox1 - ox0) * other.sx / mine.sx, abs=0.3)
            assert ty1 - ty0 == pytest.approx((oy1 - oy0) * other.sy / mine.sy, abs=0.3)
            checked += 1
    assert checked == sum(len(p.shapes) + len(p.offpage) for p in case.document.pages) >= 3


@pytest.mark.parametrize("name", CASES)
def test_arrowheads_are_the_pdfs(printed, name):
    case = printed[name]
    for model, ours, theirs in zip(case.document.pages, case.ours, case.libreoffice):
        mine, other = frame(ours, model), frame(theirs, model)
        own, printed_heads = arrowheads(ours), arrowheads(theirs)
        assert len(own) == sum(c.arrow for c in model.connectors) == len(printed_heads), model.index
        for head in own:
            tip = mine.to(other, head.tip)
            match = min(printed_heads, key=lambda h: math.dist(h.tip, tip))
            assert math.dist(match.tip, tip) < CENTRE_TOLERANCE_MM, (model.index, head.tip)
            # Aimed the same way, along its last run (never askew after a short run).
            assert match.direction[0] * head.direction[0] + match.direction[1] * head.direction[1] > 0.999
            # DrawingML heads come in steps of the line width: 2.1 x 1.4 mm is the nearest to 2.2 x 1.6 mm.
            assert match.length == pytest.approx(head.length, rel=0.06)
            assert match.width == pytest.approx(head.width, rel=0.15)


def test_short_last_runs_keep_their_heads_straight(printed):
    case = printed["ujung-pendek"]
    heads = [h for page in case.libreoffice for h in arrowheads(page)]
    assert heads
    for head in heads:
        assert max(abs(head.direction[0]), abs(head.direction[1])) > 0.999, head


@pytest.mark.parametrize("name", ["keputusan", "ujung-pendek", "satu-halaman"])
def test_branch_labels_print_at_the_pdfs_size_and_place(printed, name):
    case = printed[name]
    found = 0
    for model, ours, theirs, our_words, their_words in zip(case.document.pages, case.ours, case.libreoffice,
                                                           case.our_words, case.libreoffice_words):
        mine, other = frame(ours, model), frame(theirs, model)
        for label in model.labels:
            word = label.text.split()[0]  # a label the user renamed may have several words: its first
            ours_word = min((w for w in our_words if w[0] == word),
                            key=lambda w: math.dist(w[1:3], (label.x, label.y)))
            assert math.dist(ours_word[1:3], (label.x, label.y)) < 2.0, label
            expected = mine.to(other, ((ours_word[1] + ours_word[3]) / 2, (ours_word[2] + ours_word[4]) / 2))
            theirs_word = min((w for w in their_words if w[0] == word),
                              key=lambda w: math.dist(((w[1] + w[3]) / 2, (w[2] + w[4]) / 2), expected))
            middle = ((theirs_word[1] + theirs_word[3]) / 2, (theirs_word[2] + theirs_word[4]) / 2)
            assert math.dist(middle, expected) < CENTRE_TOLERANCE_MM, label
            # The same type size, read from the word's width: pdftotext takes a word's height from the
            # ascent and descent each file's embedded font declares, which the two writers set differently.
            assert theirs_word[3] - theirs_word[1] == pytest.approx(ours_word[3] - ours_word[1], rel=0.03)
            found += 1
    assert found > 0


def test_the_reader_finds_what_the_pdf_writer_draws(printed):
    """The reader itself: our own PDF shows every symbol of the page model at its place."""
    case = printed["banyak-halaman"]
    model, page = case.document.pages[1], case.ours[1]
    assert page.width_mm == pytest.approx(297, abs=0.36)
    for symbol in model.shapes:
        path = find_symbol(page, (symbol.x + symbol.w / 2, symbol.y + symbol.h / 2), (symbol.w, symbol.h))
        assert path is not None
        assert centre(path) == pytest.approx((symbol.x + symbol.w / 2, symbol.y + symbol.h / 2), abs=0.05)
    table = model.flowchart
    assert table_box(page) == pytest.approx((table.x, table.y, table.x + table.width, table.y + table.height),
                                            abs=0.05)

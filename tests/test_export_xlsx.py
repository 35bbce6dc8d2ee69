"""Excel export: cells, print set-up, native shapes and the embedded SOP, reopened with openpyxl and lxml."""
from __future__ import annotations

import io
import json
import posixpath
import random
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.chart import BarChart, Reference

from sopdesk import labels
from sopdesk.exporters.xlsx import (DEFAULT_FONT_PT, FLOWCHART_SHEET, IDENTITY_SHEET, MAX_DIGIT_PX, SOP_CHUNK_CHARS,
                                    SOP_SHEET, SOP_SHEET_TAG, write_xlsx, xlsx_bytes)
from sopdesk.exporters.xlsx_drawing import (A_NS, R_NS, XDR_NS, Anchor, CellPoint, SheetDrawing, arrowhead_length_mm,
                                            arrowhead_sizes, inject_drawings)
from sopdesk.interchange import sop_from_fixture, sop_from_native, sop_to_native
from sopdesk.layout import estimate_measure, layout
from sopdesk.layout.page_model import Document, Page
from sopdesk.model import END, Actor, Duration, Logo, PageSettings, Sop, Step, Symbol

from .conftest import FIXTURE_FILES, load_fixture
from .render_helpers import SOFFICE, convert_to_pdf

NS = {"xdr": XDR_NS, "a": A_NS, "r": R_NS}
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PRESETS = {"terminator": "flowChartTerminator", "process": "flowChartProcess", "decision": "flowChartDecision"}
PX_PER_MM = 96 / 25.4
PT_PER_MM = 72 / 25.4
TOLERANCE_MM = 0.35
"""Column pixels and 0.75 pt row steps each round by at most 0.13 mm."""


def tiny_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    noise = random.Random(width * height)  # incompressible, so the file is as big as its pixels
    raw = b"".join(b"\x00" + noise.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def export(sop: Sop, folder: Path, name: str = "sop.xlsx") -> tuple[Document, Path]:
    document = layout(sop, estimate_measure)
    path = folder / name
    write_xlsx(document, sop, path)
    return document, path


def texts(sheet) -> list[str]:
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


# ---- reading the drawing back --------------------------------------------------------------


def drawing_of(path: Path, sheet_name: str) -> etree._Element | None:
    with zipfile.ZipFile(path) as archive:
        workbook = etree.fromstring(archive.read("xl/workbook.xml"))
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        sheet = next(s for s in workbook.iter(f"{MAIN}sheet") if s.get("name") == sheet_name)
        part = "xl/" + targets[sheet.get(f"{{{R_NS}}}id")].lstrip("/").removeprefix("xl/")
        sheet_xml = etree.fromstring(archive.read(part))
        element = sheet_xml.find(f"{MAIN}drawing")
        if element is None:
            return None
        folder, base = part.rsplit("/", 1)
        sheet_rels = etree.fromstring(archive.read(f"{folder}/_rels/{base}.rels"))
        target = next(r.get("Target") for r in sheet_rels if r.get("Id") == element.get(f"{{{R_NS}}}id"))
        drawing = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")
        return etree.fromstring(archive.read(drawing))


def marker(anchor: etree._Element, tag: str) -> tuple[int, int, int, int]:
    node = anchor.find(f"xdr:{tag}", NS)
    return tuple(int(node.findtext(f"xdr:{k}", namespaces=NS)) for k in ("col", "colOff", "row", "rowOff"))


def describe(anchor: etree._Element) -> str:
    """"pic", a preset name, "text", "arrow" or "line" (a polyline without arrowhead)."""
    if anchor.find("xdr:pic", NS) is not None:
        return "pic"
    if anchor.find("xdr:sp/xdr:nvSpPr/xdr:cNvSpPr[@txBox='1']", NS) is not None:
        return "text"
    preset = anchor.find("xdr:sp/xdr:spPr/a:prstGeom", NS)
    if preset is not None:
        return preset.get("prst")
    return "arrow" if anchor.find(".//a:ln/a:tailEnd", NS) is not None else "line"


class SheetGeometry:
    """Turns cell points of the exported sheet back into page millimetres, as an importer would."""

    def __init__(self, sheet, pages: list[Page], header_rows: int):
        self.col_px = [round(sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width * 7)
                       for c in range(1, sheet.max_column + 1)]
        self.row_pt = [sheet.row_dimensions[r].height for r in range(1, sheet.max_row + 1)]
        self.pages = pages
        self.header_rows = header_rows
        self.page_rows: list[range] = []
        start = 0
        for number, page in enumerate(pages):
            count = sum(len(t.row_heights) for t in page.tables) - (header_rows if number else 0)
            self.page_rows.append(range(start, start + count))
            start += count

    def page_of_row(self, row: int) -> int:
        return next(n for n, rows in enumerate(self.page_rows) if row in rows)

    def to_mm(self, page: int, point: tuple[int, int, int, int]) -> tuple[float, float]:
        col, col_off, row, row_off = point
        x = self.pages[page].margins.left + (sum(self.col_px[:col]) + col_off / 9525) / PX_PER_MM
        first = self.page_rows[page].start
        above = sum(self.row_pt[:self.header_rows]) if page else 0.0
        above += sum(self.row_pt[first:row]) + row_off / 12700
        return x, self.pages[page].margins.top + above / PT_PER_MM


# ---- every fixture -----------------------------------------------------------------------------


@pytest.fixture
def fixture_sop(fixture_data) -> Sop:
    return sop_from_fixture(fixture_data)


def test_identity_sheet_holds_every_identity_field(fixture_sop, tmp_path):
    _, path = export(fixture_sop, tmp_path)
    sheet = openpyxl.load_workbook(path)[IDENTITY_SHEET]
    found = "\n".join(texts(sheet))
    ident = fixture_sop.identity
    expected = [ident.nomor, ident.instansi.upper(), ident.nama, ident.signer.jabatan, ident.signer.nama,
                ident.signer.id_number, labels.format_date(ident.tanggal_pembuatan),
                labels.format_date(ident.tanggal_efektif if not ident.use_pengesahan else ident.tanggal_pengesahan),
                labels.DISAHKAN_OLEH, *ident.unit_lines]
    for key in labels.BOX_TITLES:
        expected.append(labels.BOX_TITLES[key])
        expected += [f"{n}. {item}" for n, item in enumerate(getattr(ident, key), start=1)]
    for text in expected:
        assert text and text in found, text
    # The logo block spans the six identity rows; the right-hand boxes span label and value columns.
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A1:A6" in merged
    assert {"B7:C7", "B8:C8", "B9:C9"} <= merged
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 1


def test_flowchart_sheet_has_one_row_per_step_in_order(fixture_sop, tmp_path):
    document, path = export(fixture_sop, tmp_path)
    sheet = openpyxl.load_workbook(path)[FLOWCHART_SHEET]
    header_rows = document.flowchart_pages[0].flowchart.header_rows
    actor_row = [c.value for c in sheet[2]]
    for actor in fixture_sop.actors:
        assert actor.name in actor_row
    for index, step in enumerate(fixture_sop.steps):
        row = [c.value for c in sheet[header_rows + 1 + index]]
        assert row[0] == index + 1
        for text in (step.kegiatan, step.kelengkapan, step.output, step.keterangan, step.waktu.display()):
            if text:
                assert text in row, (index, text)
    assert sheet.max_row == header_rows + len(fixture_sop.steps)
    assert [str(c.value) for c in sheet[1] if c.value] == [labels.COLUMN_NO, labels.COLUMN_KEGIATAN,
                                                            labels.COLUMN_PELAKSANA, labels.COLUMN_MUTU_BAKU,
                                                            labels.COLUMN_KETERANGAN]
    actors = len(fixture_sop.actors)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    last = openpyxl.utils.get_column_letter(2 + actors + 4)
    assert {"A1:A2", "B1:B2", f"C1:{openpyxl.utils.get_column_letter(2 + actors)}1", f"{last}1:{last}2"} <= merged


def test_print_titles_and_row_breaks_follow_the_engines_pages(fixture_sop, tmp_path):
    document, path = export(fixture_sop, tmp_path)
    sheet = openpyxl.load_workbook(path)[FLOWCHART_SHEET]
    pages = document.flowchart_pages
    header_rows = pages[0].flowchart.header_rows
    assert sheet.print_title_rows == f"$1:${header_rows}"
    expected, last_row = [], header_rows
    for page in pages[:-1]:
        last_row += len(page.step_indices)
        expected.append(last_row)
    assert [b.id for b in sheet.row_breaks.brk] == expected
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.page_margins.left == pytest.approx(document.settings.margin_left / 25.4)


def test_shapes_per_page_match_the_page_model(fixture_sop, tmp_path):
    document, path = export(fixture_sop, tmp_path)
    sheet = openpyxl.load_workbook(path)[FLOWCHART_SHEET]
    pages = document.flowchart_pages
    geometry = SheetGeometry(sheet, pages, pages[0].flowchart.header_rows)
    counted: list[dict[str, int]] = [{} for _ in pages]
    for anchor in drawing_of(path, FLOWCHART_SHEET):
        page = geometry.page_of_row(marker(anchor, "from")[2])
        kind = describe(anchor)
        counted[page][kind] = counted[page].get(kind, 0) + 1
    for page, found in zip(pages, counted):
        wanted: dict[str, int] = {}
        for shape in page.shapes:
            wanted[PRESETS[shape.kind]] = wanted.get(PRESETS[shape.kind], 0) + 1
        if page.offpage:
            wanted["flowChartOffpageConnector"] = len(page.offpage)
        arrows = sum(c.arrow for c in page.connectors)
        for kind, count in (("arrow", arrows), ("line", len(page.connectors) - arrows), ("text", len(page.labels))):
            if count:
                wanted[kind] = count
        assert found == wanted


def test_shapes_sit_where_the_page_model_puts_them(fixture_sop, tmp_path):
    document, path = export(fixture_sop, tmp_path)
    sheet = openpyxl.load_workbook(path)[FLOWCHART_SHEET]
    pages = document.flowchart_pages
    geometry = SheetGeometry(sheet, pages, pages[0].flowchart.header_rows)
    anchors = list(drawing_of(path, FLOWCHART_SHEET))
    symbols = [a for a in anchors if describe(a).startswith("flowChart")]
    model_symbols = [(n, s.x, s.y, s.w, s.h) for n, p in enumerate(pages) for s in p.shapes + p.offpage]
    assert len(symbols) == len(model_symbols)
    remaining = list(model_symbols)
    for anchor in symbols:
        start, end = marker(anchor, "from"), marker(anchor, "to")
        page = geometry.page_of_row(start[2])
        (x0, y0), (x1, y1) = geometry.to_mm(page, start), geometry.to_mm(page, end)
        match = next(m for m in remaining if m[0] == page and abs(m[1] - x0) < TOLERANCE_MM
                     and abs(m[2] - y0) < TOLERANCE_MM)
        assert x1 - x0 == pytest.approx(match[3], abs=TOLERANCE_MM)
        assert y1 - y0 == pytest.approx(match[4], abs=TOLERANCE_MM)
        remaining.remove(match)

    arrows = [a for a in anchors if describe(a) in ("arrow", "line")]
    model_ends = [(n, c.points[0], c.points[-1]) for n, p in enumerate(pages) for c in p.connectors]
    for anchor in arrows:
        start, end = marker(anchor, "from"), marker(anchor, "to")
        page = geometry.page_of_row(start[2])
        (x0, y0), (x1, y1) = geometry.to_mm(page, start), geometry.to_mm(page, end)
        path_el = anchor.find(".//a:path", NS)
        w, h = int(path_el.get("w")), int(path_el.get("h"))
        points = [(x0 + int(p.get("x")) / w * (x1 - x0), y0 + int(p.get("y")) / h * (y1 - y0))
                  for p in path_el.iterfind(".//a:pt", NS)]
        first, last = points[0], points[-1]
        assert any(n == page and _near(first, a) and _near(last, b) for n, a, b in model_ends), (first, last)


def _near(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) < TOLERANCE_MM and abs(p[1] - q[1]) < TOLERANCE_MM


def test_the_sop_travels_inside_the_workbook(fixture_sop, tmp_path):
    fixture_sop.identity.logo = Logo(tiny_png(120, 160), "png")
    _, path = export(fixture_sop, tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SOP_SHEET]
    assert sheet.sheet_state == "veryHidden"
    assert workbook.sheetnames == [IDENTITY_SHEET, FLOWCHART_SHEET, SOP_SHEET]
    assert sheet["A1"].value == SOP_SHEET_TAG
    pieces = [c.value for c in sheet["A"][1:]]
    assert len(pieces) > 1, "the logo makes the JSON longer than one cell"
    assert all(0 < len(p) <= SOP_CHUNK_CHARS < 32767 for p in pieces)
    restored = sop_from_native(json.loads("".join(pieces)))
    assert sop_to_native(restored) == sop_to_native(fixture_sop)


# ---- particular cases ---------------------------------------------------------------------------


@pytest.mark.parametrize(("paper", "landscape", "code"), [("A4", True, 9), ("F4", True, 14),
                                                          ("Letter", False, 1), ("Legal", True, 5)])
def test_paper_and_orientation_come_from_the_sop(paper, landscape, code, tmp_path):
    sop = sop_from_fixture(load_fixture("001_71e1f31e4a04122a"))
    sop.page = PageSettings(paper=paper, landscape=landscape, margin_left=20.0, margin_top=12.0)
    _, path = export(sop, tmp_path)
    workbook = openpyxl.load_workbook(path)
    for sheet in (workbook[IDENTITY_SHEET], workbook[FLOWCHART_SHEET]):
        assert sheet.page_setup.paperSize == code
        # F4 has no code: its exact size rides along (portrait measures; the orientation turns it).
        sized = ("215mm", "330mm") if paper == "F4" else (None, None)
        assert (sheet.page_setup.paperWidth, sheet.page_setup.paperHeight) == sized
        assert sheet.page_setup.orientation == ("landscape" if landscape else "portrait")
        assert sheet.page_margins.left == pytest.approx(20 / 25.4)
        assert sheet.page_margins.top == pytest.approx(12 / 25.4)


def test_column_widths_and_row_heights_follow_the_millimetres(tmp_path):
    sop = sop_from_fixture(load_fixture("000_dca99833c4e40ed1"))
    document, path = export(sop, tmp_path)
    sheet = openpyxl.load_workbook(path)[FLOWCHART_SHEET]
    pages = document.flowchart_pages
    table = pages[0].flowchart
    for col, width_mm in enumerate(table.col_widths, start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(col)].width
        assert width * 7 / PX_PER_MM == pytest.approx(width_mm, abs=0.3)
    geometry = SheetGeometry(sheet, pages, table.header_rows)
    header = geometry.row_pt[:table.header_rows]
    assert len(pages) > 2
    for number, page in enumerate(pages):
        heights = ([] if number == 0 else header) + [geometry.row_pt[r] for r in geometry.page_rows[number]]
        wanted = page.flowchart.row_heights
        assert heights == pytest.approx([h * PT_PER_MM for h in wanted], abs=0.75)
        # Rounding never lets a page grow past the engine's: Excel would add a page break of its own.
        assert sum(heights) <= sum(wanted) * PT_PER_MM + 1e-6


def test_logo_is_a_picture_on_the_identity_sheet(tmp_path):
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    png = tiny_png(40, 50)
    sop.identity.logo = Logo(png, "png")
    document, path = export(sop, tmp_path)
    drawing = drawing_of(path, IDENTITY_SHEET)
    pictures = [a for a in drawing if describe(a) == "pic"]
    assert len(pictures) == 1
    assert marker(pictures[0], "from")[0] == 0  # in the logo block
    with zipfile.ZipFile(path) as archive:
        media = [n for n in archive.namelist() if n.startswith("xl/media/")]
        assert [archive.read(n) for n in media] == [png]
        assert b'Extension="png"' in archive.read("[Content_Types].xml")
    assert len(document.pages[0].images) == 1


def test_svg_logo_is_embedded_as_svg(tmp_path):
    sop = sop_from_fixture(load_fixture("001_71e1f31e4a04122a"))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 12"><circle cx="5" cy="6" r="4"/></svg>'
    sop.identity.logo = Logo(svg, "svg")
    _, path = export(sop, tmp_path)
    drawing = drawing_of(path, IDENTITY_SHEET)
    blip = drawing.find(".//a:blip", NS)
    assert blip.find(".//{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip") is not None
    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/media/image1.svg") == svg


def test_texts_that_look_like_formulas_stay_text(tmp_path):
    sop = sop_from_fixture(load_fixture("001_71e1f31e4a04122a"))
    sop.steps[1].kegiatan = "=HYPERLINK(\"http://contoh\")"
    sop.steps[1].output = "Laporan\x07 akhir"
    _, path = export(sop, tmp_path)
    sheet = openpyxl.load_workbook(path)[FLOWCHART_SHEET]
    row = [c for c in sheet[4]]
    assert row[1].value == "=HYPERLINK(\"http://contoh\")" and row[1].data_type == "s"
    assert "Laporan akhir" in [c.value for c in row]


def test_combined_page_goes_whole_on_the_flowchart_sheet(tmp_path):
    sop = short_sop()
    sop.page.combine_pages = True
    document, path = export(sop, tmp_path)
    assert [p.kind for p in document.pages] == ["combined"]
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [FLOWCHART_SHEET, SOP_SHEET]
    sheet = workbook[FLOWCHART_SHEET]
    found = texts(sheet)
    assert sop.identity.nomor in found and sop.steps[0].kegiatan in found
    identity_rows = len(document.pages[0].table("identity").row_heights)
    header_top = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == labels.COLUMN_NO)
    assert header_top > identity_rows
    assert sheet.print_title_rows == f"${header_top}:${header_top + 1}"
    assert not sheet.row_breaks.brk


def short_sop() -> Sop:
    actors = [Actor("Kepala Bagian", id="a1"), Actor("Staf", id="a2")]
    steps = [Step("Menerima surat", ["a2"], id="s1", waktu=Duration(5, "Menit")),
             Step("Memeriksa surat", ["a1"], Symbol.DECISION, yes_target="s3", no_target="s1", id="s2"),
             Step("Mengarsipkan surat", ["a2"], id="s3", output="Arsip")]
    sop = Sop(actors=actors, steps=steps)
    sop.identity.nomor = "001/SOP/2024"
    sop.identity.nama = "Penerimaan Surat"
    sop.page.paper = "F4"  # the identity sheet and three steps fit one F4 page
    return sop


def test_export_replaces_an_existing_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "sop.xlsx"
    target.write_bytes(b"versi lama")
    export(short_sop(), tmp_path)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["sop.xlsx"]


def test_shapes_join_a_drawing_openpyxl_already_wrote(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    for row in range(1, 5):
        sheet.append([row, row * 2])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=4))
    sheet.add_chart(chart, "D2")
    buffer = io.BytesIO()
    workbook.save(buffer)

    drawing = SheetDrawing()
    box = Anchor(CellPoint(1, 0, 1, 0), CellPoint(2, 0, 3, 0), 0, 0, 100000, 100000)
    drawing.add_symbol(box, "flowChartProcess", "Langkah 1")
    drawing.add_polyline(box, [(0, 0), (0, 100000)], "Panah", 1.0)
    path = tmp_path / "chart.xlsx"
    path.write_bytes(inject_drawings(buffer.getvalue(), {"Data": drawing}))

    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if n.startswith("xl/drawings/drawing")]
        assert parts == ["xl/drawings/drawing1.xml"]
        sheet_xml = etree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
        assert len(sheet_xml.findall(f"{MAIN}drawing")) == 1
    root = drawing_of(path, "Data")
    assert [describe(a) for a in root][-2:] == ["flowChartProcess", "arrow"]
    assert root.find(".//xdr:graphicFrame", NS) is not None, "the chart is kept"
    ids = [c.get("id") for c in root.iter(f"{{{XDR_NS}}}cNvPr")]
    assert len(ids) == len(set(ids)) == 3


# ---- random SOPs ------------------------------------------------------------------------------

WORDS = ["Menerima", "berkas", "permohonan", "=memeriksa", "dokumen", "kepada", "Kepala", "arsip", "y" * 30]


@st.composite
def random_sops(draw) -> Sop:
    actors = [Actor(f"Pelaksana {i + 1}", id=f"a{i}") for i in range(draw(st.integers(0, 7)))]
    text = st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join)
    steps = []
    for i in range(draw(st.integers(0, 24))):
        who = draw(st.lists(st.sampled_from([a.id for a in actors]), max_size=2, unique=True)) if actors else []
        symbol = draw(st.sampled_from([Symbol.AUTO, Symbol.PROCESS, Symbol.DECISION]))
        steps.append(Step(draw(text), sorted(who), symbol, id=f"s{i}", output=draw(text)))
    targets = st.sampled_from([s.id for s in steps] + [END, None])
    for step in steps:
        step.yes_target, step.no_target = draw(targets), draw(targets)
    page = PageSettings(paper=draw(st.sampled_from(["A4", "F4", "Letter", "Legal"])), landscape=draw(st.booleans()),
                        numbering_row=draw(st.booleans()), combine_pages=draw(st.booleans()))
    return Sop(actors=actors, steps=steps, page=page)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_sops())
def test_random_sops_export_with_every_shape(sop):
    document = layout(sop, estimate_measure)
    data = xlsx_bytes(document, sop)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "acak.xlsx"
        path.write_bytes(data)
        workbook = openpyxl.load_workbook(path)
        sheets = [FLOWCHART_SHEET] + ([IDENTITY_SHEET] if IDENTITY_SHEET in workbook.sheetnames else [])
        shapes = 0
        for name in sheets:
            drawing = drawing_of(path, name)
            shapes += 0 if drawing is None else len(drawing)
    wanted = sum(len(p.shapes) + len(p.connectors) + len(p.labels) + len(p.offpage) + len(p.images)
                 for p in document.pages)
    assert shapes == wanted


# ---- LibreOffice -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every fixture, plus an F4 and a combined variant, exported and converted by LibreOffice in one run."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("xlsx-lo")
    cases = {}
    for path in FIXTURE_FILES:
        cases[path.stem] = sop_from_fixture(json.loads(path.read_text(encoding="utf-8")))
    f4 = sop_from_fixture(load_fixture("000_dca99833c4e40ed1"))
    f4.page.paper = "F4"
    f4.page.numbering_row = True  # three header rows repeat
    cases["f4"] = f4
    combined = short_sop()
    combined.page.combine_pages = True
    cases["gabungan"] = combined
    documents = {}
    for name, sop in cases.items():
        documents[name] = (sop, export(sop, folder, f"{name}.xlsx")[0])
    convert_to_pdf([folder / f"{n}.xlsx" for n in cases], folder, Path(tempfile.gettempdir()) / "lo-xlsx-profile")
    return folder, documents


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_libreoffice_prints_the_pages_of_the_page_model(rendered):
    folder, documents = rendered
    for name, (sop, document) in documents.items():
        pages = pdf_pages(folder / f"{name}.pdf")
        assert len(pages) == len(document.pages), name
        for number, page in enumerate(document.pages):
            text = pages[number]
            if page.kind != "flowchart":
                assert sop.identity.nomor in text, (name, number)
            if page.flowchart is None:
                continue
            # The header prints on every flowchart page (print titles) and each step on its own page.
            assert labels.COLUMN_KEGIATAN in text and labels.COLUMN_PELAKSANA in text, (name, number)
            for actor in sop.actors:
                assert actor.name.split()[0] in text, (name, number, actor.name)
            for index in page.step_indices:
                first_words = " ".join(sop.steps[index].kegiatan.split()[:2])
                assert first_words in text, (name, number, index)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_libreoffice_draws_the_branch_labels(rendered):
    folder, documents = rendered
    _, document = documents["contoh-peminjaman-arsip"]
    printed = " ".join(pdf_pages(folder / "contoh-peminjaman-arsip.pdf"))
    for word in (labels.YES, labels.NO):
        pattern = re.compile(rf"\b{word}\b")
        in_cells = sum(len(pattern.findall(c.text)) for p in document.pages for t in p.tables for c in t.cells)
        in_labels = sum(label.text == word for p in document.pages for label in p.labels)
        assert in_labels > 0
        assert len(pattern.findall(printed)) == in_cells + in_labels, word


def test_native_json_in_the_workbook_is_ascii(tmp_path):
    sop = short_sop()
    sop.steps[0].kegiatan = "Menerima surat — “penting” ✓ 😀"
    _, path = export(sop, tmp_path)
    sheet = openpyxl.load_workbook(path)[SOP_SHEET]
    text = "".join(c.value for c in sheet["A"][1:])
    assert text.isascii()
    assert sop_from_native(json.loads(text)).steps[0].kegiatan == sop.steps[0].kegiatan


def test_off_page_numbers_are_bold_as_in_the_pdf(tmp_path):
    sop = sop_from_fixture(load_fixture("000_dca99833c4e40ed1"))
    document, path = export(sop, tmp_path)
    assert any(page.offpage for page in document.pages), "the fixture needs off-page connectors"
    runs = [run for anchor in drawing_of(path, FLOWCHART_SHEET) if describe(anchor) == "flowChartOffpageConnector"
            for run in anchor.iterfind(".//a:rPr", NS)]
    assert runs and all(run.get("b") == "1" for run in runs)


def test_column_widths_count_digits_of_a_font_both_spreadsheets_measure_alike(tmp_path):
    """The Normal font is Arial 9.45 pt: 7 px digits in Excel at 96 dpi and 105 twips (7 px) in LibreOffice."""
    _, path = export(short_sop(), tmp_path)
    with zipfile.ZipFile(path) as archive:
        styles = etree.fromstring(archive.read("xl/styles.xml"))
    first_font = styles.find(f"{MAIN}fonts/{MAIN}font")
    assert first_font.find(f"{MAIN}name").get("val") == "Arial"
    assert float(first_font.find(f"{MAIN}sz").get("val")) == DEFAULT_FONT_PT == 9.45
    normal = styles.find(f"{MAIN}cellStyleXfs/{MAIN}xf")
    assert normal.get("fontId") == "0"
    # LibreOffice's digit: Arial's 1139/2048 em advance at 9.45 pt, in whole twips; Excel's: 7 px of 15 twips.
    assert round(DEFAULT_FONT_PT * 20 * 1139 / 2048) == MAX_DIGIT_PX * 15


def test_arrowheads_come_closest_to_the_pdfs(tmp_path):
    _, path = export(short_sop(), tmp_path)
    tails = [a.find(".//a:ln/a:tailEnd", NS) for a in drawing_of(path, FLOWCHART_SHEET) if describe(a) == "arrow"]
    assert tails and all((t.get("type"), t.get("w"), t.get("len")) == ("triangle", "sm", "med") for t in tails)
    # 1 pt lines get the heads of 0.7 mm lines: "sm" wide is 1.4 mm, "med" long 2.1 mm (the PDF: 1.6 x 2.2).
    assert arrowhead_sizes(1.0, 2.2, 1.6) == ("sm", "med")
    assert arrowhead_length_mm(1.0, 2.2, 1.6) == pytest.approx(2.1)
    # Thicker lines get heads in proportion, still the nearest to the asked size.
    assert arrowhead_sizes(3.0, 2.2, 1.6) == ("sm", "sm")


def test_a_last_run_shorter_than_the_head_is_drawn_long_enough_to_aim_it(tmp_path):
    sop = short_sop()
    document = layout(sop, estimate_measure)
    page = document.flowchart_pages[0]
    connector = next(c for c in page.connectors if c.arrow and c.points[-2][0] == c.points[-1][0]
                     and c.points[-1][1] - c.points[-2][1] > 3)
    (x0, y0), (x, y1) = connector.points[0], connector.points[-1]
    connector.points = [(x0, y0), (x0, y1 - 3.0), (x + 5.0, y1 - 3.0), (x + 5.0, y1 - 0.6), (x, y1 - 0.6), (x, y1)]
    path = tmp_path / "pendek.xlsx"
    write_xlsx(document, sop, path)
    sheet = openpyxl.load_workbook(path)[FLOWCHART_SHEET]
    geometry = SheetGeometry(sheet, document.flowchart_pages, page.flowchart.header_rows)
    name = f"Panah {connector.source_step + 1} ke {connector.target_step + 1}"
    anchor = next(a for a in drawing_of(path, FLOWCHART_SHEET)
                  if a.find(".//xdr:cNvPr", NS).get("name") == name and describe(a) == "arrow")
    (ax0, ay0), (ax1, ay1) = geometry.to_mm(0, marker(anchor, "from")), geometry.to_mm(0, marker(anchor, "to"))
    path_el = anchor.find(".//a:path", NS)
    w, h = int(path_el.get("w")), int(path_el.get("h"))
    points = [(ax0 + int(p.get("x")) / w * (ax1 - ax0), ay0 + int(p.get("y")) / h * (ay1 - ay0))
              for p in path_el.iterfind(".//a:pt", NS)]
    # Every point of the model is kept; one more lies a head's length before the tip, on the last run's line.
    assert len(points) == len(connector.points) + 1
    for got, wanted in zip(points[:-2] + points[-1:], connector.points):
        assert got == pytest.approx(wanted, abs=TOLERANCE_MM)
    assert points[-2][0] == pytest.approx(x, abs=TOLERANCE_MM)
    assert y1 - points[-2][1] == pytest.approx(arrowhead_length_mm(1.0, 2.2, 1.6), abs=TOLERANCE_MM)
    # Arrows whose last run is as long as the head keep the model's points, no more.
    drawn = sorted(len(a.findall(".//a:pt", NS)) for a in drawing_of(path, FLOWCHART_SHEET) if describe(a) == "arrow")
    wanted = sorted(len(c.points) + (c is connector) for p in document.flowchart_pages for c in p.connectors if c.arrow)
    assert drawn == wanted


def test_empty_cells_take_the_size_their_column_prints_at(tmp_path):
    """What a user types into an empty Keterangan or actor cell matches the table, not the Normal style."""
    sop = short_sop()
    sop.steps[0].keterangan = "Catatan"
    document, path = export(sop, tmp_path)
    sheet = openpyxl.load_workbook(path)[FLOWCHART_SHEET]
    table = document.flowchart_pages[0].flowchart
    kegiatan = next(c for c in table.cells if c.kind == "kegiatan").paragraphs[0].size_pt
    keterangan = next(c for c in table.cells if c.kind == "keterangan" and c.paragraphs).paragraphs[0].size_pt
    for row in range(table.header_rows + 1, table.header_rows + 1 + len(sop.steps)):
        cells = list(sheet[row])
        assert all(c.font.sz != DEFAULT_FONT_PT for c in cells)
        assert cells[-1].font.sz == keterangan  # an empty Keterangan as the filled one
        assert cells[2].font.sz == kegiatan  # an actor cell: no kind has text there, the table's usual size

"""Word export: reopened with python-docx and lxml, and rendered through LibreOffice where it is installed."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sopdesk import atomic, labels
from sopdesk.exporters.docx import ANCHOR_LINE_TWIPS, docx_bytes, write_docx
from sopdesk.exporters.docx_connectors import PRESET_BY_SEGMENTS, PresetConnector, preset_points
from sopdesk.exporters.docx_drawing import EMU_PER_MM, NS, PRESETS
from sopdesk.interchange import read_sop_json
from sopdesk.layout import estimate_measure, layout
from sopdesk.layout.page_model import Document, ImageItem, Page, Rect, Table
from sopdesk.model import END, Actor, Identity, Logo, PageSettings, Signer, Sop, Step, Symbol
from sopdesk.qt.raster import flowchart_layer_box, rasterize_image, render_flowchart_layer

from .conftest import FIXTURE_FILES, FIXTURES_DIR
from .render_helpers import SOFFICE, convert_to_pdf, dark_near, gray_page, squash, squashed_text

TWIPS_PER_MM = 1440 / 25.4
ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


@pytest.fixture(scope="module")
def measure(request):
    from PySide6.QtGui import QGuiApplication

    from sopdesk.qt.fonts import qt_measure

    if QGuiApplication.instance() is None:
        # pytest-qt's QApplication first: the adapter would otherwise start a QGuiApplication of
        # its own, which the widget tests that run later in the session cannot use.
        request.getfixturevalue("qapp")

    return qt_measure()


def export(path: Path, sop: Sop, measure, page: PageSettings | None = None, **options) -> Document:
    document = layout(sop, measure, page)
    write_docx(document, sop, path, **options)
    return document


def document_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def pages_of(root: etree._Element) -> list[list[etree._Element]]:
    """Body blocks grouped by printed page: a page starts at a paragraph with pageBreakBefore."""
    pages: list[list[etree._Element]] = [[]]
    for block in root.find(q("w:body")):
        if block.tag == q("w:p") and block.find(f"{q('w:pPr')}/{q('w:pageBreakBefore')}") is not None:
            pages.append([])
        pages[-1].append(block)
    return pages


def in_choice(element: etree._Element) -> bool:
    return any(parent.tag == q("mc:Choice") for parent in element.iterancestors())


def anchors_of(blocks: list[etree._Element]) -> list[etree._Element]:
    """The anchors a reader without drawing canvases sees: mc:Choice content (Word's canvas) left out."""
    return [a for block in blocks for a in block.iter(q("wp:anchor")) if not in_choice(a)]


def canvases_of(blocks: list[etree._Element]) -> list[etree._Element]:
    return [a for block in blocks for a in block.iter(q("wp:anchor")) if in_choice(a)]


def tables_of(blocks: list[etree._Element]) -> list[etree._Element]:
    return [b for b in blocks if b.tag == q("w:tbl")]


def anchor_box(anchor: etree._Element) -> tuple[float, float, float, float]:
    """(x, y, w, h) in page millimetres, read back from a page-relative anchor."""
    h_pos, v_pos = anchor.find(q("wp:positionH")), anchor.find(q("wp:positionV"))
    assert h_pos.get("relativeFrom") == "page" and v_pos.get("relativeFrom") == "page"
    extent = anchor.find(q("wp:extent"))
    return (int(h_pos.findtext(q("wp:posOffset"))) / EMU_PER_MM, int(v_pos.findtext(q("wp:posOffset"))) / EMU_PER_MM,
            int(extent.get("cx")) / EMU_PER_MM, int(extent.get("cy")) / EMU_PER_MM)


def anchor_kind(anchor: etree._Element) -> str:
    """What a top-level anchor or a group member (wps:wsp) draws."""
    if anchor.find(f".//{q('wpg:wgp')}") is not None:
        return "group"
    preset = anchor.find(f".//{q('a:prstGeom')}")
    if anchor.find(f".//{q('pic:pic')}") is not None:
        return "picture"
    if anchor.find(f".//{q('a:custGeom')}") is not None or anchor.find(f".//{q('wps:cNvCnPr')}") is not None:
        return "connector"
    if anchor.find(f".//{q('wps:cNvSpPr')}").get("txBox") == "1":
        return "label"
    return preset.get("prst")


def group_members(anchor: etree._Element) -> list[tuple[etree._Element, tuple[float, float, float, float]]]:
    """A chart group's shapes with their page boxes (mm), mapped through the group's child space."""
    x, y, w, h = anchor_box(anchor)
    xfrm = anchor.find(f".//{q('wpg:grpSpPr')}/{q('a:xfrm')}")
    ch_off, ch_ext = xfrm.find(q("a:chOff")), xfrm.find(q("a:chExt"))
    sx = w * EMU_PER_MM / max(int(ch_ext.get("cx")), 1)
    sy = h * EMU_PER_MM / max(int(ch_ext.get("cy")), 1)
    members = []
    for wsp in anchor.find(f".//{q('wpg:wgp')}").findall(q("wps:wsp")):
        off = wsp.find(f"{q('wps:spPr')}/{q('a:xfrm')}/{q('a:off')}")
        ext = wsp.find(f"{q('wps:spPr')}/{q('a:xfrm')}/{q('a:ext')}")
        members.append((wsp, (x + (int(off.get("x")) - int(ch_off.get("x"))) * sx / EMU_PER_MM,
                              y + (int(off.get("y")) - int(ch_off.get("y"))) * sy / EMU_PER_MM,
                              int(ext.get("cx")) * sx / EMU_PER_MM, int(ext.get("cy")) * sy / EMU_PER_MM)))
    return members


def connector_points(wsp: etree._Element, box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """The page points an arrow draws: a free path's points, or a preset connector evaluated by its rules."""
    x, y, w, h = box
    path = wsp.find(f".//{q('a:path')}")
    if path is not None:
        return [(x + int(pt.get("x")) / EMU_PER_MM, y + int(pt.get("y")) / EMU_PER_MM) for pt in path.iter(q("a:pt"))]
    xfrm = wsp.find(f"{q('wps:spPr')}/{q('a:xfrm')}")
    geometry = wsp.find(f"{q('wps:spPr')}/{q('a:prstGeom')}")
    assert geometry.get("prst") in PRESET_BY_SEGMENTS.values()
    assert xfrm.get("rot") in (None, "5400000")
    adj = [int(gd.get("fmla").split()[1]) for gd in geometry.iter(q("a:gd"))]
    return preset_points(PresetConnector(geometry.get("prst"), x, y, w, h, xfrm.get("rot") == "5400000",
                                         xfrm.get("flipH") == "1", xfrm.get("flipV") == "1", adj))


def drawables_of(blocks: list[etree._Element]) -> list[tuple[str, tuple[float, float, float, float], etree._Element]]:
    """Every drawn thing of a page as (kind, page box in mm, element), group members one by one."""
    found = []
    for anchor in anchors_of(blocks):
        if anchor_kind(anchor) == "group":
            found.extend((anchor_kind(wsp), box, wsp) for wsp, box in group_members(anchor))
        else:
            found.append((anchor_kind(anchor), anchor_box(anchor), anchor))
    return found


def numbered_texts(path: Path) -> list[str]:
    """Every numbered paragraph as Word shows it ("3.<tab>text"), numbers worked out from numbering.xml."""
    with zipfile.ZipFile(path) as archive:
        numbering = etree.fromstring(archive.read("word/numbering.xml"))
    levels = {a.get(q("w:abstractNumId")): a.find(q("w:lvl")) for a in numbering.findall(q("w:abstractNum"))}
    lists = {n.get(q("w:numId")): levels[n.find(q("w:abstractNumId")).get(q("w:val"))]
             for n in numbering.findall(q("w:num"))}
    counters: dict[str, int] = {}
    texts = []
    for paragraph in document_xml(path).iter(q("w:p")):
        num_id = paragraph.find(f"{q('w:pPr')}/{q('w:numPr')}/{q('w:numId')}")
        if num_id is None:
            continue
        key = num_id.get(q("w:val"))
        level = lists[key]
        assert level.find(q("w:numFmt")).get(q("w:val")) == "decimal"
        assert level.find(q("w:lvlText")).get(q("w:val")) == "%1."
        number = counters.get(key, int(level.find(q("w:start")).get(q("w:val"))))
        counters[key] = number + 1
        texts.append(f"{number}.\t" + "".join(t.text or "" for t in paragraph.iter(q("w:t"))))
    return texts


def wattr(element: etree._Element, name: str) -> str | None:
    return element.get(q(f"w:{name}"))


def close(a: tuple[float, ...], b: tuple[float, ...], tolerance: float = 0.5) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def twips(mm: float) -> float:
    return mm * TWIPS_PER_MM


# ---- the identity page -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["contoh-peminjaman-arsip", "002_497329db9dcea2b8"])
def test_identity_table_has_the_official_merges_and_every_field(tmp_path, measure, name):
    sop = read_sop_json(FIXTURES_DIR / f"{name}.json")
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure)
    model = document.pages[0].table("identity")

    table = docx.Document(str(path)).tables[0]
    tbl = table._tbl
    assert [int(wattr(g, "w")) for g in tbl.tblGrid.findall(q("w:gridCol"))] == pytest.approx(
        [twips(w) for w in model.col_widths], abs=1)
    rows = tbl.findall(q("w:tr"))
    assert len(rows) == 9
    first_cells = [row.findall(q("w:tc"))[0] for row in rows]
    merges = [tc.find(f"{q('w:tcPr')}/{q('w:vMerge')}") for tc in first_cells[:6]]
    # The logo block runs down the six identity rows, and stops where the boxes begin.
    assert wattr(merges[0], "val") == "restart"
    assert all(m is not None and wattr(m, "val") != "restart" for m in merges[1:])
    assert all(tc.find(f"{q('w:tcPr')}/{q('w:vMerge')}") is None for tc in first_cells[6:])
    for row in rows[6:]:
        left, right = row.findall(q("w:tc"))
        assert wattr(right.find(f"{q('w:tcPr')}/{q('w:gridSpan')}"), "val") == "2"
        assert left.find(f"{q('w:tcPr')}/{q('w:gridSpan')}") is None

    text = "\n".join(cell.text for row in table.rows for cell in row.cells)
    identity = sop.identity
    signer = identity.signer
    for value in [identity.instansi.upper(), *identity.unit_lines, identity.nomor, identity.nama, signer.jabatan,
                  signer.nama, f"{signer.id_label.value}. {signer.id_number}",
                  labels.format_date(identity.tanggal_pembuatan), labels.DISAHKAN_OLEH]:
        assert value in text
    paragraphs = {p.text for row in table.rows for cell in row.cells for p in cell.paragraphs}
    # Word numbers the items itself (numbering.xml): the number is no typed text any more.
    numbered = numbered_texts(path)
    for key, title in labels.BOX_TITLES.items():
        assert f"{title}:" in paragraphs
        for number, item in enumerate(getattr(identity, key), start=1):
            assert f"{number}.\t{item}" in numbered
            assert item in paragraphs


def test_signer_block_keeps_the_room_for_signature_and_stamp(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure)
    model_cell = next(c for c in document.pages[0].table("identity").cells if c.kind == "signature")
    room = max(p.space_before_mm for p in model_cell.paragraphs)
    assert room > 10
    table = docx.Document(str(path)).tables[0]
    name_paragraph = next(p for p in table.rows[4].cells[2].paragraphs if p.text == sop.identity.signer.nama)
    assert name_paragraph.paragraph_format.space_before.mm == pytest.approx(room, abs=0.05)
    assert name_paragraph.runs[0].bold


# ---- flowchart pages -------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_one_exact_table_per_page_with_repeating_headers(tmp_path, measure, fixture):
    sop = read_sop_json(fixture)
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure, PageSettings(paper="F4", numbering_row=fixture.stem.startswith("000")))
    root = document_xml(path)
    pages = pages_of(root)
    assert len(pages) == len(document.pages)
    for page, blocks in zip(document.pages, pages):
        models = sorted(page.tables, key=lambda t: t.y)
        written = tables_of(blocks)
        assert len(written) == len(models)
        for model, tbl in zip(models, written):
            rows = tbl.findall(q("w:tr"))
            assert len(rows) == len(model.row_heights)
            for index, (row, height) in enumerate(zip(rows, model.row_heights)):
                props = row.find(q("w:trPr"))
                trh = props.find(q("w:trHeight"))
                # At least the model's height: a sentence added in Word grows the row instead of being cut.
                assert wattr(trh, "hRule") == "atLeast"
                assert abs(int(wattr(trh, "val")) - twips(height)) <= 1
                assert props.find(q("w:cantSplit")) is not None
                assert (props.find(q("w:tblHeader")) is not None) == (index < model.header_rows)
            if model.role == "flowchart":
                assert model.header_rows >= 2
                step_rows = [s for s in model.row_steps if s is not None]
                numbers = [r.findall(q("w:tc"))[0].xpath("string(.)") for r in rows[model.header_rows:]]
                assert numbers == [str(s + 1) for s in step_rows]


def test_every_step_text_is_in_its_row(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    export(path, sop, measure)
    word = docx.Document(str(path))
    texts = [cell.text for table in word.tables[1:] for row in table.rows for cell in row.cells]
    for step in sop.steps:
        assert step.kegiatan in texts
        assert step.output in texts


def test_header_cells_are_filled_and_cell_margins_follow_the_model(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure)
    model = document.pages[1].flowchart
    tbl = tables_of(pages_of(document_xml(path))[1])[0]
    half_border = model.border_pt * 25.4 / 72 / 2
    cells = tbl.findall(f"{q('w:tr')}/{q('w:tc')}")
    header = [c for c in model.cells if c.row == 0]
    first_row = tbl.findall(q("w:tr"))[0].findall(q("w:tc"))
    for cell, tc in zip(sorted(header, key=lambda c: c.col), first_row):
        shading = tc.find(f"{q('w:tcPr')}/{q('w:shd')}")
        assert wattr(shading, "fill") == cell.fill.lstrip("#").upper()
    for tc in cells:
        margin = tc.find(f"{q('w:tcPr')}/{q('w:tcMar')}/{q('w:left')}")
        # Word counts the margin from the border's inner edge, the model from the grid line.
        assert abs(int(wattr(margin, "w")) - twips(model.cells[0].padding - half_border)) <= 1


@pytest.mark.parametrize("landscape, size", [(True, ("18709", "12189", "landscape")),
                                             (False, ("12189", "18709", None))])
def test_f4_page_size_orientation_and_margins(tmp_path, measure, landscape, size):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    page = PageSettings(paper="F4", landscape=landscape, margin_top=12, margin_bottom=14, margin_left=16,
                        margin_right=18)
    document = export(path, sop, measure, page)
    section = document_xml(path).find(f"{q('w:body')}/{q('w:sectPr')}")
    pg_sz, pg_mar = section.find(q("w:pgSz")), section.find(q("w:pgMar"))
    assert (wattr(pg_sz, "w"), wattr(pg_sz, "h"), wattr(pg_sz, "orient")) == size
    assert int(wattr(pg_mar, "left")) == round(twips(16)) and int(wattr(pg_mar, "right")) == round(twips(18))
    # Top and bottom give the 1 pt lead, anchor and closing paragraphs their room outside the model's margins.
    assert int(wattr(pg_mar, "top")) + 2 * ANCHOR_LINE_TWIPS == round(twips(12))
    assert int(wattr(pg_mar, "bottom")) + ANCHOR_LINE_TWIPS == round(twips(14))
    assert document.pages[0].margins.top == pytest.approx(12)


def test_tables_start_where_the_model_puts_them(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    sop.steps = sop.steps[:3]
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure, PageSettings(paper="Legal", landscape=False, combine_pages=True))
    assert [p.kind for p in document.pages] == ["combined"]
    root = document_xml(path)
    # Word stacks blocks from the top margin down: exact-height paragraphs, then exact rows.
    cursor = int(wattr(root.find(f"{q('w:body')}/{q('w:sectPr')}/{q('w:pgMar')}"), "top"))
    tops = []
    for block in root.find(q("w:body")):
        if block.tag == q("w:tbl"):
            tops.append(cursor)
            cursor += sum(int(wattr(tr, "val")) for tr in block.iter(q("w:trHeight")))
        elif block.tag == q("w:p"):
            spacing = block.find(f"{q('w:pPr')}/{q('w:spacing')}")
            assert wattr(spacing, "lineRule") == "exact"
            cursor += int(wattr(spacing, "line"))
    models = sorted(document.pages[0].tables, key=lambda t: t.y)
    assert [m.role for m in models] == ["identity", "flowchart"]
    assert tops == pytest.approx([twips(m.y) for m in models], abs=1.5)
    edges = [int(wattr(tbl.find(f"{q('w:tblPr')}/{q('w:tblInd')}"), "w")) for tbl in root.iter(q("w:tbl"))]
    assert edges == pytest.approx([twips(m.x - document.pages[0].margins.left) for m in models], abs=1)


def test_arial_is_named_everywhere(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    export(path, sop, measure)
    with zipfile.ZipFile(path) as archive:
        styles = etree.fromstring(archive.read("word/styles.xml"))
        settings_xml = etree.fromstring(archive.read("word/settings.xml"))
    fonts = list(document_xml(path).iter(q("w:rFonts"))) + list(styles.find(q("w:docDefaults")).iter(q("w:rFonts")))
    assert len(fonts) > 100
    for element in fonts:
        assert (wattr(element, "ascii"), wattr(element, "hAnsi"), wattr(element, "cs")) == ("Arial",) * 3
    mode = [s for s in settings_xml.iter(q("w:compatSetting")) if wattr(s, "name") == "compatibilityMode"]
    assert wattr(mode[0], "val") == "15"


# ---- native shapes -------------------------------------------------------------------------


def _check_page_drawings(page: Page, blocks: list[etree._Element]) -> None:
    drawn = drawables_of(blocks)
    kinds = Counter(kind for kind, _, _ in drawn)
    expected = Counter(PRESETS[s.kind] for s in page.shapes)
    expected[PRESETS["offpage"]] += len(page.offpage)
    expected["connector"] += len(page.connectors)
    expected["label"] += len(page.labels) + len(page.furniture)
    expected["picture"] += len(page.images)
    assert +kinds == +expected

    def unmatched(model_boxes: list[tuple[float, float, float, float]], kind: str) -> list:
        boxes = [box for k, box, _ in drawn if k == kind]
        missing = []
        for box in model_boxes:
            found = next((b for b in boxes if close(b, box)), None)
            if found is None:
                missing.append(box)
            else:
                boxes.remove(found)
        return missing

    for shape_kind in ("terminator", "process", "decision"):
        boxes = [(s.x, s.y, s.w, s.h) for s in page.shapes if s.kind == shape_kind]
        assert unmatched(boxes, PRESETS[shape_kind]) == []
    assert unmatched([(c.x, c.y, c.w, c.h) for c in page.offpage], PRESETS["offpage"]) == []
    assert unmatched([(lb.x, lb.y, lb.w, lb.h) for lb in [*page.labels, *page.furniture]], "label") == []
    assert unmatched([(i.x, i.y, i.w, i.h) for i in page.images], "picture") == []

    written = []
    for kind, box, element in drawn:
        if kind != "connector":
            continue
        arrow = element.find(f".//{q('a:tailEnd')}") is not None
        written.append((tuple(connector_points(element, box)), arrow))
    for connector in page.connectors:
        match = next((w for w in written if len(w[0]) == len(connector.points) and w[1] == connector.arrow
                      and all(close(a, b) for a, b in zip(w[0], connector.points))), None)
        assert match is not None, connector
        written.remove(match)


def _sites(box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    x, y, w, h = box  # the presets' connection sites, in a:cxnLst order: top, left, bottom, right
    return [(x + w / 2, y), (x, y + h / 2), (x + w / 2, y + h), (x + w, y + h / 2)]


def _check_glue(page: Page, blocks: list[etree._Element]) -> None:
    """One group per chart page; every arrow end on a symbol's side is glued to that symbol's site."""
    groups = [a for a in anchors_of(blocks) if anchor_kind(a) == "group"]
    assert len(groups) == (1 if page.shapes or page.connectors or page.offpage or page.labels else 0)
    if not groups:
        return
    members = group_members(groups[0])
    symbols = {wsp.find(q("wps:cNvPr")).get("id"): box for wsp, box in members
               if anchor_kind(wsp) in (*PRESETS.values(),)}
    glued = 0
    for wsp, box in members:
        if anchor_kind(wsp) != "connector":
            continue
        assert wsp.find(q("wps:cNvCnPr")) is not None
        points = connector_points(wsp, box)
        for tag, point in (("a:stCxn", points[0]), ("a:endCxn", points[-1])):
            link = wsp.find(f"{q('wps:cNvCnPr')}/{q(tag)}")
            touching = [i for i, box in symbols.items() if any(close(point, s, 0.3) for s in _sites(box))]
            if link is None:
                assert touching == [], (tag, point)
                continue
            assert link.get("id") in touching
            assert close(point, _sites(symbols[link.get("id")])[int(link.get("idx"))], 0.3)
            glued += 1
    assert glued >= len([c for c in page.connectors if c.kind != "joint"])


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_shapes_are_native_and_sit_where_the_model_puts_them(tmp_path, measure, fixture):
    sop = read_sop_json(fixture)
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure, PageSettings(paper="F4"))
    root = document_xml(path)
    for page, blocks in zip(document.pages, pages_of(root)):
        # Anchors live outside the tables, where Word's in-cell rules cannot move them.
        assert all(list(t.iter(q("wp:anchor"))) == [] for t in tables_of(blocks))
        _check_page_drawings(page, blocks)
    assert sum(len(p.shapes) for p in document.pages) >= len(sop.steps)
    # Unique among what one reader sees; Word's canvas repeats the fallback group's ids on purpose.
    ids = [int(d.get("id")) for d in [*root.iter(q("wp:docPr")), *root.iter(q("wps:cNvPr"))] if not in_choice(d)]
    assert len(ids) == len(set(ids)) and min(ids) >= 1
    for page, blocks in zip(document.pages, pages_of(root)):
        _check_glue(page, blocks)
        _check_canvas(blocks)


def _check_canvas(blocks: list[etree._Element]) -> None:
    """Word's copy of the chart: a canvas in mc:Choice Requires="wpc", member for member the fallback group."""
    canvases = canvases_of(blocks)
    groups = [a for a in anchors_of(blocks) if anchor_kind(a) == "group"]
    assert len(canvases) == len(groups)
    for canvas, group in zip(canvases, groups):
        choice = next(p for p in canvas.iterancestors() if p.tag == q("mc:Choice"))
        assert choice.get("Requires") == "wpc"
        assert choice.getnext().tag == q("mc:Fallback") and group in choice.getnext().iter(q("wp:anchor"))
        graphic = canvas.find(f"{q('a:graphic')}/{q('a:graphicData')}")
        assert graphic.get("uri") == NS["wpc"]
        wpc = graphic.find(q("wpc:wpc"))
        assert [c.tag for c in wpc][:2] == [q("wpc:bg"), q("wpc:whole")]
        cx, cy, _, _ = anchor_box(canvas)
        in_canvas = {}
        for wsp in wpc.findall(q("wps:wsp")):
            off = wsp.find(f"{q('wps:spPr')}/{q('a:xfrm')}/{q('a:off')}")
            in_canvas[wsp.find(q("wps:cNvPr")).get("id")] = (
                cx + int(off.get("x")) / EMU_PER_MM, cy + int(off.get("y")) / EMU_PER_MM,
                etree.tostring(wsp.find(q("wps:cNvCnPr"))) if wsp.find(q("wps:cNvCnPr")) is not None else b"")
        in_group = {}
        for wsp, (x, y, _, _) in group_members(group):
            glue = wsp.find(q("wps:cNvCnPr"))
            in_group[wsp.find(q("wps:cNvPr")).get("id")] = (x, y, etree.tostring(glue) if glue is not None else b"")
        assert in_canvas.keys() == in_group.keys()
        for key, (x, y, glue) in in_group.items():
            assert close(in_canvas[key][:2], (x, y), 0.01) and in_canvas[key][2] == glue


def test_shapes_survive_a_python_docx_round_trip(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure)
    again = tmp_path / "again.docx"
    docx.Document(str(path)).save(str(again))
    for page, blocks in zip(document.pages, pages_of(document_xml(again))):
        _check_page_drawings(page, blocks)


def test_arrows_carry_their_heads_and_decisions_their_labels(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure)
    root = document_xml(path)
    heads = [a for a in root.iter(q("a:tailEnd")) if not in_choice(a)]
    assert len(heads) == sum(c.arrow for p in document.pages for c in p.connectors)
    assert all(h.get("type") == "triangle" for h in heads)
    drawn = drawables_of(list(root.find(q("w:body"))))
    texts = [e.xpath("string(.//w:txbxContent)", namespaces=NS) for kind, _, e in drawn if kind == "label"]
    assert labels.YES in texts and labels.NO in texts
    offpage_labels = {c.label for p in document.pages for c in p.offpage if c.label}
    pentagons = {e.xpath("string(.//w:txbxContent)", namespaces=NS) for kind, _, e in drawn
                 if kind == PRESETS["offpage"]}
    assert offpage_labels and offpage_labels <= pentagons


# ---- pictures ---------------------------------------------------------------------------------

SVG_LOGO = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" width="100" height="120">'
            b'<circle cx="50" cy="60" r="45" fill="#c00"/></svg>')


def _media(path: Path, r_id: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        target = next(r.get("Target") for r in rels if r.get("Id") == r_id)
        return archive.read(f"word/{target}")


def test_png_logo_is_embedded_as_is_at_its_place(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    png = rasterize_image(ImageItem(0, 0, 20, 24, SVG_LOGO, "svg"))
    sop.identity.logo = Logo(png, "png")
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure)
    (image,) = document.pages[0].images
    (anchor,) = [a for a in anchors_of(pages_of(document_xml(path))[0]) if anchor_kind(a) == "picture"]
    assert close(anchor_box(anchor), (image.x, image.y, image.w, image.h))
    assert _media(path, anchor.find(f".//{q('a:blip')}").get(q("r:embed"))) == png


def test_svg_logo_is_kept_with_a_png_for_readers_without_svg(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    sop.identity.logo = Logo(SVG_LOGO, "svg")
    path = tmp_path / "sop.docx"
    made: list[bytes] = []

    def rasterize(item: ImageItem) -> bytes:
        made.append(rasterize_image(item))
        return made[-1]

    export(path, sop, measure, rasterize=rasterize)
    (anchor,) = [a for a in anchors_of(pages_of(document_xml(path))[0]) if anchor_kind(a) == "picture"]
    blip = anchor.find(f".//{q('a:blip')}")
    assert _media(path, blip.get(q("r:embed"))) == made[0]
    svg_blip = blip.find(".//{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip")
    assert _media(path, svg_blip.get(q("r:embed"))) == SVG_LOGO
    docx.Document(str(path))  # python-docx still reads a package holding an SVG part


# ---- "ratakan bagan" -------------------------------------------------------------------------


def test_flatten_draws_each_flowchart_as_one_picture_over_its_page(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    rendered: list[bytes] = []

    def render(page: Page) -> tuple[bytes, Rect]:
        picture, box = render_flowchart_layer(page, dpi=100)
        rendered.append(picture)
        return picture, box

    document = export(path, sop, measure, flatten=True, render_layer=render)
    flow_pages = [p for p in document.pages if p.shapes]
    assert len(rendered) == len(flow_pages)
    root = document_xml(path)
    # No shapes but the page numbers' text boxes, which are no part of the chart.
    assert {a.xpath("string(.//w:txbxContent)", namespaces=NS) for a in root.iter(q("wp:anchor"))
            if a.find(f".//{q('wps:wsp')}") is not None} == {
        t.text for p in document.pages for t in p.furniture}
    with zipfile.ZipFile(path) as archive:
        media = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    for picture in rendered:
        assert picture in media
    for page, blocks in zip(document.pages, pages_of(root)):
        anchors = anchors_of(blocks)
        if page.shapes:
            assert [anchor_kind(a) for a in anchors] == ["label"] * len(page.furniture) + ["picture"]
            box = flowchart_layer_box(page)
            assert close(anchor_box(anchors[-1]), (box.x, box.y, box.w, box.h), 0.01)
            # The picture covers every symbol, so nothing of the flowchart is lost in flattening.
            assert all(box.contains(s.x, s.y) and box.contains(s.x + s.w, s.y + s.h) for s in page.shapes)
        assert len(tables_of(blocks)) == len(page.tables)


def test_flatten_without_a_painter_is_refused(measure):
    sop = read_sop_json(ARSIP)
    with pytest.raises(ValueError):
        docx_bytes(layout(sop, measure), sop, flatten=True)


# ---- failures --------------------------------------------------------------------------------


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, measure, monkeypatch):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    path.write_bytes(b"old")

    def refuse(source, target):
        raise PermissionError("terkunci")

    monkeypatch.setattr(atomic, "replace", refuse)
    with pytest.raises(PermissionError):
        export(path, sop, measure)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["sop.docx"]


def test_a_missing_folder_raises_oserror(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    with pytest.raises(OSError):
        export(tmp_path / "tidak-ada" / "sop.docx", sop, measure)
    assert not (tmp_path / "tidak-ada").exists()


def test_a_failing_painter_leaves_the_old_file(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    path = tmp_path / "sop.docx"
    path.write_bytes(b"old")

    def broken(page: Page) -> tuple[bytes, Rect]:
        raise OSError("gagal")

    with pytest.raises(OSError):
        export(path, sop, measure, flatten=True, render_layer=broken)
    assert path.read_bytes() == b"old"
    assert len(list(tmp_path.iterdir())) == 1


# ---- any SOP a user can type -----------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@st.composite
def sops(draw) -> Sop:
    actors = [Actor(name=draw(_TEXT)) for _ in range(draw(st.integers(0, 5)))]
    count = draw(st.integers(0, 14))
    steps = []
    for _ in range(count):
        chosen = draw(st.lists(st.sampled_from(actors), max_size=2, unique_by=lambda a: a.id)) if actors else []
        steps.append(Step(kegiatan=draw(_TEXT), actors=[a.id for a in chosen], output=draw(_TEXT),
                          symbol=draw(st.sampled_from(list(Symbol))), yes_label=draw(_TEXT), no_label=draw(_TEXT)))
    for step in steps:
        if step.symbol is Symbol.DECISION:
            targets = st.sampled_from([None, END, *[s.id for s in steps]])
            step.yes_target, step.no_target = draw(targets), draw(targets)
    identity = Identity(instansi=draw(_TEXT), nama=draw(_TEXT), unit_lines=draw(st.lists(_TEXT, max_size=3)),
                        signer=Signer(nama=draw(_TEXT)), dasar_hukum=draw(st.lists(_TEXT, max_size=4)),
                        peringatan=draw(st.lists(_TEXT, max_size=2)))
    page = PageSettings(paper=draw(st.sampled_from(["A4", "F4", "Letter", "Legal"])), landscape=draw(st.booleans()),
                        combine_pages=draw(st.booleans()), numbering_row=draw(st.booleans()),
                        offpage_labels=draw(st.sampled_from(["kosong", "angka", "huruf"])))
    return Sop(identity=identity, actors=actors, steps=steps, page=page)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sop=sops())
def test_any_sop_exports_and_reopens(sop):
    document = layout(sop, estimate_measure)
    data = docx_bytes(document, sop)
    word = docx.Document(io.BytesIO(data))
    assert len(word.tables) == sum(len(p.tables) for p in document.pages)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    for page, blocks in zip(document.pages, pages_of(root), strict=True):
        _check_page_drawings(page, blocks)


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("paper", ["A4", "F4", "Legal"])
def test_every_fixture_exports(tmp_path, measure, fixture, paper):
    sop = read_sop_json(fixture)
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure, PageSettings(paper=paper, landscape=paper != "Legal"))
    assert len(docx.Document(str(path)).tables) == sum(len(p.tables) for p in document.pages)


# ---- through LibreOffice -----------------------------------------------------------------

TOOLS = ("pdfinfo", "pdftotext", "pdftoppm")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, measure):
    """Every fixture exported and converted to PDF by LibreOffice in one run."""
    if SOFFICE is None or not all(shutil.which(t) for t in TOOLS):
        pytest.skip("LibreOffice atau poppler-utils tidak terpasang")
    folder = tmp_path_factory.mktemp("docx_lo")
    cases = {}
    for fixture in FIXTURE_FILES:
        sop = read_sop_json(fixture)
        cases[fixture.stem] = (sop, export(folder / f"{fixture.stem}.docx", sop, measure, PageSettings(paper="F4")))
    sop = read_sop_json(ARSIP)
    sop.steps = sop.steps[:3]
    cases["gabungan"] = (sop, export(folder / "gabungan.docx", sop, measure,
                                     PageSettings(paper="Legal", landscape=False, combine_pages=True)))
    convert_to_pdf([folder / f"{name}.docx" for name in cases], folder, folder / "profile")
    return folder, cases


def _pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.libreoffice
def test_libreoffice_prints_the_pages_and_texts_of_the_model(rendered):
    folder, cases = rendered
    for name, (sop, document) in cases.items():
        pdf = folder / f"{name}.pdf"
        assert _pdf_pages(pdf) == len(document.pages), name
        text = squashed_text(pdf)
        assert squash(sop.identity.nama) in text
        for step in sop.steps:
            assert squash(step.output) in text, (name, step.output)
            # A kegiatan is checked by its first words: the end of a long one may sit below a clipped line.
            assert squash(" ".join(step.kegiatan.split()[:6])) in text, (name, step.kegiatan)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["contoh-peminjaman-arsip", "gabungan"])
def test_libreoffice_draws_symbols_where_the_model_puts_them(rendered, name):
    folder, cases = rendered
    _, document = cases[name]
    dpi = 100
    for page in document.pages:
        if not page.shapes:
            continue
        pixels = gray_page(folder / f"{name}.pdf", page.index + 1, dpi)
        for shape in page.shapes:
            # Every symbol's outline passes through the middle of its left and right sides.
            assert dark_near(pixels, shape.x, shape.cy, dpi), (page.index, shape)
            assert dark_near(pixels, shape.x + shape.w, shape.cy, dpi), (page.index, shape)
            assert not dark_near(pixels, shape.cx, shape.cy, dpi, radius_mm=0.3) or shape.text
        table: Table = page.flowchart
        assert dark_near(pixels, table.x, table.y, dpi)
        assert dark_near(pixels, table.x + table.width, table.y + table.height, dpi)


def test_a_box_continued_on_the_next_page_goes_on_numbering_where_it_stopped(tmp_path, measure):
    sop = read_sop_json(ARSIP)
    sop.identity.peralatan_perlengkapan = [f"Alat {n:03d} tersedia" for n in range(1, 41)]
    path = tmp_path / "sop.docx"
    document = export(path, sop, measure)
    assert len([t for p in document.pages for t in p.tables if t.role == "identity"]) > 1
    numbered = [t for t in numbered_texts(path) if "Alat" in t]
    assert numbered == [f"{n}.\tAlat {n:03d} tersedia" for n in range(1, 41)]

"""A user edits an exported Word file in LibreOffice (through UNO): the chart stays whole, added text is not cut.

tests/lo_edit.py does the editing in Debian's python, which has `uno`; these tests skip where
LibreOffice, its python bridge (python3-uno) or poppler-utils are missing.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sopdesk.exporters.docx import write_docx
from sopdesk.importers.docx import EDITED_IN_WORD, import_docx
from sopdesk.interchange import read_sop_json, sop_to_native
from sopdesk.layout import layout
from sopdesk.model import PageSettings

from .conftest import FIXTURES_DIR
from .render_helpers import convert_to_pdf, dark_near, gray_page, squash, squashed_text

ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"
SCRIPT = Path(__file__).with_name("lo_edit.py")
SYSTEM_PYTHON = "/usr/bin/python3"
DPI = 100
ADDED = (" Petugas juga mencatat nomor agenda, tanggal terima, nama pemohon, unit kerja asal dan jumlah berkas "
         "pada buku agenda, lalu memberi paraf pada lembar disposisi sebelum berkas diteruskan kepada atasan.")

pytestmark = pytest.mark.libreoffice


def _uno_python() -> str | None:
    if not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdftotext")):
        return None
    if not Path(SYSTEM_PYTHON).exists():
        return None
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    return SYSTEM_PYTHON if probe.returncode == 0 else None


@pytest.fixture(scope="module")
def lo(tmp_path_factory, qapp):
    python = _uno_python()
    if python is None:
        pytest.skip("LibreOffice, python3-uno atau poppler-utils tidak terpasang")
    from sopdesk.qt.fonts import qt_measure

    folder = tmp_path_factory.mktemp("docx_edit")
    sop = read_sop_json(ARSIP)
    document = layout(sop, qt_measure(), PageSettings(paper="F4"))
    source = folder / "sop.docx"
    write_docx(document, sop, source)

    def edit(name: str, edits: list[dict]) -> dict:
        job = {"input": str(source), "profile": str(folder / "profile"), "edits": edits,
               "docx": str(folder / f"{name}.docx"), "pdf": str(folder / f"{name}.pdf"),
               "report": str(folder / f"{name}.json")}
        job_path = folder / f"{name}-job.json"
        job_path.write_text(json.dumps(job), encoding="utf-8")
        subprocess.run([python, str(SCRIPT), str(job_path)], check=True, capture_output=True, timeout=300)
        return job

    return sop, document, edit


def test_each_page_chart_is_one_group_in_libreoffice(lo):
    _, document, edit = lo
    job = edit("dibuka", [])
    shapes = json.loads(Path(job["report"]).read_text())["shapes"]
    groups = [s for s in shapes if s["name"].startswith("Bagan alir")]
    flow_pages = [p for p in document.pages if p.shapes]
    assert len(groups) == len(flow_pages)
    for group, page in zip(groups, flow_pages):
        assert group["type"] == "GroupShape"
        assert len(group["children"]) == (len(page.shapes) + len(page.connectors) + len(page.offpage)
                                          + len(page.labels))


def test_saving_in_libreoffice_keeps_the_sop_and_its_text_fingerprint(lo):
    sop, _, edit = lo
    job = edit("disimpan", [])
    (back, report), = import_docx(Path(job["docx"])).sops
    assert sop_to_native(back) == sop_to_native(sop)
    assert report.guessed == []


def test_moving_the_chart_keeps_every_arrow_on_its_symbols(lo):
    _, document, edit = lo
    dx, dy = 6.0, 4.0
    job = edit("digeser", [{"op": "move_shape", "name": "Bagan alir", "dx_mm": dx, "dy_mm": dy}])
    page = next(p for p in document.pages if p.shapes)
    pixels = gray_page(job["pdf"], page.index + 1, DPI)
    for shape in page.shapes:
        assert dark_near(pixels, shape.x + dx, shape.cy + dy, DPI), shape
        assert dark_near(pixels, shape.x + shape.w + dx, shape.cy + dy, DPI), shape
    for connector in page.connectors:
        for x, y in (connector.points[0], connector.points[-1]):
            # Both ends of every arrow moved with the symbols they touch.
            assert dark_near(pixels, x + dx, y + dy, DPI), connector


def test_a_lengthened_kegiatan_grows_its_row_and_is_not_cut(lo):
    sop, document, edit = lo
    step = 1
    find = " ".join(sop.steps[step].kegiatan.split()[:4])
    job = edit("diperpanjang", [{"op": "append_text", "find": find, "text": ADDED}])
    text = squashed_text(job["pdf"])
    # Every word typed is printed: the row grew ("at least" height) instead of cutting the text.
    assert squash(sop.steps[step].kegiatan + ADDED) in text
    page = document.pages[document.page_of_step(step)]
    pixels = gray_page(job["pdf"], page.index + 1, DPI)
    table = page.flowchart
    row = table.row_of_step(step)
    for shape in page.shapes:
        if shape.step_index <= step:
            # The rows above the edit and the edited row keep their symbols exactly where they were.
            assert dark_near(pixels, shape.x, shape.cy, DPI), shape
            assert dark_near(pixels, shape.x + shape.w, shape.cy, DPI), shape
    # The edited row is taller now: its old bottom border is no longer drawn (looked at in the No
    # column's padding, where no text can be), and the new one is lower down.
    number = next(c for c in table.cells if c.kind == "no" and c.row == row)
    rect = table.cell_rect(number)
    assert dark_near(pixels, rect.x + 0.6, rect.y, DPI, radius_mm=0.3)
    assert not dark_near(pixels, rect.x + 0.6, rect.bottom, DPI, radius_mm=0.3)
    (back, report), = import_docx(Path(job["docx"])).sops
    assert report.guessed == [EDITED_IN_WORD]
    assert back.steps[step].kegiatan == sop.steps[step].kegiatan


def test_a_file_saved_by_libreoffice_still_prints_the_chart_in_place(lo):
    _, document, edit = lo
    job = edit("simpan-ulang", [])
    saved = Path(job["docx"])
    # Opened again and printed: LibreOffice wrote the chart back as it read it.
    again = edit_again(saved)
    for page in document.pages:
        if not page.shapes:
            continue
        pixels = gray_page(again, page.index + 1, DPI)
        for shape in page.shapes:
            assert dark_near(pixels, shape.x, shape.cy, DPI), (page.index, shape)
            assert dark_near(pixels, shape.x + shape.w, shape.cy, DPI), (page.index, shape)
        for connector in page.connectors:
            for x, y in connector.points:
                assert dark_near(pixels, x, y, DPI), (page.index, connector)


def edit_again(path: Path) -> str:
    folder = path.parent / "ulang"
    folder.mkdir(exist_ok=True)
    convert_to_pdf([path], folder, path.parent / "profile-ulang")
    return str(folder / f"{path.stem}.pdf")

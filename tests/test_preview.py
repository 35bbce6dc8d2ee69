"""The live preview follows the document and talks to the steps table both ways."""
import re
import shutil
import subprocess

import pytest
from PySide6.QtCore import QPoint, Qt

from ui.main_window import TAB_STEPS

from .conftest import FIXTURES_DIR


@pytest.fixture
def window(make_window):
    win, dialogs = make_window()
    win.preview_action.trigger()  # hidden at first on a small screen (the offscreen one is 800 x 600)
    dialogs.answer("open_file", str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))
    win.import_json_action.trigger()
    return win


def kegiatan_cell_text(document, step_index):
    for page in document.pages:
        table = page.flowchart
        row = table.row_of_step(step_index) if table else None
        if row is not None:
            return next(c for c in table.cells if c.row == row and c.kind == "kegiatan").text
    return None


def test_editing_a_step_updates_the_preview(window, qtbot):
    preview = window.preview
    assert preview.page_count() >= 2
    step = window.controller.sop.steps[3]
    window.controller.set_step_field(step.id, "kegiatan", "Memeriksa permohonan dengan teliti", "Kegiatan")
    qtbot.waitUntil(lambda: kegiatan_cell_text(preview.document, 3) == "Memeriksa permohonan dengan teliti",
                    timeout=2000)
    before = preview.page_count()
    for _ in range(25):
        window.controller.insert_step(5)
    qtbot.waitUntil(lambda: preview.page_count() > before, timeout=2000)


def test_clicking_a_symbol_selects_its_row(window, qtbot):
    preview = window.preview
    canvas = preview.canvas
    shape = next(s for page in preview.document.pages for s in page.shapes if s.step_index == 4)
    page = next(p for p in preview.document.pages if shape in p.shapes)
    rect = canvas.page_rects()[page.index]
    scale = canvas.px_per_mm()
    point = QPoint(int(rect.x() + shape.cx * scale), int(rect.y() + shape.cy * scale))
    window.tabs.setCurrentIndex(0)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
    assert window.tabs.currentIndex() == TAB_STEPS
    assert window.steps_editor.current_row() == 4


def test_selecting_a_step_highlights_it_in_the_preview(window, qtbot):
    window.tabs.setCurrentIndex(TAB_STEPS)
    window.steps_editor.select_step(window.controller.sop.steps[9].id)
    assert window.preview.canvas.highlight == 9
    row = window.preview.canvas.step_rect(9)
    top = window.preview.scroll.verticalScrollBar().value()
    assert top <= row.top() and row.bottom() <= top + window.preview.scroll.viewport().height()


def test_zoom_and_page_navigation(window, qtbot):
    preview = window.preview
    preview.go_to_page(1)
    assert preview.current_page() == 1
    assert preview.page_label.text().startswith("Halaman 2 dari")
    zoom = preview.canvas.zoom
    qtbot.mouseClick(preview.zoom_in, Qt.MouseButton.LeftButton)
    assert preview.canvas.zoom > zoom
    qtbot.mouseClick(preview.zoom_out, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(preview.zoom_out, Qt.MouseButton.LeftButton)
    assert preview.canvas.zoom < zoom


def pdf_pages(path):
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_export_pdf_from_the_window(window, tmp_path):
    window.dialogs.answer("save_file", (str(tmp_path / "sop"), ""))
    window.export_pdf_action.trigger()
    pdf = tmp_path / "sop.pdf"  # the extension is added when the user leaves it out
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf_pages(pdf) == window.preview.page_count()


def test_printing_paints_every_page(window, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from ui.printing import make_printer, paint_document

    document = window.preview.document
    printer = make_printer(document)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "cetak.pdf"))
    paint_document(printer, document)
    assert pdf_pages(tmp_path / "cetak.pdf") == len(document.pages)


def test_a_row_taller_than_a_page_is_reported(window, qtbot):
    step = window.controller.sop.steps[2]
    window.controller.set_step_field(step.id, "keterangan", "Catatan panjang sekali. " * 600, "Keterangan")
    qtbot.waitUntil(lambda: any(p.code == "row-too-tall" for p in window.problems_panel.problems), timeout=3000)
    problem = next(p for p in window.problems_panel.problems if p.code == "row-too-tall")
    assert problem.target.item_id == step.id
    assert "Langkah 3" in problem.message or "langkah 3" in problem.message


@pytest.mark.parametrize("extension, magic", [("docx", b"PK"), ("xlsx", b"PK")])
def test_export_word_and_excel_from_the_window(window, tmp_path, extension, magic):
    window.dialogs.answer("save_file", (str(tmp_path / f"sop.{extension}"), ""))
    getattr(window, f"export_{extension}_action").trigger()
    assert (tmp_path / f"sop.{extension}").read_bytes()[:2] == magic
    assert window.dialogs.errors == []


def test_flattened_word_export_holds_pictures_not_shapes(window, tmp_path):
    import zipfile

    window.page_editor.flatten.click()
    assert window.controller.sop.page.flatten_chart
    window.dialogs.answer("save_file", (str(tmp_path / "rata.docx"), ""))
    window.export_docx_action.trigger()
    with zipfile.ZipFile(tmp_path / "rata.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert "flowChartDecision" not in body
    assert len(media) >= len(window.preview.document.flowchart_pages)


def test_export_to_an_unwritable_place_says_so(window, tmp_path):
    window.dialogs.answer("save_file", (str(tmp_path / "tidak-ada" / "sop.docx"), ""))
    window.export_docx_action.trigger()
    assert window.dialogs.errors and window.dialogs.errors[-1][0] == "Gagal mengekspor Word"


def test_print_preview_speaks_indonesian(window, qtbot):
    from PySide6.QtGui import QAction

    from ui.printing import PREVIEW_ACTIONS, print_with_preview

    dialog = print_with_preview(window.preview.document, window)
    qtbot.addWidget(dialog)
    texts = {a.text() for a in dialog.findChildren(QAction) if a.text()}
    assert "Cetak" in texts and "Halaman berikutnya" in texts
    assert not texts & set(PREVIEW_ACTIONS)

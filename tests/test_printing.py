"""Printing from the window: Cetak opens the preview and prints to PDF, again and again, without a crash."""
import gc
import re
import shutil
import subprocess

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication

from .conftest import FIXTURES_DIR


@pytest.fixture
def window(make_window, qapp):
    from ui import qt_indonesian

    qt_indonesian.install(qapp)  # as ui.app.start does: the print dialog is Qt's, named in Indonesian
    win, dialogs = make_window()
    dialogs.answer("open_file", str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))
    win.import_json_action.trigger()
    win.shown_previews = []
    # Not modal in a test: the preview is shown and driven, as a user would drive it.
    dialogs.show_print_preview = lambda dialog: (win.shown_previews.append(dialog), dialog.show())
    return win


def pdf_info(path):
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    width, height = (float(v) for v in re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.MULTILINE).groups())
    return pages, (width, height)


def accept_print_dialog_when_shown(qtbot):
    """QPrintDialog is modal (exec): accept it from the event loop once it is up."""
    seen = []

    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QPrintDialog):
            seen.append(dialog.windowTitle())
            dialog.accept()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return seen


def print_action(dialog):
    return next(a for a in dialog.findChildren(QAction) if a.text() == "Cetak")


def test_ctrl_p_opens_the_preview_and_prints_to_pdf_repeatedly(window, qtbot, tmp_path):
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    document = window.preview.lay_out(window.controller.sop)
    pages = len(document.pages)
    paper = (document.pages[0].width_mm / 25.4 * 72, document.pages[0].height_mm / 25.4 * 72)
    for round_number in range(3):
        window.print_action.trigger()
        qtbot.waitUntil(lambda n=round_number: len(window.shown_previews) == n + 1, timeout=10000)
        dialog = window.shown_previews[-1]
        assert isinstance(dialog, QPrintPreviewDialog)
        gc.collect()  # the printer behind the preview must outlive this
        qtbot.waitUntil(lambda d=dialog: d.findChild(QPrintPreviewWidget).pageCount() == pages, timeout=10000)
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        target = tmp_path / f"cetak-{round_number}.pdf"
        printer.setOutputFileName(str(target))
        gc.collect()
        seen = accept_print_dialog_when_shown(qtbot)
        print_action(dialog).trigger()  # the preview's own Cetak button, then the print dialog's OK
        assert seen == ["Cetak"]
        assert target.exists()
        count, size = pdf_info(target)
        assert count == pages
        assert size == pytest.approx(paper, abs=1.5)
        dialog.close()
        gc.collect()
        qtbot.wait(10)  # deferred deletes run; the window must still be there
    assert window.isVisible()


def test_printing_from_the_berkas_menu_with_the_preview_widget(window, qtbot, tmp_path):
    file_menu = window.menuBar().actions()[0].menu()
    cetak = next(a for a in file_menu.actions() if a.text().replace("&", "") == "Cetak…")
    cetak.trigger()
    qtbot.waitUntil(lambda: len(window.shown_previews) == 1, timeout=10000)
    dialog = window.shown_previews[0]
    assert dialog.windowTitle() == "Pratinjau cetak"
    printer = dialog.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "menu.pdf"))
    del printer
    gc.collect()
    dialog.findChild(QPrintPreviewWidget).print_()
    count, _size = pdf_info(tmp_path / "menu.pdf")
    assert count == len(window.preview.document.pages)


def test_f4_pages_scale_to_fit_a4_paper(window, tmp_path):
    """A printer without F4: the page is scaled down to the A4 sheet, not cut off."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize

    from ui.printing import make_printer, paint_document

    document = window.preview.lay_out(window.controller.sop)
    printer = make_printer(document)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "a4.pdf"))
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(0, 0, 0, 0)))
    paint_document(printer, document)
    count, size = pdf_info(tmp_path / "a4.pdf")
    assert count == len(document.pages)
    assert size == pytest.approx((595.3, 841.9), abs=1.5)


def test_print_to_file_is_named_after_the_sop(window):
    window.print_action.trigger()
    (preview,) = window.shown_previews
    # The print dialog's "Cetak ke berkas (PDF)" suggests <docName>.pdf.
    assert preview.printer().docName() == window.controller.sop.identity.nama
    preview.close()

"""Printing with a print preview: the same painter as the on-screen preview and the PDF."""
from __future__ import annotations

from PySide6.QtGui import QAction, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from sopdesk.layout.page_model import Document
from sopdesk.qt.painter import paint_page
from sopdesk.qt.pdf import page_layout

PRINT_DPI = 1200  # what QPrinter.HighResolution gives for PDF; a printer driver may round it to its own


def make_printer(document: Document) -> QPrinter:
    """A stand-alone printer (headless printing, tests); the print preview owns its own, see print_with_preview."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    configure_printer(printer, document)
    return printer


def configure_printer(printer: QPrinter, document: Document) -> None:
    printer.setResolution(PRINT_DPI)
    # The page model holds the margins itself: the painter origin must be the paper's corner.
    printer.setFullPage(True)
    if document.pages:
        printer.setPageLayout(page_layout(document.pages[0]))
    printer.setDocName("SOP Desk")


def paint_document(printer: QPrinter, document: Document) -> None:
    """Paint every page; when the printer's paper differs (a driver without F4), scale the page to fit it."""
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        previous = None
        for page in document.pages:
            size = (page.width_mm, page.height_mm)
            if previous is not None:
                # Only a page of another size asks for other paper: the paper the user chose in the print
                # dialog (A4 on a printer without F4) is kept, and the page is scaled to fit it below.
                if size != previous:
                    printer.setPageLayout(page_layout(page))
                printer.newPage()
            previous = size
            paper = printer.paperRect(QPrinter.Unit.Millimeter)
            fit = min(paper.width() / page.width_mm, paper.height() / page.height_mm, 1.0)
            px_per_mm = printer.resolution() / 25.4
            painter.save()
            if fit < 0.999:
                offset_x = (paper.width() - page.width_mm * fit) / 2 * px_per_mm
                painter.translate(offset_x, 0)
            paint_page(painter, page, px_per_mm * fit)
            painter.restore()
    finally:
        painter.end()


# Qt ships no Indonesian translation of its print preview; its toolbar is renamed here.
PREVIEW_ACTIONS = {
    "Next page": "Halaman berikutnya", "Previous page": "Halaman sebelumnya", "First page": "Halaman pertama",
    "Last page": "Halaman terakhir", "Fit width": "Pas lebar", "Fit page": "Pas halaman", "Zoom in": "Perbesar",
    "Zoom out": "Perkecil", "Portrait": "Tegak", "Landscape": "Mendatar", "Show single page": "Satu halaman",
    "Show facing pages": "Dua halaman berhadapan", "Show overview of all pages": "Semua halaman",
    "Print": "Cetak", "Page setup": "Pengaturan halaman", "Close": "Tutup",
}


def print_with_preview(document: Document, parent: QWidget | None = None) -> QPrintPreviewDialog:
    """Qt's print preview (which has its own Cetak button), not yet shown; callers and tests show and drive it."""
    # The dialog creates and owns its printer: a QPrinter made here and handed over would be freed by
    # Python when this function returns while the preview still paints on it (a crash on Ctrl+P).
    dialog = QPrintPreviewDialog(parent)
    configure_printer(dialog.printer(), document)
    dialog.setWindowTitle("Pratinjau cetak")
    for action in dialog.findChildren(QAction):
        indonesian = PREVIEW_ACTIONS.get(action.text().replace("&", ""))
        if indonesian:
            action.setText(indonesian)
            action.setToolTip(indonesian)
    dialog.paintRequested.connect(lambda target: paint_document(target, document))
    return dialog

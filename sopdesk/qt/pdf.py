"""PDF export: every page of the page model painted onto a QPdfWriter at its exact paper size."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from ..atomic import atomic_write_bytes
from ..layout.page_model import Document, Page
from .fonts import REFERENCE_DPI, ensure_app
from .painter import paint_page

# Qt's own ids for the papers it knows; F4 (215 x 330 mm) has none and is made to measure.
_KNOWN = {(210.0, 297.0): QPageSize.PageSizeId.A4, (215.9, 279.4): QPageSize.PageSizeId.Letter,
          (215.9, 355.6): QPageSize.PageSizeId.Legal}


def page_size(page: Page) -> QPageSize:
    """The paper of a page, portrait-wise; F4 must not be rounded to Qt's 8.5 x 13 in sheet."""
    short, long = sorted((page.width_mm, page.height_mm))
    known = _KNOWN.get((round(short, 1), round(long, 1)))
    if known is not None:
        return QPageSize(known)
    name = "F4" if (round(short, 1), round(long, 1)) == (215.0, 330.0) else ""
    return QPageSize(QSizeF(short, long), QPageSize.Unit.Millimeter, name, QPageSize.SizeMatchPolicy.ExactMatch)


def page_layout(page: Page) -> QPageLayout:
    orientation = (QPageLayout.Orientation.Landscape if page.width_mm > page.height_mm
                   else QPageLayout.Orientation.Portrait)
    # Zero margins: the page model already holds the margins, so the painter origin is the paper corner.
    return QPageLayout(page_size(page), orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def pdf_bytes(document: Document, title: str = "") -> bytes:
    """The whole document as PDF bytes."""
    ensure_app()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(REFERENCE_DPI)
    writer.setCreator("SOP Desk")
    writer.setTitle(title)
    pages = document.pages
    if pages:
        writer.setPageLayout(page_layout(pages[0]))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("PDF tidak dapat dibuat.")
    try:
        for number, page in enumerate(pages):
            if number:
                writer.setPageLayout(page_layout(page))
                writer.newPage()
            paint_page(painter, page, REFERENCE_DPI / 25.4)
    finally:
        painter.end()
        buffer.close()
    return bytes(data.data())


def write_pdf(document: Document, path: str | Path, title: str = "") -> None:
    """Write the PDF atomically (a temp file, then replace); OSError from the file system reaches the caller."""
    atomic_write_bytes(Path(path), pdf_bytes(document, title))

"""Buku SOP as PDF: the book's pages painted one part at a time onto one QPdfWriter, by the SOP painter.

The PDF goes straight to the (temporary) file the book job names, page by page, so a book of a
hundred SOPs never sits whole in memory; the job replaces the output only when it is complete.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPainter, QPdfWriter

from ..book import BookPart
from .fonts import REFERENCE_DPI, ensure_app
from .painter import paint_page
from .pdf import page_layout


class PdfBookWriter:
    """sopdesk.book.BookWriter for .pdf."""

    def __init__(self) -> None:
        self._writer: QPdfWriter | None = None
        self._painter: QPainter | None = None
        self._pages = 0

    def begin(self, path: Path, title: str) -> None:
        ensure_app()
        self._writer = QPdfWriter(str(path))
        self._writer.setResolution(REFERENCE_DPI)
        self._writer.setCreator("SOP Desk")
        self._writer.setTitle(title)
        self._pages = 0

    def add_part(self, part: BookPart) -> None:
        assert self._writer is not None
        for page in part.pages:
            self._writer.setPageLayout(page_layout(page))
            if self._painter is None:
                # The painter starts on the first page, so that page already has its own paper.
                self._painter = QPainter()
                if not self._painter.begin(self._writer):
                    self._painter = None
                    raise OSError("PDF tidak dapat dibuat.")
            elif not self._writer.newPage():
                raise OSError("PDF tidak dapat ditulis (disk penuh atau tidak ada izin?).")
            paint_page(self._painter, page, REFERENCE_DPI / 25.4)
            self._pages += 1

    def finish(self) -> None:
        if self._painter is not None:
            ended = self._painter.end()
            self._painter = None
            if not ended:
                raise OSError("PDF tidak dapat diselesaikan (disk penuh atau tidak ada izin?).")
        self._writer = None

    def abort(self) -> None:
        if self._painter is not None:
            self._painter.end()
            self._painter = None
        self._writer = None

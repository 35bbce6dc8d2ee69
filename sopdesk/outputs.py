"""Page formats out: lay an SOP out once and hand the page model to the PDF, Word or Excel writer.

The window and `sopdesk convert` both come here, so a format is written the same way from either.
Qt is reached only through sopdesk.qt (text measuring, painting), imported when a format needs it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .layout.page_model import Document
from .model import Sop


def laid_out(sop: Sop) -> Document:
    """The page model, measured with the shipped Liberation Sans through the Qt adapter."""
    from .layout import layout
    from .qt.fonts import ensure_app, qt_measure

    ensure_app()
    return layout(sop, qt_measure())


def write_pdf(sop: Sop, path: Path, options: Any = None, document: Document | None = None) -> Document:
    """Each writer returns the page model it wrote, so callers can report its layout problems."""
    from .qt.pdf import write_pdf as write_document
    from .sanity import check_page

    check_page(sop.page)  # the same refusal, naming the field, as the Word and Excel writers give
    document = document or laid_out(sop)
    write_document(document, path, title=sop.identity.nama)
    return document


def write_docx(sop: Sop, path: Path, options: Any = None, document: Document | None = None) -> Document:
    """Native Word shapes, or each page's chart as one picture when the SOP asks to flatten ("ratakan bagan")."""
    from .exporters.docx import write_docx as write_document
    from .qt.raster import rasterize_image, render_flowchart_layer

    document = document or laid_out(sop)
    write_document(document, sop, Path(path), flatten=sop.page.flatten_chart,
                   render_layer=render_flowchart_layer, rasterize=rasterize_image)
    return document


def write_xlsx(sop: Sop, path: Path, options: Any = None, document: Document | None = None) -> Document:
    from .exporters.xlsx import write_xlsx as write_document

    document = document or laid_out(sop)
    write_document(document, sop, Path(path))
    return document

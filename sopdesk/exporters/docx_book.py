"""Buku SOP as Word: every part of the book in one .docx, each part a section of its own paper and margins.

Pages are written by the single-SOP Word writer's own page code (one table per page, the chart as
glued shapes), so a book page looks exactly like that SOP's own export. Each part (the front
pages, then each SOP) is a Word section that starts on a new page with its first page's paper,
orientation and margins: SOPs on F4 and on A4, landscape after a portrait cover, sit in one file.

The SOP's own data (the custom XML part a single export carries for Impor Word) is not embedded:
a book holds many SOPs and is a publication; each SOP stays in the library and in its own export.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
from lxml import etree

from ..book import BookPart
from ..model import Sop
from .docx import ANCHOR_LINE_TWIPS, NS, ImageRasterizer, LayerRenderer, _DocxBuilder, qn, sub
from .docx_drawing import clean_text


class DocxBookWriter:
    """sopdesk.book.BookWriter for .docx; the file is built in memory and written at finish()."""

    def __init__(self, render_layer: LayerRenderer | None = None, rasterize: ImageRasterizer | None = None) -> None:
        self.render_layer = render_layer
        self.rasterize = rasterize
        self._path: Path | None = None
        self._title = ""
        self._word = None
        self._builder: _DocxBuilder | None = None
        self._section: etree._Element | None = None
        self._last_part: BookPart | None = None
        self._fragments: list[str] = []

    def begin(self, path: Path, title: str) -> None:
        self._path = Path(path)
        self._title = title
        word = docx.Document()
        placeholder = Sop()
        placeholder.identity.nama = title
        builder = _DocxBuilder(word, None, placeholder, False, self.render_layer, self.rasterize)
        builder._set_defaults()
        props = word.core_properties
        props.title = clean_text(title)[:250]
        props.subject = "Buku SOP"
        props.created = props.modified = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        body = word.element.body
        self._section = body.find(qn("w:sectPr"))
        for child in list(body):
            body.remove(child)
        # Where the parts go in when the file is saved (see _flush).
        body.append(etree.Comment(_PLACEHOLDER))
        self._fragments = []
        self._word = word
        self._builder = builder
        self._new_container()
        self._last_part = None

    def add_part(self, part: BookPart) -> None:
        builder = self._builder
        assert builder is not None
        if self._last_part is not None:
            self._end_section(self._last_part)
            self._flush()
        builder.document = part.document
        builder.sop = part.sop or Sop()
        builder.flatten = bool(part.sop and part.sop.page.flatten_chart and self.render_layer is not None)
        for number, page in enumerate(part.pages):
            # A part's first page opens a section, which starts on a new page by itself.
            builder._page(dataclasses.replace(page, index=number))
        self._last_part = part

    def _end_section(self, part: BookPart) -> None:
        """The paragraph that closes a part: it carries the part's section (paper, margins)."""
        builder = self._builder
        closing = sub(builder.body, "w:p")
        builder._paragraph_props(closing, ANCHOR_LINE_TWIPS, hidden=True)
        section = etree.SubElement(closing.find(qn("w:pPr")), qn("w:sectPr"))
        builder._section(section, part.pages[0])

    def finish(self) -> None:
        builder = self._builder
        assert builder is not None and self._path is not None
        closing = sub(builder.body, "w:p")
        builder._paragraph_props(closing, ANCHOR_LINE_TWIPS, hidden=True)
        self._flush()
        body = self._word.element.body
        if self._last_part is not None:
            builder._section(self._section, self._last_part.pages[0])
        body.append(self._section)
        root = self._word.element
        etree.cleanup_namespaces(root, top_nsmap=NS, keep_ns_prefixes=list(root.nsmap))
        stream = io.BytesIO()
        self._word.save(stream)
        self._word = self._builder = None
        _write_spliced(stream.getvalue(), self._fragments, self._path)
        self._fragments = []

    def _new_container(self) -> None:
        # Each part is built in a body of its own, outside the document, with the document's prefixes.
        self._builder.body = etree.Element(qn("w:body"), nsmap=dict(self._word.element.nsmap))

    def _flush(self) -> None:
        """Keep the finished part as XML text and drop its elements: a book of hundreds of pages
        would otherwise hold every page's tree (several hundred MB) until it is saved."""
        container = self._builder.body
        if len(container):
            text = etree.tostring(container, encoding="unicode")
            # The container's own tags go; the document's root declares the same prefixes.
            self._fragments.append(text[text.index(">") + 1:text.rindex("</")])
        self._new_container()

    def abort(self) -> None:
        self._word = self._builder = None
        self._fragments = []


_PLACEHOLDER = "sopdesk-buku-isi"
_DOCUMENT_PART = "word/document.xml"


def _write_spliced(package: bytes, fragments: list[str], path: Path) -> None:
    """The saved package with the parts' XML put back where the placeholder comment stands."""
    marker = f"<!--{_PLACEHOLDER}-->"
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == _DOCUMENT_PART:
                text = data.decode("utf-8")
                if text.count(marker) != 1:
                    raise ValueError("the book's placeholder is missing from document.xml")
                head, tail = text.split(marker)
                data = "".join([head, *fragments, tail]).encode("utf-8")
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)

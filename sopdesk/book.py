"""Buku SOP: which SOPs, in what order, the plan of the book's pages, and the job that writes it.

Qt-free. Order: by Nomor SOP, numbers inside it compared as numbers ("SOP-2" before "SOP-10"); an
SOP without a Nomor goes last. Pages are numbered through the whole book, the cover being page 1
(it prints no number); every other page prints "Halaman x dari y" where each SOP prints its own.
The front pages (cover, penetapan, daftar isi) are made in book_pages.py.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import labels
from .atomic import fsync_dir, fsync_file, replace, temp_path_for
from .book_pages import (  # noqa: F401 - the names the window and the command line take from here
    DEFAULT_TEMPLATE,
    DEFAULT_TITLE,
    FRONT_MARGINS,
    TEMPLATE_FIELDS,
    TOC_COLUMNS,
    BookError,
    BookInfo,
    cover_page,
    fill_template,
    front_paper,
    penetapan_pages,
    read_template,
    template_values,
    toc_pages,
)
from .layout.measure import Measure, estimate_text_width_mm, line_height_mm
from .layout.page_model import Document, Page, PageText
from .model import Sop
from .sanity import UnprintableError, check_page

PAGE_NUMBER_PT = 8.0

STATUSES = ("Draf", "Berlaku", "Diganti", "Dicabut")


class BookCancelled(Exception):
    """The user cancelled; nothing was written."""


# ---- choosing and ordering ------------------------------------------------------------------------------


def sop_status(sop: Sop) -> str:
    """The SOP's status as printed ("Berlaku"), or "" when the SOP has none."""
    lifecycle = getattr(sop, "lifecycle", None)  # absent in libraries older than the status field
    status = getattr(lifecycle, "status", None)
    value = getattr(status, "value", status)
    if isinstance(value, str):
        for known in STATUSES:
            if value.strip().casefold() == known.casefold():
                return known
        return value.strip()
    return ""


def sop_unit(sop: Sop) -> str:
    """The unit the library lists the SOP under: its last unit line, else its instansi."""
    lines = [line.strip() for line in sop.identity.unit_lines if line.strip()]
    return lines[-1] if lines else sop.identity.instansi.strip()


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def matches(sop: Sop, unit: str | None = None, status: str | None = None) -> bool:
    """True when the SOP is of that unit (any of its unit lines or its instansi) and that status."""
    if unit:
        names = [*sop.identity.unit_lines, sop.identity.instansi]
        if not any(_same(unit, name) for name in names if name.strip()):
            return False
    return not (status and not _same(status, sop_status(sop)))


def nomor_key(sop: Sop) -> tuple:
    """Natural order of Nomor SOP: "800/2/2017" before "800/10/2017"; ties by Nama; no Nomor last."""
    nomor = sop.identity.nomor.strip()
    parts = tuple((0, int(piece), "") if piece.isdigit() else (1, 0, piece.casefold())
                  for piece in re.split(r"(\d+)", nomor) if piece)
    return (not nomor, parts, sop.identity.nama.casefold())


def ordered(sops: list[Sop]) -> list[Sop]:
    return sorted(sops, key=nomor_key)


def _page_number(page: Page, number: int, total: int) -> PageText:
    """"Halaman x dari y" where the layout engine puts it: the left margin, centred in the bottom margin."""
    text = labels.page_number_text(number, total)
    h = line_height_mm(PAGE_NUMBER_PT)
    w = estimate_text_width_mm(text, PAGE_NUMBER_PT) + 2.0
    bottom = page.height_mm - page.margins.bottom
    y = min(bottom + max((page.margins.bottom - h) / 2, 0.0), page.height_mm - h)
    return PageText(text, page.margins.left, y, w, h, PAGE_NUMBER_PT, "left", number=number, count=total)


# ---- the plan -------------------------------------------------------------------------------------------


@dataclass
class BookPart:
    """A run of the book's pages: the front pages (sop None) or one SOP's page model."""

    pages: list[Page]
    sop: Sop | None = None
    document: Document | None = None
    first_page: int = 1
    """Book page number (1-based) of the part's first page."""
    title: str = ""


@dataclass
class BookPlan:
    parts: list[BookPart] = field(default_factory=list)
    cover_pages: int = 1
    penetapan_pages: int = 0
    toc_pages: int = 0

    @property
    def total_pages(self) -> int:
        return sum(len(p.pages) for p in self.parts)

    @property
    def sop_parts(self) -> list[BookPart]:
        return [p for p in self.parts if p.sop is not None]


def complete_info(info: BookInfo, sops: list[Sop]) -> BookInfo:
    """Instansi, unit, logo and year that were left empty, from the first SOP that has them."""
    import dataclasses

    def first(pick):
        return next((value for value in map(pick, sops) if value), None)

    return dataclasses.replace(
        info,
        instansi=info.instansi.strip() or (first(lambda s: s.identity.instansi.strip()) or ""),
        unit=info.unit.strip() or (first(sop_unit) or ""),
        logo=info.logo or first(lambda s: s.identity.logo if s.identity.logo and s.identity.logo.data else None),
        tahun=info.tahun.strip() or str((info.today or dt.date.today()).year),
    )


def plan_book(info: BookInfo, laid_out: list[tuple[Sop, Document]], measure: Measure) -> BookPlan:
    """Every page of the book in order, numbered throughout (the SOPs' page furniture is renumbered)."""
    sops = [sop for sop, _ in laid_out]
    paper = front_paper(sops)
    cover = cover_page(info, paper, measure)
    penetapan: list[Page] = []
    if info.penetapan is not None:
        penetapan = penetapan_pages(fill_template(info.penetapan, template_values(info, sops), sops), paper, measure)
    front_count = 1 + len(penetapan)
    # The daftar isi's own length does not depend on the numbers it prints (same width, same height).
    sample = [10 ** max(len(str(front_count + sum(len(d.pages) for _, d in laid_out) + 9)) - 1, 1)] * len(sops)
    toc_count = len(toc_pages(sops, sample, paper, measure))
    starts = []
    number = front_count + toc_count + 1
    for _, document in laid_out:
        starts.append(number)
        number += len(document.pages)
    toc = toc_pages(sops, starts, paper, measure)
    if len(toc) != toc_count:  # cannot happen while numbers of one width lay out alike; never misnumber
        raise BookError("Daftar isi tidak dapat disusun; kurangi panjang nama SOP lalu ulangi.")
    front = [cover, *penetapan, *toc]
    for index, page in enumerate(front):
        page.index = index
    plan = BookPlan([BookPart(front, title="Halaman depan")], 1, len(penetapan), len(toc))
    for (sop, document), start in zip(laid_out, starts):
        plan.parts.append(BookPart(document.pages, sop, document, start, sop.identity.nama))
    total = plan.total_pages
    number = 1
    for part in plan.parts:
        part.first_page = number
        for page in part.pages:
            page.furniture = [t for t in page.furniture if t.kind != "page-number"]
            if number > 1:  # the cover carries no number
                page.furniture.append(_page_number(page, number, total))
            number += 1
    return plan


# ---- writing --------------------------------------------------------------------------------------------


class BookWriter(Protocol):
    """A format's side of a book: pages go in part by part, then the file is finished or abandoned."""

    def begin(self, path: Path, title: str) -> None: ...

    def add_part(self, part: BookPart) -> None: ...

    def finish(self) -> None: ...

    def abort(self) -> None: ...


@dataclass
class Progress:
    done: int
    total: int
    text: str


@dataclass
class BookOutput:
    path: Path
    writer: BookWriter
    temporary: Path | None = None


class BookJob:
    """One book written to one or more files, step by step, so a window can show progress and cancel.

    steps() yields after each SOP laid out and each part written to every output. Each output is
    written to a temporary file beside it and replaces the output only when all of them are
    complete; when the job is cancelled or fails, the temporary files are removed and no output
    is touched.
    """

    def __init__(self, sops: list[Sop], info: BookInfo, outputs: list[BookOutput],
                 layout: Callable[[Sop], Document], measure: Measure) -> None:
        if not sops:
            raise BookError("Tidak ada SOP yang dipilih untuk buku ini.")
        if not outputs:
            raise BookError("Pilih sedikitnya satu jenis berkas (PDF atau Word).")
        self.sops = ordered(sops)
        self.info = complete_info(info, self.sops)
        if self.info.penetapan is not None:  # an unknown field is refused before any work is done
            fill_template(self.info.penetapan, template_values(self.info, self.sops), self.sops)
        self.outputs = outputs
        self.layout = layout
        self.measure = measure
        self.plan: BookPlan | None = None
        self.cancelled = False
        self.finished = False

    @property
    def total_steps(self) -> int:
        return len(self.sops) + (len(self.sops) + 1) * len(self.outputs) + 1

    def cancel(self) -> None:
        """Stop at the next step; nothing is written. Safe to call from a progress callback."""
        self.cancelled = True

    def steps(self) -> Iterator[Progress]:
        total = self.total_steps
        done = 0
        laid: list[tuple[Sop, Document]] = []
        began = False
        try:
            for sop in self.sops:
                self._check()
                try:
                    check_page(sop.page)  # the refusal every single-SOP export gives, naming the SOP here
                except UnprintableError as exc:
                    raise BookError(f"SOP {_label(sop)}: {exc}") from None
                laid.append((sop, self.layout(sop)))
                done += 1
                yield Progress(done, total, f"Menata {_label(sop)}")
            self._check()
            self.plan = plan_book(self.info, laid, self.measure)
            title = " ".join(self.info.judul.split())
            for output in self.outputs:
                output.temporary = temp_path_for(output.path)
                output.writer.begin(output.temporary, title)
            began = True
            for output in self.outputs:
                for part in self.plan.parts:
                    self._check()
                    output.writer.add_part(part)
                    done += 1
                    yield Progress(done, total, f"Menulis {output.path.name}: {part.title or _label(part.sop)}")
            self._check()
            yield Progress(done, total, "Menyimpan berkas…")
            self._check()
            for output in self.outputs:
                output.writer.finish()
                fsync_file(output.temporary)
            for output in self.outputs:
                replace(output.temporary, output.path)
                output.temporary = None
                fsync_dir(output.path.parent)
            self.finished = True
            yield Progress(total, total, "Selesai")
        finally:
            if not self.finished:
                for output in self.outputs:
                    if began:
                        with contextlib.suppress(Exception):  # clean-up must reach every output
                            output.writer.abort()
                    if output.temporary is not None:
                        with contextlib.suppress(OSError):
                            output.temporary.unlink(missing_ok=True)

    def run(self, progress: Callable[[Progress], None] | None = None) -> BookPlan:
        """All steps at once (the command line); BookCancelled when cancel() was called on the way."""
        steps = self.steps()
        try:
            for step in steps:
                if progress is not None:
                    progress(step)
        finally:
            steps.close()  # an interrupt in the callback still removes the temporary files, now
        assert self.plan is not None
        return self.plan

    def _check(self) -> None:
        if self.cancelled:
            raise BookCancelled("Pembuatan buku dibatalkan; tidak ada berkas yang ditulis.")


def _label(sop: Sop | None) -> str:
    if sop is None:
        return ""
    nomor = sop.identity.nomor.strip()
    name = " ".join(sop.identity.nama.split()) or "(tanpa nama)"
    return f"{nomor} {name}" if nomor else name

"""PDF import: born-digital SOP PDFs (text plus a flowchart drawn as vector paths) read the way a person reads them.

PDFium (pypdfium2) reads each page's characters and paths (see pdf_read); pdf_layout turns them
into text runs, table rules and flowchart shapes. Here the page is read as the SOP AP form:

- the identity table by its labels (vocabulary.identity_kind), values in the cell to the right,
  the six boxes as lists under their captions, agency and unit lines in the logo block;
- the flowchart table by its header ("No", "Kegiatan" or a variant) on any page, its columns from
  the vertical rules crossing the header, its rows from the horizontal rules crossing the No
  column; pages after it without a header continue it;
- each step's actors from the columns its shapes sit in, its symbol from the shapes' geometry,
  each decision's Ya/Tidak targets by tracing the drawn lines from the diamond (through off-page
  connector pairs, across pages) to the next shape, and reading the word written beside each line.

Every failure is a PdfImportError with one Indonesian sentence naming the file.
"""
from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from ..atomic import FileTooLarge, NotRegularFile, read_regular_file
from ..interchange import InterchangeError
from ..labels import BOX_TITLES, IDENTITY_LABELS
from ..model import END, Actor, Duration, Identity, Logo, Sop, Step, Symbol, auto_symbol_for, parse_duration
from . import ImportReport, ImportResult
from .pdf_layout import SYMBOLS, Frag, PageLayout, Shape, analyse, polyline_distance
from .pdf_read import MAX_PAGES, Budget, PdfTooComplex, check_streams, read_page
from .vocabulary import BOX_FIELDS, MUTU_BAKU_ORDER, decision_word, header_kind, identity_kind, norm
from .xlsx_identity import EMPTY_VALUES, box_items, parse_signer, short_text, take_date

MAX_FILE_BYTES = 60 * 1024 * 1024
TEXT_FIELDS = ("kegiatan", "kelengkapan", "waktu", "output", "keterangan")
TOUCH = 4.5
"""A line end this close (pt) to a shape's outline is attached to it."""
JOIN = 3.0
"""Line ends this close are one line drawn in pieces."""
LABEL_REACH = 22.0
"""A "Ya"/"Tidak" word this close to a branch line labels it."""
TRACE_SECONDS = 3.0
"""Longest time spent following lines; only a hostile drawing comes near it (the dev set needs milliseconds)."""


class _TraceTooLong(Exception):
    pass


_PDFIUM = threading.Lock()
"""PDFium is not thread-safe: one import reads through it at a time (a folder import may run in a worker)."""


class PdfImportError(InterchangeError):
    """A PDF that cannot be imported; the message is one Indonesian sentence naming the file."""


# ---- text helpers -------------------------------------------------------------------------------------


def join_lines(lines: list[str]) -> str:
    """Lines of one cell as one text: a word broken at a hyphen or slash at a line end is joined again."""
    out = ""
    for line in (" ".join(raw_line.split()) for raw_line in lines):
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith(("-", "/")) and len(out) > 1 and out[-2].isalnum():
            # A word that goes on after a hyphen or slash at the line end: joined, the hyphen kept as printed
            # (Word-made PDFs break lines only at hyphens that are part of the word).
            out = out + line
        else:
            out = f"{out} {line}"
    return out


def _lines_of(frags: list[Frag]) -> list[str]:
    """Text lines of frags in one cell: runs on the same line joined left to right."""
    return [" ".join(f.text for f in row) for row in _rows_of(frags)]


# ---- the table grid ------------------------------------------------------------------------------------


def _spans_x(seg, x: float) -> bool:
    return seg.x0 - 1.5 <= x <= seg.x1 + 1.5


def _spans_y(seg, y: float) -> bool:
    return seg.y0 - 1.5 <= y <= seg.y1 + 1.5


def _dedupe_values(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


@dataclass
class Column:
    kind: str  # "no", "kegiatan", "actor", "kelengkapan", "waktu", "output", "keterangan", "other"
    x0: float
    x1: float
    caption: str = ""

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class RowBand:
    page: int  # index into the layouts
    y0: float
    y1: float
    number: int | None
    texts: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Table:
    columns: list[Column]
    rows: list[RowBand] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    header_pages: list[int] = field(default_factory=list)
    top: dict[int, float] = field(default_factory=dict)  # page -> y where the table starts

    def col(self, kind: str) -> Column | None:
        return next((c for c in self.columns if c.kind == kind), None)

    @property
    def actors(self) -> list[Column]:
        return [c for c in self.columns if c.kind == "actor"]


def _find_header(lay: PageLayout) -> tuple[Frag, Frag] | None:
    """The "No" and "Kegiatan" captions of a flowchart header on this page."""
    for keg in lay.frags:
        if header_kind(keg.text) != "kegiatan":
            continue
        for no in lay.frags:
            if no.x1 <= keg.x0 + 1 and abs(no.cy - keg.cy) < 25 and header_kind(no.text) == "no" and \
                    keg.x0 - no.x1 < 150:
                return no, keg
    return None


def _header_columns(lay: PageLayout, no: Frag, keg: Frag) -> tuple[list[Column], float, float] | None:
    below = [h.y0 for h in lay.hrules if h.y0 > max(no.y1, keg.y1) - 0.5 and _spans_x(h, no.cx)]
    if not below:
        return None
    bottom = min(below)
    above = [h.y0 for h in lay.hrules if h.y0 < min(no.y0, keg.y0) + 0.5 and _spans_x(h, no.cx)]
    top = max(above) if above else min(no.y0, keg.y0) - 30
    probe = bottom - 2.5
    xs = _dedupe_values([v.x0 for v in lay.vrules if v.y0 - 1 <= probe <= v.y1 + 1 and v.y1 - v.y0 > 4])
    if len(xs) < 5:
        return None
    columns = [Column("other", a, b) for a, b in zip(xs, xs[1:]) if b - a > 4]
    band = [f for f in lay.frags if top - 1 <= f.cy <= bottom + 1]
    for column in columns:
        inside = [f for f in band if f.x0 >= column.x0 - 3 and f.x1 <= column.x1 + 3]
        column.caption = join_lines(_lines_of(inside))
    kinds: list[str | None] = []
    for column in columns:
        kind = header_kind(column.caption)
        if kind is None and column.caption:
            # "Pelaksana" over a single actor's name, "Mutu Baku" over one caption ...
            for part in _lines_of([f for f in band if f.x0 >= column.x0 - 3 and f.x1 <= column.x1 + 3]):
                kind = header_kind(part) if header_kind(part) not in ("pelaksana", "mutu_baku") else None
                if kind:
                    break
        kinds.append(kind)
    try:
        k_no = next(i for i, c in enumerate(columns) if c.x0 - 2 <= no.cx <= c.x1 + 2)
        k_keg = next(i for i, c in enumerate(columns) if c.x0 - 2 <= keg.cx <= c.x1 + 2)
    except StopIteration:
        return None
    if k_keg <= k_no:
        return None
    columns[k_no].kind, columns[k_keg].kind = "no", "kegiatan"
    rest = list(range(k_keg + 1, len(columns)))
    first_mutu = next((i for i in rest if kinds[i] in ("kelengkapan", "waktu", "output", "keterangan",
                                                       "mutu_baku")), None)
    if first_mutu is None:
        first_mutu = len(columns)
    for i in rest:
        if i < first_mutu:
            columns[i].kind = "actor"
            lines = _lines_of([f for f in band if f.x0 >= columns[i].x0 - 3 and f.x1 <= columns[i].x1 + 3])
            if len(lines) > 1 and header_kind(lines[0]) == "pelaksana":
                columns[i].caption = join_lines(lines[1:])
        elif kinds[i] in TEXT_FIELDS:
            columns[i].kind = kinds[i]
    unnamed = [i for i in range(first_mutu, len(columns)) if columns[i].kind == "other"]
    taken = {c.kind for c in columns}
    order = [k for k in MUTU_BAKU_ORDER + ("keterangan",) if k not in taken]
    for i, kind in zip(unnamed, order):
        columns[i].kind = kind
    return columns, top, bottom


def _row_bands(lay: PageLayout, index: int, table: Table, start: float) -> list[RowBand]:
    no_col = table.col("no")
    ys = _dedupe_values([h.y0 for h in lay.hrules if h.y0 >= start - 1 and _spans_x(h, no_col.cx)
                         and h.x1 - h.x0 > (no_col.x1 - no_col.x0) * 0.6])
    if not ys:
        return []
    if ys[0] - start > 3:
        ys = [start] + ys
    bands = []
    for y0, y1 in zip(ys, ys[1:]):
        if y1 - y0 < 4:
            continue
        frags = [f for f in lay.frags if y0 - 1 <= f.cy <= y1 + 1]
        no_text = " ".join(f.text for f in frags if no_col.x0 - 1 <= f.cx <= no_col.x1 + 1).strip()
        m = re.fullmatch(r"(\d{1,3})\s*[.)]?", no_text)
        band = RowBand(index, y0, y1, int(m.group(1)) if m else None)
        for column in table.columns:
            if column.kind in TEXT_FIELDS:
                inside = [f for f in frags if column.x0 - 1 <= f.cx <= column.x1 + 1]
                band.texts[column.kind] = _lines_of(inside)
        bands.append(band)
    return bands


def _columns_continue(lay: PageLayout, table: Table) -> bool:
    """Whether a page without a header carries on the table: its vertical rules sit at the table's columns."""
    xs = [v.x0 for v in lay.vrules if v.y1 - v.y0 > 15]
    hits = sum(1 for c in table.columns if any(abs(x - c.x0) <= 2.5 for x in xs))
    return hits >= max(3, len(table.columns) * 2 // 3)


def find_tables(layouts: list[PageLayout], identity_pages: set[int]) -> list[Table]:
    tables: list[Table] = []
    current: Table | None = None
    for index, lay in enumerate(layouts):
        header = _find_header(lay)
        got = _header_columns(lay, *header) if header else None
        if got is not None:
            columns, top, bottom = got
            if current is None or [c.kind for c in current.columns] != [c.kind for c in columns] or \
                    _starts_at_one(lay, index, columns, bottom):
                current = Table(columns)
                tables.append(current)
            current.pages.append(index)
            current.header_pages.append(index)
            current.top[index] = top
            current.rows.extend(_row_bands(lay, index, current, bottom))
        elif current is not None and index not in identity_pages and _columns_continue(lay, current):
            ys = [h.y0 for h in lay.hrules if _spans_x(h, current.col("no").cx)]
            if not ys:
                continue
            current.pages.append(index)
            current.top[index] = min(ys)
            current.rows.extend(_row_bands(lay, index, current, min(ys)))
        elif index in identity_pages:
            current = None
    return tables


def _starts_at_one(lay: PageLayout, index: int, columns: list[Column], bottom: float) -> bool:
    """A repeated header followed by step 1 starts a new SOP's table rather than continuing one."""
    probe = Table(columns)
    bands = [b for b in _row_bands(lay, index, probe, bottom) if b.number is not None]
    return bool(bands) and bands[0].number == 1


# ---- identity -------------------------------------------------------------------------------------------


@dataclass
class Label:
    kind: str
    frag: Frag
    rest: str = ""


def _identity_labels(lay: PageLayout) -> list[Label]:
    found = []
    for f in lay.frags:
        text = f.text
        kind = identity_kind(text)
        rest = ""
        if kind is None and ":" in text:
            head, _, tail = text.partition(":")
            kind = identity_kind(head)
            rest = tail.strip()
        if kind is None:
            # A label wrapped over two lines ("Tanggal" / "Pembuatan").
            below = next((g for g in lay.frags if abs(g.x0 - f.x0) < 3 and 0 <= g.y0 - f.y1 < 0.8 * f.height), None)
            if below is not None and identity_kind(f"{text} {below.text}") is not None:
                kind = identity_kind(f"{text} {below.text}")
                f = Frag(f"{text} {below.text}", min(f.x0, below.x0), f.y0, max(f.x1, below.x1), below.y1,
                         f.chars + below.chars)
        if kind is None:
            continue
        if kind == "nama" and norm(text) in ("sop", "sop ap") and not any(
                identity_kind(g.text) == "nomor" for g in lay.frags):
            continue
        found.append(Label(kind, f, rest))
    return found


def _cell_bounds(lay: PageLayout, f: Frag) -> tuple[float, float, float, float]:
    """The rules around a text run: the cell it sits in (or the page when no rule is there)."""
    page = lay.page
    lefts = [v.x0 for v in lay.vrules if v.x0 <= f.x0 + 1 and _spans_y(v, f.cy)]
    rights = [v.x0 for v in lay.vrules if v.x0 >= f.x1 - 1 and _spans_y(v, f.cy)]
    tops = [h.y0 for h in lay.hrules if h.y0 <= f.y0 + 1 and _spans_x(h, f.cx)]
    bottoms = [h.y0 for h in lay.hrules if h.y0 >= f.y1 - 1 and _spans_x(h, f.cx)]
    return (max(lefts) if lefts else 0.0, max(tops) if tops else 0.0, min(rights) if rights else page.width,
            min(bottoms) if bottoms else page.height)


def read_identity(lay: PageLayout, labels: list[Label], report: ImportReport, stop_y: float) -> Identity:
    ident = Identity()
    page = lay.page.number
    by_kind: dict[str, Label] = {}
    for label in labels:
        by_kind.setdefault(label.kind, label)
    label_frags = {id(label.frag) for label in labels}

    # Where each label's row starts: its cell's top rule (a value centred in a tall cell starts above its label).
    tops = sorted({max(_cell_bounds(lay, lab.frag)[1] + 0.5, lab.frag.y0 - 1.2 * lab.frag.height) for lab in labels})

    def value_of(label: Label, down_to: float = 0.0) -> list[str]:
        if label.rest:
            return [label.rest]
        f = label.frag
        same_line = sorted((g for g in lay.frags if g.x0 >= f.x1 - 1 and id(g) not in label_frags
                            and abs(g.cy - f.cy) <= 0.6 * max(f.height, 1.0) and g.text.strip(" :") != ""),
                           key=lambda g: g.x0)
        _, cy0, cx1, cy1 = _cell_bounds(lay, f)
        later = [y for y in tops if y > f.y1 + 0.5]
        earlier = [lab.frag.y1 for lab in labels if lab.frag.y1 < f.y0 - 0.5]
        top = max([cy0] + ([max(earlier)] if earlier else []))
        if label.kind != "disahkan":
            top = max(top, f.y0 - 0.7 * f.height)
        if same_line:
            vx0, vy0, vx1, vy1 = _cell_bounds(lay, same_line[0])
            vx0 = max(vx0, f.x1 + 0.5)
        else:
            # The value may sit above or below the label's line in a taller cell on its right.
            right = [g for g in lay.frags if g.x0 >= cx1 - 1 and id(g) not in label_frags and top <= g.cy <= cy1]
            if not right:
                return []
            vx0, vy0, vx1, vy1 = _cell_bounds(lay, min(right, key=lambda g: g.x0))
        bottom = min(vy1, later[0] - 0.5) if later else vy1
        if down_to > bottom:
            bottom = min(down_to, later[0] - 0.5) if later else down_to
        first = max(top, vy0)
        inside = [g for g in lay.frags if id(g) not in label_frags and vx0 - 1 <= g.cx <= vx1 + 1
                  and first - 1 <= g.cy <= bottom + 1 and (label.kind == "disahkan" or g.y0 >= first - 0.5)]
        lines = _lines_of(inside)
        if lines:
            lines[0] = lines[0].lstrip(": ").strip() if lines[0].startswith(":") else lines[0]
        return [line for line in lines if line]

    for kind in ("nomor", "nama"):
        label = by_kind.get(kind)
        if label is None:
            continue
        text = join_lines(value_of(label, 0))
        text = "" if text.strip() in EMPTY_VALUES else text
        setattr(ident, kind, text)
        where = f"hal. {page}, di samping label \"{label.frag.text}\""
        if text:
            report.read.append(f"{IDENTITY_LABELS[kind]}: \"{short_text(text)}\" ({where})")
        else:
            report.unread.append(f"{IDENTITY_LABELS[kind]} kosong ({where}).")
        if kind == "nama":
            key = norm(label.frag.text)
            ident.cakupan = "Makro" if "makro" in key else "Mikro" if "mikro" in key else ""
    for kind in ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan"):
        label = by_kind.get(kind)
        if label is None:
            continue
        text = join_lines(value_of(label, 0))
        take_date(ident, kind, text, text, f"hal. {page}, di samping label \"{label.frag.text}\"", report)
        if kind == "tanggal_revisi":
            m = re.search(r"revisi\s*ke\s*[-:.]?\s*(\d{1,3})\b", text, re.IGNORECASE)
            if m:
                ident.revisi_ke = int(m.group(1))
    if ident.tanggal_pengesahan is not None and ident.tanggal_efektif is None:
        ident.use_pengesahan = True
    label = by_kind.get("disahkan")
    if label is not None:
        down_to = label.frag.y1
        lines = value_of(label, down_to)
        signer, sure = parse_signer(lines)
        ident.signer = signer
        where = f"hal. {page}, di samping label \"{label.frag.text}\""
        if signer.nama or signer.jabatan:
            line = f"Disahkan oleh: {signer.jabatan} / {signer.nama} / {signer.id_label.value} {signer.id_number}"
            (report.read if sure else report.guessed).append(f"{line.strip()} ({where})")
        else:
            report.unread.append(f"Pengesah tidak terbaca ({where}).")
    _read_boxes(lay, labels, ident, report, stop_y)
    _read_agency(lay, labels, ident, report)
    return ident


_ITEM_START = re.compile(r"^\s*(\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|[-•*·▪–])\s*")


def _read_boxes(lay: PageLayout, labels: list[Label], ident: Identity, report: ImportReport, stop_y: float) -> None:
    page = lay.page.number
    boxes = [lab for lab in labels if lab.kind in BOX_FIELDS]
    label_frags = {id(lab.frag) for lab in labels}
    for label in boxes:
        if getattr(ident, label.kind):
            continue
        x0, _, x1, _ = _cell_bounds(lay, label.frag)
        under = [lab.frag.y0 for lab in labels if lab is not label and lab.frag.y0 > label.frag.y1 + 1
                 and x0 - 1 <= lab.frag.cx <= x1 + 1]
        bottom = min(under) if under else stop_y
        frame = [h.y0 for h in lay.hrules if _spans_x(h, label.frag.cx) and h.y0 > label.frag.y1]
        if frame:
            bottom = min(bottom, max(frame))  # nothing under the table's last rule (a signature note) is in a box
        bottom = min(bottom, stop_y)
        inside = [f for f in lay.frags if id(f) not in label_frags and x0 - 1 <= f.cx <= x1 + 1
                  and label.frag.y1 - 1 < f.cy < bottom]
        if inside:
            # The box ends at the first rule under its first line (a note printed under the table is not in it).
            first = min(f.y0 for f in inside)
            rules = [h.y0 for h in lay.hrules if _spans_x(h, label.frag.cx) and h.y0 > first + 1]
            if rules:
                bottom = min(bottom, min(rules))
                inside = [f for f in inside if f.cy < bottom]
        if label.rest:
            inside.insert(0, Frag(label.rest, label.frag.x1, label.frag.y0, label.frag.x1 + 1, label.frag.y1, []))
        items = _list_items(inside)
        setattr(ident, label.kind, items)
        title = BOX_TITLES[label.kind]
        where = f"hal. {page}, kotak {title}"
        if items:
            report.read.append(f"{title}: {len(items)} butir ({where})")
        else:
            report.read.append(f"{title}: kosong ({where})")


def _list_items(frags: list[Frag]) -> list[str]:
    """The items of a box; a list set in two columns is read down the left column first."""
    starts = [f for f in frags if _ITEM_START.match(f.text)]
    if len(starts) >= 2:
        lefts = sorted({round(f.x0) for f in starts})
        split = None
        for a, b in zip(lefts, lefts[1:]):
            if b - a > 60:
                split = b - 2
                break
        if split is not None:
            left = [f for f in frags if f.x0 < split]
            right = [f for f in frags if f.x0 >= split]
            return _list_items(left) + _list_items(right)
    rows = _rows_of(frags)
    if not rows:
        return []
    lines = [" ".join(f.text for f in row) for row in rows]
    if not any(_ITEM_START.match(line) for line in lines):
        # Unnumbered items: a line that runs to the right edge wraps on into the next one.
        right = max(row[-1].x1 for row in rows)
        items: list[list[str]] = []
        wrapped = False
        for row, line in zip(rows, lines):
            if items and wrapped:
                items[-1].append(line)
            else:
                items.append([line])
            wrapped = row[-1].x1 >= right - 45
        return [text for text in (join_lines(item) for item in items) if text not in EMPTY_VALUES]
    merged: list[str] = []
    for line in (re.sub(r"^(\d{1,3}),\s", r"\1. ", line) for line in lines):
        if merged and not _ITEM_START.match(line):
            merged[-1] = join_lines([merged[-1], line])  # a wrapped line of the item above
        else:
            merged.append(line)
    return box_items("\n".join(merged))


def _rows_of(frags: list[Frag]) -> list[list[Frag]]:
    """Frags grouped by the line they stand on, top to bottom, each line left to right."""
    rows: list[list[Frag]] = []
    for f in sorted(frags, key=lambda f: (f.cy, f.x0)):
        if rows and abs(rows[-1][0].cy - f.cy) <= 0.4 * max(f.height, 1.0):
            rows[-1].append(f)
        else:
            rows.append([f])
    return [sorted(row, key=lambda f: f.x0) for row in rows]


def _read_agency(lay: PageLayout, labels: list[Label], ident: Identity, report: ImportReport) -> None:
    """Agency and unit lines: the text left of the identity labels, above the boxes."""
    singles = [lab for lab in labels if lab.kind not in BOX_FIELDS]
    boxes = [lab for lab in labels if lab.kind in BOX_FIELDS]
    if not singles:
        return
    left_edge = min(_cell_bounds(lay, lab.frag)[0] for lab in singles)
    top = min(_cell_bounds(lay, lab.frag)[1] for lab in singles) - 2
    bottom = min((lab.frag.y0 for lab in boxes), default=max(lab.frag.y1 for lab in singles) + 40)
    frags = [f for f in lay.frags if f.x1 <= left_edge + 1 and top <= f.cy < bottom - 1]
    groups: list[list[Frag]] = []
    for f in sorted(frags, key=lambda f: f.y0):
        if groups and f.y0 - groups[-1][-1].y1 <= 0.9 * max(f.height, 1.0) and f.style == groups[-1][-1].style:
            groups[-1].append(f)
        else:
            groups.append([f])
    # The first group of lines in one style is the agency's name; each line under it is a unit line.
    texts = [join_lines(_lines_of(groups[0]))] + [line for g in groups[1:] for line in _lines_of(g)] if groups else []
    texts = [t for t in texts if t]
    if texts:
        ident.instansi = texts[0]
        ident.unit_lines = texts[1:]
        report.read.append(f"Instansi: \"{short_text(texts[0])}\"" + (
            f"; unit: {', '.join(short_text(t) for t in texts[1:])}" if texts[1:] else "") +
            f" (hal. {lay.page.number}, kotak logo)")
        report.guessed.append("Kelompok baris pertama di kotak logo (huruf yang sama, berdekatan) dibaca sebagai nama "
                              "instansi, baris di bawahnya sebagai unit organisasi.")
    logos = [(box, data, ext) for box, data, ext in lay.page.logos if box[2] <= left_edge + 2 and box[1] >= top - 2]
    if logos:
        _, data, ext = max(logos, key=lambda item: (item[0][2] - item[0][0]) * (item[0][3] - item[0][1]))
        ident.logo = Logo(data=data, extension=ext)
        report.read.append(f"Logo: gambar {ext.upper()} dari PDF (hal. {lay.page.number}, kotak logo)")
    elif any(x1 <= left_edge + 2 and top - 2 <= y0 < bottom for x0, y0, x1, _ in lay.page.images):
        report.unread.append(f"Logo di hal. {lay.page.number} tidak dapat diambil dari PDF; pasang logonya di SOP "
                             "Desk.")


# ---- flowchart: shapes and branches -------------------------------------------------------------------


@dataclass
class Node:
    page: int
    shape: Shape
    step: int | None  # index into the steps, None outside any step row
    actor: int | None
    text: str = ""


def _node_text(lay: PageLayout, shape: Shape) -> str:
    x0, y0, x1, y1 = shape.bbox
    return " ".join(f.text for f in lay.frags if x0 <= f.cx <= x1 and y0 <= f.cy <= y1)


@dataclass
class Branch:
    decision: Node
    start: tuple[float, float]
    first: list[tuple[float, float]]
    target: Node | None
    label: str = ""
    word: str | None = None


_OUT = Node(-1, Shape("out", (0.0, 0.0, 0.0, 0.0), []), None, None)
"""Where a branch goes when its line ends in the open, touching no shape: out of the procedure."""


def arrow_tip(shape: Shape) -> tuple[float, float]:
    """The point of an arrowhead: the corner opposite its shortest side (the middle point of an open "<")."""
    points = shape.outline
    if len(points) != 3:
        return (shape.cx, shape.cy)
    sides = [math.dist(points[1], points[2]), math.dist(points[0], points[2]), math.dist(points[0], points[1])]
    return points[sides.index(min(sides))]


class Tracer:
    """Follows drawn lines from a shape to the shape they end at."""

    def __init__(self, layouts: list[PageLayout], nodes: list[Node], table: Table) -> None:
        self.deadline = time.monotonic() + TRACE_SECONDS
        self.layouts = layouts
        self.nodes = nodes
        self.by_page: dict[int, list[Node]] = {}
        for node in nodes:
            self.by_page.setdefault(node.page, []).append(node)
        self.lines: dict[int, list[list[tuple[float, float]]]] = {}
        xs = [c.x0 for c in table.columns] + [table.columns[-1].x1]
        for page in table.pages:
            ys = [r.y0 for r in table.rows if r.page == page] + [r.y1 for r in table.rows if r.page == page]
            kept = []
            for line in layouts[page].polylines:
                if len(line) == 2 and abs(line[0][1] - line[1][1]) < 0.8 and any(abs(line[0][1] - y) < 1.5
                                                                                 for y in ys):
                    continue  # a row rule
                if len(line) == 2 and abs(line[0][0] - line[1][0]) < 0.8 and any(abs(line[0][0] - x) < 1.5
                                                                                for x in xs):
                    continue  # a column rule
                kept.append(line)
            self.lines[page] = kept
        self.arrows = {page: [s for s in layouts[page].shapes if s.kind == "arrow"] for page in table.pages}
        for page, arrows in self.arrows.items():
            # An arrowhead is a piece of its line too: a short line may be all head.
            for a in arrows:
                if len(a.outline) == 3:
                    tip = arrow_tip(a)
                    others = [p for p in a.outline if p is not tip]
                    base = ((others[0][0] + others[1][0]) / 2, (others[0][1] + others[1][1]) / 2)
                    self.lines.setdefault(page, []).append([base, tip])

    def arrow_near(self, page: int, p: tuple[float, float]) -> bool:
        return any(a.distance(p) <= 3.5 for a in self.arrows.get(page, []))

    def arrow_at(self, page: int, p: tuple[float, float], q: tuple[float, float]) -> bool:
        """Whether the line from q to p ends at p in an arrowhead (the head's tip at p, or its base there with
        the tip beyond)."""
        for a in self.arrows.get(page, []):
            tip = arrow_tip(a)
            if math.dist(tip, p) <= 3.5 or (a.distance(p) <= 3.5 and math.dist(tip, p) < math.dist(tip, q)
                                            and math.dist(tip, q) > math.dist(p, q)):
                return True
        return False

    def node_at(self, page: int, p: tuple[float, float], exclude: Node | None) -> Node | None:
        best = None
        # A line ending in an arrowhead stops at the head's base; the tip touches the shape.
        reach = TOUCH + 8.0 if self.arrow_near(page, p) else TOUCH
        for node in self.by_page.get(page, []):
            if node is exclude:
                continue
            d = node.shape.distance(p)
            if d <= reach and (best is None or d < best[0]):
                best = (d, node)
        return best[1] if best else None

    def pointed_at(self, page: int, before: tuple[float, float], end: tuple[float, float],
                   exclude: Node) -> Node | None:
        """The shape an arrowhead points at when the line stops short of it (up to 40 pt ahead, on its line)."""
        dx, dy = end[0] - before[0], end[1] - before[1]
        length = math.hypot(dx, dy)
        if length == 0:
            return None
        dx, dy = dx / length, dy / length
        best = None
        for node in self.by_page.get(page, []):
            if node is exclude or node.shape.kind == "arrow":
                continue
            x0, y0, x1, y1 = node.shape.bbox
            # The point of the box nearest to the end, seen along the arrow's direction.
            px, py = min(max(end[0], x0), x1), min(max(end[1], y0), y1)
            ahead = (px - end[0]) * dx + (py - end[1]) * dy
            side = abs((px - end[0]) * dy - (py - end[1]) * dx)
            if 0 <= ahead <= 40 and side <= 2.0 and (best is None or ahead < best[0]):
                best = (ahead, node)
        return best[1] if best else None

    def leaving(self, node: Node, reach: float = TOUCH) -> list[tuple[tuple[float, float], list[tuple[float, float]], int]]:
        """Lines attached to a shape that do not end there with an arrowhead: (attached end, line as drawn from it).

        With a longer reach, a line end near the shape counts only when no other shape is closer to it."""
        out = []
        for line in self.lines.get(node.page, []):
            for near, far in ((0, -1), (-1, 0)):
                p, q = line[near], line[far]
                d = node.shape.distance(p)
                if d > TOUCH and (d > reach or self.node_at(node.page, p, node) is not None):
                    continue
                if node.shape.distance(q) > TOUCH:
                    if self.arrow_at(node.page, p, q):
                        continue  # an arrowhead at this end: the line comes in
                    out.append((p, line if near == 0 else line[::-1], id(line)))
        return out

    def follow(self, node: Node, line: list[tuple[float, float]], key: int, hops: int = 0) -> Node | None:
        page = node.page
        used = {key}
        end = line[-1]
        prev_point = line[-2]
        for _ in range(200):
            if time.monotonic() > self.deadline:
                raise _TraceTooLong
            hit = self.node_at(page, end, node)
            if hit is not None:
                if hit.shape.kind in ("offpage", "connector") and hops < 6:
                    return self._through(hit, hops)
                return hit
            nxt = None
            for other in self.lines.get(page, []):
                if id(other) in used:
                    continue
                if math.dist(other[0], end) <= JOIN:
                    nxt = other
                elif math.dist(other[-1], end) <= JOIN:
                    nxt = other[::-1]
                elif polyline_distance(end, other) <= 1.5:
                    # Joins another line part-way: carry on towards that line's arrowhead end.
                    nxt = other if self.arrow_near(page, other[-1]) or not self.arrow_near(page, other[0]) \
                        else other[::-1]
                if nxt is not None:
                    used.add(id(other))
                    break
            if nxt is None:
                if self.arrow_near(page, end) and len(line) >= 2:
                    pointed = self.pointed_at(page, prev_point, end, node)
                    if pointed is not None:
                        return pointed
                return _OUT
            prev_point = nxt[-2]
            end = nxt[-1]
        return None

    def _through(self, connector: Node, hops: int) -> Node | None:
        """The partner of an off-page (or on-page) connector with the same label, and where its line goes."""
        partners = [n for n in self.nodes if n is not connector and n.shape.kind == connector.shape.kind
                    and norm(n.text) == norm(connector.text)]
        if not norm(connector.text):
            later = [n for n in partners if (n.page, n.shape.cy) > (connector.page, connector.shape.cy)]
            partners = later[:1]
        for partner in sorted(partners, key=lambda n: (n.page != connector.page + 1, n.page, n.shape.cy)):
            for _, line, key in self.leaving(partner):
                target = self.follow(partner, line, key, hops + 1)
                if target is not None and target is not connector and target is not _OUT:
                    return target
        return None


def _label_branches(lay: PageLayout, branches: list[Branch], symbols: list[Shape]) -> None:
    words = []
    for f in lay.frags:
        word = decision_word(f.text)
        if word is None or any(s.distance((f.cx, f.cy)) == 0 for s in symbols):
            continue
        words.append((f, word))
    for f, word in words:
        best = None
        for branch in branches:
            d = min(polyline_distance((f.cx, f.cy), branch.first[:3]),
                    math.dist((f.cx, f.cy), branch.start) * 0.8)
            if best is None or d < best[0]:
                best = (d, branch)
        if best is not None and best[0] <= LABEL_REACH and not best[1].word:
            best[1].word, best[1].label = word, f.text


# ---- building the SOP -----------------------------------------------------------------------------------


def _steps_of(table: Table, report: ImportReport) -> list[RowBand]:
    steps: list[RowBand] = []
    for band in table.rows:
        if band.number is not None:
            keg = band.texts.get("kegiatan", [])
            if re.fullmatch(r"\d{1,2}", join_lines(keg) or "x") and steps == [] and band.number == 1:
                continue  # the row numbering the columns (1, 2, 3 ...)
            steps.append(band)
        elif steps and any(band.texts.get(k) for k in TEXT_FIELDS):
            prev = steps[-1]
            for kind, lines in band.texts.items():
                prev.texts.setdefault(kind, []).extend(lines)
            report.guessed.append(f"hal. {band.page + 1}: baris tanpa nomor di bawah langkah {len(steps)} "
                                  "digabung ke langkah itu.")
    return steps


def build(layouts: list[PageLayout], name: str) -> list[tuple[Sop, ImportReport]]:
    identities: list[tuple[int, list[Label]]] = []
    for index, lay in enumerate(layouts):
        labels = _identity_labels(lay)
        kinds = {lab.kind for lab in labels}
        if len(kinds) >= 3 and kinds & {"nomor", "nama", "disahkan"}:
            identities.append((index, labels))
    identity_pages = {i for i, _ in identities}
    tables = find_tables(layouts, identity_pages)
    results = []
    used_identities = 0
    if not tables and not identities:
        raise PdfImportError(f"Berkas {name} tidak berisi tabel identitas atau tabel flowchart SOP yang dapat "
                             "dikenali.")
    count = max(len(tables), 1)
    for k in range(count):
        table = tables[k] if k < len(tables) else None
        report = ImportReport()
        sop = Sop(source=f"Impor PDF: {name}")
        ident = None
        if used_identities < len(identities) and (table is None or identities[used_identities][0] <= table.pages[0]
                                                  or k == len(tables) - 1):
            index, labels = identities[used_identities]
            used_identities += 1
            stop = table.top[table.pages[0]] if table is not None and table.pages[0] == index else \
                layouts[index].page.height
            ident = read_identity(layouts[index], labels, report, stop)
            sop.identity = ident
        else:
            report.unread.append("Identitas SOP (Nomor SOP, Nama SOP, Disahkan oleh ...) tidak ditemukan di PDF; "
                                 "isian identitas kosong.")
        pictured = [lay.page.number for lay in layouts if any(
            (x1 - x0) > 0.4 * lay.page.width and (y1 - y0) > 0.2 * lay.page.height for x0, y0, x1, y1 in lay.page.images)]
        if table is None and pictured:
            report.unread.append(f"Hal. {', '.join(map(str, pictured))}: tabel flowchart berupa gambar; langkah, "
                                 "pelaksana dan simbolnya tidak dapat dibaca (gambar tidak dibaca sebagai teks). "
                                 "Ketik langkahnya di SOP Desk.")
        elif table is None:
            report.unread.append("Tabel flowchart (kolom No, Kegiatan, pelaksana) tidak ditemukan di PDF; SOP tanpa "
                                 "langkah.")
        else:
            _build_flow(layouts, table, sop, report)
        results.append((sop, report))
    return results


def _where(page: int, column: str, number: int) -> str:
    return f"hal. {page + 1}, kolom {column} baris {number}"


def _build_flow(layouts: list[PageLayout], table: Table, sop: Sop, report: ImportReport) -> None:
    actor_cols = table.actors
    for k, column in enumerate(actor_cols):
        name = column.caption or f"Pelaksana {k + 1}"
        if not column.caption:
            report.unread.append(f"hal. {table.header_pages[0] + 1}: nama pelaksana kolom {k + 1} kosong; diberi nama "
                                 f"\"{name}\".")
        sop.actors.append(Actor(name=name))
    bands = _steps_of(table, report)
    pages = ", ".join(str(p + 1) for p in table.pages)
    repeated = f"; judul tabel diulang di {len(table.header_pages) - 1} halaman" if len(table.header_pages) > 1 else ""
    report.read.append(f"Tabel flowchart di hal. {pages}: {len(bands)} langkah, {len(sop.actors)} pelaksana"
                       f"{repeated}.")
    if sop.actors:
        report.read.append(f"Pelaksana: {', '.join(a.name for a in sop.actors)} (hal. {table.header_pages[0] + 1}, "
                           "judul tabel)")
    for i, band in enumerate(bands):
        texts = {kind: join_lines(band.texts.get(kind, [])) for kind in TEXT_FIELDS}
        waktu_text = texts["waktu"]
        waktu = parse_duration(waktu_text) if waktu_text not in EMPTY_VALUES else None
        step = Step(kegiatan=texts["kegiatan"], kelengkapan=_dash(texts["kelengkapan"]),
                    waktu=waktu if waktu is not None else Duration(text=_dash(waktu_text)),
                    output=_dash(texts["output"]), keterangan=_dash(texts["keterangan"]))
        sop.steps.append(step)
        if waktu is not None and waktu.display().lower() != " ".join(waktu_text.split()).lower():
            report.guessed.append(f"{_where(band.page, 'Waktu', i + 1)}: \"{waktu_text}\" dibaca sebagai "
                                  f"\"{waktu.display()}\".")
        if band.number != i + 1:
            report.guessed.append(f"{_where(band.page, 'No', i + 1)}: nomor langkah tertulis {band.number}; dibaca "
                                  f"sebagai langkah {i + 1} menurut urutan baris.")
        if not texts["kegiatan"]:
            report.unread.append(f"{_where(band.page, 'Kegiatan', i + 1)}: teks kegiatan kosong.")
    # Shapes of every page of the table, placed in their step row and actor column.
    nodes: list[Node] = []
    x_left = actor_cols[0].x0 if actor_cols else 0
    x_right = actor_cols[-1].x1 if actor_cols else 0
    for page in table.pages:
        lay = layouts[page]
        page_bands = [(i, b) for i, b in enumerate(bands) if b.page == page]
        for shape in lay.shapes:
            if shape.kind == "arrow" or not (x_left - 2 <= shape.cx <= x_right + 2):
                continue
            step_index = next((i for i, b in page_bands if b.y0 - 1 <= shape.cy <= b.y1 + 1), None)
            if step_index is None and not any(b.y0 - 1 <= shape.cy <= b.y1 + 1 for b in table.rows if b.page == page):
                continue
            actor = next((k for k, c in enumerate(actor_cols) if c.x0 - 1 <= shape.cx <= c.x1 + 1), None)
            edges = [c.x0 for c in table.columns] + [table.columns[-1].x1]
            if shape.kind == "process" and any(abs(shape.bbox[0] - x) < 2.5 for x in edges) and any(
                    abs(shape.bbox[2] - x) < 2.5 for x in edges):
                continue  # a box from rule to rule: a table cell drawn as a rectangle, not a symbol
            nodes.append(Node(page, shape, step_index, actor, _node_text(lay, shape) if shape.kind in
                              ("offpage", "connector") else ""))
    chart_drawn = any(n.shape.kind in SYMBOLS for n in nodes)
    if not chart_drawn:
        covered = any(img[0] <= x_left + 5 and img[2] >= x_right - 5 for page in table.pages
                      for img in layouts[page].page.images) or any(
            img[2] - img[0] > 100 for page in table.pages for img in layouts[page].page.images)
        why = "bagan flowchart berupa gambar" if covered else "tidak ada simbol flowchart yang tergambar"
        report.unread.append(f"Hal. {pages}: {why}; pelaksana dan simbol tiap langkah tidak dapat dibaca, isi "
                             "langkah diambil dari teks tabel. Tandai pelaksana dan simbolnya di SOP Desk.")
        return
    count = len(sop.steps)
    for i, step in enumerate(sop.steps):
        row_nodes = [n for n in nodes if n.step == i and n.shape.kind in SYMBOLS]
        step.actors = [sop.actors[a].id for a in sorted({n.actor for n in row_nodes if n.actor is not None})]
        kinds = {n.shape.kind for n in row_nodes}
        if not row_nodes:
            report.unread.append(f"{_where(bands[i].page, 'pelaksana', i + 1)}: tidak ada simbol di baris ini; "
                                 "pelaksana dan simbol tidak terbaca.")
            continue
        symbol = Symbol.DECISION if "decision" in kinds else Symbol.TERMINATOR if "terminator" in kinds else \
            Symbol.PROCESS
        step.symbol = Symbol.AUTO if symbol is auto_symbol_for(i, count) else symbol
    tracer = Tracer(layouts, nodes, table)
    branches: dict[int, list[Branch]] = {}
    by_page: dict[int, list[Branch]] = {}
    try:
        _trace(tracer, nodes, branches, by_page)
    except _TraceTooLong:
        branches.clear()
        by_page.clear()
        report.unread.append(f"Hal. {pages}: garis bagan terlalu banyak untuk ditelusuri; tujuan cabang keputusan "
                             "tidak dibaca, tentukan di SOP Desk.")
    for page, items in by_page.items():
        lay = layouts[page]
        _label_branches(lay, items, [n.shape for n in nodes if n.page == page and n.shape.kind in SYMBOLS])
    for i, step in enumerate(sop.steps):
        if step.symbol is not Symbol.DECISION:
            continue
        diamonds = [n for n in nodes if n.step == i and n.shape.kind == "decision"]
        _decide(sop, i, diamonds, branches, bands, report)


def _trace(tracer: Tracer, nodes: list[Node], branches: dict[int, list[Branch]],
           by_page: dict[int, list[Branch]]) -> None:
    for node in nodes:
        if node.shape.kind != "decision" or node.step is None:
            continue
        if time.monotonic() > tracer.deadline:
            raise _TraceTooLong
        found = tracer.leaving(node)
        if len(found) < 2:
            # A branch drawn starting a little away from the diamond.
            keys = {key for _, _, key in found}
            found += [item for item in tracer.leaving(node, reach=14.0) if item[2] not in keys]
        for start, line, key in found:
            target = tracer.follow(node, line, key)
            branch = Branch(node, start, line, target)
            branches.setdefault(id(node), []).append(branch)
            by_page.setdefault(node.page, []).append(branch)


def _dash(text: str) -> str:
    return "" if text.strip() in ("-", "–", "—") else text


def _target_of(sop: Sop, node: Node | None) -> str | None:
    if node is None or node.step is None:
        return None
    return sop.steps[node.step].id


def _decide(sop: Sop, i: int, diamonds: list[Node], branches: dict[int, list[Branch]], bands: list[RowBand],
            report: ImportReport) -> None:
    step = sop.steps[i]
    where = _where(bands[i].page, "pelaksana", i + 1)

    def score(node: Node) -> tuple[int, int]:
        own = branches.get(id(node), [])
        labelled = [b for b in own if b.word and b.target is not None and (b.target.step is not None
                                                                           or b.target is _OUT)]
        outside = [b for b in labelled if b.target.step != i]
        return (len({b.word for b in outside}), len(labelled))

    if not diamonds:
        return
    best = max(diamonds, key=score)
    own = branches.get(id(best), [])
    yes = next((b for b in own if b.word == "ya"), None)
    no = next((b for b in own if b.word == "tidak"), None)
    unlabelled = [b for b in own if not b.word and b.target is not None]
    if yes is None and no is not None and len(unlabelled) == 1:
        yes = unlabelled[0]
        report.guessed.append(f"{where}: cabang tanpa tulisan dianggap cabang Ya (cabang lain bertulisan "
                              f"\"{no.label}\").")
    elif no is None and yes is not None and len(unlabelled) == 1:
        no = unlabelled[0]
        report.guessed.append(f"{where}: cabang tanpa tulisan dianggap cabang Tidak (cabang lain bertulisan "
                              f"\"{yes.label}\").")
    if yes is None and no is None and len(unlabelled) >= 2:
        ends = ", ".join(str(b.target.step + 1) if b.target.step is not None else "luar tabel" for b in unlabelled)
        report.unread.append(f"{where}: {len(unlabelled)} cabang keputusan tergambar tanpa tulisan Ya/Tidak (ke "
                             f"langkah {ends}); tentukan cabang Ya dan Tidak di SOP Desk.")
        return
    for branch, attr, label_attr, default in ((yes, "yes_target", "yes_label", "Ya"),
                                              (no, "no_target", "no_label", "Tidak")):
        if branch is None and i == len(sop.steps) - 1 and (yes or no) is not None and not unlabelled:
            # The last step's decision with one branch drawn: the other one has nowhere to go but out.
            setattr(step, attr, END)
            report.guessed.append(f"{where}: cabang {default} tidak tergambar di langkah terakhir; dibaca sebagai "
                                  "keluar dari prosedur.")
            continue
        if branch is None:
            report.unread.append(f"{where}: cabang {default} keputusan tidak ditemukan; tentukan tujuannya di SOP "
                                 "Desk.")
            continue
        if branch.target is _OUT:
            setattr(step, attr, END)
            if branch.label and norm(branch.label) not in ("ya", "tidak"):
                setattr(step, label_attr, branch.label)
            report.guessed.append(f"{where}: garis cabang {branch.label or default} berakhir tanpa menyentuh simbol; "
                                  "dibaca sebagai keluar dari prosedur.")
            continue
        target = _target_of(sop, branch.target)
        if branch.target is not None and branch.target.step is None and branch.target.shape.kind in SYMBOLS:
            target = None
        if target is None:
            report.unread.append(f"{where}: garis cabang {default} tidak sampai ke simbol langkah mana pun.")
            continue
        setattr(step, attr, target)
        if branch.label and norm(branch.label) not in ("ya", "tidak"):
            setattr(step, label_attr, branch.label)
        report.read.append(f"{where}: cabang {branch.label or default} ke langkah "
                           f"{sop.step_index(target) + 1}.")


# ---- entry point ----------------------------------------------------------------------------------------


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    if not data.lstrip()[:1024].find(b"%PDF-") >= 0 and b"%PDF-" not in data[:1024]:
        raise PdfImportError(f"Berkas {name} bukan PDF (tanda %PDF di awal berkas tidak ada).")
    try:
        check_streams(data)
    except PdfTooComplex as exc:
        raise PdfImportError(f"Berkas {name} tidak dibaca karena berisi {exc.what}.") from None
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            raise PdfImportError(f"Berkas {name} dikunci dengan kata sandi; buka kuncinya dulu lalu impor "
                                 "lagi.") from None
        raise PdfImportError(f"Berkas {name} rusak atau bukan PDF yang dapat dibaca.") from None


def _read_layouts(data: bytes, name: str) -> list[PageLayout]:
    """Every page of the file read and analysed, within the reader's caps."""
    document = _open(data, name)
    try:
        try:
            count = len(document)
        except (pdfium.PdfiumError, OSError, ValueError):
            raise PdfImportError(f"Berkas {name} rusak: daftar halamannya tidak dapat dibaca.") from None
        if count == 0:
            raise PdfImportError(f"Berkas {name} tidak berisi halaman.")
        if count > MAX_PAGES:
            raise PdfImportError(f"Berkas {name} berisi {count} halaman; yang dapat diimpor paling banyak "
                                 f"{MAX_PAGES} halaman.")
        layouts = []
        budget = Budget()
        for index in range(count):
            try:
                layouts.append(analyse(read_page(document, index, budget)))
            except PdfTooComplex as exc:
                where = "" if exc.whole_file else f"hal. {index + 1} "
                raise PdfImportError(f"Berkas {name} tidak dibaca karena {where}berisi {exc.what}.") from None
            except pdfium.PdfiumError:
                raise PdfImportError(f"Berkas {name} rusak: hal. {index + 1} tidak dapat dibaca.") from None
        return layouts
    finally:
        document.close()


def import_pdf(path: Path) -> ImportResult:
    """Every SOP found in a born-digital SOP PDF, each with the report of what was read, guessed and missed."""
    path = Path(path)
    name = path.name
    try:
        data = read_regular_file(path, MAX_FILE_BYTES)
    except FileTooLarge as exc:
        raise PdfImportError(f"Berkas {name} terlalu besar ({exc.size // (1024 * 1024)} MB; paling besar "
                             f"{MAX_FILE_BYTES // (1024 * 1024)} MB).") from None
    except NotRegularFile:
        raise PdfImportError(f"{name} bukan berkas biasa (folder atau perangkat), jadi tidak dapat diimpor.") from None
    except FileNotFoundError:
        raise PdfImportError(f"Berkas {name} tidak ditemukan.") from None
    except OSError:
        raise PdfImportError(f"Berkas {name} tidak dapat dibaca (izin atau galat disk).") from None
    try:
        with _PDFIUM:
            layouts = _read_layouts(data, name)
        if not any(lay.page.chars for lay in layouts):
            raise PdfImportError(f"Berkas {name} tidak berisi teks yang dapat dibaca (mungkin hasil pindaian); PDF "
                                 "tanpa teks belum dapat diimpor, ketik ulang SOP-nya di SOP Desk.")
        sops = build(layouts, name)
    except (RecursionError, MemoryError):
        raise PdfImportError(f"Berkas {name} terlalu rumit untuk dibaca.") from None
    return ImportResult(sops=sops)


__all__ = ["PdfImportError", "import_pdf", "join_lines"]

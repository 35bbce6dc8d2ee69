"""The identity page of a hand-made SOP sheet: labels in any wording, the values beside or under them."""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass

from openpyxl.utils.datetime import from_excel

from ..dates import parse_date as read_typed_date
from ..labels import BOX_TITLES, IDENTITY_LABELS, MONTHS
from ..model import LIST_BOXES, Identity, IdLabel, Signer
from . import ImportReport
from .vocabulary import BOX_FIELDS, SINGLE_FIELDS, identity_label, norm
from .xlsx_cells import MAX_COLS, FlowTable, Grid, value_text

@dataclass
class IdentityBlock:
    sheet: str
    first_row: int
    last_row: int
    labels: dict[str, tuple[int, int, str]]  # field -> (row, col, text after the label in its cell)


def _labels(grid: Grid) -> dict[tuple[int, int], tuple[str, str]]:
    """Every cell of the sheet holding an identity label, looked up once per sheet."""
    if grid.identity_labels is None:
        found = {}
        for place, value in grid.values.items():
            label = identity_label(value) if isinstance(value, str) else None
            if label:
                found[place] = label
        grid.identity_labels = found
    return grid.identity_labels


def label_rows(grid: Grid) -> set[int]:
    """Rows holding a single-value identity label (Nomor SOP, Nama SOP ...): a flowchart table ends there."""
    return {r for (r, _), (kind, _) in _labels(grid).items() if kind in SINGLE_FIELDS}


def find_identity_blocks(grid: Grid, tables: list[FlowTable]) -> list[IdentityBlock]:
    """Identity labels outside the flowchart tables, grouped into one block per SOP."""
    inside = sorted((t.first_row, t.last_row) for t in tables)
    starts = [a for a, _ in inside]
    reach = list(itertools.accumulate((b for _, b in inside), max))  # furthest table end so far

    def in_table(r: int) -> bool:
        k = bisect.bisect_right(starts, r) - 1
        return k >= 0 and reach[k] >= r

    def table_starts_between(low: int, high: int) -> bool:
        k = bisect.bisect_right(starts, low)
        return k < len(starts) and starts[k] <= high

    hits = []
    for (r, c), (kind, rest) in sorted(_labels(grid).items()):
        if in_table(r) or grid.span(r, c)[:2] != (r, c):
            continue
        hits.append((r, c, kind, rest))
    blocks: list[IdentityBlock] = []
    for r, c, kind, rest in hits:
        current = blocks[-1] if blocks else None
        if current is not None and _sub_heading(grid, current, kind, r, c):
            continue  # "Peralatan :" inside the Peralatan/Perlengkapan box is part of its content
        table_between = current is not None and table_starts_between(current.last_row, r)
        if current is None or kind in current.labels or table_between:
            current = IdentityBlock(sheet=grid.sheet, first_row=r, last_row=r, labels={})
            blocks.append(current)
        current.labels[kind] = (r, c, rest)
        current.last_row = max(current.last_row, grid.span(r, c)[2])
    result = []
    for block in blocks:
        nama = block.labels.get("nama")
        nomor = block.labels.get("nomor")
        # A bare "SOP" caption counts as the title label only beside the other single-value labels.
        if nama and norm(grid.text(nama[0], nama[1])).startswith("sop") and not (nomor and nomor[1] == nama[1]):
            del block.labels["nama"]
        if block.labels:
            result.append(block)
    return result


def _sub_heading(grid: Grid, block: IdentityBlock, kind: str, row: int, col: int) -> bool:
    """Whether a label-like cell sits inside the box its label names, under that label (a sub-heading)."""
    if kind not in BOX_FIELDS or kind not in block.labels:
        return False
    r, c, rest = block.labels[kind]
    r0, c0, r1, c1 = grid.span(r, c)
    return not rest and row > r1 and c0 <= col <= max(c1, _box_last_col(grid, r0, c0, c1)) and row <= r1 + 40


def _box_last_col(grid: Grid, row: int, c0: int, c1: int) -> int:
    """The last column of a box whose label starts at (row, c0): its merged width, else up to the next text."""
    if c1 > c0:
        return c1
    following = [c for c in grid.cells_in_row(row) if c > c1]
    return min(following) - 1 if following else min(c0 + 8, MAX_COLS)


_NUMBERED = re.compile(r"^\s*(\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|[-•*·▪–])\s*")


def box_items(text: str) -> list[str]:
    """One item per numbered line; unnumbered lines under a numbered one continue it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    numbered = [bool(_NUMBERED.match(line)) and not re.fullmatch(r"[-–]", line) for line in lines]
    items: list[str] = []
    for line, is_numbered in zip(lines, numbered):
        clean = _NUMBERED.sub("", line, count=1).strip() if is_numbered else line
        if any(numbered) and not is_numbered and items:
            items[-1] = f"{items[-1]} {line}"
        elif clean:
            items.append(clean)
    return [item for item in items if item not in ("-", "–", "—")]


# ---- values -------------------------------------------------------------------------------------------

_MONTH_NAMES = {name.lower(): i + 1 for i, name in enumerate(MONTHS)}
_MONTH_SHORT = {"jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6, "jul": 7,
                "agu": 8, "agt": 8, "ags": 8, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "nop": 11,
                "des": 12, "dec": 12}
_DATE_WORDS = re.compile(r"(\d{1,2})[\s.\-/]*([a-z]{3,10})\.?[\s.,\-/]*(\d{4})")
_DATE_DIGITS = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_REVISION = re.compile(r"revisi\s*ke\s*[-:.]?\s*(\d{1,3})\b", re.IGNORECASE)
EMPTY_VALUES = ("-", "–", "—", "")
"""What the form prints for "nothing here"."""


def parse_date(raw: object) -> tuple[dt.date | None, bool]:
    """(date, understood): Excel dates, "Rabu, 01 November 2017", "2 Juni 2025", "02-06-2025", "2025-06-02"."""
    if isinstance(raw, dt.datetime):
        return raw.date(), True
    if isinstance(raw, dt.date):
        return raw, True
    text = _REVISION.sub("", value_text(raw)).lower()
    if not re.search(r"\d", text):
        return None, True  # "-", "Belum direvisi" ...
    whole = read_typed_date(text)  # a cell holding just a date reads as the form field does
    if whole.value is not None:
        return whole.value, True
    try:
        m = _DATE_ISO.search(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), True
        m = _DATE_WORDS.search(text)
        if m:
            word = m.group(2)
            month = _MONTH_NAMES.get(word) or _MONTH_SHORT.get(word[:3])
            if month:
                return dt.date(int(m.group(3)), month, int(m.group(1))), True
        m = _DATE_DIGITS.search(text)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), True
    except ValueError:
        pass
    return None, False


def _value_right(grid: Grid, row: int, col: int) -> tuple[str, object, str]:
    """(text, raw value, address) of the first filled cell right of a label, skipping ":" cells."""
    r0, c0, r1, c1 = grid.span(row, col)
    for r in range(r0, min(r1, r0 + MAX_LABEL_ROWS) + 1):
        c = c1 + 1
        while c <= c1 + 16:
            s = grid.span(r, c)
            text = grid.text(s[0], s[1])
            if text and identity_label(text):
                break
            if text.strip(" :\t"):
                return text.lstrip(" :\t").strip(), grid.raw(s[0], s[1]), grid.addr(s[0], s[1])
            c = s[3] + 1
    return "", None, ""


def _lines_right(grid: Grid, row: int, col: int, label_rows: set[int]) -> tuple[list[str], str]:
    """Text lines right of a tall label (Disahkan oleh), continuing down while the label column stays empty."""
    r0, c0, r1, c1 = grid.span(row, col)
    r1 = min(r1, r0 + MAX_LABEL_ROWS)
    rows = list(range(r0, r1 + 1))
    r = r1 + 1
    while r <= r1 + 8 and r not in label_rows and not grid.text(r, c0):
        rows.append(r)
        r += 1
    seen: set[tuple[int, int]] = set()
    lines: list[str] = []
    first = ""
    for r in rows:
        for c in range(c1 + 1, c1 + 17):
            s = grid.span(r, c)
            if s[:2] in seen:
                continue
            seen.add(s[:2])
            text = grid.text(s[0], s[1])
            if text and identity_label(text):
                break
            if text.strip(" :"):
                first = first or grid.addr(s[0], s[1])
                lines.extend(line.strip() for line in text.lstrip(" :").splitlines())
    return [line for line in lines if line], first


_SIGNATURE_PLACEHOLDER = re.compile(r"^[(\[]?\s*(ttd|t\.t\.d|tanda tangan|cap|stempel|ttd\.?\s*&\s*cap)\b.*$",
                                    re.IGNORECASE)
_ID_LINE = re.compile(r"^(NIP|NRP)\b[\s.:]*(.*)$", re.IGNORECASE)


def parse_signer(lines: list[str]) -> tuple[Signer, bool]:
    """Signer from the lines under "Disahkan oleh": jabatan, name, then "NIP. ..." or "NRP. ..."; (signer, sure)."""
    lines = [line for line in lines if re.search(r"\w", line) and not _SIGNATURE_PLACEHOLDER.match(line)]
    signer = Signer(id_label=IdLabel.NONE)
    before = lines
    for i, line in enumerate(lines):
        m = _ID_LINE.match(line)
        if m:
            signer.id_label = IdLabel(m.group(1).upper())
            # Kept as written (NIPs are printed in groups, "19800101 200501 1 001"); only the ends are trimmed.
            signer.id_number = " ".join(m.group(2).split())
            before = lines[:i]
            break
    if len(before) >= 2:
        signer.nama, signer.jabatan = before[-1], " ".join(before[:-1])
        return signer, True
    if len(before) == 1:
        if signer.id_label is IdLabel.NONE:
            signer.jabatan = before[0]
        else:
            signer.nama = before[0]
        return signer, False
    return signer, not lines


MAX_LABEL_ROWS = 30
"""Rows of a merged label cell looked beside; an identity row is never taller (a hostile merge can be 3,000)."""
_BARE_NUMBER = re.compile(r"^\(?(\d{1,3}|[a-zA-Z])[.)]?$|^[-•*·▪–]$")


def _box_row(grid: Grid, row: int, c0: int, last_col: int) -> list[str]:
    """The texts of one row of a box, left to right, each merged range once."""
    texts = []
    c = c0
    while c <= last_col:
        s = grid.span(row, c)
        if s[0] == row and s[1] == c:
            text = grid.text(row, c)
            if text:
                texts.append(text)
        c = max(c, s[3]) + 1
    return texts


def _row_line(texts: list[str]) -> str:
    """One row of a box as one text; a number in its own column ("1" | "Undang-Undang ...") leads the text."""
    if len(texts) > 1 and _BARE_NUMBER.match(texts[0]):
        number = texts[0] if texts[0][-1] in ".)" or not texts[0][-1].isalnum() else f"{texts[0]}."
        return f"{number} {' '.join(texts[1:])}"
    return " ".join(texts)


def _box_content(grid: Grid, row: int, col: int, kind: str, rest: str,
                 label_rows: set[int]) -> tuple[list[str], str]:
    """A box's items: after its label in the same cell, in the rows under it, or beside it."""
    if rest:
        return box_items(rest), grid.addr(row, col)
    r0, c0, r1, c1 = grid.span(row, col)
    last_col = _box_last_col(grid, r0, c0, c1)
    rows: list[str] = []
    first = ""
    r = r1 + 1
    while r <= r1 + 40:
        texts = _box_row(grid, r, c0, last_col)
        if not texts:
            if rows or r > r1 + 2:
                break
        else:
            found = identity_label(texts[0])
            if (found and found[0] != kind) or r in label_rows:
                break
            first = first or grid.addr(r, c0)
            rows.append(_row_line(texts))
        r = max(r, grid.span(r, c0)[2]) + 1
    if rows:
        lines = [line for text in rows for line in text.splitlines()]
        if len(rows) > 1 and not any(_NUMBERED.match(line) for line in lines):
            # Unnumbered items in cells of their own: one item per cell, its lines joined.
            items = [" ".join(line.strip() for line in text.splitlines() if line.strip()) for text in rows]
            return [item for item in items if item not in EMPTY_VALUES], first
        return box_items("\n".join(rows)), first
    text, _, where = _value_right(grid, row, col)
    return box_items(text), where


def short_text(text: str) -> str:
    """The text on one line, cut to 60 characters for a report line."""
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def take_date(ident: Identity, kind: str, text: str, raw: object, where: str, report: ImportReport) -> bool:
    """Set the date field `kind` from `raw` (its cell text is `text`) and report it; False when not understood.

    A date not understood is kept as the office typed it, as the form keeps an unreadable date: printed
    and warned about.
    """
    value, understood = parse_date(raw)
    setattr(ident, kind, value)
    if not understood:
        if text.strip():
            ident.date_texts[kind] = text.strip()
        report.unread.append(f"{IDENTITY_LABELS[kind]}: \"{short_text(text)}\" bukan tanggal yang dapat dibaca; "
                             f"teksnya disimpan apa adanya ({where}).")
    elif value is not None:
        report.read.append(f"{IDENTITY_LABELS[kind]}: {value.isoformat()} ({where})")
    return understood


def read_identity(grid: Grid, block: IdentityBlock, report: ImportReport,
                  sources: dict[str, str] | None = None) -> Identity:
    """Fill an Identity from one block of labels; every value read, guessed or missed is reported.

    `sources` receives field name -> address of the cell each value came from.
    """
    ident = Identity()
    sources = {} if sources is None else sources
    labels = block.labels
    rows_with_labels = {r for r, _, _ in labels.values()}
    for kind in ("nomor", "nama"):
        if kind not in labels:
            continue
        r, c, rest = labels[kind]
        text, _, where = (rest, None, grid.addr(r, c)) if rest else _value_right(grid, r, c)
        text = "" if text.strip() in EMPTY_VALUES else text
        setattr(ident, kind, " ".join(text.split()) if kind == "nomor" else text.replace("\n", " ").strip())
        title = IDENTITY_LABELS[kind]
        sources[kind] = where or grid.addr(r, c)
        if text:
            report.read.append(f"{title}: \"{short_text(text)}\" ({where})")
        else:
            report.unread.append(f"{title} kosong di samping labelnya ({grid.addr(r, c)}).")
    if "nama" in labels:
        kind_text = norm(grid.text(labels["nama"][0], labels["nama"][1]))
        ident.cakupan = "Makro" if "makro" in kind_text else "Mikro" if "mikro" in kind_text else ""
    for kind in ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan"):
        if kind not in labels:
            continue
        r, c, rest = labels[kind]
        text, raw, where = (rest, rest, grid.addr(r, c)) if rest else _value_right(grid, r, c)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 20000 < raw < 80000:
            setattr(ident, kind, from_excel(raw).date())
            report.guessed.append(f"{IDENTITY_LABELS[kind]}: angka {value_text(raw)} dibaca sebagai tanggal Excel "
                                  f"{getattr(ident, kind).isoformat()} ({where}).")
            continue
        if take_date(ident, kind, text, raw if raw is not None else text, where, report):
            sources[kind] = where or grid.addr(r, c)
        if kind == "tanggal_revisi":
            row_text = " ".join(grid.text(r, cc) for cc in grid.cells_in_row(r))
            m = _REVISION.search(row_text)
            if m:
                ident.revisi_ke = int(m.group(1))
                report.read.append(f"Revisi ke: {ident.revisi_ke} ({grid.addr(r, c)})")
    ident.use_pengesahan = ident.tanggal_pengesahan is not None and ident.tanggal_efektif is None
    if "disahkan" in labels:
        r, c, rest = labels["disahkan"]
        lines, where = ((rest.splitlines(), grid.addr(r, c)) if rest
                        else _lines_right(grid, r, c, rows_with_labels))
        ident.signer, sure = parse_signer(lines)
        sources["signer"] = where or grid.addr(r, c)
        if not lines:
            report.unread.append(f"Disahkan oleh: kosong ({grid.addr(r, c)}).")
        elif sure:
            report.read.append(f"Disahkan oleh: {short_text(ident.signer.jabatan)} / {short_text(ident.signer.nama)} "
                               f"({where})")
        else:
            report.guessed.append(f"Disahkan oleh: hanya satu baris \"{short_text(lines[0])}\"; dibaca sebagai "
                                  f"{'nama' if ident.signer.nama else 'jabatan'} ({where}).")
    for box in LIST_BOXES:
        if box not in labels:
            continue
        r, c, rest = labels[box]
        items, where = _box_content(grid, r, c, box, rest, rows_with_labels)
        setattr(ident, box, items)
        sources[box] = where or grid.addr(r, c)
        if getattr(ident, box):
            report.read.append(f"{BOX_TITLES[box]}: {len(getattr(ident, box))} butir ({where})")
    sources["instansi"] = _read_logo_block(grid, block, ident, report)
    return ident


def logo_area(grid: Grid, block: IdentityBlock) -> tuple[int, int, int] | None:
    """(first row, last row, label column) of the logo block: left of Nomor SOP ... Nama SOP."""
    single = [(r, c) for kind, (r, c, _) in block.labels.items() if kind in SINGLE_FIELDS]
    if not single:
        return None
    first = min(r for r, _ in single)
    last = min(max(grid.span(r, c)[2] for r, c in single), first + 4 * MAX_LABEL_ROWS)
    return first, last, min(c for _, c in single)


def _read_logo_block(grid: Grid, block: IdentityBlock, ident: Identity, report: ImportReport) -> str:
    """Instansi and unit lines: the text left of the label column, beside Nomor SOP ... Nama SOP."""
    area = logo_area(grid, block)
    if area is None:
        return ""
    first, last, label_col = area
    seen: set[tuple[int, int]] = set()
    lines: list[str] = []
    where = ""
    for r in range(first, last + 1):
        for c in range(1, label_col):
            s = grid.span(r, c)
            if s[:2] in seen:
                continue
            seen.add(s[:2])
            text = grid.text(s[0], s[1])
            if text:
                where = where or grid.addr(s[0], s[1])
                lines.extend(line.strip() for line in text.splitlines() if line.strip() and norm(line) != "logo")
    if lines:
        ident.instansi, ident.unit_lines = lines[0], lines[1:]
        report.read.append(f"Instansi dan unit organisasi: {len(lines)} baris ({where})")
    return where

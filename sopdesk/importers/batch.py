"""Importing many files into the library: find them, read each, file each SOP, one summary row per SOP.

Shared by `sopdesk import` and Berkas → Impor folder…, and free of Qt so both agree. The
three steps are separate on purpose: `find_files` walks the folders, `read_source` reads
one file (safe to run in a worker thread; it never raises) and `Filer.file` puts what was
read into the library (in the thread that owns the library), asking `decide` before an SOP
already there is replaced.

SOPs already in the library are recognised by id; import_any gives an SOP read from a file
that carries no id an id made from the file's bytes, so importing the same archive again
finds the same SOPs already there rather than adding each one a second time.
"""
from __future__ import annotations

import csv
import enum
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import is_temp_file
from ..interchange import InterchangeError
from ..model import Sop, new_id
from ..storage import StorageError
from . import IMPORTERS, ImportReport, ImportResult, Tally, found_without_steps, import_any


class Outcome(str, enum.Enum):
    """What happened to one SOP (or one file that gave none); the value is what the user reads."""

    IMPORTED = "diimpor"
    REPLACED = "diganti"
    COPIED = "diimpor sebagai SOP baru"
    SKIPPED = "dilewati"
    FAILED = "gagal"
    NOT_DONE = "tidak diproses"

    @property
    def failed(self) -> bool:
        return self is Outcome.FAILED


class Decision(str, enum.Enum):
    """What to do with an imported SOP whose id the library already holds."""

    REPLACE = "replace"
    SKIP = "skip"
    COPY = "copy"


@dataclass(frozen=True)
class Source:
    """One file to import, and how the summary names it."""

    path: Path
    shown: str


@dataclass
class Row:
    """One line of the summary: an SOP filed (or not), or a file that gave no SOP."""

    file: str
    outcome: Outcome
    sop_name: str = ""
    steps: int = 0
    actors: int = 0
    decisions: int = 0
    guessed: int = 0
    unread: int = 0
    note: str = ""
    sop_id: str = ""

    def counted(self, tally: Tally) -> Row:
        self.steps, self.actors, self.decisions = tally.steps, tally.actors, tally.decisions
        self.guessed, self.unread = tally.guessed, tally.unread
        return self


COLUMNS = ("Berkas", "Hasil", "Nama SOP", "Langkah", "Pelaksana", "Keputusan", "Tebakan", "Tidak terbaca",
           "Keterangan")
"""The summary's columns, in the window's table, the command's table and the CSV alike."""


def row_cells(row: Row) -> tuple[str, ...]:
    numbers = (row.steps, row.actors, row.decisions, row.guessed, row.unread)
    shown = numbers if row.sop_id else ("",) * 5  # a file that gave no SOP has nothing to count
    return (row.file, row.outcome.value, row.sop_name, *map(str, shown), row.note)


# ---- finding the files -----------------------------------------------------------------------------


def find_files(paths: Iterable[str | Path], relative: bool = False,
               exclude: Iterable[str | Path] = ()) -> tuple[list[Source], list[Row]]:
    """Every importable file under `paths` (folders walked recursively, in name order), and rows for the
    paths that cannot be used (missing, or a file of a kind no importer reads).

    With `relative`, files are shown relative to the folder given; otherwise as the path given joined to
    the path inside it. A file reached twice (given twice, or given and inside a given folder) is read once.
    Folders in `exclude` (the library itself, when a whole disk is imported) are not walked.
    """
    sources: list[Source] = []
    problems: list[Row] = []
    seen: set[str] = set()
    skipped = {_key(Path(folder)) for folder in exclude}

    def add(path: Path, shown: str) -> None:
        key = _key(path)
        if key not in seen:
            seen.add(key)
            sources.append(Source(path, shown))

    for given in paths:
        root = Path(given)
        if root.is_dir():
            for path in _walk(root, skipped):
                inside = path.relative_to(root)
                add(path, str(inside) if relative else str(root / inside))
        elif root.is_file() or root.is_symlink():
            if root.suffix.lower() in IMPORTERS:
                add(root, root.name if relative else str(root))
            else:
                known = ", ".join(sorted(IMPORTERS))
                problems.append(Row(str(root), Outcome.FAILED,
                                    note=f"jenis berkas {root.suffix or '(tanpa ekstensi)'} tidak dapat diimpor; "
                                    f"yang dapat diimpor: {known}."))
        elif root.exists():
            problems.append(Row(str(root), Outcome.FAILED, note="bukan berkas atau folder biasa."))
        else:
            problems.append(Row(str(root), Outcome.FAILED, note="berkas atau folder tidak ditemukan."))
    return sources, problems


def _key(path: Path) -> str:
    try:
        return os.path.normcase(str(path.resolve()))
    except (OSError, RuntimeError):
        return os.path.normcase(str(path.absolute()))


def _walk(root: Path, skipped: set[str]) -> list[Path]:
    found = []
    if _key(root) in skipped:
        return found
    # Links to folders are not followed: a link back up the tree would never end.
    for folder, dirs, files in os.walk(root, followlinks=False, onerror=lambda _error: None):
        dirs[:] = sorted((d for d in dirs if not d.startswith(".") and _key(Path(folder) / d) not in skipped),
                         key=_name_order)
        for name in sorted(files, key=_name_order):
            # "~$x.xlsx" is the lock file Office keeps beside an open workbook; ".x" are hidden files.
            if name.startswith(("~$", ".")) or is_temp_file(name):
                continue
            if Path(name).suffix.lower() in IMPORTERS:
                found.append(Path(folder) / name)
    return found


def _name_order(name: str) -> tuple[str, str]:
    return name.casefold(), name


# ---- reading one file ------------------------------------------------------------------------------


@dataclass
class FileRead:
    """What one file gave: its SOPs with their reports, or why it gave none (Indonesian)."""

    source: Source
    sops: list[tuple[Sop, ImportReport]] = field(default_factory=list)
    error: str = ""


def read_source(source: Source, reader: Callable[[Path], ImportResult] = import_any) -> FileRead:
    """Read one file; never raises (every failure becomes `error`), so a bad file never stops the others."""
    try:
        result = reader(source.path)
    except InterchangeError as exc:
        return FileRead(source, error=_without_name(str(exc), source.path))
    except MemoryError:
        return FileRead(source, error="berkas terlalu besar untuk dibaca.")
    except Exception:  # import_any already words every failure; this guards a reader given by a caller
        return FileRead(source, error="berkas rusak atau isinya tidak dikenali, jadi tidak dapat diimpor.")
    if not result.sops:
        return FileRead(source, error="tidak ada SOP yang ditemukan di berkas ini.")
    return FileRead(source, list(result.sops))


def _without_name(message: str, path: Path) -> str:
    # The summary names the file in its own column; the message need not say it again.
    for prefix in (f"{path}: ", f"{path.name}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


# ---- filing what was read --------------------------------------------------------------------------


Decide = Callable[[Sop, str, Source], Decision]
"""Asked for an SOP whose id the library already holds: (imported SOP, name in the library, file)."""


class Filer:
    """Puts what was read into one library, a row per SOP, asking `decide` before replacing one.

    `protected` maps ids that must not be replaced (the SOP open in the editor with unsaved
    changes) to the reason shown in its row.
    """

    def __init__(self, library, decide: Decide, protected: dict[str, str] | None = None, user: str = "") -> None:
        self.library = library
        self.user = user  # the name in Preferensi: the saves are its, in Riwayat versi
        self.decide = decide
        self.protected = dict(protected or {})
        self.known = {e.id: e.nama for e in library.entries()}
        self.trashed = {e.id: e.nama for e in library.list_trash()}
        self.brought: dict[str, str] = {}  # id -> the file that brought it in during this run
        self.rows: list[Row] = []
        self.replaced: set[str] = set()

    def file(self, read: FileRead) -> list[Row]:
        """File every SOP of one file; the rows are also added to self.rows."""
        if read.error:
            rows = [Row(read.source.shown, Outcome.FAILED, note=read.error)]
        else:
            several = len(read.sops) > 1
            rows = [self._file_one(read.source, sop, report, f"SOP {n} dari {len(read.sops)}" if several else "")
                    for n, (sop, report) in enumerate(read.sops, start=1)]
        self.rows.extend(rows)
        return rows

    def not_done(self, sources: Iterable[Source]) -> list[Row]:
        """Rows for the files a cancelled run never reached."""
        rows = [Row(source.shown, Outcome.NOT_DONE, note="impor dibatalkan sebelum berkas ini.") for source in sources]
        self.rows.extend(rows)
        return rows

    def _file_one(self, source: Source, sop: Sop, report: ImportReport, which: str) -> Row:
        row = Row(source.shown, Outcome.IMPORTED, sop_name=sop.identity.nama, sop_id=sop.id).counted(
            Tally.of(sop, report))
        where = f"{which}: " if which else ""
        if not sop.steps:
            row.outcome = Outcome.FAILED
            row.note = f"{where}tidak ada langkah yang terbaca, jadi tidak diimpor (yang ditemukan: " \
                       f"{found_without_steps(sop, report)})."
            return row
        if sop.id in self.brought:
            row.outcome = Outcome.SKIPPED
            row.note = f"{where}SOP yang sama sudah diimpor dari {self.brought[sop.id]} pada impor ini."
            return row
        if sop.id in self.protected:
            row.outcome = Outcome.SKIPPED
            row.note = f"{where}{self.protected[sop.id]}"
            return row
        existing = self.known.get(sop.id, self.trashed.get(sop.id))
        if existing is not None:
            decision = self.decide(sop, existing or sop.identity.nama, source)
            if decision is Decision.SKIP:
                row.outcome = Outcome.SKIPPED
                place = "di Sampah" if sop.id in self.trashed else "di pustaka"
                named = f" sebagai \"{existing}\"" if existing and existing != sop.identity.nama else ""
                row.note = f"{where}SOP ini sudah ada {place}{named}."
                return row
            if decision is Decision.COPY:
                sop.id = new_id()
                row.sop_id = sop.id
                row.outcome = Outcome.COPIED
            else:
                row.outcome = Outcome.REPLACED
                row.note = f"{where}versi sebelumnya disimpan di Riwayat versi."
        try:
            self.library.save(sop, self.user, note=f"Diimpor dari {source.shown}")
        except StorageError as exc:  # LibraryReadOnly too; both carry an Indonesian message
            row.outcome = Outcome.FAILED
            row.note = f"{where}tidak dapat disimpan ke pustaka: {exc}"
            return row
        if row.outcome is Outcome.REPLACED:
            self.replaced.add(sop.id)
        if which and not row.note:
            row.note = which
        self.brought[sop.id] = source.shown
        self.known[sop.id] = sop.identity.nama
        self.trashed.pop(sop.id, None)
        return row


# ---- the summary -----------------------------------------------------------------------------------


def summary_text(rows: list[Row], files: int, cancelled: bool = False) -> str:
    """One Indonesian sentence: how many files, and what happened to their SOPs."""
    counts = {outcome: sum(1 for r in rows if r.outcome is outcome) for outcome in Outcome}
    parts = [f"{counts[Outcome.IMPORTED]} SOP diimpor"]
    for outcome, words in ((Outcome.COPIED, "diimpor sebagai SOP baru"), (Outcome.REPLACED, "diganti"),
                           (Outcome.SKIPPED, "dilewati"), (Outcome.FAILED, "gagal")):
        if counts[outcome]:
            parts.append(f"{counts[outcome]} {words}")
    text = f"{files} berkas: " + ", ".join(parts) + "."
    if cancelled:
        done = counts[Outcome.IMPORTED] + counts[Outcome.COPIED] + counts[Outcome.REPLACED]
        text += (f" Impor dibatalkan; {counts[Outcome.NOT_DONE]} berkas tidak diproses. "
                 f"{done} SOP yang sudah diimpor tetap ada di pustaka.")
    return text


def any_failed(rows: list[Row]) -> bool:
    return any(row.outcome.failed for row in rows)


def csv_text(rows: list[Row]) -> str:
    """The summary as CSV: semicolons, as Excel and WPS expect with Indonesian regional settings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row_cells(row))
    return buffer.getvalue()


def write_csv(rows: list[Row], path: Path) -> None:
    """Write the summary as CSV, replacing `path` whole; a BOM lets Excel see that it is UTF-8."""
    from ..atomic import atomic_write_bytes

    atomic_write_bytes(Path(path), ("\ufeff" + csv_text(rows)).encode("utf-8"))

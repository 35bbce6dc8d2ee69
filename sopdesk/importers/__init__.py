"""Importers turn other programs' files into SOPs, each with a report of what was read, guessed or left out.

The report types live here, not in one importer, because every importer (Excel, PDF, Word,
JSON) answers the user the same way: which parts came across, which were inferred, and
which could not be read, in Indonesian, naming the place in the file (sheet and cell, or
page and position).

`import_any` picks the importer by the file's extension (IMPORTERS); each importer module is
imported only when a file of its kind is read, so a command that reads JSON never loads the
PDF reader. Every failure is an InterchangeError with one Indonesian sentence naming the file.
"""
from __future__ import annotations

import hashlib
import importlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import read_regular_file
from ..interchange import InterchangeError
from ..model import LIST_BOXES, Sop, Symbol


@dataclass
class ImportReport:
    """Indonesian lines for the user; sheet places are written like "Flowchart!C12"."""

    read: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    def extend(self, other: ImportReport) -> None:
        self.read.extend(other.read)
        self.guessed.extend(other.guessed)
        self.unread.extend(other.unread)


@dataclass
class ImportResult:
    """Every SOP found in one file, in the order they appear there."""

    sops: list[tuple[Sop, ImportReport]] = field(default_factory=list)


# Importers by extension, as "module:function" taking a Path and returning an ImportResult.
# One line here is all a new kind of file needs; the module is imported only when used.
IMPORTERS: dict[str, str] = {
    ".json": "sopdesk.importers:import_json",
    ".xlsx": "sopdesk.importers.xlsx:import_xlsx",
    ".xlsm": "sopdesk.importers.xlsx:import_xlsx",
    ".pdf": "sopdesk.importers.pdf:import_pdf",
    ".docx": "sopdesk.importers.docx:import_docx",
}

MAX_HASH_BYTES = 100 * 1024 * 1024
"""Largest file whose bytes are read again to make ids; every importer refuses larger ones anyway."""
MAX_SEARCH_BYTES = 50 * 1024 * 1024

KIND_NAMES = {".json": "JSON", ".xlsx": "Excel", ".xlsm": "Excel", ".pdf": "PDF", ".docx": "Word"}
"""What the user calls each kind, for titles and messages."""


def os_error_sentence(path: Path, exc: OSError, busy: str) -> str:
    """Why the file could not be read, for an OSError; `busy` ends the sentence for a file another program holds."""
    if isinstance(exc, FileNotFoundError):
        return f"{path}: berkas tidak ditemukan."
    if isinstance(exc, PermissionError):
        return f"{path.name}: berkas tidak dapat dibuka; mungkin sedang dibuka di {busy}"
    return f"{path.name}: berkas tidak dapat dibaca ({exc.strerror or 'galat sistem'})."


class UnsupportedFile(InterchangeError):
    """A file of a kind no importer reads, or whose importer is not part of this installation."""


def kind_name(path: str | Path) -> str:
    return KIND_NAMES.get(Path(path).suffix.lower(), "")


def supported(path: str | Path) -> bool:
    return Path(path).suffix.lower() in IMPORTERS


def import_any(path: str | Path) -> ImportResult:
    """Every SOP in `path`, each with its report, read by the importer for its extension.

    Raises InterchangeError (one Indonesian sentence naming the file) for anything unusable,
    including an unknown extension and an importer this installation lacks.
    """
    path = Path(path)
    reader = _importer_for(path)
    try:
        result = reader(path)
    except InterchangeError:
        raise
    except OSError as exc:
        raise InterchangeError(os_error_sentence(path, exc, "program lain atau tidak ada izin membacanya.")) \
            from None
    except MemoryError:
        raise InterchangeError(f"{path.name}: berkas terlalu besar untuk dibaca.") from None
    except Exception as exc:  # an importer's slip on odd bytes must still end in one clear sentence
        raise InterchangeError(f"{path.name}: berkas {kind_name(path)} ini rusak atau isinya tidak dikenali, "
                               "jadi tidak dapat diimpor.") from exc
    if not isinstance(result, ImportResult):
        raise InterchangeError(f"{path.name}: pembaca berkas {kind_name(path)} tidak memberi hasil.")
    settle_ids(path, result.sops)
    return result


def _importer_for(path: Path) -> Callable[[Path], ImportResult]:
    suffix = path.suffix.lower()
    spec = IMPORTERS.get(suffix)
    if spec is None:
        shown = path.suffix or "(tanpa ekstensi)"
        known = ", ".join(sorted(IMPORTERS))
        raise UnsupportedFile(f"{path}: jenis berkas {shown} tidak dapat diimpor; yang dapat diimpor: {known}.")
    module_name, _, function_name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise UnsupportedFile(f"{path.name}: impor berkas {kind_name(path)} belum tersedia di SOP Desk versi "
                                  "ini.") from None
        raise UnsupportedFile(f"{path.name}: impor berkas {kind_name(path)} memerlukan paket Python "
                              f"\"{exc.name}\" yang belum terpasang; pasang ulang SOP Desk.") from None
    except ImportError:
        raise UnsupportedFile(f"{path.name}: pembaca berkas {kind_name(path)} tidak dapat dimuat; pasang ulang "
                              "SOP Desk.") from None
    reader = getattr(module, function_name, None)
    if reader is None:
        raise UnsupportedFile(f"{path.name}: impor berkas {kind_name(path)} belum tersedia di SOP Desk versi ini.")
    return reader


def import_json(path: Path) -> ImportResult:
    """A sop-fixture/1 or sopdesk/1 file as one SOP; what reading had to correct goes under "guessed"."""
    from ..interchange import read_sop_json

    notes: list[str] = []
    sop = read_sop_json(path, notes)
    report = ImportReport()
    report.read.append(f"Berkas JSON dibaca utuh: {_counts(sop)}.")
    report.guessed.extend(notes)
    return ImportResult([(sop, report)])


def settle_ids(path: Path, sops: list[tuple[Sop, ImportReport]]) -> None:
    """Keep the ids the file carries (SOP Desk's own JSON, Word and Excel files); give the others ids made
    from the file's bytes, so the same file imported twice gives the same SOPs (hand-made sheets, PDFs and
    sop-fixture/1 files carry none; their importer makes one up)."""
    try:
        content = read_regular_file(path, MAX_HASH_BYTES)
    except OSError:
        return  # read a moment ago; if it is gone now, the importer's ids will do
    carried = _ids_in(content, {sop.id for sop, _ in sops})
    digest = hashlib.sha256(content).digest()
    for index, (sop, _report) in enumerate(sops):
        if sop.id not in carried:
            sop.id = hashlib.sha256(digest + index.to_bytes(4, "big")).hexdigest()[:32]


def _ids_in(content: bytes, ids: set[str]) -> set[str]:
    """The ids that appear in the file itself (inside the zip parts of an Office file)."""
    wanted = {i for i in ids if i}
    found = {i for i in wanted if i.encode("utf-8", "surrogatepass") in content}
    if found == wanted or not content.startswith(b"PK"):
        return found
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            budget = MAX_SEARCH_BYTES
            for info in archive.infolist():
                if info.file_size > budget or not info.filename.endswith((".xml", ".json", ".rels")):
                    continue
                budget -= info.file_size
                data = archive.read(info)
                found |= {i for i in wanted - found if i.encode("utf-8", "surrogatepass") in data}
                if found == wanted:
                    break
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        pass  # the importer read it; whatever cannot be searched here keeps a made-up id
    return found


# ---- what came in, in one line ------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The counts a summary shows for one imported SOP."""

    steps: int
    actors: int
    decisions: int
    guessed: int
    unread: int

    @classmethod
    def of(cls, sop: Sop, report: ImportReport) -> Tally:
        decisions = sum(1 for step in sop.steps if step.symbol is Symbol.DECISION)
        return cls(len(sop.steps), len(sop.actors), decisions, len(report.guessed), len(report.unread))


def _counts(sop: Sop) -> str:
    tally = Tally.of(sop, ImportReport())
    return f"{tally.steps} langkah, {tally.actors} pelaksana, {tally.decisions} keputusan"


def summary_line(sop: Sop, report: ImportReport) -> str:
    """"Dibaca: 13 langkah, 4 pelaksana, 2 keputusan; 1 tebakan, 0 tidak terbaca"."""
    tally = Tally.of(sop, report)
    return (f"Dibaca: {tally.steps} langkah, {tally.actors} pelaksana, {tally.decisions} keputusan; "
            f"{tally.guessed} tebakan, {tally.unread} tidak terbaca")


def found_without_steps(sop: Sop, report: ImportReport) -> str:
    """What an import that recovered no step did find, for the message that says it is not a success."""
    ident = sop.identity
    parts = []
    if ident.nama:
        parts.append(f"Nama SOP \"{ident.nama}\"")
    if ident.nomor:
        parts.append(f"Nomor SOP \"{ident.nomor}\"")
    parts.append(f"{len(sop.actors)} pelaksana")
    boxes = sum(1 for box in LIST_BOXES if getattr(ident, box))
    if boxes:
        parts.append(f"{boxes} kotak identitas terisi")
    if report.unread:
        parts.append(f"{len(report.unread)} bagian tidak terbaca")
    return ", ".join(parts)


__all__ = ["IMPORTERS", "ImportReport", "ImportResult", "Tally", "UnsupportedFile", "found_without_steps",
           "import_any", "import_json", "kind_name", "os_error_sentence", "settle_ids", "summary_line", "supported"]

"""Excel import: checks a workbook is safe to read, then gets each SOP from SOP Desk's own data or from the sheets.

Two routes, one result type:

- A workbook SOP Desk exported carries the SOP itself in a veryHidden sheet (see
  sopdesk.exporters.xlsx.SOP_SHEET). That copy is exact (ids, decisions, page settings),
  so it is used, and the visible cells are only compared with it: people edit an exported
  sheet in Excel, and a text they changed there must not be lost. Where a cell says
  something else than the copy, the cell wins and the report names the cell. Shapes are
  not compared: moving a box in Excel is layout, not content. When the steps or actors
  were added or removed in Excel the copy no longer describes the sheet, so the sheet
  is read as a hand-made one and the report says why.
- Any other workbook is read the way a person reads the paper form: identity labels and
  their values, the flowchart header wherever it is, step rows, and the shapes drawn over
  them (see xlsx_cells, xlsx_identity, xlsx_shapes, xlsx_flow).

Every failure is an XlsxImportError with one Indonesian sentence; nothing else escapes.
"""
from __future__ import annotations

import io
import json
import posixpath
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..atomic import FileTooLarge, NotRegularFile, read_regular_file
from ..exporters.xlsx import SOP_SHEET, SOP_SHEET_TAG
from ..interchange import InterchangeError, sop_from_native, tidy_loaded
from ..model import Sop
from ..sanity import logo_problem
from . import ImportReport, ImportResult
from .xlsx_build import Built, SheetRead, build_sops, reconcile
from .xlsx_cells import Grid, find_tables, read_values, scan_sheet
from .xlsx_identity import find_identity_blocks, label_rows
from .xlsx_shapes import read_drawing

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_RATIO = 200
"""Compression ratio above which a large entry is treated as a zip bomb. Zip bombs reach the
thousands; the SOP workbooks built for the tests stay under 25 (Excel, openpyxl, LibreOffice)."""
RATIO_FLOOR_BYTES = 2 * 1024 * 1024
MAX_PART_BYTES = 20 * 1024 * 1024
"""Largest single part read into memory (a sheet or drawing); an SOP form is well under 1 MB."""

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = _REL_NS + "/officeDocument"


class XlsxImportError(InterchangeError):
    """A workbook that cannot be imported; the message is one Indonesian sentence naming the file."""


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


@dataclass
class SheetInfo:
    name: str
    state: str
    part: str
    index: int


@dataclass
class Package:
    """The opened workbook: the zip, the sheets in tab order and openpyxl's read-only view of the values."""

    name: str
    zip: zipfile.ZipFile
    sheets: list[SheetInfo]
    workbook: object = None
    notes: ImportReport = field(default_factory=ImportReport)

    def read(self, part: str) -> bytes:
        info = self.zip.getinfo(part)
        if info.file_size > MAX_PART_BYTES:
            raise XlsxImportError(f"{self.name}: bagian {part} terlalu besar ({info.file_size // 2**20} MB) untuk "
                                  "lembar SOP.")
        return self.zip.read(info)

    def rels(self, part: str) -> dict[str, str]:
        """Relationship id -> target part of `part`, resolved to a path inside the zip."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if rels_part not in self.zip.NameToInfo:
            return {}
        targets = {}
        for rel in _parse(self.read(rels_part)).iter(_PKG_REL):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            targets[rel.get("Id", "")] = path
        return targets


def import_xlsx(path: Path) -> ImportResult:
    """Every SOP in the workbook at `path`, each with its report; XlsxImportError for anything unusable."""
    path = Path(path)
    try:
        return _import(path)
    except XlsxImportError:
        raise
    except MemoryError:
        raise XlsxImportError(f"{path.name}: berkas terlalu besar untuk dibaca.") from None
    except Exception as exc:  # odd bytes deep inside openpyxl or lxml still end in one clear sentence
        raise XlsxImportError(f"{path.name}: berkas rusak atau bukan buku kerja Excel yang dapat dibaca "
                              f"({type(exc).__name__}).") from exc


def read_sop_xlsx(path: Path, notes: list[str] | None = None) -> Sop:
    """The first SOP of a workbook, for the command line's READERS; `notes` receives what its report guessed or
    could not read."""
    sop, report = import_xlsx(path).sops[0]
    if notes is not None:
        notes.extend(report.guessed + report.unread)
    return sop


def _read_bytes(path: Path) -> bytes:
    try:
        # Opened without blocking and checked on the descriptor: a pipe or a device never hangs the import.
        return read_regular_file(path, MAX_FILE_BYTES)
    except NotRegularFile:
        raise XlsxImportError(f"{path.name}: bukan berkas Excel (folder, pipa atau perangkat).") from None
    except FileTooLarge as exc:
        raise XlsxImportError(f"{path.name}: berkas terlalu besar ({exc.size // 2**20} MB); lembar SOP biasanya "
                              "jauh di bawah 1 MB.") from None
    except FileNotFoundError:
        raise XlsxImportError(f"{path}: berkas tidak ditemukan.") from None
    except PermissionError:
        raise XlsxImportError(f"{path.name}: berkas tidak dapat dibuka; mungkin sedang dibuka di Excel atau program "
                              "lain. Tutup dulu, lalu coba lagi.") from None
    except OSError as exc:
        raise XlsxImportError(f"{path.name}: berkas tidak dapat dibaca ({exc.strerror or exc}).") from None


def _check_signature(name: str, data: bytes) -> None:
    if not data:
        raise XlsxImportError(f"{name}: berkas kosong (0 byte).")
    if data.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise XlsxImportError(f"{name}: buku kerja ini dilindungi kata sandi. Buka di Excel, hapus kata sandinya "
                                  "(File > Info > Lindungi Buku Kerja), simpan, lalu impor lagi.")
        if "WordDocument".encode("utf-16-le") in data:
            raise XlsxImportError(f"{name}: ini dokumen Word lama (.doc), bukan buku kerja Excel.")
        raise XlsxImportError(f"{name}: ini buku kerja Excel lama (.xls). Buka di Excel atau LibreOffice Calc lalu "
                              "simpan sebagai .xlsx, atau ubah dengan: soffice --headless --convert-to xlsx "
                              f"\"{name}\".")
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        head = data[:512].lstrip().lower()
        hint = ""
        if head.startswith((b"<?xml", b"<html", b"<!doctype", b"<table")):
            hint = " Isinya HTML/XML; buka di Excel lalu simpan sebagai .xlsx."
        elif head.startswith(b"%pdf"):
            hint = " Isinya PDF."
        raise XlsxImportError(f"{name}: bukan berkas Excel .xlsx.{hint}")


def _open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise XlsxImportError(f"{name}: berkas rusak (arsip .xlsx tidak utuh).") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise XlsxImportError(f"{name}: berkas berisi {len(infos)} bagian; terlalu banyak untuk buku kerja SOP.")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO):
            raise XlsxImportError(f"{name}: isi berkas mengembang terlalu besar saat dibuka (lebih dari "
                                  f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB atau rasio kompresi tidak wajar); berkas "
                                  "ini tidak dibaca demi keamanan.")
    return archive


def _open_package(name: str, data: bytes) -> Package:
    archive = _open_zip(name, data)
    names = set(archive.NameToInfo)
    if "word/document.xml" in names:
        raise XlsxImportError(f"{name}: ini dokumen Word (.docx) yang diberi nama lain, bukan buku kerja Excel.")
    if "ppt/presentation.xml" in names:
        raise XlsxImportError(f"{name}: ini presentasi PowerPoint, bukan buku kerja Excel.")
    if "mimetype" in names and b"opendocument" in archive.open("mimetype").read(100):
        raise XlsxImportError(f"{name}: ini berkas OpenDocument (.ods). Buka di LibreOffice Calc lalu simpan sebagai "
                              ".xlsx.")
    if "xl/workbook.bin" in names:
        raise XlsxImportError(f"{name}: ini buku kerja biner Excel (.xlsb). Simpan ulang sebagai .xlsx.")
    package = Package(name=name, zip=archive, sheets=[])
    workbook_part = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in _parse(package.read("_rels/.rels")).iter(_PKG_REL):
            target = (rel.get("Target") or "").lstrip("/")
            if rel.get("Type") == _OFFICE_DOCUMENT and target in names:
                workbook_part = target
    if workbook_part not in names:
        raise XlsxImportError(f"{name}: bukan buku kerja Excel (.xlsx): bagian workbook tidak ada.")
    root = _parse(package.read(workbook_part))
    if root.tag.startswith(f"{{{_STRICT_NS}}}"):
        raise XlsxImportError(f"{name}: format \"Strict Open XML\" tidak didukung. Simpan ulang di Excel sebagai "
                              "\"Buku Kerja Excel (.xlsx)\".")
    targets = package.rels(workbook_part)
    for index, sheet in enumerate(root.iter(f"{{{_MAIN_NS}}}sheet")):
        part = targets.get(sheet.get(f"{{{_REL_NS}}}id", ""), "")
        package.sheets.append(SheetInfo(sheet.get("name", f"Sheet{index + 1}"), sheet.get("state") or "visible",
                                        part, index))
    return package


def _load_values(package: Package, data: bytes) -> None:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about every extension it skips (data validation, slicers ...); none matter here.
        warnings.simplefilter("ignore")
        package.workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)


def _native_sop(package: Package, report: ImportReport) -> Sop | None:
    """The SOP SOP Desk stored in its hidden sheet, or None (with a report line when it is there but unusable)."""
    if not any(s.name == SOP_SHEET for s in package.sheets) or SOP_SHEET not in package.workbook.sheetnames:
        return None
    pieces: list[str] = []
    tag_seen = False
    for (value,) in package.workbook[SOP_SHEET].iter_rows(min_col=1, max_col=1, max_row=5000, values_only=True):
        if not tag_seen:
            tag_seen = value == SOP_SHEET_TAG
            if not tag_seen:
                break
            continue
        if value is None:
            break
        pieces.append(str(value))
    if not tag_seen:
        report.unread.append(f"Lembar tersembunyi {SOP_SHEET} bukan buatan SOP Desk versi ini; lembar dibaca seperti "
                             "buatan tangan.")
        return None
    try:
        data = json.loads("".join(pieces))
    except ValueError:
        reason = "bukan JSON yang utuh"
    else:
        try:
            sop = sop_from_native(data)
            # Tidied before it is compared with the cells: the comparison exports it once more.
            report.guessed.extend(tidy_loaded(sop))
            return sop
        except InterchangeError as exc:
            reason = str(exc)[:120]
        except Exception:  # a hand-edited copy can hold any type anywhere; the cells are still there
            reason = "isinya tidak berbentuk SOP"
    report.unread.append(f"Data SOP Desk di lembar tersembunyi {SOP_SHEET} rusak ({reason}); lembar dibaca seperti "
                         "buatan tangan.")
    return None


def _sheets_to_read(package: Package) -> list[SheetInfo]:
    content = [s for s in package.sheets if s.name != SOP_SHEET and s.part in package.zip.NameToInfo]
    visible = [s for s in content if s.state == "visible"]
    for s in content:
        if s.state != "visible" and visible:
            package.notes.unread.append(f"Lembar tersembunyi \"{s.name}\" tidak dibaca.")
    if not visible and content:
        package.notes.guessed.append("Semua lembar tersembunyi; lembar tersembunyi ikut dibaca.")
    return visible or content


def _read_sheet(package: Package, info: SheetInfo) -> SheetRead:
    with package.zip.open(info.part) as stream:
        meta = scan_sheet(stream)
    grid = Grid(info.name, meta, read_values(package.workbook[info.name]))
    report = ImportReport()
    tables = find_tables(grid, report, label_rows(grid))
    blocks = find_identity_blocks(grid, tables)
    shapes = []
    images: dict[str, tuple[bytes, str]] = {}
    sheet_rels = package.rels(info.part)
    for rel_id in meta.drawing_ids:
        drawing_part = sheet_rels.get(rel_id)
        if not drawing_part or drawing_part not in package.zip.NameToInfo:
            continue
        found = read_drawing(package.read(drawing_part), grid, _parse)
        drawing_rels = package.rels(drawing_part)
        for shape in found:
            if shape.kind == "picture" and shape.image_rel in drawing_rels:
                target = drawing_rels[shape.image_rel]
                if target in package.zip.NameToInfo:
                    images[f"{drawing_part}#{shape.image_rel}"] = (package.read(target), target)
                    shape.image_rel = f"{drawing_part}#{shape.image_rel}"
        shapes.extend(found)
    return SheetRead(info.index, grid, tables, blocks, shapes, images, report)


def _import(path: Path) -> ImportResult:
    data = _read_bytes(path)
    _check_signature(path.name, data)
    native_report = ImportReport()
    package, native, sheets = _read_package(path.name, data, native_report)
    built = build_sops(sheets, path.name)
    if native is not None:
        cells = built
        built = reconcile(native, cells, path.name)
        if any(_EDITED in line for line in built[0].report.guessed):
            # Only when the cells seem to differ is the yardstick worth a second export (see _baseline).
            built = reconcile(native, cells, path.name, _baseline(native, path.name))
    elif not built:
        raise XlsxImportError(f"{path.name}: tidak ada SOP yang ditemukan: tidak ada tabel flowchart (kolom No, "
                              "Kegiatan, Pelaksana) maupun label identitas (Nomor SOP, Nama SOP).")
    for item in built:
        item.report.unread[:0] = package.notes.unread + native_report.unread
        item.report.guessed[:0] = package.notes.guessed + native_report.guessed
        item.report.guessed.extend(tidy_loaded(item.sop))
        problem = logo_problem(item.sop.identity.logo)
        if problem:
            item.report.unread.append(f"{problem[:-1]} (data logo tetap disimpan).")
    return ImportResult(sops=[(item.sop, item.report) for item in built])


_EDITED = "diubah di Excel"
"""Part of the report line reconcile() writes for each value edited in Excel."""


def _read_package(name: str, data: bytes, native_report: ImportReport | None) -> tuple[Package, Sop | None,
                                                                                          list[SheetRead]]:
    """The opened package, the stored SOP (when asked for and usable) and every sheet to read."""
    package = _open_package(name, data)
    _load_values(package, data)
    try:
        native = _native_sop(package, native_report) if native_report is not None else None
        sheets = [_read_sheet(package, info) for info in _sheets_to_read(package)]
    finally:
        package.workbook.close()
    return package, native, sheets


def _baseline(native: Sop, name: str) -> Built | None:
    """What the cells of a fresh export of the stored SOP read as: the yardstick for telling edits made in Excel.

    Reading the cells tidies some values (a list item loses its line breaks and padding, a "-"
    item reads as nothing);
    comparing like with like means an untouched value is never mistaken for an edit. None when
    the stored SOP cannot be exported again; the caller then compares with the stored values.
    """
    from ..exporters.xlsx import xlsx_bytes
    from ..layout import estimate_measure, layout

    try:
        _package, _native, sheets = _read_package(name, xlsx_bytes(layout(native, estimate_measure), native), None)
        built = build_sops(sheets, name)
    except Exception:  # the yardstick is a refinement; without it the import still works
        return None
    return built[0] if built else None

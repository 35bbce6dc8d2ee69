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

import contextvars
import io
import json
import posixpath
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..exporters.xlsx import SOP_SHEET, SOP_SHEET_TAG
from ..interchange import InterchangeError, sop_from_native, tidy_loaded
from ..model import Sop
from ..sanity import logo_problem
from . import ImportReport, ImportResult
from .common import OLE_MAGIC, ZIP_MAGICS, guarded_import, is_encrypted_office, open_zip, read_input
from .xlsx_build import MAX_SOPS, Built, SheetRead, TooManySops, build_sops, reconcile
from .xlsx_cells import Grid, TooManyCells, find_tables, read_values, scan_sheet
from .xlsx_identity import find_identity_blocks, label_rows
from .xlsx_shapes import MAX_SHAPES, read_drawing

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_RATIO = 200
"""Compression ratio above which a large entry is treated as a zip bomb. Zip bombs reach the
thousands; the SOP workbooks built for the tests stay under 25 (Excel, openpyxl, LibreOffice)."""
RATIO_FLOOR_BYTES = 2 * 1024 * 1024
MAX_SHEETS = 250
"""Sheets read per workbook; an archive workbook of many SOPs holds a few dozen."""
MAX_DEFINED_NAMES = 20_000
"""Defined names allowed in workbook.xml (SOP Desk reads none of them; an SOP workbook has a handful)."""
MAX_TEXT_CHARS = 32_767
"""Longest text or attribute in workbook.xml: Excel's own limit for a cell's text."""
MAX_NATIVE_CHARS = 8_000_000
"""Largest SOP Desk copy read from the hidden sheet; a 300-step SOP with a logo is well under 1 million."""
MAX_STRINGS = 300_000
"""Entries of the shared string table; a workbook of many SOPs has a few thousand."""
MAX_STYLES_BYTES = 16 * 1024 * 1024
MAX_CELL_STYLES = 70_000
"""Excel itself allows 64,000 cell formats."""
MAX_BASELINE_STEPS = 400
"""Largest stored SOP exported again to tell edits made in Excel (see _baseline)."""
MAX_FILLED_CELLS = 60_000
"""Filled cells read over the whole workbook; a two-sheet SOP has a few hundred, a 300-step one about 5,000."""
MAX_CELLS = 500_000
"""Cells at all (empty formatted ones too) read over the whole workbook."""
MAX_WORKBOOK_XML_BYTES = 8 * 1024 * 1024
MAX_WORKBOOK_ELEMENTS = 100_000
MAX_PART_BYTES = 20 * 1024 * 1024
"""Largest single part read into memory (a sheet or drawing); an SOP form is well under 1 MB."""

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
    replaced: dict[str, bytes] = field(default_factory=dict)  # parts openpyxl reads in a checked, trimmed form
    date_styles: tuple[set[int], set[int]] | None = None  # cell styles showing dates, and durations
    duplicates: int = 0
    cells: int = 0  # cells met so far over the sheets read
    filled: int = 0  # of those, the ones holding something

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

    def damaged() -> str:
        where = _STAGE.get()
        return (f"{path.name}: berkas rusak{f' di {where}' if where else ''} atau bukan buku kerja Excel yang dapat "
                "dibaca; buka di Excel atau LibreOffice Calc, simpan ulang sebagai .xlsx, lalu impor lagi.")

    try:
        return guarded_import(path, XlsxImportError, _import, damaged)
    finally:
        _STAGE.set("")


_STAGE: contextvars.ContextVar[str] = contextvars.ContextVar("xlsx_import_stage", default="")
"""The part being read, named in the sentence for a failure nobody foresaw ("lembar \"Flowchart\"")."""


def read_sop_xlsx(path: Path, notes: list[str] | None = None) -> Sop:
    """The first SOP of a workbook, for the command line's READERS; `notes` receives what its report guessed or
    could not read."""
    sop, report = import_xlsx(path).sops[0]
    if notes is not None:
        notes.extend(report.guessed + report.unread)
    return sop


def _read_bytes(path: Path) -> bytes:
    return read_input(path, MAX_FILE_BYTES, XlsxImportError, kind="Excel", program="Excel",
                      too_large="; lembar SOP biasanya jauh di bawah 1 MB.")


def _check_signature(name: str, data: bytes) -> None:
    if not data:
        raise XlsxImportError(f"{name}: berkas kosong (0 byte).")
    if data.startswith(OLE_MAGIC):
        if is_encrypted_office(data):
            raise XlsxImportError(f"{name}: buku kerja ini dilindungi kata sandi. Buka di Excel, hapus kata sandinya "
                                  "(File > Info > Lindungi Buku Kerja), simpan, lalu impor lagi.")
        if "WordDocument".encode("utf-16-le") in data:
            raise XlsxImportError(f"{name}: ini dokumen Word lama (.doc), bukan buku kerja Excel.")
        raise XlsxImportError(f"{name}: ini buku kerja Excel lama (.xls). Buka di Excel atau LibreOffice Calc lalu "
                              "simpan sebagai .xlsx, atau ubah dengan: soffice --headless --convert-to xlsx "
                              f"\"{name}\".")
    if not data.startswith(ZIP_MAGICS):
        head = data[:512].lstrip().lower()
        hint = ""
        if head.startswith((b"<?xml", b"<html", b"<!doctype", b"<table")):
            hint = " Isinya HTML/XML; buka di Excel lalu simpan sebagai .xlsx."
        elif head.startswith(b"%pdf"):
            hint = " Isinya PDF."
        raise XlsxImportError(f"{name}: bukan berkas Excel .xlsx.{hint}")


def _open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    archive = open_zip(name, data, XlsxImportError, ext=".xlsx", holds="buku kerja SOP", max_entries=MAX_ENTRIES)
    total = 0
    for info in archive.infolist():
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
    info = archive.getinfo(workbook_part)
    if info.file_size > MAX_WORKBOOK_XML_BYTES:
        raise XlsxImportError(f"{name}: bagian daftar lembar (workbook.xml) berukuran {info.file_size // 1024} KB; "
                              "buku kerja SOP biasanya hanya beberapa KB, jadi berkas ini tidak dibaca.")
    root = _parse_part(name, package.read(workbook_part), "daftar lembar (workbook.xml)")
    if root.tag.startswith(f"{{{_STRICT_NS}}}"):
        raise XlsxImportError(f"{name}: format \"Strict Open XML\" tidak didukung. Simpan ulang di Excel sebagai "
                              "\"Buku Kerja Excel (.xlsx)\".")
    if root.tag != f"{{{_MAIN_NS}}}workbook":
        raise XlsxImportError(f"{name}: bagian daftar lembar (workbook.xml) bukan daftar lembar Excel; berkas rusak.")
    _check_workbook_xml(name, root)
    targets = package.rels(workbook_part)
    seen_parts: set[str] = set()
    seen_names: set[str] = set()
    sheets_parent = root.find(f"{{{_MAIN_NS}}}sheets")
    for sheet in list(root.iter(f"{{{_MAIN_NS}}}sheet")):
        part = targets.get(sheet.get(f"{{{_REL_NS}}}id", ""), "")
        sheet_name = sheet.get("name") or f"Sheet{len(package.sheets) + 1}"
        if not part or part not in archive.NameToInfo:
            # Listed but not in the file: openpyxl would refuse the whole workbook over it.
            package.notes.unread.append(f"Lembar \"{sheet_name[:60]}\" disebut di daftar lembar tetapi isinya tidak "
                                        "ada di berkas; dilewati.")
            if sheet.getparent() is not None:
                sheet.getparent().remove(sheet)
            continue
        if part in seen_parts or sheet_name.casefold() in seen_names:
            # The same sheet listed twice: read once (openpyxl is given the list without the copies too).
            package.duplicates += 1
            if sheet.getparent() is not None:
                sheet.getparent().remove(sheet)
            continue
        seen_parts.add(part)
        seen_names.add(sheet_name.casefold())
        package.sheets.append(SheetInfo(sheet_name, sheet.get("state") or "visible", part, len(package.sheets)))
    if len(package.sheets) > MAX_SHEETS:
        raise XlsxImportError(f"{name}: buku kerja berisi {len(package.sheets)} lembar; SOP Desk membaca paling "
                              f"banyak {MAX_SHEETS} lembar per berkas. Pisahkan SOP-nya ke beberapa berkas.")
    if package.duplicates:
        package.notes.unread.append(f"Daftar lembar menyebut lembar yang sama {package.duplicates} kali lagi; "
                                    "tiap lembar dibaca sekali.")
    # openpyxl gets the sheet list without what SOP Desk never reads: defined names (openpyxl matches print
    # titles with a pattern that slows down badly on long texts), external links, pivot caches.
    for tag in ("definedNames", "externalReferences", "pivotCaches", "extLst", "fileRecoveryPr"):
        for elem in root.findall(f"{{{_MAIN_NS}}}{tag}"):
            root.remove(elem)
    if sheets_parent is None:
        raise XlsxImportError(f"{name}: buku kerja tidak berisi daftar lembar; berkas rusak.")
    package.replaced[workbook_part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                     standalone=True)
    return package


def _parse_part(name: str, data: bytes, what: str) -> etree._Element:
    """A part parsed, or a sentence saying which part is not readable XML."""
    try:
        return _parse(data)
    except etree.XMLSyntaxError:
        raise XlsxImportError(f"{name}: bagian {what} bukan XML yang utuh; berkas rusak atau terpotong.") from None


def _check_workbook_xml(name: str, root: etree._Element) -> None:
    """Caps checked before openpyxl reads the workbook: defined names, text lengths, elements."""
    names = 0
    elements = 0
    for elem in root.iter():
        elements += 1
        if elements > MAX_WORKBOOK_ELEMENTS:
            raise XlsxImportError(f"{name}: daftar lembar (workbook.xml) berisi lebih dari "
                                  f"{MAX_WORKBOOK_ELEMENTS:,} unsur; bukan buku kerja SOP yang wajar."
                                  .replace(",", "."))
        if not isinstance(elem.tag, str):
            continue
        if elem.tag == f"{{{_MAIN_NS}}}definedName":
            names += 1
            if names > MAX_DEFINED_NAMES:
                raise XlsxImportError(f"{name}: buku kerja berisi lebih dari {MAX_DEFINED_NAMES:,} nama sel "
                                      "(defined names); bukan buku kerja SOP yang wajar.".replace(",", "."))
            continue  # removed before openpyxl reads the list
        longest = max([len(elem.text or "")] + [len(v) for v in elem.attrib.values()])
        if longest > MAX_TEXT_CHARS:
            raise XlsxImportError(f"{name}: daftar lembar (workbook.xml) memuat teks sepanjang {longest:,} karakter "
                                  f"di unsur <{etree.QName(elem).localname}>; berkas ini tidak dibaca demi "
                                  "keamanan.".replace(",", "."))


class _CheckedZip(zipfile.ZipFile):
    """The workbook's zip as openpyxl sees it: some parts replaced by their checked, trimmed form."""

    replaced: dict[str, bytes] = {}

    def read(self, name, pwd=None):  # noqa: ANN001, ANN201 - zipfile's own signature
        key = name.filename if isinstance(name, zipfile.ZipInfo) else name
        if key in self.replaced:
            return self.replaced[key]
        return super().read(name, pwd)

    def open(self, name, mode="r", pwd=None, **kwargs):  # noqa: ANN001, ANN201 - zipfile's own signature
        key = name.filename if isinstance(name, zipfile.ZipInfo) else name
        if mode == "r" and key in self.replaced:
            return io.BytesIO(self.replaced[key])
        return super().open(name, mode, pwd, **kwargs)


def _load_values(package: Package, data: bytes) -> None:
    from openpyxl.reader.excel import ExcelReader

    _STAGE.set("daftar lembar, gaya sel atau tabel teks")
    _trim_styles(package)
    strings = _read_strings(package)

    with warnings.catch_warnings():
        # openpyxl warns about every extension it skips (data validation, slicers ...); none matter here.
        warnings.simplefilter("ignore")
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        checked = _CheckedZip(io.BytesIO(data))
        checked.replaced = package.replaced
        reader.archive.close()
        reader.archive = checked
        reader.valid_files = checked.namelist()
        reader.read()
        package.workbook = reader.wb
        if strings is not None:
            # The sheets openpyxl made share the list it read (empty here): fill it in place.
            reader.shared_strings.extend(strings)
        if package.date_styles is not None:
            # openpyxl read a one-style stylesheet (see _trim_styles); these tell it which cells hold dates.
            reader.wb._date_formats, reader.wb._timedelta_formats = package.date_styles


_EMPTY_STRINGS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="' + _MAIN_NS.encode()
                  + b'" count="0" uniqueCount="0"/>')
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"


def _read_strings(package: Package) -> list[str] | None:
    """The shared string table, read here in one lxml pass (openpyxl takes ~15 us a string: a million short
    strings in a 4 MB file took 16 s); openpyxl is then given an empty table. None when there is none."""
    if "[Content_Types].xml" not in package.zip.NameToInfo:
        return None
    types = _parse_part(package.name, package.read("[Content_Types].xml"), "daftar jenis isi ([Content_Types].xml)")
    part = next(((o.get("PartName") or "").lstrip("/") for o in types.iter(_CONTENT_TYPES)
                 if (o.get("ContentType") or "").endswith(".sharedStrings+xml")), "")
    if not part or part not in package.zip.NameToInfo:
        return None
    if package.zip.getinfo(part).file_size > MAX_PART_BYTES:
        package.read(part)  # refuses with the part's size
    strings: list[str] = []
    si, t, r = f"{{{_MAIN_NS}}}si", f"{{{_MAIN_NS}}}t", f"{{{_MAIN_NS}}}r"
    try:
        with package.zip.open(part) as stream:
            for _, elem in etree.iterparse(stream, events=("end",), tag=si, resolve_entities=False, no_network=True,
                                           huge_tree=False):
                if len(strings) >= MAX_STRINGS:
                    raise XlsxImportError(f"{package.name}: tabel teks buku kerja berisi lebih dari {MAX_STRINGS:,} "
                                          "teks; bukan buku kerja SOP yang wajar.".replace(",", "."))
                # As openpyxl reads them: the plain text, then the text of each formatted run (phonetic guides left).
                pieces = [child.text or "" for child in elem if child.tag == t]
                pieces += [run.findtext(t) or "" for run in elem if run.tag == r]
                strings.append("".join(pieces).replace("x005F_", ""))
                elem.clear()
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
    except etree.XMLSyntaxError:
        raise XlsxImportError(f"{package.name}: tabel teks buku kerja (sharedStrings.xml) bukan XML yang utuh; berkas "
                              "rusak atau terpotong.") from None
    package.replaced[part] = _EMPTY_STRINGS
    return strings


_MINIMAL_STYLES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="'
                   + _MAIN_NS.encode() + b'"><fonts count="1"><font/></fonts><fills count="2"><fill><patternFill '
                   b'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders '
                   b'count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                   b'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                   b'borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
                   b'builtinId="0"/></cellStyles></styleSheet>')


def _trim_styles(package: Package) -> None:
    """The stylesheet openpyxl reads, cut down to one style; which cell styles are dates is worked out here.

    SOP Desk needs from the styles only which cells hold dates (and durations). openpyxl builds an
    object for every font, fill and cell format, about 0.1 ms each: the 64,000 formats a bloated
    old workbook carries would take seconds. The number formats are read here in one pass instead.
    """
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

    part = "xl/styles.xml"
    if part not in package.zip.NameToInfo:
        return
    if package.zip.getinfo(part).file_size > MAX_STYLES_BYTES:
        raise XlsxImportError(f"{package.name}: bagian gaya sel (styles.xml) berukuran "
                              f"{package.zip.getinfo(part).file_size // 2**20} MB; terlalu besar untuk buku kerja SOP.")
    root = _parse_part(package.name, package.read(part), "gaya sel (styles.xml)")
    custom: dict[int, str] = {}
    for fmt in root.iter(f"{{{_MAIN_NS}}}numFmt"):
        try:
            custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode") or ""
        except ValueError:
            continue
    dates: set[int] = set()
    durations: set[int] = set()
    cell_xfs = root.find(f"{{{_MAIN_NS}}}cellXfs")
    for index, xf in enumerate(cell_xfs.iterfind(f"{{{_MAIN_NS}}}xf") if cell_xfs is not None else ()):
        if index >= MAX_CELL_STYLES:
            raise XlsxImportError(f"{package.name}: buku kerja berisi lebih dari {MAX_CELL_STYLES:,} format sel; "
                                  "bukan buku kerja SOP yang wajar.".replace(",", "."))
        try:
            number = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        code = custom[number] if number in custom else builtin_format_code(number)
        if code and len(code) < 256:
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    package.date_styles = (dates, durations)
    package.replaced[part] = _MINIMAL_STYLES


def _native_sop(package: Package, report: ImportReport) -> Sop | None:
    """The SOP SOP Desk stored in its hidden sheet, or None (with a report line when it is there but unusable)."""
    if not any(s.name == SOP_SHEET for s in package.sheets) or SOP_SHEET not in package.workbook.sheetnames:
        return None
    pieces: list[str] = []
    size = 0
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
        size += len(pieces[-1])
        if size > MAX_NATIVE_CHARS:
            report.unread.append(f"Data SOP Desk di lembar tersembunyi {SOP_SHEET} lebih dari "
                                 f"{MAX_NATIVE_CHARS // 1_000_000} juta karakter; lembar dibaca seperti buatan tangan.")
            return None
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
    _STAGE.set(f"lembar \"{info.name[:40]}\"")
    if package.zip.getinfo(info.part).file_size > MAX_PART_BYTES:
        package.read(info.part)  # refuses with the part's size
    try:
        with package.zip.open(info.part) as stream:
            meta = scan_sheet(stream, (MAX_FILLED_CELLS - package.filled, MAX_CELLS - package.cells))
    except TooManyCells:
        raise XlsxImportError(f"{package.name}: buku kerja berisi lebih dari {MAX_FILLED_CELLS:,} sel berisi atau "
                              f"{MAX_CELLS:,} sel seluruhnya (sampai lembar \"{info.name[:40]}\"); terlalu banyak "
                              "untuk buku kerja SOP, berkas tidak dibaca.".replace(",", ".")) from None
    except etree.XMLSyntaxError:
        raise XlsxImportError(f"{package.name}: lembar \"{info.name[:40]}\" bukan XML yang utuh; berkas rusak atau "
                              "terpotong.") from None
    package.cells += meta.cells
    package.filled += meta.filled
    grid = Grid(info.name, meta, read_values(package.workbook[info.name], meta))
    report = ImportReport()
    tables = find_tables(grid, report, label_rows(grid))
    blocks = find_identity_blocks(grid, tables)
    shapes = []
    images: dict[str, tuple[bytes, str]] = {}
    sheet_rels = package.rels(info.part)
    drawing_parts = {sheet_rels.get(rel_id) for rel_id in meta.drawing_ids}
    for drawing_part in sorted(p for p in drawing_parts if p):
        if drawing_part not in package.zip.NameToInfo:
            continue
        _STAGE.set(f"gambar pada lembar \"{info.name[:40]}\"")
        found = read_drawing(package.read(drawing_part), grid, _parse)
        if len(found) + len(shapes) >= MAX_SHAPES:
            raise XlsxImportError(f"{package.name}: gambar pada lembar \"{info.name[:40]}\" berisi lebih dari "
                                  f"{MAX_SHAPES:,} bentuk; lembar SOP biasanya beberapa ratus, berkas tidak dibaca."
                                  .replace(",", "."))
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
    _STAGE.set("susunan lembar (tabel, bentuk dan panah)")
    try:
        built = build_sops(sheets, path.name)
    except TooManySops as exc:
        raise XlsxImportError(f"{path.name}: buku kerja berisi {exc.count:,} SOP; SOP Desk mengimpor paling banyak "
                              f"{MAX_SOPS} SOP dari satu berkas. Pisahkan ke beberapa berkas.".replace(",", ".")) \
            from None
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

    if len(native.steps) > MAX_BASELINE_STEPS:
        return None  # laying out thousands of steps again is slow; the stored values are compared instead

    try:
        _package, _native, sheets = _read_package(name, xlsx_bytes(layout(native, estimate_measure), native), None)
        built = build_sops(sheets, name)
    except Exception:  # the yardstick is a refinement; without it the import still works
        return None
    return built[0] if built else None

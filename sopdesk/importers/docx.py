"""Word import: SOP Desk's own .docx files come back exactly, from the SOP data the export stored inside them.

The export (sopdesk.exporters.docx_native) puts the SOP's sopdesk/1 JSON in a custom XML part
with a digest of the table text it was written with. Import reads that part, not the pages:
only SOP Desk's own Word files can be imported for now. When the digest no longer matches, the
text was edited in Word after export; the SOP as exported is imported and the report says that
those edits are not brought in (the app, not Word, is the editor of record).

Every failure is a DocxImportError with one Indonesian sentence naming the file; the file is
read whole within a size limit, each part is size-checked before it is inflated, and the XML
parser resolves no entities and loads no DTD.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from lxml import etree

from ..exporters.docx_native import NATIVE_FORMAT, NATIVE_NS, body_text_digest
from ..interchange import NATIVE_FORMAT as SOP_NATIVE_FORMAT
from ..interchange import InterchangeError, sop_from_data
from . import ImportReport, ImportResult
from .common import OLE_MAGIC, ZIP_MAGICS, guarded_import, is_encrypted_office, open_zip, read_input

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_PART_BYTES = 50 * 1024 * 1024
"""Largest part inflated: document.xml of a 300-step SOP is about 2 MB, the native part with a logo under 1 MB."""
MAX_CUSTOM_PARTS = 200
MAX_ITEMS = 5000
"""Most steps, actors or list items one SOP may hold here; real SOPs have tens. Reading the data costs
time that grows faster than its length, so far larger counts are refused before they are read."""
_W_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)

ONLY_OURS = ("untuk saat ini hanya dokumen Word buatan SOP Desk (hasil Ekspor Word) yang dapat diimpor; "
             "dokumen ini tidak memuat data SOP dari SOP Desk.")
EDITED_IN_WORD = ("Teks dokumen telah diubah di Word setelah diekspor dari SOP Desk; perubahan itu tidak ikut "
                  "diimpor. Yang diimpor adalah SOP seperti saat diekspor: ketik ulang perubahannya di SOP Desk.")


class DocxImportError(InterchangeError):
    """A Word file that cannot be imported; the message is one Indonesian sentence naming the file."""


def import_docx(path: Path) -> ImportResult:
    """The SOP stored in a .docx exported by SOP Desk, with its report; DocxImportError for anything else."""
    path = Path(path)
    return guarded_import(path, DocxImportError, _import,
                          lambda: f"{path.name}: berkas rusak atau bukan dokumen Word yang dapat dibaca.")


def read_sop_docx(path: Path, notes: list[str] | None = None):
    """The SOP of a Word file, for the command line; `notes` receives what the report guessed or could not read."""
    sop, report = import_docx(path).sops[0]
    if notes is not None:
        notes.extend(report.guessed + report.unread)
    return sop


def _import(path: Path) -> ImportResult:
    name = path.name
    data = _read_bytes(path)
    archive = _open_zip(name, data)
    root = _native_root(name, archive)
    sop = _native_sop(name, root)
    report = ImportReport()
    report.read.append("Data SOP yang disimpan SOP Desk di dalam dokumen Word dibaca utuh: identitas, pelaksana, "
                       f"{len(sop.steps)} langkah dan pengaturan halaman.")
    report.read.extend(sop.notes)
    body = None
    if "word/document.xml" in archive.NameToInfo:
        try:
            body = etree.fromstring(_read_part(name, archive, "word/document.xml"), _PARSER).find(_W_BODY)
        except etree.XMLSyntaxError:
            body = None
    if body is None:
        # The SOP data is whole; only the check for edits made in Word cannot be done.
        report.unread.append("Teks halaman dokumen (word/document.xml) tidak ada atau rusak, jadi tidak dapat "
                             "diperiksa apakah teksnya diubah di Word setelah diekspor; yang diimpor adalah SOP "
                             "seperti saat diekspor.")
    elif body_text_digest(body) != root.get("teks"):
        report.guessed.append(EDITED_IN_WORD)
    return ImportResult([(sop, report)])


def _read_bytes(path: Path) -> bytes:
    data = read_input(path, MAX_FILE_BYTES, DocxImportError, kind="Word", program="Word",
                      too_large=" untuk dokumen SOP.")
    if not data:
        raise DocxImportError(f"{path.name}: berkas kosong (0 byte).")
    if data.startswith(OLE_MAGIC):
        if is_encrypted_office(data):
            raise DocxImportError(f"{path.name}: dokumen ini dilindungi kata sandi; hapus kata sandinya di Word, "
                                  "simpan, lalu impor lagi.")
        raise DocxImportError(f"{path.name}: ini dokumen Word lama (.doc) atau berkas Office lama, bukan .docx; "
                              f"{ONLY_OURS}")
    if not data.startswith(ZIP_MAGICS):
        raise DocxImportError(f"{path.name}: bukan dokumen Word .docx.")
    return data


def _open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    archive = open_zip(name, data, DocxImportError, ext=".docx", holds="dokumen SOP", max_entries=MAX_ENTRIES)
    if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
        raise DocxImportError(f"{name}: isi berkas mengembang lebih dari {MAX_UNCOMPRESSED_BYTES // 2**20} MB saat "
                              "dibuka; berkas ini tidak dibaca demi keamanan.")
    names = set(archive.NameToInfo)
    if "word/document.xml" not in names:
        kind = ("buku kerja Excel" if "xl/workbook.xml" in names else
                "presentasi PowerPoint" if "ppt/presentation.xml" in names else "dokumen Word")
        raise DocxImportError(f"{name}: bukan dokumen Word .docx{'' if kind == 'dokumen Word' else f' (ini {kind})'}.")
    return archive


def _read_part(name: str, archive: zipfile.ZipFile, part: str) -> bytes:
    info = archive.getinfo(part)
    # The size in the directory is checked first, and the read is cut at it, so a part that lies
    # about its size cannot inflate past the limit either.
    if info.file_size > MAX_PART_BYTES:
        raise DocxImportError(f"{name}: bagian {part} terlalu besar ({info.file_size // 2**20} MB) untuk dokumen SOP.")
    with archive.open(info) as stream:
        data = stream.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise DocxImportError(f"{name}: bagian {part} terlalu besar untuk dokumen SOP.")
    return data


def _native_root(name: str, archive: zipfile.ZipFile) -> etree._Element:
    """The native part, found by its root element among the custom XML parts (readers may renumber them)."""
    candidates = [n for n in archive.NameToInfo if n.startswith("customXml/") and n.count("/") == 1
                  and n.endswith(".xml") and not n.startswith("customXml/itemProps")]
    for part in sorted(candidates)[:MAX_CUSTOM_PARTS]:
        data = _read_part(name, archive, part)
        if NATIVE_NS.encode() not in data[:4096]:
            continue
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError:
            raise DocxImportError(f"{name}: data SOP di dalam dokumen rusak (XML tidak utuh).") from None
        if root.tag == f"{{{NATIVE_NS}}}sopdesk":
            return root
    raise DocxImportError(f"{name}: {ONLY_OURS}")


def _native_sop(name: str, root: etree._Element):
    if root.get("format") != NATIVE_FORMAT:
        found = str(root.get("format"))[:40]
        raise DocxImportError(f"{name}: data SOP di dalam dokumen berformat \"{found}\", sedangkan versi SOP Desk ini "
                              f"membaca {NATIVE_FORMAT}; perbarui SOP Desk.")
    text = "".join(piece.text or "" for piece in root.iterchildren(f"{{{NATIVE_NS}}}sop"))
    try:
        data = json.loads(text)
    except RecursionError:
        raise DocxImportError(f"{name}: data SOP di dalam dokumen bersarang terlalu dalam; berkas ini bukan hasil "
                              "ekspor SOP Desk yang utuh.") from None
    except ValueError:
        raise DocxImportError(f"{name}: data SOP di dalam dokumen rusak (bukan JSON yang utuh).") from None
    if not isinstance(data, dict) or data.get("format") != SOP_NATIVE_FORMAT:
        raise DocxImportError(f"{name}: data SOP di dalam dokumen tidak berformat {SOP_NATIVE_FORMAT}.")
    lists = [data.get("steps"), data.get("actors")]
    identity = data.get("identity")
    if isinstance(identity, dict):
        lists.extend(identity.values())
    if any(isinstance(items, list) and len(items) > MAX_ITEMS for items in lists):
        raise DocxImportError(f"{name}: data SOP di dalam dokumen memuat lebih dari {MAX_ITEMS} langkah, pelaksana "
                              "atau butir; sebuah SOP tidak sebesar itu, jadi berkas ini tidak dibaca.")
    try:
        return sop_from_data(data)
    except InterchangeError as exc:
        raise DocxImportError(f"{name}: data SOP di dalam dokumen tidak dapat dibaca: {exc}") from None
    except RecursionError:
        raise DocxImportError(f"{name}: data SOP di dalam dokumen bersarang terlalu dalam.") from None
    except (TypeError, ValueError, KeyError, AttributeError):
        raise DocxImportError(f"{name}: data SOP di dalam dokumen tidak lengkap atau rusak.") from None

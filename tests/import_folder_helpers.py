"""Files for the import tests: an office's archive folder with good, broken and step-less files, nested."""
from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import Workbook

from sopdesk.interchange import read_sop_json
from sopdesk.outputs import write_xlsx

from .conftest import FIXTURES_DIR

ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"
RKT = FIXTURES_DIR / "001_71e1f31e4a04122a.json"
PK = FIXTURES_DIR / "000_dca99833c4e40ed1.json"

STEPLESS = str(Path("sub", "tanpa-langkah.xlsx"))
NESTED = str(Path("sub", "dalam", "c-pk.json"))
ARCHIVE_ORDER = ["a-peminjaman.json", "b-rkt.xlsx", "rusak.pdf", STEPLESS, NESTED]
"""The importable files of `make_archive` as the summary shows them (relative, with the system's separator), in
the order a run reads them: a folder's files, then its subfolders."""


def no_step_workbook(path: Path) -> Path:
    """An identity page with no flowchart table: the import finds the SOP's name but no step."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Identitas"
    for row, (label, value) in enumerate((("Nomor SOP", "OT.01/002"), ("Tanggal Pembuatan", "05/01/2026"),
                                          ("Nama SOP", "Pengarsipan Surat Keluar")), start=1):
        sheet.cell(row, 1, label)
        sheet.cell(row, 2, value)
    book.save(path)
    return path


def make_archive(root: Path) -> Path:
    """A folder as offices keep them: JSON and Excel SOPs, a broken PDF, a step-less sheet, a nested
    subfolder, plus files that are not SOPs (a text note, an Office lock file) which are not even tried."""
    (root / "sub" / "dalam").mkdir(parents=True)
    shutil.copy(ARSIP, root / "a-peminjaman.json")
    write_xlsx(read_sop_json(RKT), root / "b-rkt.xlsx")
    (root / "rusak.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    no_step_workbook(root / "sub" / "tanpa-langkah.xlsx")
    shutil.copy(PK, root / "sub" / "dalam" / "c-pk.json")
    (root / "catatan.txt").write_text("bukan SOP", encoding="utf-8")
    (root / "~$b-rkt.xlsx").write_bytes(b"\x00" * 162)  # what Excel leaves beside an open workbook
    return root

"""Libraries of SOPs for the Buku SOP tests, and reading a book PDF back page by page."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from sopdesk.interchange import sop_from_fixture
from sopdesk.model import Sop, Status
from sopdesk.storage import Library

from .conftest import FIXTURE_FILES

# (nomor, unit line, status): nomors whose natural order differs from their text order.
BOOK_SOPS = (
    ("SOP-10/BU/2024", "Biro Umum", Status.BERLAKU),
    ("SOP-2/BU/2024", "Biro Umum", Status.BERLAKU),
    ("SOP-1/BU/2024", "Biro Umum", Status.DRAF),
    ("SOP-3/PO/2024", "Biro Perencanaan", Status.BERLAKU),
    ("SOP-1/PO/2024", "Biro Perencanaan", Status.DICABUT),
)
NATURAL_ORDER = ["SOP-1/BU/2024", "SOP-1/PO/2024", "SOP-2/BU/2024", "SOP-3/PO/2024", "SOP-10/BU/2024"]


def book_sops() -> list[Sop]:
    """Five SOPs made from the shared fixtures (each a different shape), renumbered, with units and statuses."""
    sources = [sop_from_fixture(json.loads(path.read_text(encoding="utf-8"))) for path in FIXTURE_FILES]
    sops = []
    for index, (nomor, unit, status) in enumerate(BOOK_SOPS):
        sop = sources[index % len(sources)]
        sop = sop.clone() if index >= len(sources) else sop
        sop.id = f"buku{index}"
        sop.identity.nomor = nomor
        sop.identity.nama = f"Prosedur {nomor.split('/')[0]} {sop.identity.nama}"
        sop.identity.unit_lines = ["Sekretariat Jenderal", unit]
        sop.lifecycle.status = status
        sops.append(sop)
    return sops


def library_with(root: Path, sops: list[Sop]) -> Path:
    with Library.open(root) as library:
        for sop in sops:
            library.save(sop)
    return root


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def words_in_column(pdf: Path, page: int, left_mm: float, right_mm: float, bottom_mm: float) -> list[str]:
    """The words of one page whose left edge lies between left_mm and right_mm, above bottom_mm, top to bottom."""
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    found = []
    for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html):
        x_mm = float(match.group(1)) * 25.4 / 72
        y_mm = float(match.group(2)) * 25.4 / 72
        if left_mm <= x_mm < right_mm and y_mm < bottom_mm:
            found.append((y_mm, x_mm, match.group(3)))
    return [text for _, _, text in sorted(found)]

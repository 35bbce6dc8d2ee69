"""LibreOffice and poppler-utils for the render checks: office files printed to PDF by LibreOffice, a PDF
page read as grey pixels, ink looked for at a place in mm, and a PDF's text without white space."""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
"""LibreOffice's program, or None where it is not installed (the tests that need it skip)."""


def convert_to_pdf(files: Iterable[Path | str], outdir: Path, profile: Path) -> None:
    """Every file printed to PDF into `outdir` by LibreOffice in one run, with its own profile folder.

    A private profile is needed: LibreOffice runs that share one profile at the same time fail.
    """
    subprocess.run([SOFFICE, f"-env:UserInstallation={Path(profile).resolve().as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(outdir), *[str(f) for f in files]],
                   check=True, capture_output=True, timeout=300)


def gray_page(pdf: Path | str, page: int, dpi: int) -> tuple[int, int, bytes]:
    """One PDF page (1-based) as (width, height, 8-bit grey pixels row by row), from pdftoppm's PGM output."""
    data = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                          check=True, capture_output=True).stdout
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    return int(match.group(1)), int(match.group(2)), data[match.end():]


def dark_near(pixels: tuple[int, int, bytes], x_mm: float, y_mm: float, dpi: int, radius_mm: float = 0.5) -> bool:
    """Whether any pixel within `radius_mm` (a square) of the point in page mm is dark."""
    width, height, data = pixels
    scale = dpi / 25.4
    reach = max(1, round(radius_mm * scale))
    cx, cy = round(x_mm * scale), round(y_mm * scale)
    for y in range(max(cy - reach, 0), min(cy + reach + 1, height)):
        row = data[y * width:(y + 1) * width]
        if any(value < 128 for value in row[max(cx - reach, 0):cx + reach + 1]):
            return True
    return False


def squash(text: str) -> str:
    """The text without any white space, so that line breaks chosen by a renderer do not matter."""
    return re.sub(r"\s+", "", text)


def squashed_text(pdf: Path | str) -> str:
    """All the PDF's text in reading order (pdftotext -raw), without white space."""
    return squash(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True,
                                 text=True).stdout)

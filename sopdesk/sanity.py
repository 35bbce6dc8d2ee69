"""Printable values: the one rule for which margins and logos every writer can print (read, edit and write)."""
from __future__ import annotations

import math
import struct
import zlib
from functools import lru_cache

from .model import PAPER_SIZES_MM, Logo, PageSettings, format_number

DEFAULT_MARGIN_MM = 15.0
MIN_PRINTABLE_MM = 80.0
"""Width and height the margins must leave on the sheet. Below about 40 mm the flowchart's
columns collapse into each other and the Excel export cannot be built. 80 mm keeps every
margin of up to 60 mm (the range Preferensi offers) printable on the narrowest paper, A4
portrait; where the actor columns get too narrow, Masalah says so (actors-too-narrow)."""
MARGINS = (("margin_top", "atas"), ("margin_bottom", "bawah"), ("margin_left", "kiri"), ("margin_right", "kanan"))
MARGIN_NAMES = dict(MARGINS)
_OPPOSITE = {"margin_top": "margin_bottom", "margin_bottom": "margin_top", "margin_left": "margin_right",
             "margin_right": "margin_left"}


class UnprintableError(ValueError):
    """A value a writer cannot print; the message is Indonesian and names the field."""


def sheet_size_mm(page: PageSettings) -> tuple[float, float]:
    """(width, height) of the sheet as printed, orientation applied; unknown papers count as A4."""
    width, height = PAPER_SIZES_MM.get(page.paper, PAPER_SIZES_MM["A4"])
    if page.landscape:
        return max(width, height), min(width, height)
    return min(width, height), max(width, height)


def _number(value: object) -> float | None:
    """The margin as a finite, non-negative number of mm, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


def _describe(value: object) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "NaN (bukan angka)"
    if isinstance(value, float) and math.isinf(value):
        return "tak hingga"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{format_number(value)} mm"
    return f"\"{value}\" (bukan angka)"


def _extent(page: PageSettings, attr: str) -> float:
    width, height = sheet_size_mm(page)
    return width if attr in ("margin_left", "margin_right") else height


def margin_limit_mm(page: PageSettings, attr: str) -> float:
    """The largest value margin `attr` may take with the opposite margin as it is (the spin boxes' maximum)."""
    opposite = _number(getattr(page, _OPPOSITE[attr]))
    opposite = DEFAULT_MARGIN_MM if opposite is None else opposite
    return max(_extent(page, attr) - MIN_PRINTABLE_MM - opposite, 0.0)


def _corrections(page: PageSettings) -> list[tuple[str, float, str]]:
    """(attr, replacement, Indonesian note) for every margin that cannot be printed as it is."""
    found: list[tuple[str, float, str]] = []
    values = {attr: _number(getattr(page, attr)) for attr, _ in MARGINS}
    for attr, name in MARGINS:
        if values[attr] is None:
            found.append((attr, DEFAULT_MARGIN_MM, _note(name, getattr(page, attr), DEFAULT_MARGIN_MM)))
            values[attr] = DEFAULT_MARGIN_MM
    for first, second in (("margin_left", "margin_right"), ("margin_top", "margin_bottom")):
        room = _extent(page, first) - MIN_PRINTABLE_MM
        if values[first] + values[second] <= room:
            continue
        # The wider margins go back to the default; the default on both sides fits every paper.
        for attr in (first, second):
            if values[attr] > DEFAULT_MARGIN_MM:
                found.append((attr, DEFAULT_MARGIN_MM,
                              _note(MARGIN_NAMES[attr], getattr(page, attr), DEFAULT_MARGIN_MM)))
                values[attr] = DEFAULT_MARGIN_MM
    return found


def _note(name: str, value: object, replacement: float) -> str:
    return f"Margin {name} {_describe(value)} tidak dapat dicetak; diganti {format_number(replacement)} mm."


def page_problems(page: PageSettings) -> list[str]:
    """Indonesian notes for each margin that cannot be printed; empty when the page can be printed."""
    return [note for _attr, _value, note in _corrections(page)]


def fix_page(page: PageSettings) -> list[str]:
    """Correct in place the margins that cannot be printed; the notes say which, from what, to what."""
    corrections = _corrections(page)
    for attr, value, _note_text in corrections:
        setattr(page, attr, value)
    return [note for _attr, _value, note in corrections]


def margin_problems(page: PageSettings) -> list[tuple[str, str]]:
    """(attr, Indonesian message) for each margin that cannot be printed, without changing anything."""
    return [(attr, f"Margin {MARGIN_NAMES[attr]} {_describe(getattr(page, attr))} tidak dapat dicetak: bidang cetak "
                   f"harus tersisa minimal {format_number(MIN_PRINTABLE_MM)} mm. Perbaiki di tab Halaman.")
            for attr, _value, _note_text in _corrections(page)]


def check_page(page: PageSettings) -> None:
    """UnprintableError for the first margin a writer cannot print (values left after reading and editing)."""
    for _attr, message in margin_problems(page):
        raise UnprintableError(message)


# ---- logos -------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_INFLATE_STEP = 1 << 16


def logo_problem(logo: Logo | None) -> str | None:
    """Why the logo cannot be printed (Indonesian), or None when it decodes as PNG, JPEG or SVG."""
    if logo is None:
        return None
    # Every layout (so every keystroke's preview) asks; the answer for the same bytes never changes.
    return _image_problem(logo.data or b"", logo.extension.lower())


@lru_cache(maxsize=8)
def _image_problem(data: bytes, extension: str) -> str | None:
    if not data:
        return "Logo kosong (0 byte); logo tidak dicetak."
    if data.startswith(_PNG_SIGNATURE):
        ok = _png_decodes(data)
    elif data.startswith(b"\xff\xd8"):
        ok = _jpeg_complete(data)
    elif extension == "svg" or data.lstrip()[:1] == b"<":
        ok = _svg_parses(data)
    else:
        return "Logo bukan gambar PNG, JPEG atau SVG; logo tidak dicetak."
    return None if ok else "Gambar logo rusak atau terpotong dan tidak dapat dibaca; logo tidak dicetak."


def _png_decodes(data: bytes) -> bool:
    """Every chunk whole with a matching checksum, IHDR first, IEND last, and the image data inflating to its end."""
    pos = len(_PNG_SIGNATURE)
    inflater = zlib.decompressobj()
    seen_header = seen_data = False
    try:
        while pos + 12 <= len(data):
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            crc = data[pos + 8 + length:pos + 12 + length]
            if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
                return False
            if not seen_header:
                if kind != b"IHDR" or length != 13 or 0 in struct.unpack(">II", body[:8]):
                    return False
                seen_header = True
            elif kind == b"IDAT":
                seen_data = True
                # Inflate in bounded pieces, throwing the pixels away: a few bytes can inflate to gigabytes.
                chunk = inflater.decompress(body, _INFLATE_STEP)
                while chunk and inflater.unconsumed_tail:
                    chunk = inflater.decompress(inflater.unconsumed_tail, _INFLATE_STEP)
            elif kind == b"IEND":
                return seen_data and inflater.eof
            pos += 12 + length
    except (struct.error, zlib.error):
        return False
    return False


def _jpeg_complete(data: bytes) -> bool:
    """A frame header and the start of the picture data. A missing end marker is forgiven: Qt and Word
    show such a file, only its last rows may be grey."""
    scan = data.find(b"\xff\xda")
    frame = min((i for i in (data.find(m) for m in (b"\xff\xc0", b"\xff\xc1", b"\xff\xc2")) if i > 0), default=-1)
    return 0 < frame < scan and scan + 2 < len(data)


def _svg_parses(data: bytes) -> bool:
    from lxml import etree  # only for SVG logos: `sopdesk check` stays quick to start

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return False
    return isinstance(root.tag, str) and etree.QName(root).localname == "svg"


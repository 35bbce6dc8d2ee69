"""Crafted hostile workbooks, each well under 10 MB, for the import tests and bench/bench_import_hostile.py.

Each one starts from an ordinary hand-made SOP workbook (tests/xlsx_builders.py) and changes one
part the way mutation fuzzing and crafted files did: a very long text in workbook.xml, thousands
of duplicated elements, thousands of sheets, shapes or defined names. A reader that handles them
in a time that grows faster than the file (a pass per sheet over every sheet, a search over every
shape for every line end) takes minutes on them.
"""
from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable

from sopdesk.interchange import sop_from_fixture

from .conftest import load_fixture
from .xlsx_builders import EMU_MM, Style, build_workbook

SHEET_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_BASE: dict[str, bytes] = {}


def base_workbook() -> bytes:
    """An ordinary two-sheet SOP workbook (Identitas, Flowchart with a drawing)."""
    if "book" not in _BASE:
        _BASE["book"] = build_workbook(sop_from_fixture(load_fixture("contoh-peminjaman-arsip")), Style())
    return _BASE["book"]


def rewrite(data: bytes, changes: dict[str, Callable[[bytes], bytes] | bytes | None]) -> bytes:
    """The zip with some parts changed (a function of the old bytes, new bytes, or None to drop); new names
    are added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            change = changes.get(info.filename, info.filename)
            if change is None:
                continue
            content = source.read(info)
            if callable(change):
                content = change(content)
            elif isinstance(change, bytes):
                content = change
            target.writestr(info.filename, content)
        for name, change in changes.items():
            if name not in source.NameToInfo and isinstance(change, bytes):
                target.writestr(name, change)
    return out.getvalue()


def _noise(size: int, seed: int = 7) -> str:
    """Text that does not compress away (so the zip-bomb check does not refuse it first)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(letters) for _ in range(size))


def _in_workbook(insert_before: str, xml: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        return data.replace(insert_before.encode(), xml.encode() + insert_before.encode(), 1)
    return change


def long_defined_name() -> bytes:
    text = _noise(1_900_000)
    return rewrite(base_workbook(), {"xl/workbook.xml": lambda d: d.replace(
        b"<definedNames/>", f'<definedNames><definedName name="Panjang">{text}</definedName></definedNames>'.encode())})


def long_print_titles() -> bytes:
    """A print-titles name whose text matches no range: openpyxl's pattern for it is quadratic in the length."""
    text = "A" * 200_000
    return rewrite(base_workbook(), {"xl/workbook.xml": lambda d: d.replace(
        b"<definedNames/>", f'<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">{text}'
        "</definedName></definedNames>".encode())})


def long_sheet_name() -> bytes:
    name = _noise(1_500_000)
    return rewrite(base_workbook(), {"xl/workbook.xml": lambda d: d.replace(b'name="Identitas"',
                                                                             f'name="{name}"'.encode())})


def long_text_element() -> bytes:
    return rewrite(base_workbook(), {"xl/workbook.xml": _in_workbook(
        "<sheets>", f'<fileVersion appName="{_noise(1_800_000)}"/>')})


def duplicated_sheets(count: int = 5000) -> bytes:
    one = f'<sheet {SHEET_NS} name="Flowchart" sheetId="2" state="visible" r:id="rId2"/>'
    return rewrite(base_workbook(), {"xl/workbook.xml": lambda d: d.replace(b"</sheets>",
                                                                             (one * count).encode() + b"</sheets>")})


def duplicated_drawings(count: int = 5000) -> bytes:
    tag = f'<drawing {SHEET_NS} r:id="rIdDrawing1"/>' * count

    def change(data: bytes) -> bytes:
        return re.sub(rb"<drawing [^>]*/>", tag.encode(), data, count=1)
    return rewrite(base_workbook(), {"xl/worksheets/sheet2.xml": change})


def duplicated_merges(count: int = 5000) -> bytes:
    merges = "".join('<mergeCell ref="A1:CB3000"/>' for _ in range(count))

    def change(data: bytes) -> bytes:
        data = re.sub(rb"<mergeCells[^>]*>.*?</mergeCells>", b"", data)
        return data.replace(b"<pageMargins", f'<mergeCells count="{count}">{merges}</mergeCells><pageMargins'
                            .encode(), 1)
    return rewrite(base_workbook(), {"xl/worksheets/sheet1.xml": change})


def duplicated_styles(count: int = 5000) -> bytes:
    def change(data: bytes) -> bytes:
        return re.sub(rb"(<cellXfs[^>]*>)", lambda m: m.group(1) + b'<xf numFmtId="0" fontId="0" fillId="0" '
                      b'borderId="0" xfId="0"/>' * count, data, count=1)
    return rewrite(base_workbook(), {"xl/styles.xml": change})


def duplicated_cells(count: int = 5000) -> bytes:
    def change(data: bytes) -> bytes:
        m = re.search(rb"<c r=\"B[0-9]+\"[^>]*>.*?</c>", data)
        return data.replace(m.group(0), m.group(0) * count, 1) if m else data
    return rewrite(base_workbook(), {"xl/worksheets/sheet2.xml": change})


def many_sheets(count: int = 2000) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(base_workbook()))
    identity = source.read("xl/worksheets/sheet1.xml")
    sheets = "".join(f'<sheet {SHEET_NS} name="L{n}" sheetId="{n + 10}" r:id="rX{n}"/>' for n in range(count))
    rels = "".join(f'<Relationship Id="rX{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="/xl/worksheets/x{n}.xml"/>' for n in range(count))
    types = "".join(f'<Override PartName="/xl/worksheets/x{n}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in range(count))
    changes: dict = {
        "xl/workbook.xml": lambda d: d.replace(b"</sheets>", sheets.encode() + b"</sheets>"),
        "xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", rels.encode() + b"</Relationships>"),
        "[Content_Types].xml": lambda d: d.replace(b"</Types>", types.encode() + b"</Types>"),
    }
    for n in range(count):
        changes[f"xl/worksheets/x{n}.xml"] = identity
    return rewrite(base_workbook(), changes)


def many_shapes(count: int = 5000) -> bytes:
    """Symbols in the flowchart's step rows and as many loose lines between them, each its own anchor."""
    anchors = []
    for n in range(count):
        col, row = 2 + n % 4, 3 + (n // 4) % 12
        x = (n % 97) * EMU_MM
        kind = ('<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{id}" name="S"/><xdr:cNvSpPr/>'
                '</xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="{x}" y="0"/><a:ext cx="300000" cy="200000"/></a:xfrm>'
                '<a:prstGeom prst="flowChartProcess"><a:avLst/></a:prstGeom></xdr:spPr></xdr:sp>'
                if n % 2 else
                '<xdr:cxnSp macro=""><xdr:nvCxnSpPr><xdr:cNvPr id="{id}" name="L"/><xdr:cNvCxnSpPr/>'
                '</xdr:nvCxnSpPr><xdr:spPr><a:xfrm><a:off x="{x}" y="0"/><a:ext cx="200000" cy="300000"/>'
                '</a:xfrm><a:prstGeom prst="straightConnector1"><a:avLst/></a:prstGeom></xdr:spPr></xdr:cxnSp>')
        anchors.append(f'<xdr:twoCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>'
                       f'<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{col}</xdr:col>'
                       f'<xdr:colOff>300000</xdr:colOff><xdr:row>{row}</xdr:row><xdr:rowOff>200000</xdr:rowOff>'
                       f'</xdr:to>{kind.format(id=n + 2, x=x)}<xdr:clientData/></xdr:twoCellAnchor>')

    def change(data: bytes) -> bytes:
        head, _, _ = data.partition(b"<xdr:wsDr")
        opening = re.search(rb"<xdr:wsDr[^>]*>", data).group(0)
        return head + opening + "".join(anchors).encode() + b"</xdr:wsDr>"
    return rewrite(base_workbook(), {"xl/drawings/drawing1.xml": change})


def many_defined_names(count: int = 60_000) -> bytes:
    names = "".join(f'<definedName name="N{n}">Identitas!$A${n % 999 + 1}</definedName>' for n in range(count))
    return rewrite(base_workbook(), {"xl/workbook.xml": lambda d: d.replace(
        b"<definedNames/>", f"<definedNames>{names}</definedNames>".encode())})


def deep_workbook_xml(depth: int = 100_000) -> bytes:
    return rewrite(base_workbook(), {"xl/workbook.xml": _in_workbook("<sheets>", "<x>" * depth + "</x>" * depth)})


def _sheet_of_rows(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Lembar")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def label_in_every_cell(rows: int = 770) -> bytes:
    """Just under the filled-cell cap, every cell an identity label."""
    return _sheet_of_rows(["Nomor SOP"] * 76 for _ in range(rows))


def identity_blocks_everywhere(rows: int = 770) -> bytes:
    """Thousands of small identity tables side by side: thousands of would-be SOPs."""
    return _sheet_of_rows(["Nomor SOP", "x", "Nama SOP", "y", "Disahkan oleh", "z", "Dasar Hukum", "1. a"] * 9
                          for _ in range(rows))


def header_on_every_other_row(rows: int = 1500) -> bytes:
    return _sheet_of_rows((["No", "Kegiatan", "Pelaksana", f"x{r}", "Output", "Waktu", "Keterangan"]
                           if r % 2 == 0 else [1, "a", "v"] + ["isi"] * 70) for r in range(rows))


def ticks_in_every_cell(rows: int = 770) -> bytes:
    return _sheet_of_rows(([r, "a"] + ["✓"] * 74) if r else ["No", "Kegiatan", "Pelaksana"] +
                          [f"A{k}" for k in range(73)] for r in range(rows))


def too_many_cells(rows: int = 3000) -> bytes:
    return _sheet_of_rows(["Ya"] * 60 for _ in range(rows))


def tall_merges(count: int = 3000) -> bytes:
    """Every identity label merged down over the whole sheet (overlapping merges, as a mutation leaves them)."""
    def change(data: bytes) -> bytes:
        merges = "".join(f'<mergeCell ref="B{r}:B3000"/>' for r in range(1, count + 1))
        data = re.sub(rb"<mergeCells[^>]*>.*?</mergeCells>", b"", data)
        return data.replace(b"<pageMargins", f'<mergeCells count="{count}">{merges}</mergeCells><pageMargins'
                            .encode(), 1)
    return rewrite(base_workbook(), {"xl/worksheets/sheet1.xml": change})


def many_shared_strings(count: int = 1_000_000) -> bytes:
    """A string table of a million short entries (the sheet uses none of them)."""
    words = _noise(4 * count)
    table = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'
             + "".join(f"<si><t>{words[4 * n:4 * n + 4]}</t></si>" for n in range(count)) + "</sst>")
    changes: dict = {
        "xl/sharedStrings.xml": table.encode(),
        "[Content_Types].xml": lambda d: d.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                                   b'ContentType="application/vnd.openxmlformats-officedocument.'
                                                   b'spreadsheetml.sharedStrings+xml"/></Types>'),
        "xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="'
                                                          b'http://schemas.openxmlformats.org/officeDocument/2006/'
                                                          b'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                                          b"</Relationships>"),
    }
    return rewrite(base_workbook(), changes)


def bloated_styles(count: int = 64_000, source: bytes | None = None) -> bytes:
    """As many cell formats as Excel allows, each a little different (a well-known bloat of old workbooks),
    added after the workbook's own."""
    def change(data: bytes) -> bytes:
        fonts = "".join(f'<font><sz val="{8 + n % 20}"/><name val="F{n}"/></font>' for n in range(count // 8))
        data = re.sub(rb"(<fonts[^>]*>)", lambda m: m.group(1) + fonts.encode(), data, count=1)
        xfs = "".join(f'<xf numFmtId="{n % 50}" fontId="{n % (count // 8)}" fillId="0" borderId="0" xfId="0"/>'
                      for n in range(count))
        return data.replace(b"</cellXfs>", xfs.encode() + b"</cellXfs>", 1)
    return rewrite(source or base_workbook(), {"xl/styles.xml": change})


CRAFTED: dict[str, Callable[[], bytes]] = {
    "teks-panjang-definedName": long_defined_name,
    "teks-panjang-print-titles": long_print_titles,
    "teks-panjang-nama-lembar": long_sheet_name,
    "teks-panjang-atribut": long_text_element,
    "5000-lembar-ganda": duplicated_sheets,
    "5000-drawing-ganda": duplicated_drawings,
    "5000-merge-ganda": duplicated_merges,
    "5000-gaya-ganda": duplicated_styles,
    "5000-sel-ganda": duplicated_cells,
    "2000-lembar": many_sheets,
    "5000-bentuk": many_shapes,
    "3990-bentuk": lambda: many_shapes(3990),
    "60000-nama": many_defined_names,
    "xml-bersarang-dalam": deep_workbook_xml,
    "label-di-tiap-sel": label_in_every_cell,
    "ribuan-identitas": identity_blocks_everywhere,
    "judul-tabel-tiap-baris": header_on_every_other_row,
    "tanda-di-tiap-sel": ticks_in_every_cell,
    "180000-sel": too_many_cells,
    "merge-setinggi-lembar": tall_merges,
    "sejuta-teks-bersama": many_shared_strings,
    "64000-format-sel": bloated_styles,
}
"""Name -> builder of every crafted workbook."""

"""The front pages of a Buku SOP: the cover, the penetapan from its template, and the daftar isi.

Qt-free. They are page-model pages like any SOP's, built from the same Page, Table, TextLabel and
ImageItem the layout engine hands out and measured with the injected Measure, so the PDF and the
Word writer only translate them. Text is broken into lines here, one TextLabel a line.

The penetapan page comes from a template: plain text (.txt, UTF-8) or a Word file (.docx, read
paragraph by paragraph). Each line is a paragraph. "# " starts a centred bold line in capitals,
"## " a centred line, "> " a line of the signature block (right half of the page); a line "---" starts a
new page; an empty line is blank room; a line starting "1." or "a." is a list item with a hanging
indent. Fields in braces are filled in (see TEMPLATE_FIELDS; "{{" and "}}" print a brace). A line
holding only {daftar_sop} becomes the numbered list of the SOPs in the book.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .labels import format_date
from .layout.measure import Measure
from .layout.page_model import Cell, ImageItem, Margins, Page, Paragraph, Table, TextLabel
from .model import PAPER_SIZES_MM, Logo, Sop

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
DEFAULT_TEMPLATE = RESOURCES / "penetapan" / "penetapan-bawaan.txt"
DEFAULT_TITLE = "STANDAR OPERASIONAL PROSEDUR\nADMINISTRASI PEMERINTAHAN"
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024

FRONT_MARGINS = Margins(top=25.0, bottom=20.0, left=25.0, right=20.0)
"""Cover, penetapan and daftar isi are portrait pages with the margins of a letter (tata naskah dinas)."""
BODY_PT = 11.0
TOC_PT = 10.0
TOC_PADDING_MM = 1.5
TOC_HEADER_FILL = "#D9D9D9"
SIGNATURE_SHARE = 0.5
"""The signature block starts at the middle of the text width."""
LIST_INDENT_MM = 7.0
FIT_SLACK = 0.97
"""Front pages are filled to 97 % of their height, so Word's own line breaking never pushes a line over."""

TEMPLATE_FIELDS = {
    "judul": "judul buku (sampul)",
    "instansi": "instansi",
    "unit": "unit organisasi",
    "tahun": "tahun",
    "alamat": "alamat",
    "tanggal": "tanggal hari ini",
    "jumlah_sop": "jumlah SOP dalam buku",
    "daftar_sop": "daftar nomor dan nama SOP (sebaris sendiri)",
    "penetap_jabatan": "jabatan pengesah SOP pertama",
    "penetap_nama": "nama pengesah SOP pertama",
    "penetap_nip": "NIP/NRP pengesah SOP pertama",
}

class BookError(Exception):
    """Something the user can fix (no SOP chosen, a template field unknown); the message is Indonesian."""


@dataclass
class BookInfo:
    """What the cover and the penetapan say. Empty instansi, unit and logo are taken from the first SOP."""

    judul: str = DEFAULT_TITLE
    instansi: str = ""
    unit: str = ""
    tahun: str = ""
    alamat: str = ""
    logo: Logo | None = None
    penetapan: str | None = None
    """The template's text (see the module docstring), or None for a book without a penetapan page."""
    today: dt.date | None = None


# ---- text helpers -------------------------------------------------------------------------------------


def wrap_lines(text: str, size_pt: float, width_mm: float, bold: bool, measure: Measure) -> list[str]:
    """The lines `text` breaks into at width_mm, by words, as the measure sees it (newlines kept)."""
    one = measure("X", size_pt, width_mm, bold)

    def fits(candidate: str) -> bool:
        return measure(candidate, size_pt, width_mm, bold) <= one * 1.5

    lines: list[str] = []
    for raw in text.split("\n"):
        current = ""
        for word in raw.split():
            candidate = f"{current} {word}" if current else word
            if fits(candidate):
                current = candidate
                continue
            if current:
                lines.append(current)
            current = word
            while not fits(current) and len(current) > 1:  # a word longer than a line is cut anywhere
                cut = len(current) - 1
                while cut > 1 and not fits(current[:cut]):
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    return lines


# ---- the penetapan template -----------------------------------------------------------------------------


def read_template(path: Path) -> str:
    """A template file as text lines; .docx paragraphs are turned into the same markup. BookError when unusable."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if not path.is_file():
            raise BookError(f"{path}: templat penetapan tidak ditemukan.")
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise BookError(f"{path}: templat penetapan terlalu besar (lebih dari 2 MB).")
        if suffix == ".txt":
            try:
                return path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise BookError(f"{path}: templat penetapan harus berupa teks UTF-8.") from None
        if suffix == ".docx":
            return _docx_template(path)
    except OSError as exc:
        raise BookError(f"{path}: templat penetapan tidak dapat dibaca ({exc.strerror or exc}).") from None
    raise BookError(f"{path}: templat penetapan harus berkas .txt atau .docx.")


def _docx_template(path: Path) -> str:
    import zipfile

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    try:
        word = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BookError(f"{path}: berkas Word ini tidak dapat dibaca sebagai templat ({exc}).") from None
    lines = []
    for paragraph in word.paragraphs:
        text = paragraph.text.replace("\t", " ").rstrip()
        runs = [r for r in paragraph.runs if r.text.strip()]
        bold = bool(runs) and all(r.bold for r in runs)
        centred = paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        right = paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        if text and centred:
            lines.append(("# " if bold else "## ") + text.strip())
        elif text and right:
            lines.append("> " + text.strip())
        else:
            lines.append(text)
        if any(br.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type") == "page"
               for br in paragraph._p.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}br")):
            lines.append("---")
    return "\n".join(lines)


_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def fill_template(template: str, values: dict[str, str], sops: list[Sop]) -> list[str]:
    """The template's lines with every field filled in; BookError naming the line of an unknown field."""
    out: list[str] = []
    for number, line in enumerate(template.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if line.strip() == "{daftar_sop}":
            for index, sop in enumerate(sops, start=1):
                nomor = sop.identity.nomor.strip()
                name = " ".join(sop.identity.nama.split()) or "(tanpa nama)"
                out.append(f"{index}. {nomor} {name}" if nomor else f"{index}. {name}")
            continue

        def field_value(match: re.Match, number: int = number) -> str:
            token = match.group(0)
            if token in ("{{", "}}"):
                return token[0]
            name = match.group(1).strip()
            if name == "daftar_sop":
                raise BookError(f"Templat penetapan baris {number}: {{daftar_sop}} harus berdiri sendiri di "
                                "barisnya.")
            if name not in values:
                known = ", ".join(f"{{{key}}}" for key in TEMPLATE_FIELDS)
                raise BookError(f"Templat penetapan baris {number}: isian {{{name}}} tidak dikenal. Isian yang "
                                f"tersedia: {known}.")
            return values[name]

        out.append(_FIELD.sub(field_value, line))
    return out


def template_values(info: BookInfo, sops: list[Sop]) -> dict[str, str]:
    signer = next((s.identity.signer for s in sops if s.identity.signer.nama.strip()), None)
    today = info.today or dt.date.today()
    id_text = ""
    if signer is not None and signer.id_number.strip():
        label = signer.id_label.value if hasattr(signer.id_label, "value") else str(signer.id_label)
        id_text = f"{label} {signer.id_number.strip()}".strip()
    return {
        "judul": " ".join(info.judul.split()),
        "instansi": info.instansi,
        "unit": info.unit,
        "tahun": info.tahun,
        "alamat": " ".join(info.alamat.split()),
        "tanggal": format_date(today, weekday=False),
        "jumlah_sop": str(len(sops)),
        "penetap_jabatan": signer.jabatan.strip() if signer else "",
        "penetap_nama": signer.nama.strip() if signer else "",
        "penetap_nip": id_text,
    }


# ---- front pages ---------------------------------------------------------------------------------------


def front_paper(sops: list[Sop]) -> tuple[float, float]:
    """Portrait paper of the front pages: the paper most of the book's SOPs use (A4 when there are none)."""
    counts: dict[str, int] = {}
    for sop in sops:
        counts[sop.page.paper] = counts.get(sop.page.paper, 0) + 1
    paper = max(counts, key=lambda name: (counts[name], name == "A4")) if counts else "A4"
    w, h = PAPER_SIZES_MM.get(paper, PAPER_SIZES_MM["A4"])
    return min(w, h), max(w, h)


class _FrontBuilder:
    """Lays text lines out on portrait pages, starting a new page when the next line does not fit."""

    def __init__(self, paper: tuple[float, float], measure: Measure, kind: str) -> None:
        self.width_mm, self.height_mm = paper
        self.measure = measure
        self.kind = kind
        self.pages: list[Page] = []
        self.margins = FRONT_MARGINS
        self.left = self.margins.left
        self.text_w = self.width_mm - self.margins.left - self.margins.right
        self.bottom = self.margins.top + (self.height_mm - self.margins.top - self.margins.bottom) * FIT_SLACK
        self.y = 0.0
        self.new_page()

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page(len(self.pages), self.width_mm, self.height_mm, self.margins, "identity"))
        self.y = self.margins.top

    def line_h(self, size_pt: float, bold: bool = False) -> float:
        return self.measure("X", size_pt, self.text_w, bold)

    def room(self, height: float) -> None:
        if self.y + height > self.bottom + 1e-6 and self.y > self.margins.top + 1e-6:
            self.new_page()

    def text(self, text: str, size_pt: float, bold: bool = False, align: str = "left", x: float | None = None,
             width: float | None = None, hanging: str = "") -> None:
        """A paragraph, wrapped; `hanging` is a list marker printed at x with the text indented after it."""
        x = self.left if x is None else x
        width = self.text_w - (x - self.left) if width is None else width
        indent = LIST_INDENT_MM if hanging else 0.0
        h = self.line_h(size_pt, bold)
        for index, line in enumerate(wrap_lines(text, size_pt, width - indent, bold, self.measure)):
            self.room(h)
            if hanging and index == 0:
                self.page.labels.append(TextLabel(hanging, x, self.y, indent, h, size_pt, "left", bold))
            if line:
                self.page.labels.append(TextLabel(line, x + indent, self.y, width - indent, h, size_pt, align, bold))
            self.y += h

    def gap(self, height: float) -> None:
        self.y += height


_MARKER = re.compile(r"^\s*((?:\d{1,3}|[a-zA-Z])[.)])\s+(.*)$")


def cover_page(info: BookInfo, paper: tuple[float, float], measure: Measure) -> Page:
    """Logo, title, instansi and unit, year, address: centred, the address at the foot of the page."""
    builder = _FrontBuilder(paper, measure, "cover")
    page = builder.page
    logo_h = 40.0
    builder.gap(15.0)
    if info.logo is not None and info.logo.data:
        page.images.append(ImageItem(builder.left + (builder.text_w - logo_h) / 2, builder.y, logo_h, logo_h,
                                     info.logo.data, info.logo.extension))
        builder.gap(logo_h + 15.0)
    for line in info.judul.split("\n"):
        if line.strip():
            builder.text(line.strip(), 18.0, bold=True, align="center")
    builder.gap(25.0)
    if info.instansi.strip():
        builder.text(info.instansi.strip().upper(), 14.0, bold=True, align="center")
    for line in info.unit.split("\n"):
        if line.strip():
            builder.text(line.strip().upper(), 14.0, bold=True, align="center")
    # The year and the address sit at the foot of the cover, as on a printed book.
    address = [line.strip() for line in info.alamat.split("\n") if line.strip()]
    address_lines = [wrapped for line in address
                     for wrapped in wrap_lines(line, 10.0, builder.text_w, False, measure)]
    foot_h = builder.line_h(10.0) * len(address_lines)
    year_h = builder.line_h(16.0, True) if info.tahun.strip() else 0.0
    foot_top = builder.bottom - foot_h - year_h - 6.0
    builder.y = max(builder.y, foot_top)
    if info.tahun.strip():
        builder.text(info.tahun.strip(), 16.0, bold=True, align="center")
        builder.gap(6.0)
    for line in address:
        builder.text(line, 10.0, align="center")
    return builder.pages[0] if len(builder.pages) == 1 else _merged(builder.pages)


def _merged(pages: list[Page]) -> Page:
    # A cover is one page: anything that ran over (a title of many lines) is kept, squeezed onto it.
    first = pages[0]
    for page in pages[1:]:
        first.labels.extend(page.labels)
    return first


def penetapan_pages(lines: list[str], paper: tuple[float, float], measure: Measure) -> list[Page]:
    builder = _FrontBuilder(paper, measure, "penetapan")
    blank = builder.line_h(BODY_PT) * 0.8
    signature_x = builder.left + builder.text_w * SIGNATURE_SHARE
    signature_w = builder.text_w * (1 - SIGNATURE_SHARE)
    for line in lines:
        stripped = line.strip()
        if stripped == "---":
            builder.new_page()
        elif line.startswith("# "):
            builder.text(line[2:].strip().upper(), 12.0, bold=True, align="center")
        elif line.startswith("## "):
            builder.text(line[3:].strip(), BODY_PT, align="center")
        elif line.startswith(">"):
            text = line[1:].strip()
            if text:
                builder.text(text, BODY_PT, x=signature_x, width=signature_w)
            else:
                builder.gap(builder.line_h(BODY_PT))
        elif not stripped:
            builder.gap(blank)
        else:
            marker = _MARKER.match(line)
            if marker:
                builder.text(marker.group(2), BODY_PT, hanging=marker.group(1))
            else:
                builder.text(stripped, BODY_PT)
    return builder.pages


TOC_COLUMNS = (("No", 10.0), ("Nomor SOP", 48.0), ("Nama SOP", 0.0), ("Halaman", 20.0))


def _toc_cell(row: int, col: int, text: str, width: float, measure: Measure, bold: bool = False,
              align: str = "left", kind: str = "value", fill: str | None = None) -> Cell:
    inner = max(width - 2 * TOC_PADDING_MM, 1.0)
    height = measure(text, TOC_PT, inner, bold)
    return Cell(row, col, paragraphs=[Paragraph(text, bold=bold, size_pt=TOC_PT, align=align, height_mm=height)],
                align=align, valign="middle", padding=TOC_PADDING_MM, kind=kind, fill=fill)


def toc_pages(sops: list[Sop], starts: list[int], paper: tuple[float, float], measure: Measure) -> list[Page]:
    """DAFTAR ISI: a table (No, Nomor SOP, Nama SOP, Halaman) continued, with its header, over as many pages
    as it needs. `starts` are the book page numbers where each SOP begins (any numbers of the same
    width lay out the same, which is how the page count is known before the numbers are)."""
    builder = _FrontBuilder(paper, measure, "toc")
    widths = [w for _, w in TOC_COLUMNS]
    widths[2] = builder.text_w - sum(widths)

    def header() -> tuple[list[Cell], float]:
        cells = [_toc_cell(0, c, name, widths[c], measure, bold=True, align="center", kind="header",
                           fill=TOC_HEADER_FILL) for c, (name, _) in enumerate(TOC_COLUMNS)]
        return cells, max(c.paragraphs[0].height_mm for c in cells) + 2 * TOC_PADDING_MM

    def start_table(title: str) -> Table:
        builder.text(title, 14.0, bold=True, align="center")
        builder.gap(6.0)
        cells, height = header()
        table = Table(builder.left, builder.y, list(widths), [height], cells, header_rows=1, role="identity",
                      row_steps=[None])
        builder.page.tables.append(table)
        builder.y += height
        return table

    table = start_table("DAFTAR ISI")
    for index, (sop, start) in enumerate(zip(sops, starts), start=1):
        texts = (f"{index}.", sop.identity.nomor.strip(), " ".join(sop.identity.nama.split()) or "(tanpa nama)",
                 str(start))
        aligns = ("center", "left", "left", "center")
        row = len(table.row_heights)
        cells = [_toc_cell(row, c, texts[c], widths[c], measure, align=aligns[c], kind=("no", "nomor", "nama",
                                                                                          "halaman")[c])
                 for c in range(4)]
        height = max(c.paragraphs[0].height_mm for c in cells) + 2 * TOC_PADDING_MM
        if builder.y + height > builder.bottom:
            builder.new_page()
            table = start_table("DAFTAR ISI (lanjutan)")
            row = 1
            for cell in cells:
                cell.row = row
        table.cells.extend(cells)
        table.row_heights.append(height)
        table.row_steps.append(None)
        builder.y += height
    return builder.pages

"""The Qt adapter: text measured with the shipped Liberation Sans, and pages painted from the page model."""
from __future__ import annotations

import pytest

from sopdesk.interchange import sop_from_fixture
from sopdesk.layout import layout
from sopdesk.model import Logo
from sopdesk.qt import fonts
from sopdesk.qt.painter import render_page_image

from .conftest import load_fixture
from .test_layout import png_bytes
from .test_layout_invariants import check_document

SVG_LOGO = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 10" width="30" height="10">'
            b'<rect x="0" y="0" width="30" height="10" fill="#000000"/></svg>')


@pytest.fixture(scope="module")
def measure():
    return fonts.qt_measure()


def test_the_shipped_font_is_the_one_measured(measure):
    assert fonts.font_family() == "Liberation Sans"


def test_measured_height_grows_with_text_and_shrinks_with_width(measure):
    one_line = measure("Memeriksa", 8, 60, False)
    assert 2.8 < one_line < 3.6, "8 pt Liberation Sans is about 3.2 mm a line"
    long_text = "Memeriksa kelengkapan berkas permohonan peminjaman arsip dinamis inaktif " * 3
    assert measure(long_text, 8, 60, False) > 2 * one_line
    assert measure(long_text, 8, 30, False) > measure(long_text, 8, 60, False)
    assert measure("Kegiatan", 8, 60, True) == pytest.approx(one_line)


def test_a_word_wider_than_the_cell_breaks_instead_of_running_out(measure):
    word = "Penyelenggaraan" * 4
    assert measure(word, 8, 15, False) > 3 * measure("X", 8, 15, False)


def test_newlines_in_a_cell_start_new_lines(measure):
    assert measure("satu\ndua\ntiga", 8, 80, False) == pytest.approx(3 * measure("satu", 8, 80, False))


def test_fixtures_laid_out_with_real_fonts_keep_every_invariant(fixture_data, measure):
    sop = sop_from_fixture(fixture_data)
    check_document(sop, layout(sop, measure))


def dark(image, x_mm: float, y_mm: float, dpi: float) -> bool:
    """True when some pixel within 0.5 mm of the point is inked."""
    scale = dpi / 25.4
    for dx in range(-3, 4):
        for dy in range(-3, 4):
            x, y = round(x_mm * scale) + dx, round(y_mm * scale) + dy
            if 0 <= x < image.width() and 0 <= y < image.height() and image.pixelColor(x, y).lightness() < 128:
                return True
    return False


def test_painting_draws_symbols_arrows_and_table_where_the_model_says(fixture_data, measure):
    sop = sop_from_fixture(fixture_data)
    document = layout(sop, measure)
    page = document.flowchart_pages[0]
    image = render_page_image(page, dpi=150)
    assert image.width() == round(page.width_mm * 150 / 25.4)
    for shape in page.shapes:
        assert dark(image, shape.cx, shape.y, 150), "symbol outline"
        assert not dark(image, shape.cx, shape.cy, 150) or shape.text, "symbols are not filled"
    for connector in page.connectors:
        (x0, y0), (x1, y1) = connector.points[:2]
        assert dark(image, (x0 + x1) / 2, (y0 + y1) / 2, 150), "arrow line"
    table = page.flowchart
    assert dark(image, table.x, table.y + table.height / 2, 150), "table border"
    assert not dark(image, table.x - 5, table.y + table.height / 2, 150), "margins stay blank"


@pytest.mark.parametrize("logo", [Logo(png_bytes(30, 10), "png"), Logo(SVG_LOGO, "svg"), Logo(b"rusak", "png")])
def test_logo_pictures_are_painted_and_broken_ones_skipped(logo, measure):
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    sop.identity.logo = logo
    page = layout(sop, measure).pages[0]
    image = render_page_image(page, dpi=100)
    if logo.data == b"rusak":
        assert page.images == []  # left out of the page (and so of every format), not painted blank
        return
    (item,) = page.images
    assert dark(image, item.x + item.w / 2, item.y + item.h / 2, 100)


def test_lines_do_not_break_after_a_slash_inside_a_word(measure):
    # Word and LibreOffice keep "rancangan/konsep" whole; a row measured otherwise is cut off there.
    # Only a word wider than the whole line may break, and then anywhere.
    text = "Menyusun rancangan/konsep/naskah dinas"
    for width in range(12, 70):
        layout_, _ = fonts.text_layout(text, 8, False, False, width)
        lines = [layout_.lineAt(i) for i in range(layout_.lineCount())]
        pieces = [text[line.textStart():line.textStart() + line.textLength()] for line in lines]
        assert "".join(pieces) == text
        assert all(" " not in piece.strip() for piece in pieces if piece.endswith("/")), (width, pieces)


def test_the_measure_gives_the_height_of_the_lines_the_painter_draws(measure):
    # Rows are as tall as the measure says and the painter draws text_layout(): were the two to
    # break lines differently, a line would be cut off at the bottom of its cell.
    texts = ["", "1", "Menyusun rancangan/konsep/naskah dinas", "Surat\nPermohonan\r\nBerkas",
             "Penyelenggaraan" * 4, "Disposisi Kepala Biro / Kepala Bagian Tata Usaha", "dan/atau " * 9,
             "Memeriksa kelengkapan berkas permohonan peminjaman arsip dinamis inaktif " * 3]
    for text in texts:
        for width in (4.0, 11.5, 17.0, 22.5, 40.0, 90.0):
            for bold in (False, True):
                layout_, height = fonts.text_layout(text, 8, bold, False, width)
                painted = sum(layout_.lineAt(i).height() for i in range(layout_.lineCount()))
                assert measure(text, 8, width, bold) == height, (text, width, bold)
                assert height == pytest.approx(painted / fonts.REF_PX_PER_MM) or not text, (text, width)


def test_the_laid_out_text_is_exactly_the_text_given(measure):
    # The painter draws these layouts into the PDF; an invisible character in them would end up in
    # the PDF's text layer, and a search for "SOP-011/17000/2025" there would fail.
    text = "Nomor SOP-011/17000/2025 dan/atau lainnya"
    layout_, _ = fonts.text_layout(text, 8, False, False, 200)
    assert layout_.text() == text


def test_a_damaged_logo_is_left_out_of_the_page_and_painting_stays_quiet(measure):
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    sop.identity.logo = Logo(png_bytes(40, 20)[:60], "png")  # cut off inside the image data
    document = layout(sop, measure)
    assert all(not page.images for page in document.pages)
    render_page_image(document.pages[0], dpi=30)  # a libpng complaint here would fail the test

"""The printed "Jumlah waktu" row: off by default, the last row of the last flowchart page when asked for."""
from __future__ import annotations

import docx
import openpyxl

from sopdesk.exporters.docx import write_docx
from sopdesk.exporters.xlsx import write_xlsx
from sopdesk.interchange import sop_from_fixture
from sopdesk.layout import engine
from sopdesk.layout.measure import estimate_measure
from sopdesk.layout.total_row import TOTAL_LABEL
from sopdesk.model import Sop
from sopdesk.total_time import printed_total, total_time

from .conftest import load_fixture
from .test_layout_invariants import check_document


def _arsip(row: bool = True) -> Sop:
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    sop.page.total_time_row = row
    return sop


def _total_cells(document):
    return [(page.index, cell) for page in document.pages if page.flowchart
            for cell in page.flowchart.cells if cell.kind.startswith("total")]


def test_no_total_row_unless_the_sop_asks_for_it():
    assert _total_cells(engine.layout(_arsip(row=False), estimate_measure)) == []


def test_the_row_is_the_last_of_the_last_flowchart_page_with_the_total_in_the_waktu_column():
    sop = _arsip()
    document = engine.layout(sop, estimate_measure)
    check_document(sop, document)
    last = document.flowchart_pages[-1]
    table = last.flowchart
    assert last.step_indices[-1] == len(sop.steps) - 1
    found = _total_cells(document)
    assert {index for index, _ in found} == {last.index}
    row = len(table.row_heights) - 1
    assert table.row_steps[row] is None
    label = table.cell_at(row, 0)
    assert label.text == TOTAL_LABEL
    waktu_col = next(c.col for c in table.cells if c.kind == "waktu")
    assert table.cell_at(row, waktu_col).text == printed_total(total_time(sop))


def test_a_long_sop_keeps_the_row_with_its_last_step_and_inside_the_page():
    sop = _arsip()
    for _ in range(3):
        sop.steps[1:1] = [s.__class__(**{**s.__dict__, "id": s.id + str(k)}) for k, s in enumerate(sop.steps[1:4])]
    document = engine.layout(sop, estimate_measure)
    check_document(sop, document)
    assert len(document.flowchart_pages) > 1
    last = document.flowchart_pages[-1]
    assert {index for index, _ in _total_cells(document)} == {last.index}
    table = last.flowchart
    assert table.y + table.height <= last.height_mm - last.margins.bottom + 1e-6


def test_an_sop_without_steps_prints_no_total_row():
    sop = Sop()
    sop.page.total_time_row = True
    assert _total_cells(engine.layout(sop, estimate_measure)) == []


def test_word_and_excel_carry_the_row(tmp_path):
    sop = _arsip()
    document = engine.layout(sop, estimate_measure)
    expected = printed_total(total_time(sop))
    write_docx(document, sop, tmp_path / "sop.docx")
    last_row = docx.Document(str(tmp_path / "sop.docx")).tables[-1].rows[-1]
    texts = [cell.text for cell in last_row.cells]
    assert TOTAL_LABEL in texts and expected in texts
    write_xlsx(document, sop, tmp_path / "sop.xlsx")
    values = [c.value for ws in openpyxl.load_workbook(tmp_path / "sop.xlsx") for row in ws.iter_rows() for c in row]
    assert TOTAL_LABEL in values and expected in values

"""The steps table model: Qt's model tester, checkable actor columns and decision target cells."""
import pytest
from PySide6.QtCore import Qt

from sopdesk.interchange import sop_from_fixture
from sopdesk.model import END, Symbol
from ui.controller import DocumentController
from ui.step_model import Col, StepTableModel

from .conftest import load_fixture


@pytest.fixture
def setup(qtbot):
    controller = DocumentController()
    controller.open_document(sop_from_fixture(load_fixture("contoh-peminjaman-arsip")), in_library=False)
    return controller, StepTableModel(controller)


def test_model_passes_qt_model_tester_through_edits(qtmodeltester, setup):
    controller, model = setup
    qtmodeltester.check(model, force_py=True)
    controller.insert_step(2)
    controller.add_actor("Sekretaris")
    controller.delete_steps([controller.sop.steps[0].id])
    controller.stack.undo()
    qtmodeltester.check(model, force_py=True)


def test_columns_are_no_kegiatan_actors_then_mutu_baku(setup):
    controller, model = setup
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["No", "Kegiatan", "Kepala Bagian Umum", "Kepala Subbagian Tata Usaha", "Pengelola Arsip",
                       "Pemohon", "Simbol", "Jika Ya", "Jika Tidak", "Kelengkapan", "Waktu", "Output", "Keterangan"]


def test_checkbox_click_value_is_a_plain_int(setup):
    controller, model = setup
    index = model.index(0, model.column_of(Col.ACTOR, 0))
    assert model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert controller.sop.steps[0].actors[0] == controller.sop.actors[0].id


def test_decision_cells_show_labels_and_targets(setup):
    controller, model = setup
    ya = model.index(2, model.column_of(Col.YA))
    tidak = model.index(2, model.column_of(Col.TIDAK))
    assert model.data(ya) == "Ya → Langkah 4"
    assert model.data(tidak) == "Tidak → Langkah 1"
    assert model.flags(ya) & Qt.ItemFlag.ItemIsEditable
    plain = model.index(1, model.column_of(Col.YA))
    assert model.data(plain) == "" and not model.flags(plain) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(tidak, END)
    assert model.data(tidak) == "Tidak → Keluar dari prosedur"
    assert not model.setData(tidak, "no-such-step")


def test_symbol_cell_shows_what_auto_resolves_to(setup):
    controller, model = setup
    cell = model.index(0, model.column_of(Col.SIMBOL))
    assert model.data(cell) == "Otomatis (Terminator)"
    assert model.setData(cell, Symbol.DECISION.value)
    assert model.data(cell) == "Keputusan"


def test_typed_time_is_read_into_number_and_unit(setup):
    controller, model = setup
    cell = model.index(1, model.column_of(Col.WAKTU))
    assert model.setData(cell, "2  hari kerja")
    assert controller.sop.steps[1].waktu.value == 2 and controller.sop.steps[1].waktu.unit == "Hari Kerja"
    assert model.data(cell) == "2 Hari Kerja"
    assert model.setData(cell, "Triwulan")
    assert controller.sop.steps[1].waktu.text == "Triwulan"


@pytest.mark.parametrize("typed, value, unit", [
    ("3 HK", 3, "Hari Kerja"), ("30 mnt", 30, "Menit"), ("1 MINGGU", 1, "Minggu"), ("2 bln", 2, "Bulan"),
    ("1,5  Jam", 1.5, "Jam"), ("2 hr", 2, "Hari"),
])
def test_typed_time_reads_common_short_forms(setup, typed, value, unit):
    controller, model = setup
    assert model.setData(model.index(1, model.column_of(Col.WAKTU)), typed)
    assert (controller.sop.steps[1].waktu.value, controller.sop.steps[1].waktu.unit) == (value, unit)


@pytest.mark.parametrize("typed", ["2 m", "1 h", "± 3 hari", "Triwulan"])
def test_a_time_that_is_not_clearly_a_unit_stays_as_typed(setup, typed):
    controller, model = setup
    assert model.setData(model.index(1, model.column_of(Col.WAKTU)), typed)
    assert controller.sop.steps[1].waktu.text == typed and controller.sop.steps[1].waktu.value is None


def test_row_headers_are_drag_grips(setup):
    _controller, model = setup
    assert model.headerData(0, Qt.Orientation.Vertical) == "≡"
    assert model.headerData(2, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole) == "Seret untuk memindahkan langkah 3"


def test_model_tester_after_a_step_becomes_a_decision(qtmodeltester, setup):
    controller, model = setup
    assert model.setData(model.index(6, model.column_of(Col.SIMBOL)), Symbol.DECISION.value)
    assert controller.sop.steps[6].yes_target == controller.sop.steps[7].id
    qtmodeltester.check(model, force_py=True)

"""Every edit command, undone, restores the exact previous document; redo replays it."""
import datetime as dt

import pytest

from sopdesk.interchange import sop_from_fixture, sop_to_native
from sopdesk.model import END, Duration, IdLabel, Logo, Symbol
from ui.controller import DocumentController

from .conftest import load_fixture


@pytest.fixture
def controller(qtbot):
    c = DocumentController()
    c.open_document(sop_from_fixture(load_fixture("contoh-peminjaman-arsip")), in_library=True)
    return c


def _step(c, n):
    return c.sop.steps[n - 1].id


def _actor(c, name):
    return c.sop.actor_by_name(name).id


EDITS = {
    "identity text": lambda c: c.set_identity("nomor", "OT.99", "Nomor SOP"),
    "identity date": lambda c: c.set_identity("tanggal_revisi", dt.date(2026, 3, 4), "Tanggal Revisi"),
    "identity clear date": lambda c: c.set_identity("tanggal_efektif", None, "Tanggal Efektif"),
    "revisi ke": lambda c: c.set_identity("revisi_ke", 2, "Revisi ke"),
    "signer label": lambda c: c.set_identity("signer.id_label", IdLabel.NRP, "label"),
    "signer name": lambda c: c.set_identity("signer.nama", "Budi", "Nama pengesah"),
    "logo": lambda c: c.set_identity("logo", Logo(b"x", "png"), "logo"),
    "unit lines": lambda c: c.set_list("unit_lines", ["Sekretariat Jenderal"], "unit"),
    "list box": lambda c: c.set_list("dasar_hukum", ["UU 1", "UU 2", "UU 3"], "dasar hukum"),
    "page": lambda c: c.set_page("paper", "F4", "kertas"),
    "add actor": lambda c: c.add_actor("Sekretaris"),
    "rename actor": lambda c: c.rename_actor(_actor(c, "Pemohon"), "Peminjam"),
    "move actor": lambda c: c.move_actor(3, 0),
    "remove actor, reassign": lambda c: c.remove_actor(_actor(c, "Pemohon"), _actor(c, "Pengelola Arsip")),
    "remove actor, drop": lambda c: c.remove_actor(_actor(c, "Pengelola Arsip"), None),
    "insert step": lambda c: c.insert_step(3),
    "delete steps": lambda c: c.delete_steps([_step(c, 1), _step(c, 4)]),
    "duplicate step": lambda c: c.duplicate_step(5),
    "move step": lambda c: c.move_step(2, 8),
    "copy output": lambda c: c.copy_output_to_next(6),
    "step text": lambda c: c.set_step_field(_step(c, 2), "kegiatan", "Memeriksa berkas", "Kegiatan"),
    "step symbol": lambda c: c.set_step_field(_step(c, 2), "symbol", Symbol.DECISION, "simbol"),
    "step target": lambda c: c.set_step_field(_step(c, 3), "no_target", END, "tujuan"),
    "step waktu": lambda c: c.set_step_field(_step(c, 3), "waktu", Duration(2, "Jam"), "waktu"),
    "step actor on": lambda c: c.set_step_actor(_step(c, 2), _actor(c, "Pemohon"), True),
    "step actor off": lambda c: c.set_step_actor(_step(c, 8), _actor(c, "Pemohon"), False),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_undo_restores_exact_document_and_redo_replays(controller, name):
    before = sop_to_native(controller.sop)
    EDITS[name](controller)
    after = sop_to_native(controller.sop)
    assert after != before, "the edit changed nothing"
    assert controller.is_modified()
    controller.stack.undo()
    assert sop_to_native(controller.sop) == before
    assert not controller.is_modified()
    controller.stack.redo()
    assert sop_to_native(controller.sop) == after


def test_typing_in_one_field_is_one_undo_step(controller):
    original = controller.sop.identity.nama
    for text in ("P", "Pe", "Pem", "Pemi"):
        controller.set_identity("nama", text, "Nama SOP")
    controller.set_identity("nomor", "X", "Nomor SOP")
    assert controller.stack.count() == 2
    controller.stack.undo()
    controller.stack.undo()
    assert controller.sop.identity.nama == original


def test_a_no_op_edit_is_not_recorded(controller):
    controller.set_identity("nomor", controller.sop.identity.nomor, "Nomor SOP")
    assert controller.stack.count() == 0
    assert not controller.is_modified()


def test_views_hear_undo(controller, qtbot):
    controller.set_identity("nama", "Baru", "Nama SOP")
    with qtbot.waitSignal(controller.document_changed) as blocker:
        controller.stack.undo()
    assert blocker.args == ["identity"]

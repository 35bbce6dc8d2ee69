"""A user types fixture contoh-peminjaman-arsip into a new SOP through the real widgets, saves, reopens it."""
import datetime as dt

from PySide6.QtCore import Qt

from sopdesk.interchange import sop_to_fixture
from sopdesk.model import END
from ui.main_window import TAB_ACTORS, TAB_BOXES, TAB_IDENTITY, TAB_STEPS
from ui.step_model import Col

from .conftest import load_fixture
from .gui_helpers import StepTableDriver, pick_date

FIXTURE = "contoh-peminjaman-arsip"


def numbered(items):
    return "".join(f"{i}. {text}\n" for i, text in enumerate(items, 1))


def enter_identity(qtbot, window, dialogs, data):
    form = window.identity_form
    window.tabs.setCurrentIndex(TAB_IDENTITY)
    qtbot.keyClicks(form.instansi, data["instansi"])
    dialogs.answer("paste_lines", numbered(data["unit_organisasi"]))
    qtbot.mouseClick(form.unit_lines.paste_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.nomor, data["nomor"])
    qtbot.keyClicks(form.nama, data["nama"])
    qtbot.keyClicks(form.cakupan, data["jenis"])
    pick_date(qtbot, form.tanggal_pembuatan, dt.date.fromisoformat(data["tanggal_pembuatan"]))
    pick_date(qtbot, form.tanggal_efektif, dt.date.fromisoformat(data["tanggal_efektif"]))
    signer = data["disahkan_oleh"]
    qtbot.keyClicks(form.signer_jabatan, signer["jabatan"])
    qtbot.keyClicks(form.signer_nama, signer["nama"])
    qtbot.keyClicks(form.signer_number, signer["nip"])


def enter_boxes(qtbot, window, dialogs, data):
    window.tabs.setCurrentIndex(TAB_BOXES)
    for box, editor in window.boxes_editor.editors.items():
        dialogs.answer("paste_lines", numbered(data[box]))
        qtbot.mouseClick(editor.paste_button, Qt.MouseButton.LeftButton)


def enter_actors(qtbot, window, dialogs, data):
    window.tabs.setCurrentIndex(TAB_ACTORS)
    for name in data["pelaksana"]:
        dialogs.answer("text_input", name)
        qtbot.mouseClick(window.actors_editor.add_button, Qt.MouseButton.LeftButton)


def enter_steps(qtbot, window, data):
    window.tabs.setCurrentIndex(TAB_STEPS)
    editor = window.steps_editor
    driver = StepTableDriver(qtbot, editor)
    for _ in data["kegiatan"]:
        editor.actions["insert_below"].trigger()
    actor_names = data["pelaksana"]
    for row, step in enumerate(data["kegiatan"]):
        driver.type_text(row, Col.KEGIATAN, step["uraian"])
        for name in step["pelaksana"]:
            driver.toggle_actor(row, actor_names.index(name))
        if step["simbol"] == "keputusan":
            driver.choose(row, Col.SIMBOL, "keputusan")
        number, _, unit = step["waktu"].partition(" ")
        driver.set_time(row, float(number), unit)
        for kind, key in ((Col.KELENGKAPAN, "kelengkapan"), (Col.OUTPUT, "output"), (Col.KETERANGAN, "keterangan")):
            if step[key]:
                driver.type_text(row, kind, step[key])
    sop = window.controller.sop
    for row, step in enumerate(data["kegiatan"]):
        for kind, key in ((Col.YA, "jika_ya"), (Col.TIDAK, "jika_tidak")):
            if step["simbol"] == "keputusan":
                target = step[key]
                driver.choose(row, kind, sop.steps[target - 1].id if target else END)


def test_typing_the_fixture_in_gives_the_fixture_back_after_save_and_reopen(qtbot, make_window):
    data = load_fixture(FIXTURE)
    window, dialogs = make_window()
    enter_identity(qtbot, window, dialogs, data)
    enter_boxes(qtbot, window, dialogs, data)
    enter_actors(qtbot, window, dialogs, data)
    enter_steps(qtbot, window, data)
    assert window.isWindowModified()
    assert dialogs.errors == []

    window.save_action.trigger()
    assert not window.isWindowModified()
    assert window.library_panel.model.rowCount() == 1
    sop_id = window.controller.sop.id
    window.close()

    again, _ = make_window()
    again.library_panel.select(sop_id)
    qtbot.mouseClick(again.library_panel.open_button, Qt.MouseButton.LeftButton)
    got = sop_to_fixture(again.controller.sop)
    expected = dict(data, source="", inferensi=[])  # import-only notes are not typed by a user
    for mine, theirs in zip(got["kegiatan"], expected["kegiatan"]):
        assert mine == theirs
    assert got == expected
    # the fixture's only problems are none: every decision has both targets
    assert all(p.severity.value != "galat" for p in again.problems_panel.problems)

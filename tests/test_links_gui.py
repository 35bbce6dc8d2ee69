"""Links between SOPs in the real window: linking a Keterkaitan item or a Keterangan through the picker,
a click on the link mark opening the SOP, "Dikaitkan oleh" back-links, and broken links in Masalah."""
import pytest
from PySide6.QtCore import Qt

from sopdesk.model import Sop, SopLink, Step
from ui import dialogs as dlg
from ui.link_picker import LinkPickerDialog, mark_rect
from ui.main_window import TAB_BOXES, TAB_STEPS
from ui.step_model import Col

WAIT_MS = 60_000  # a bound on a hung open, not a speed goal: opening an SOP may be slow on busy CI


def library_sop(window, nomor, nama, keterkaitan=(), keterangan=""):
    sop = Sop()
    sop.identity.nomor, sop.identity.nama = nomor, nama
    sop.identity.keterkaitan = list(keterkaitan)
    sop.steps = [Step(kegiatan="Mulai", keterangan=keterangan), Step(kegiatan="Selesai")]
    window.library.save(sop)
    window.refresh_library()
    return sop


@pytest.fixture
def linked(make_window):
    """A window with "Penataan Arsip Inaktif" (SOP-002) in the library and a new SOP open that lists it."""
    window, dialogs = make_window()
    target = library_sop(window, "SOP-002/BU/2024", "Penataan Arsip Inaktif")
    window.controller.set_identity("nomor", "SOP-001/BU/2024", "Nomor SOP")
    window.controller.set_identity("nama", "Peminjaman Arsip", "Nama SOP")
    window.controller.set_list("keterkaitan", ["SOP Mikro Arsip", "SOP Lain di Luar Pustaka"], "butir")
    window.tabs.setCurrentIndex(TAB_BOXES)
    return window, dialogs, target


def keterkaitan(window):
    return window.boxes_editor.editors["keterkaitan"]


def click_mark(qtbot, view, rect):
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=mark_rect(rect).center())


def problem_texts(window):
    window.problems_panel.refresh()
    return [window.problems_panel.list.item(i).text() for i in range(window.problems_panel.list.count())]


def test_an_item_is_linked_through_the_picker_and_undone(linked, qtbot):
    window, dialogs, target = linked
    editor = keterkaitan(window)
    editor.select_index(0)
    dialogs.answer("choose_linked_sop", target.id)
    qtbot.mouseClick(editor.link_button, Qt.MouseButton.LeftButton)
    title, offered, current, _suggested = dialogs.link_offers[-1]
    assert [t.id for t in offered] == [target.id]  # the library's SOPs, never the open SOP itself
    assert current == ""
    ident = window.controller.sop.identity
    assert ident.keterkaitan == ["SOP Mikro Arsip", "SOP Lain di Luar Pustaka"]  # the text stays as typed
    assert ident.keterkaitan_links == {"SOP Mikro Arsip": SopLink(target.id, "SOP-002/BU/2024",
                                                                  "Penataan Arsip Inaktif")}
    assert "Penataan Arsip Inaktif" in editor.link_label.text()
    assert editor.link_button.text() == "Ubah kaitan…"
    # The text names neither the nomor nor the nama: Masalah says so (the link stays).
    assert any("Keterkaitan butir 1 dikaitkan ke \"SOP-002/BU/2024 Penataan Arsip Inaktif\", tetapi teksnya "
               "tidak menyebut" in text for text in problem_texts(window))
    window.undo_action.trigger()
    assert window.controller.sop.identity.keterkaitan_links == {}
    window.redo_action.trigger()
    assert "SOP Mikro Arsip" in window.controller.sop.identity.keterkaitan_links
    # Renaming the item in place keeps its link; moving it keeps it on the same item.
    editor.list.item(0).setText("SOP Mikro Penataan Arsip Inaktif")
    assert set(window.controller.sop.identity.keterkaitan_links) == {"SOP Mikro Penataan Arsip Inaktif"}
    assert not any("Keterkaitan butir" in text for text in problem_texts(window))
    editor.select_index(0)
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    assert window.controller.sop.identity.keterkaitan == ["SOP Lain di Luar Pustaka",
                                                          "SOP Mikro Penataan Arsip Inaktif"]
    assert set(window.controller.sop.identity.keterkaitan_links) == {"SOP Mikro Penataan Arsip Inaktif"}
    # "Lepas kaitan" in the picker removes the link, as one undo step.
    editor.select_index(1)
    dialogs.answer("choose_linked_sop", "")
    qtbot.mouseClick(editor.link_button, Qt.MouseButton.LeftButton)
    assert dialogs.link_offers[-1][2] == target.id  # the picker opened on the linked SOP
    assert window.controller.sop.identity.keterkaitan_links == {}
    assert window.controller.stack.undoText() == "Lepas kaitan butir Keterkaitan"


def test_a_click_on_the_mark_opens_the_sop_and_it_shows_the_back_link(linked, qtbot):
    window, dialogs, target = linked
    editor = keterkaitan(window)
    editor.select_index(0)
    dialogs.answer("choose_linked_sop", target.id)
    editor.link_current()
    window.save_action.trigger()
    source_id = window.controller.sop.id
    # The item is drawn as a link; a plain click on its text only selects it.
    rect = editor.list.visualItemRect(editor.list.item(0))
    qtbot.mouseClick(editor.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(10)
    assert window.controller.sop.id == source_id
    click_mark(qtbot, editor.list, rect)
    qtbot.waitUntil(lambda: window.controller.sop.id == target.id, timeout=WAIT_MS)
    assert window.controller.sop.identity.nama == "Penataan Arsip Inaktif"
    assert "Membuka SOP yang dikaitkan" in window.statusBar().currentMessage()
    # The linked SOP names who links to it, in the Keterkaitan box and in the status bar.
    backlinks = window.boxes_editor.backlinks
    assert "Dikaitkan oleh: " in backlinks.text() and "SOP-001/BU/2024 Peminjaman Arsip" in backlinks.text()
    assert "(Keterkaitan)" in backlinks.text()
    assert window.backlinks_button.isVisibleTo(window) and window.backlinks_button.text() == "Dikaitkan oleh 1 SOP"
    # And back again from the back-link.
    backlinks.linkActivated.emit(source_id)
    qtbot.waitUntil(lambda: window.controller.sop.id == source_id, timeout=WAIT_MS)
    assert not window.backlinks_button.isVisibleTo(window)


def test_an_item_that_names_an_sop_is_a_link_without_being_linked(linked, qtbot):
    window, dialogs, target = linked
    window.controller.set_list("keterkaitan", ["SOP Mikro Penataan Arsip Inaktif (SOP-002/BU/2024)"], "butir")
    editor = keterkaitan(window)
    editor.select_index(0)
    assert editor.link_label.text().startswith("Menyebut")
    assert window.controller.sop.identity.keterkaitan_links == {}  # nothing is stored by a match
    dialogs.answer("ask_unsaved", dlg.DISCARD)
    click_mark(qtbot, editor.list, editor.list.visualItemRect(editor.list.item(0)))
    qtbot.waitUntil(lambda: window.controller.sop.id == target.id, timeout=WAIT_MS)
    assert "ask_unsaved" in dialogs.asked  # the unsaved SOP was asked about first


def test_add_from_the_library_writes_the_item_and_links_it(linked, qtbot):
    window, dialogs, target = linked
    editor = keterkaitan(window)
    editor.select_index(1)
    dialogs.answer("choose_linked_sop", target.id)
    qtbot.mouseClick(editor.add_linked_button, Qt.MouseButton.LeftButton)
    ident = window.controller.sop.identity
    assert ident.keterkaitan == ["SOP Mikro Arsip", "SOP Lain di Luar Pustaka",
                                 "SOP Penataan Arsip Inaktif (SOP-002/BU/2024)"]
    assert ident.keterkaitan_links["SOP Penataan Arsip Inaktif (SOP-002/BU/2024)"].sop_id == target.id
    assert editor.list.currentRow() == 2
    window.undo_action.trigger()
    assert window.controller.sop.identity.keterkaitan == ["SOP Mikro Arsip", "SOP Lain di Luar Pustaka"]


def test_a_deleted_or_renamed_target_is_a_warning_in_masalah(linked, qtbot):
    window, dialogs, target = linked
    window.controller.set_list("keterkaitan", ["SOP-002/BU/2024 Penataan Arsip Inaktif"], "butir")
    editor = keterkaitan(window)
    editor.select_index(0)
    dialogs.answer("choose_linked_sop", target.id)
    editor.link_current()
    window.save_action.trigger()
    assert not any("Keterkaitan butir" in text for text in problem_texts(window))
    # The target gets another nomor (saved elsewhere in the library).
    renamed = window.library.load(target.id)
    renamed.identity.nomor = "SOP-005/BU/2025"
    window.library.save(renamed)
    window.refresh_library()
    assert ("Peringatan: Keterkaitan butir 1 masih menyebut nomor \"SOP-002/BU/2024\", tetapi SOP yang dikaitkan "
            "kini bernomor \"SOP-005/BU/2025\".") in problem_texts(window)
    # Hapus in the library moves it to the Sampah: the warning follows at once.
    dialogs.answer("confirm", True)
    window.trash_sop(target.id)
    assert any("yang ada di Sampah" in text for text in problem_texts(window))
    dialogs.answer("confirm", True)
    window.purge_sop(target.id)
    texts = problem_texts(window)
    assert any("Keterkaitan butir 1 dikaitkan ke \"SOP-002/BU/2024 Penataan Arsip Inaktif\", yang sudah tidak ada "
               "di pustaka" in text for text in texts)
    # The broken link says why it cannot open, and clicking the problem selects the item.
    click_mark(qtbot, editor.list, editor.list.visualItemRect(editor.list.item(0)))
    assert dialogs.errors[-1][0] == "SOP tidak ditemukan"
    window.tabs.setCurrentIndex(TAB_STEPS)
    panel = window.problems_panel
    row = next(i for i in range(panel.list.count()) if "tidak ada di pustaka" in panel.list.item(i).text())
    panel.list.itemClicked.emit(panel.list.item(row))
    assert window.tabs.currentIndex() == TAB_BOXES and editor.list.currentRow() == 0


def test_a_keterangan_links_a_mikro_sop_and_opens_it(linked, qtbot):
    window, dialogs, target = linked
    window.tabs.setCurrentIndex(TAB_STEPS)
    steps = window.steps_editor
    window.controller.insert_step(0)
    step_id = window.controller.sop.steps[0].id
    window.controller.set_step_field(step_id, "keterangan", "Rincian di SOP tersendiri", "keterangan")
    steps.select_step(step_id, "keterangan")
    dialogs.answer("choose_linked_sop", target.id)
    steps.actions["link_keterangan"].trigger()
    step = window.controller.sop.steps[0]
    assert step.keterangan == "Rincian di SOP tersendiri"
    assert step.keterangan_link == SopLink(target.id, "SOP-002/BU/2024", "Penataan Arsip Inaktif")
    assert window.controller.stack.undoText() == "Kaitkan Keterangan ke SOP"
    assert any(text.startswith("Peringatan: Langkah 1, Keterangan dikaitkan ke") for text in problem_texts(window))
    window.save_action.trigger()
    index = steps.model.index(0, steps.model.column_of(Col.KETERANGAN))
    steps.table.scrollTo(index)
    click_mark(qtbot, steps.table, steps.table.visualRect(index))
    qtbot.waitUntil(lambda: window.controller.sop.id == target.id, timeout=WAIT_MS)
    assert "Keterangan langkah 1" in window.boxes_editor.backlinks.text()


def test_a_keterangan_that_names_an_sop_opens_it_from_the_menu(linked, qtbot):
    window, dialogs, target = linked
    window.tabs.setCurrentIndex(TAB_STEPS)
    window.controller.insert_step(0)
    step_id = window.controller.sop.steps[0].id
    window.controller.set_step_field(step_id, "keterangan", "Lihat SOP-002/BU/2024", "keterangan")
    window.steps_editor.select_step(step_id, "keterangan")
    dialogs.answer("ask_unsaved", dlg.DISCARD)
    window.steps_editor.actions["open_keterangan_link"].trigger()  # Ctrl+Shift+O, also in the Langkah menu
    qtbot.waitUntil(lambda: window.controller.sop.id == target.id, timeout=WAIT_MS)


def test_the_picker_filters_the_library_and_returns_the_choice(qtbot):
    from sopdesk.links import LinkTarget

    targets = [LinkTarget("a", "SOP-001", "Peminjaman Arsip", "Biro Umum"),
               LinkTarget("b", "SOP-002", "Penataan Arsip Inaktif", "Biro Umum"),
               LinkTarget("c", "SOP-003", "Pembentukan Tim", "Biro Hukum")]
    dialog = LinkPickerDialog("Kaitkan ke SOP", targets, suggested_id="b", can_unlink=False)
    qtbot.addWidget(dialog)
    assert dialog.current_id() == "b"  # the SOP the item already names comes first
    assert not dialog.unlink_button.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.filter, "hukum")
    assert dialog.list.count() == 1 and dialog.current_id() == "c"
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "zzz")
    assert dialog.list.count() == 0 and not dialog.link_button.isEnabled()
    dialog.filter.clear()
    dialog.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.link_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == LinkPickerDialog.DialogCode.Accepted and dialog.chosen == "a"
    unlink = LinkPickerDialog("Ubah kaitan", targets, current_id="c", can_unlink=True)
    qtbot.addWidget(unlink)
    assert unlink.current_id() == "c"
    qtbot.mouseClick(unlink.unlink_button, Qt.MouseButton.LeftButton)
    assert unlink.chosen == ""
    empty = LinkPickerDialog("Kaitkan ke SOP", [])
    qtbot.addWidget(empty)
    assert empty.empty_note.isVisibleTo(empty) and not empty.link_button.isEnabled()

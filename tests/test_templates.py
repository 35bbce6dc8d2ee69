"""SOP Baru dari contoh: the shipped examples open as new unsaved drafts, with the user's profile."""
from __future__ import annotations

import pytest

from ui.templates import list_templates, load_template
from ui.ui_state import Profile


def test_the_shipped_examples_load_and_are_listed_by_name():
    templates = list_templates()
    assert len(templates) >= 2
    names = [t.name for t in templates]
    assert "Peminjaman Arsip Dinamis Inaktif" in names
    assert names == sorted(names, key=str.casefold)
    for template in templates:
        sop = load_template(template)
        assert sop.steps and sop.actors and sop.identity.nama == template.name


def test_each_new_sop_from_an_example_gets_a_fresh_id():
    template = list_templates()[0]
    assert load_template(template).id != load_template(template).id


@pytest.fixture
def window(make_window):
    win, dialogs = make_window()
    win.template_choices = []

    def choose_template(names):
        win.template_choices.append(list(names))
        return dialogs._next("choose_template", -1)

    dialogs.choose_template = choose_template
    return win, dialogs


def file_menu_action(window, text):
    file_menu = window.menuBar().actions()[0].menu()
    return next(a for a in file_menu.actions() if a.text().replace("&", "") == text)


def test_berkas_sop_baru_dari_contoh_opens_a_complete_unsaved_draft(window, qtbot):
    win, dialogs = window
    win.state.set_profile(Profile(instansi="PEMERINTAH KABUPATEN CONTOH", unit_lines=["Dinas Arsip"]))
    names = [t.name for t in list_templates()]
    dialogs.answer("choose_template", names.index("Peminjaman Arsip Dinamis Inaktif"))
    file_menu_action(win, "SOP Baru dari contoh…").trigger()
    assert win.template_choices == [names]
    sop = win.controller.sop
    assert sop.identity.nama == "Peminjaman Arsip Dinamis Inaktif"
    assert len(sop.steps) == 12 and len(sop.actors) == 4
    assert sop.identity.instansi == "PEMERINTAH KABUPATEN CONTOH"  # the profile says who the user is
    assert sop.identity.unit_lines == ["Dinas Arsip"]
    assert not win.controller.in_library
    assert win.library.entries() == []  # nothing reaches the library before Ctrl+S
    assert win.identity_form.nama.text() == "Peminjaman Arsip Dinamis Inaktif"
    qtbot.waitUntil(lambda: win.preview.page_count() >= 2, timeout=10_000)
    win.save_action.trigger()
    assert [e.nama for e in win.library.entries()] == ["Peminjaman Arsip Dinamis Inaktif"]


def test_an_empty_profile_leaves_the_examples_own_identity(window):
    win, dialogs = window
    dialogs.answer("choose_template", 0)
    win.new_from_template()
    assert win.controller.sop.identity.instansi  # the example's own instansi, not emptied


def test_cancelling_the_choice_keeps_the_open_sop_and_unsaved_work_is_asked_about(window, qtbot):
    win, dialogs = window
    qtbot.keyClicks(win.identity_form.nama, "Pekerjaan saya")
    win.controller.commit_pending_edits()
    dialogs.answer("choose_template", 0)
    dialogs.answer("ask_unsaved", "batal")
    win.new_from_template()
    assert win.controller.sop.identity.nama == "Pekerjaan saya"
    dialogs.answer("choose_template", -1)
    win.new_from_template()
    assert win.controller.sop.identity.nama == "Pekerjaan saya"


def test_the_library_panels_sop_baru_button_offers_the_examples(window, qtbot):
    win, dialogs = window
    button = win.library_panel.new_button
    menu = button.menu()
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "SOP kosong (dari profil)" and "Dari contoh…" in texts
    dialogs.answer("choose_template", 0)
    next(a for a in menu.actions() if a.text() == "Dari contoh…").trigger()
    assert win.controller.sop.identity.nama == list_templates()[0].name
    next(a for a in menu.actions() if a.text() == "SOP kosong (dari profil)").trigger()
    assert win.controller.sop.steps == [] or win.controller.sop.identity.nama == ""

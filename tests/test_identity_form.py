"""The identity form: typed and picked Indonesian dates, the logo picker, NIP/NRP, the pengesahan switch, a duplicate Nomor SOP."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from sopdesk.model import IdLabel
from ui.controller import DocumentController
from ui.identity_form import IdentityForm

from .gui_helpers import ScriptedDialogs, pick_date


@pytest.fixture
def form(qtbot):
    controller = DocumentController()
    dialogs = ScriptedDialogs()
    widget = IdentityForm(controller, dialogs)
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    return widget, controller, dialogs


def test_dates_are_picked_and_shown_in_indonesian(form, qtbot):
    widget, controller, _ = form
    pick_date(qtbot, widget.tanggal_pembuatan, dt.date(2017, 11, 1))
    assert controller.sop.identity.tanggal_pembuatan == dt.date(2017, 11, 1)
    assert widget.tanggal_pembuatan.display.text() == "Rabu, 01 November 2017"
    qtbot.mouseClick(widget.tanggal_pembuatan.clear_button, Qt.MouseButton.LeftButton)
    assert controller.sop.identity.tanggal_pembuatan is None
    assert widget.tanggal_pembuatan.display.text() == ""


def test_pengesahan_replaces_efektif(form, qtbot):
    widget, controller, _ = form
    assert widget.tanggal_efektif.isVisible() and not widget.tanggal_pengesahan.isVisible()
    widget.use_pengesahan.click()
    assert controller.sop.identity.use_pengesahan
    assert widget.tanggal_pengesahan.isVisible() and not widget.tanggal_efektif.isVisible()
    pick_date(qtbot, widget.tanggal_pengesahan, dt.date(2019, 6, 3))
    assert controller.sop.identity.tanggal_pengesahan == dt.date(2019, 6, 3)


def test_identity_label_choice(form, qtbot):
    widget, controller, _ = form
    widget.signer_label.setFocus()
    qtbot.keyClick(widget.signer_label, Qt.Key.Key_Down)
    assert controller.sop.identity.signer.id_label is IdLabel.NRP
    qtbot.keyClick(widget.signer_label, Qt.Key.Key_Down)
    assert controller.sop.identity.signer.id_label is IdLabel.NONE
    assert not widget.signer_number.isEnabled()


def test_logo_png_and_svg_are_previewed(form, qtbot, tmp_path):
    widget, controller, dialogs = form
    png = tmp_path / "garuda.png"
    image = QImage(40, 50, QImage.Format.Format_ARGB32)
    image.fill(QColor("gold"))
    image.save(str(png))
    dialogs.answer("open_file", str(png))
    qtbot.mouseClick(widget.logo_button, Qt.MouseButton.LeftButton)
    assert controller.sop.identity.logo.extension == "png"
    assert not widget.logo_preview.pixmap().isNull()
    svg = tmp_path / "lambang.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>')
    dialogs.answer("open_file", str(svg))
    qtbot.mouseClick(widget.logo_button, Qt.MouseButton.LeftButton)
    assert controller.sop.identity.logo.extension == "svg"
    assert not widget.logo_preview.pixmap().isNull()
    qtbot.mouseClick(widget.logo_clear, Qt.MouseButton.LeftButton)
    assert controller.sop.identity.logo is None
    assert widget.logo_preview.text() == "Tanpa logo"


def test_a_file_that_is_not_an_image_is_refused_with_a_message(form, qtbot, tmp_path):
    widget, controller, dialogs = form
    fake = tmp_path / "bukan-gambar.png"
    fake.write_bytes(b"PK\x03\x04 this is a zip, not a picture")
    dialogs.answer("open_file", str(fake))
    qtbot.mouseClick(widget.logo_button, Qt.MouseButton.LeftButton)
    assert controller.sop.identity.logo is None
    assert "bukan gambar" in dialogs.errors[-1][1]


# ---- typed dates ---------------------------------------------------------------------------

NOV_1 = dt.date(2017, 11, 1)


def type_date(qtbot, field, text: str) -> None:
    """Select the field's text, type over it and press Enter, as a user does."""
    field.display.setFocus()
    field.display.selectAll()
    if text:
        qtbot.keyClicks(field.display, text)
    else:
        qtbot.keyClick(field.display, Qt.Key.Key_Delete)
    qtbot.keyClick(field.display, Qt.Key.Key_Return)


@pytest.mark.parametrize("text", ["01/11/2017", "1-11-2017", "1.11.2017", "1 November 2017", "1 Nov 2017",
                                  "Rabu, 01 November 2017", "2017-11-01"])
@pytest.mark.parametrize("key", ["tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif"])
def test_dates_can_be_typed(form, qtbot, key, text):
    widget, controller, _ = form
    field = widget.fields[key]
    type_date(qtbot, field, text)
    assert getattr(controller.sop.identity, key) == NOV_1
    assert controller.sop.identity.date_texts == {}
    assert field.display.text() == "Rabu, 01 November 2017"


def test_typing_a_date_is_one_undo_step_and_clearing_clears_it(form, qtbot):
    widget, controller, _ = form
    field = widget.tanggal_pembuatan
    type_date(qtbot, field, "1 Nov 2017")
    assert controller.stack.count() == 1
    qtbot.mouseClick(field.clear_button, Qt.MouseButton.LeftButton)
    assert controller.sop.identity.tanggal_pembuatan is None and field.display.text() == ""
    controller.stack.undo()
    assert controller.sop.identity.tanggal_pembuatan == NOV_1
    assert field.display.text() == "Rabu, 01 November 2017"
    type_date(qtbot, field, "")  # emptying the text clears the date too
    assert controller.sop.identity.tanggal_pembuatan is None and field.display.text() == ""


def test_the_text_stays_as_typed_while_typing(form, qtbot):
    widget, controller, _ = form
    field = widget.tanggal_revisi
    field.display.setFocus()
    qtbot.keyClicks(field.display, "2017-11-1")  # already a date before the user has finished
    assert controller.sop.identity.tanggal_revisi == NOV_1
    assert field.display.text() == "2017-11-1"
    qtbot.keyClicks(field.display, "5")
    assert controller.sop.identity.tanggal_revisi == dt.date(2017, 11, 15)
    qtbot.keyClick(field.display, Qt.Key.Key_Return)
    assert field.display.text() == "Rabu, 15 November 2017"


def test_an_unreadable_date_is_kept_as_typed(form, qtbot):
    widget, controller, _ = form
    field = widget.tanggal_efektif
    type_date(qtbot, field, "awal Januari 2018")
    ident = controller.sop.identity
    assert ident.tanggal_efektif is None
    assert ident.date_texts == {"tanggal_efektif": "awal Januari 2018"}
    assert field.display.text() == "awal Januari 2018"
    pick_date(qtbot, field, dt.date(2018, 1, 2))  # the calendar is still there and replaces the text
    assert controller.sop.identity.tanggal_efektif == dt.date(2018, 1, 2)
    assert controller.sop.identity.date_texts == {}
    assert field.display.text() == "Selasa, 02 Januari 2018"
    controller.stack.undo()
    assert controller.sop.identity.date_texts == {"tanggal_efektif": "awal Januari 2018"}
    assert field.display.text() == "awal Januari 2018"


def test_a_wrong_weekday_is_kept_and_warned(form, qtbot):
    from sopdesk.validation import validate

    widget, controller, _ = form
    type_date(qtbot, widget.tanggal_pembuatan, "Selasa, 01 November 2017")
    ident = controller.sop.identity
    assert ident.tanggal_pembuatan == NOV_1
    assert widget.tanggal_pembuatan.display.text() == "Selasa, 01 November 2017"
    problem = next(p for p in validate(controller.sop) if p.code == "date-weekday")
    assert "Tanggal Pembuatan" in problem.message and "Rabu" in problem.message
    assert problem.target.field == "tanggal_pembuatan"


def _printed_texts(sop) -> str:
    from sopdesk.outputs import laid_out

    document = laid_out(sop)
    return "\n".join(cell.text for page in document.pages for table in page.tables for cell in table.cells)


def test_unreadable_date_is_warned_saved_reopened_and_printed_as_typed(make_window, qtbot, tmp_path):
    window, _ = make_window()
    form = window.identity_form
    qtbot.keyClicks(form.nama, "Pelayanan Arsip")
    type_date(qtbot, form.tanggal_revisi, "akhir  2017 (menunggu)")
    window.problems_panel.refresh()
    texts = [window.problems_panel.list.item(i).text() for i in range(window.problems_panel.list.count())]
    warning = next(t for t in texts if "akhir  2017 (menunggu)" in t)
    assert warning.startswith("Peringatan: Tanggal Revisi")
    assert "akhir  2017 (menunggu)" in _printed_texts(window.controller.sop)
    assert window.save()
    sop_id = window.controller.sop.id
    window.library.close()
    again, _ = make_window(tmp_path / "pustaka")
    again.open_from_library(sop_id)
    assert again.controller.sop.identity.date_texts == {"tanggal_revisi": "akhir  2017 (menunggu)"}
    assert again.identity_form.tanggal_revisi.display.text() == "akhir  2017 (menunggu)"
    assert "akhir  2017 (menunggu)" in _printed_texts(again.controller.sop)


# ---- duplicate Nomor SOP -----------------------------------------------------------------------


def test_a_nomor_used_by_another_sop_is_warned_and_saving_asks(make_window, qtbot):
    window, dialogs = make_window()
    form = window.identity_form
    qtbot.keyClicks(form.nomor, "800/12/2017")
    qtbot.keyClicks(form.nama, "Peminjaman Arsip")
    assert window.save()
    assert "confirm" not in dialogs.asked  # its own nomor in the library is no duplicate
    window.new_sop(ask=False)
    qtbot.keyClicks(form.nomor, " 800/12/2017 ")
    qtbot.keyClicks(form.nama, "Penyusutan Arsip")
    window.problems_panel.refresh()
    warnings = [p for p in window.problems_panel.problems if p.code == "nomor-duplicate"]
    assert len(warnings) == 1 and "Peminjaman Arsip" in warnings[0].message
    assert warnings[0].target.field == "nomor"

    dialogs.answer("confirm", False)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)  # shortcuts reach only the active window
    form.nama.setFocus()
    qtbot.keyClick(form.nama, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialogs.asked.count("confirm") == 1
    assert window.controller.is_modified()
    assert len(window.library.entries()) == 1
    assert form.nomor.text() == " 800/12/2017 " and form.nama.text() == "Penyusutan Arsip"

    dialogs.answer("confirm", True)
    qtbot.keyClick(form.nama, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.controller.is_modified()
    assert sorted(e.nama for e in window.library.entries()) == ["Peminjaman Arsip", "Penyusutan Arsip"]


def test_nomor_compare_ignores_case_and_the_sop_itself():
    from types import SimpleNamespace

    from sopdesk.model import Identity, Sop
    from sopdesk.validation import duplicate_nomor

    sop = Sop(identity=Identity(nomor="sop-01 "))
    itself = SimpleNamespace(id=sop.id, nomor="SOP-01", nama="Sendiri")
    other = SimpleNamespace(id="x", nomor=" SOP-01", nama="Lain")
    assert duplicate_nomor(sop, [itself]) == []
    assert "\"Lain\"" in duplicate_nomor(sop, [itself, other])[0].message
    assert duplicate_nomor(Sop(), [SimpleNamespace(id="y", nomor="", nama="Kosong")]) == []


# ---- width ------------------------------------------------------------------------------------


def test_the_form_fits_a_narrow_column_without_sideways_scrolling(form, qtbot):
    # About what the editor pane gets at 1280 px beside the library and the preview;
    # long labels wrap above their fields rather than widening the form (it needed 784 px).
    widget, _, _ = form
    widget.resize(600, 700)
    qtbot.waitUntil(lambda: widget.widget().width() <= widget.viewport().width(), timeout=5000)
    assert widget.horizontalScrollBar().maximum() == 0

"""The identity form: Indonesian dates from the calendar, the logo picker, NIP/NRP and the pengesahan switch."""
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

"""The identity page form: institution, logo, number, dates, signer, title and type."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QDate, QLocale, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sopdesk.dates import parse_date
from sopdesk.labels import IDENTITY_LABELS, format_date
from sopdesk.lifecycle import DEFAULT_REVIEW_MONTHS, LIFECYCLE_LABELS, MAX_REVIEW_MONTHS, review_text
from sopdesk.model import IdLabel, Logo, Status
from sopdesk.sanity import logo_problem

from .controller import DocumentController
from .dialogs import IMAGE_FILTER, Dialogs, ok_cancel_buttons
from .list_editors import ListEditor
from .ui_state import logo_extension

INDONESIAN = QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia)


class DateField(QWidget):
    """A date typed in any common form or picked from a calendar; shown as "Rabu, 01 November 2017".

    Typed text that is not a date is kept as typed (the form stores it and Masalah warns).
    """

    date_picked = Signal(object)  # datetime.date or None, from the calendar or Kosongkan
    text_typed = Signal(str)  # every keystroke, like the other fields, so typing merges into one undo step

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: dt.date | None = None
        self._kept = ""
        self._editing = False
        self.open_dialog: QDialog | None = None
        self.display = QLineEdit()
        self.display.setPlaceholderText("mis. 01/11/2017 atau 1 November 2017")
        self.display.setMinimumWidth(60)  # may shrink: the placeholder must not widen the form
        self.display.textEdited.connect(self._on_display_text_edited)
        self.display.editingFinished.connect(self._on_display_editing_finished)
        self.pick_button = QPushButton("Pilih…")
        self.pick_button.setToolTip("Pilih tanggal dari kalender")
        self.clear_button = QPushButton("Kosongkan")
        self.pick_button.clicked.connect(self._on_pick_button_clicked)
        self.clear_button.clicked.connect(lambda: self.date_picked.emit(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.display, 1)
        layout.addWidget(self.pick_button)
        layout.addWidget(self.clear_button)

    def value(self) -> dt.date | None:
        return self._value

    def set_value(self, value: dt.date | None, kept: str = "") -> None:
        """Show the document's state; while the user types, text that already means that state stays as typed."""
        self._value = value
        self._kept = kept
        if self._editing and stored_date(self.display.text()) == (value, kept):
            return
        self._show()

    def _show(self) -> None:
        text = self._kept or format_date(self._value, empty="")
        if self.display.text() != text:
            self.display.setText(text)

    def calendar_dialog(self) -> tuple[QDialog, QCalendarWidget]:
        dialog = QDialog(self)
        dialog.setWindowTitle("Pilih tanggal")
        calendar = QCalendarWidget()
        calendar.setLocale(INDONESIAN)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        calendar.setGridVisible(True)
        start = self._value or dt.date.today()
        calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        calendar.activated.connect(lambda _date: dialog.accept())
        buttons = ok_cancel_buttons(dialog, "Pilih", "Batal")
        layout = QVBoxLayout(dialog)
        layout.addWidget(calendar)
        layout.addWidget(buttons)
        return dialog, calendar

    def _on_display_text_edited(self, text: str) -> None:
        self._editing = True
        self.text_typed.emit(text)

    def _on_display_editing_finished(self) -> None:
        # Done typing: a readable date now shows in the official form; kept text stays as typed.
        self._editing = False
        self._show()

    def _on_pick_button_clicked(self) -> None:
        self._editing = False
        dialog, calendar = self.calendar_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.date_picked.emit(calendar.selectedDate().toPython()))
        self.open_dialog = dialog
        dialog.open()  # window-modal without blocking, so the form stays scriptable


def stored_date(text: str) -> tuple[dt.date | None, str]:
    """(date, kept text) the document holds for a typed date: text is kept unless it reads cleanly."""
    reading = parse_date(text)
    if reading.readable and reading.weekday_ok:
        return reading.value, ""
    return reading.value, text


class IdentityForm(QScrollArea):
    def __init__(self, controller: DocumentController, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._dialogs = dialogs
        self.fields: dict[str, QWidget] = {}
        inner = QWidget()
        outer = QVBoxLayout(inner)

        unit = QGroupBox("Instansi dan unit")
        unit_form = QFormLayout(unit)
        self.instansi = self._line("instansi")
        unit_form.addRow("Instansi (kementerian/lembaga/pemda):", self.instansi)
        self.unit_lines = ListEditor("Unit organisasi", dialogs)
        self.unit_lines.setObjectName("unit_lines")
        self.unit_lines.items_edited.connect(
            lambda items, text: self._controller.set_list("unit_lines", items, text))
        self.fields["unit_lines"] = self.unit_lines
        unit_form.addRow("Unit (eselon I, II, seterusnya):", self.unit_lines)
        self.logo_preview = QLabel("Tanpa logo")
        self.logo_preview.setFixedSize(96, 96)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px solid #999;")
        self.logo_button = QPushButton("Pilih logo…")
        self.logo_clear = QPushButton("Hapus logo")
        self.logo_button.clicked.connect(self._on_logo_button_clicked)
        self.logo_clear.clicked.connect(lambda: self._controller.set_identity("logo", None, "logo"))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.logo_button)
        logo_buttons.addWidget(self.logo_clear)
        logo_buttons.addStretch(1)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        unit_form.addRow("Logo:", logo_row)
        self.fields["logo"] = self.logo_button
        outer.addWidget(unit)

        doc = QGroupBox("Dokumen")
        form = QFormLayout(doc)
        self.nomor = self._line("nomor")
        form.addRow("Nomor SOP:", self.nomor)
        self.nama = self._line("nama")
        form.addRow("Nama SOP:", self.nama)
        self.cakupan = self._combo("cakupan", [("", "—"), ("Makro", "Makro"), ("Mikro", "Mikro")])
        self.sifat = self._combo("sifat", [("", "—"), ("Administratif", "Administratif"), ("Teknis", "Teknis")])
        kinds = QHBoxLayout()
        kinds.addWidget(self.cakupan)
        kinds.addWidget(self.sifat)
        kinds.addStretch(1)
        form.addRow("Jenis SOP:", kinds)
        self.tanggal_pembuatan = self._date("tanggal_pembuatan")
        form.addRow("Tanggal Pembuatan:", self.tanggal_pembuatan)
        self.tanggal_revisi = self._date("tanggal_revisi")
        form.addRow("Tanggal Revisi:", self.tanggal_revisi)
        self.revisi_ke = QSpinBox()
        self.revisi_ke.setRange(0, 999)
        self.revisi_ke.setSpecialValueText("—")
        self.revisi_ke.valueChanged.connect(self._on_revisi_ke_value_changed)
        self.fields["revisi_ke"] = self.revisi_ke
        form.addRow("Revisi ke:", self.revisi_ke)
        self.use_pengesahan = QCheckBox("Pakai Tanggal Pengesahan sebagai ganti Tanggal Efektif")
        self.use_pengesahan.toggled.connect(
            lambda on: self._controller.set_identity("use_pengesahan", on, "jenis tanggal"))
        form.addRow("", self.use_pengesahan)
        self.tanggal_efektif = self._date("tanggal_efektif")
        self.efektif_label = QLabel("Tanggal Efektif:")
        form.addRow(self.efektif_label, self.tanggal_efektif)
        self.tanggal_pengesahan = self._date("tanggal_pengesahan")
        self.pengesahan_label = QLabel("Tanggal Pengesahan:")
        form.addRow(self.pengesahan_label, self.tanggal_pengesahan)
        outer.addWidget(doc)

        signer = QGroupBox("Disahkan oleh")
        signer_form = QFormLayout(signer)
        self.signer_jabatan = self._line("signer.jabatan")
        signer_form.addRow("Jabatan:", self.signer_jabatan)
        self.signer_nama = self._line("signer.nama")
        signer_form.addRow("Nama:", self.signer_nama)
        self.signer_label = self._combo("signer.id_label", [("NIP", "NIP"), ("NRP", "NRP"),
                                                             ("", "Tanpa nomor identitas")])
        # The long "Tanpa nomor identitas" shows in the open list; closed, the box may be narrower.
        self.signer_label.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.signer_label.setMinimumContentsLength(6)
        self.signer_number = self._line("signer.id_number")
        id_row = QHBoxLayout()
        id_row.addWidget(self.signer_label)
        id_row.addWidget(self.signer_number, 1)
        signer_form.addRow("Nomor identitas:", id_row)
        outer.addWidget(signer)
        outer.addWidget(self._lifecycle_box())
        outer.addStretch(1)
        for box_form in (unit_form, form, signer_form, self.lifecycle_form):
            _let_shrink(box_form)
        self.setWidget(inner)
        self.setWidgetResizable(True)
        controller.document_changed.connect(self._on_controller_document_changed)

    # ---- status and review --------------------------------------------------------------
    # Months the review counts when the SOP sets none; the window points this at Preferensi.
    review_default_months: Callable[[], int] = staticmethod(lambda: DEFAULT_REVIEW_MONTHS)

    def _lifecycle_box(self) -> QGroupBox:
        box = QGroupBox("Status dan tinjau ulang")
        form = QFormLayout(box)
        self.lifecycle_form = form
        self.status = QComboBox()
        self.status.setObjectName("status")
        for status in Status:
            self.status.addItem(status.value, status.value)
        self.status.setToolTip("Draf: sedang disusun. Berlaku: sudah ditetapkan. Diganti: ada revisi yang lebih "
                               "baru yang berlaku. Dicabut: tidak berlaku lagi.")
        self.status.activated.connect(self._on_status_activated)
        self.fields["status"] = self.status
        form.addRow("Status:", self.status)
        self.status_date = DateField()
        self.status_date.setObjectName("status_date")
        self.status_date.date_picked.connect(lambda value: self._set_status_date(value))
        self.status_date.text_typed.connect(self._on_status_date_typed)
        self.fields["status_date"] = self.status_date
        form.addRow("Tanggal status:", self.status_date)
        self.review_months = QSpinBox()
        self.review_months.setObjectName("review_months")
        self.review_months.setRange(0, MAX_REVIEW_MONTHS)
        self.review_months.setSuffix(" bulan")
        self.review_months.setSpecialValueText("Bawaan Preferensi")
        self.review_months.setToolTip("Jangka tinjau ulang setelah Tanggal Efektif; kosong (0) memakai bawaan "
                                      "di Preferensi.")
        self.review_months.valueChanged.connect(self._on_review_months_value_changed)
        self.fields["review_months"] = self.review_months
        form.addRow("Tinjau ulang setiap:", self.review_months)
        self.review_on_revisi = QCheckBox("Tanggal Revisi berisi jadwal tinjau ulang")
        self.review_on_revisi.setObjectName("review_on_tanggal_revisi")
        self.review_on_revisi.toggled.connect(self._on_review_on_revisi_toggled)
        self.fields["review_on_tanggal_revisi"] = self.review_on_revisi
        form.addRow("", self.review_on_revisi)
        self.review_label = QLabel()
        self.review_label.setObjectName("review_label")
        self.review_label.setWordWrap(True)
        form.addRow("", self.review_label)
        return box

    def _edit_lifecycle(self, key: str, value: object, merge: bool = False) -> bool:
        def change(sop) -> None:
            setattr(sop.lifecycle, key, value)
            if key == "status" and sop.lifecycle.status_date is None and not sop.lifecycle.status_date_text:
                sop.lifecycle.status_date = dt.date.today()  # a status holds from some day: today until told

        return self._controller.edit(f"Ubah {LIFECYCLE_LABELS[key]}", "identity", change,
                                     merge_key=f"lifecycle:{key}" if merge else None)

    def _on_status_activated(self, index: int) -> None:
        self._edit_lifecycle("status", Status(self.status.itemData(index)))

    def _set_status_date(self, value: dt.date | None, kept: str = "", typing: bool = False) -> bool:
        def change(sop) -> None:
            sop.lifecycle.status_date = value
            sop.lifecycle.status_date_text = kept

        return self._controller.edit(f"Ubah {LIFECYCLE_LABELS['status_date']}", "identity", change,
                                     merge_key="lifecycle:status_date" if typing else None)

    def _on_status_date_typed(self, text: str) -> None:
        self._set_status_date(*stored_date(text), typing=True)

    def _on_review_months_value_changed(self, value: int) -> None:
        self._edit_lifecycle("review_months", value or None, merge=True)

    def _on_review_on_revisi_toggled(self, on: bool) -> None:
        self._edit_lifecycle("review_on_tanggal_revisi", on)

    def _refresh_lifecycle(self) -> None:
        sop = self._controller.sop
        life = sop.lifecycle
        self.status.setCurrentIndex(max(0, self.status.findData(life.status.value)))
        self.status_date.set_value(life.status_date, life.status_date_text)
        for widget, value in ((self.review_months, life.review_months or 0),
                              (self.review_on_revisi, life.review_on_tanggal_revisi)):
            widget.blockSignals(True)
            if isinstance(widget, QSpinBox):
                widget.setValue(value)
            else:
                widget.setChecked(value)
            widget.blockSignals(False)
        self.review_label.setText(review_text(sop, dt.date.today(), self.review_default_months()))

    # ---- builders -----------------------------------------------------------------------
    def _line(self, key: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(key)
        edit.textEdited.connect(lambda text, key=key: self._controller.set_identity(key, text, IDENTITY_LABELS[key]))
        self.fields[key] = edit
        return edit

    def _combo(self, key: str, options: list[tuple[object, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(key)
        for value, text in options:
            combo.addItem(text, value)
        combo.activated.connect(lambda index, key=key, combo=combo: self._on_combo_activated(key, combo, index))
        self.fields[key] = combo
        return combo

    def _date(self, key: str) -> DateField:
        field = DateField()
        field.setObjectName(key)
        field.date_picked.connect(lambda value, key=key: self._set_date(key, value, ""))
        field.text_typed.connect(lambda text, key=key: self._set_date(key, *stored_date(text), typing=True))
        self.fields[key] = field
        return field

    # ---- refresh from the document -------------------------------------------------------
    def refresh(self) -> None:
        ident = self._controller.sop.identity
        for key in ("instansi", "nomor", "nama", "signer.jabatan", "signer.nama", "signer.id_number"):
            edit = self.fields[key]
            value = _get(ident, key)
            if edit.text() != value:
                edit.setText(value)
        for key in ("cakupan", "sifat", "signer.id_label"):
            combo = self.fields[key]
            combo.setCurrentIndex(max(0, combo.findData(_get(ident, key))))
        for key in ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan"):
            self.fields[key].set_value(getattr(ident, key), ident.date_texts.get(key, ""))
        self.revisi_ke.blockSignals(True)
        self.revisi_ke.setValue(ident.revisi_ke or 0)
        self.revisi_ke.blockSignals(False)
        self.use_pengesahan.blockSignals(True)
        self.use_pengesahan.setChecked(ident.use_pengesahan)
        self.use_pengesahan.blockSignals(False)
        self.tanggal_efektif.setVisible(not ident.use_pengesahan)
        self.efektif_label.setVisible(not ident.use_pengesahan)
        self.tanggal_pengesahan.setVisible(ident.use_pengesahan)
        self.pengesahan_label.setVisible(ident.use_pengesahan)
        self.signer_number.setEnabled(ident.signer.id_label is not IdLabel.NONE)
        self.unit_lines.set_items(ident.unit_lines)
        self._show_logo(ident.logo)
        self._refresh_lifecycle()

    def _show_logo(self, logo: Logo | None) -> None:
        if logo is None:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("Tanpa logo")
            return
        pixmap = logo_pixmap(logo, 92)
        if pixmap.isNull():
            self.logo_preview.setText("Logo tidak dapat ditampilkan")
        else:
            self.logo_preview.setPixmap(pixmap)

    def focus_field(self, key: str) -> None:
        widget = self.fields.get(key)
        if widget is None:
            return
        self.ensureWidgetVisible(widget)
        if isinstance(widget, DateField):
            widget.display.setFocus()
        else:
            widget.setFocus()

    # ---- slots --------------------------------------------------------------------------
    def _on_controller_document_changed(self, scope: str) -> None:
        if scope in ("identity", "all"):
            self.refresh()

    def _on_combo_activated(self, key: str, combo: QComboBox, index: int) -> None:
        value = combo.itemData(index)
        if key == "signer.id_label":
            value = IdLabel(value)
        self._controller.set_identity(key, value, IDENTITY_LABELS.get(key, "label nomor identitas"))

    def _set_date(self, key: str, value: dt.date | None, kept: str, typing: bool = False) -> bool:
        def change(sop) -> None:
            setattr(sop.identity, key, value)
            if kept:
                sop.identity.date_texts[key] = kept
            else:
                sop.identity.date_texts.pop(key, None)

        return self._controller.edit(f"Ubah {IDENTITY_LABELS[key]}", "identity", change,
                                     merge_key=f"identity:{key}" if typing else None)

    def _on_revisi_ke_value_changed(self, value: int) -> None:
        self._controller.set_identity("revisi_ke", value or None, IDENTITY_LABELS["revisi_ke"])

    def _on_logo_button_clicked(self) -> None:
        path = self._dialogs.open_file("Pilih logo", "", IMAGE_FILTER)
        if path:
            self.load_logo(Path(path))

    def load_logo(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._dialogs.error("Logo tidak dapat dibaca", f"{path}: {exc.strerror or exc}")
            return False
        logo = Logo(data, logo_extension(path))
        # The writers' rule first (sopdesk.sanity), so a logo taken here is one every export prints.
        if logo_problem(logo) is not None or logo_pixmap(logo, 32).isNull():
            self._dialogs.error("Logo tidak dapat dibaca",
                                f"{path.name} bukan gambar PNG, JPEG atau SVG yang dapat dibuka.")
            return False
        return self._controller.set_identity("logo", logo, "logo")


def _let_shrink(form: QFormLayout) -> None:
    """Beside a narrow editor pane, labels wrap and move above their fields instead of widening the form."""
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        if item is not None and isinstance(item.widget(), QLabel):
            item.widget().setWordWrap(True)


def logo_pixmap(logo: Logo, size: int) -> QPixmap:
    if logo.extension == "svg":
        from PySide6.QtGui import QImage, QPainter
        from PySide6.QtSvg import QSvgRenderer

        renderer = QSvgRenderer(QByteArray(logo.data))
        if not renderer.isValid():
            return QPixmap()
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        renderer.render(painter)
        painter.end()
        return QPixmap.fromImage(image)
    pixmap = QPixmap()
    pixmap.loadFromData(logo.data)
    if pixmap.isNull():
        return pixmap
    return pixmap.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def _get(ident, key: str):
    owner = ident
    parts = key.split(".")
    for part in parts[:-1]:
        owner = getattr(owner, part)
    value = getattr(owner, parts[-1])
    return value.value if isinstance(value, IdLabel) else value

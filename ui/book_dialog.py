"""Berkas → Buku SOP…: choose SOPs (tick them, or by unit and status), fill in the cover, and write PDF and Word.

The book is written by sopdesk.book.BookJob, the same code `sopdesk buku` runs. The job goes step
by step (one SOP laid out, or one part written, per step) on the window's own thread, one step
per pass of the event loop, so the window keeps painting and Batal answers between two steps.
Qt's text layouts are cached and not shared across threads, which is why this is not a worker
thread. A cancelled or failed run leaves no file behind: every output is a temporary file until
all of them are complete.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sopdesk.book import (
    DEFAULT_TEMPLATE,
    DEFAULT_TITLE,
    STATUSES,
    BookCancelled,
    BookError,
    BookInfo,
    BookJob,
    BookOutput,
    nomor_key,
    read_template,
)
from sopdesk.catalog import CatalogEntry
from sopdesk.model import Sop
from sopdesk.sanity import UnprintableError
from sopdesk.storage import Library, StorageError

ALL = ""
ID_ROLE = Qt.ItemDataRole.UserRole


class BookRun(QObject):
    """Drives a BookJob one step per event-loop pass; cancel() stops it before the next step."""

    progressed = Signal(int, int, str)  # done, total, what was just done
    finished = Signal(str, str)  # outcome "selesai" / "dibatalkan" / "gagal", and the message to show

    def __init__(self, job: BookJob, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self._steps = job.steps()
        self.running = False

    def start(self) -> None:
        self.running = True
        QTimer.singleShot(0, self._step)

    def cancel(self) -> None:
        self.job.cancel()

    def _step(self) -> None:
        if not self.running:
            return
        try:
            step = next(self._steps)
        except StopIteration:
            self._end("selesai", "")
            return
        except BookCancelled as exc:
            self._end("dibatalkan", str(exc))
            return
        except UnprintableError as exc:
            self._end("gagal", f"Buku tidak dapat ditulis: {exc}")
            return
        except BookError as exc:
            self._end("gagal", str(exc))
            return
        except OSError as exc:
            self._end("gagal", f"Buku tidak dapat ditulis: {exc.strerror or exc}")
            return
        except Exception as exc:  # noqa: BLE001 - a writer's slip must not take the window down; nothing is written
            self._end("gagal", f"Buku tidak dapat ditulis ({type(exc).__name__}: {exc}).")
            return
        self.progressed.emit(step.done, step.total, step.text)
        if self.job.finished:
            self._end("selesai", "")
            return
        QTimer.singleShot(0, self._step)

    def stop_now(self) -> None:
        """Cancel and clean up at once (the dialog is closing)."""
        self.job.cancel()
        if self.running:
            self._steps.close()
            self._end("dibatalkan", "Pembuatan buku dibatalkan; tidak ada berkas yang ditulis.")

    def _end(self, outcome: str, message: str) -> None:
        if not self.running:
            return
        self.running = False
        self._steps.close()
        self.finished.emit(outcome, message)


class BookDialog(QDialog):
    """The choice of SOPs and the cover on one screen, then the progress of the run in the same dialog."""

    book_written = Signal(object)  # list[Path] of the files written

    def __init__(self, library: Library, dialogs, state=None, parent: QWidget | None = None,
                 unsaved_note: str = "") -> None:
        super().__init__(parent)
        self.library = library
        self.dialogs = dialogs
        self.state = state
        self.run: BookRun | None = None
        self.written: list[Path] = []
        self.template_path: Path | None = None
        self.setWindowTitle("Buku SOP")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(940, 620)
        self.entries: list[CatalogEntry] = sorted(library.entries(), key=_entry_key)

        # ---- which SOPs ----
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("book_unit")
        self.unit_combo.addItem("Semua unit", ALL)
        for unit in sorted({e.unit for e in self.entries if e.unit.strip()}, key=str.casefold):
            self.unit_combo.addItem(unit, unit)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("book_status")
        self.status_combo.addItem("Semua status", ALL)
        for status in STATUSES:
            self.status_combo.addItem(status, status)
        self.sop_list = QListWidget()
        self.sop_list.setObjectName("book_sops")
        for entry in self.entries:
            nomor = entry.nomor.strip() or "(tanpa nomor)"
            item = QListWidgetItem(f"{nomor} — {entry.nama or '(tanpa nama)'}")
            item.setToolTip(f"{entry.nomor}\n{entry.nama}\n{entry.unit}\nStatus: {_status_of(entry) or '-'}")
            item.setData(ID_ROLE, entry.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.sop_list.addItem(item)
        self.check_all_button = QPushButton("Centang semua")
        self.uncheck_all_button = QPushButton("Kosongkan")
        self.count_label = QLabel()
        self.unit_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.status_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.sop_list.itemChanged.connect(lambda _item: self._update_count())
        self.check_all_button.clicked.connect(lambda: self._check_shown(True))
        self.uncheck_all_button.clicked.connect(lambda: self._check_shown(False))

        choose = QGroupBox("SOP dalam buku (urut menurut Nomor SOP)")
        filters = QFormLayout()
        filters.addRow("Unit:", self.unit_combo)
        filters.addRow("Status:", self.status_combo)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_all_button)
        check_row.addWidget(self.uncheck_all_button)
        check_row.addStretch(1)
        check_row.addWidget(self.count_label)
        choose_layout = QVBoxLayout(choose)
        choose_layout.addLayout(filters)
        choose_layout.addWidget(self.sop_list, 1)
        choose_layout.addLayout(check_row)

        # ---- the cover and the penetapan ----
        self.title_edit = QPlainTextEdit(DEFAULT_TITLE)
        self.title_edit.setObjectName("book_title")
        self.title_edit.setFixedHeight(54)
        self.instansi_edit = QLineEdit()
        self.instansi_edit.setPlaceholderText("kosong: dari SOP pertama")
        self.unit_edit = QLineEdit()
        self.unit_edit.setPlaceholderText("kosong: dari SOP pertama")
        self.year_edit = QLineEdit()
        self.year_edit.setPlaceholderText("kosong: tahun ini")
        self.address_edit = QPlainTextEdit()
        self.address_edit.setObjectName("book_address")
        self.address_edit.setFixedHeight(54)
        self.unit_combo.currentIndexChanged.connect(self._on_unit_combo_changed)
        cover = QGroupBox("Sampul")
        cover_form = QFormLayout(cover)
        cover_form.addRow("Judul:", self.title_edit)
        cover_form.addRow("Instansi:", self.instansi_edit)
        cover_form.addRow("Unit:", self.unit_edit)
        cover_form.addRow("Tahun:", self.year_edit)
        cover_form.addRow("Alamat:", self.address_edit)

        self.penetapan_check = QCheckBox("Sertakan halaman penetapan")
        self.default_template_radio = QRadioButton("Templat bawaan")
        self.file_template_radio = QRadioButton("Templat sendiri (.txt atau .docx)")
        self.default_template_radio.setChecked(True)
        self.choose_template_button = QPushButton("Pilih templat…")
        self.save_template_button = QPushButton("Salin templat bawaan…")
        self.save_template_button.setToolTip("Simpan templat bawaan sebagai berkas teks untuk diubah, lalu pilih "
                                             "berkas itu sebagai templat sendiri.")
        self.template_label = QLabel("")
        self.template_label.setWordWrap(True)
        self.penetapan_check.toggled.connect(lambda _on: self._sync_penetapan())
        self.file_template_radio.toggled.connect(lambda _on: self._sync_penetapan())
        self.choose_template_button.clicked.connect(self.choose_template)
        self.save_template_button.clicked.connect(self.save_default_template)
        penetapan = QGroupBox("Penetapan")
        penetapan_layout = QVBoxLayout(penetapan)
        penetapan_layout.addWidget(self.penetapan_check)
        penetapan_layout.addWidget(self.default_template_radio)
        template_row = QHBoxLayout()
        template_row.addWidget(self.file_template_radio)
        template_row.addWidget(self.choose_template_button)
        penetapan_layout.addLayout(template_row)
        penetapan_layout.addWidget(self.template_label)
        penetapan_layout.addWidget(self.save_template_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.pdf_check = QCheckBox("PDF")
        self.pdf_check.setChecked(True)
        self.docx_check = QCheckBox("Word")
        self.docx_check.setChecked(True)
        formats = QGroupBox("Berkas yang ditulis")
        formats_layout = QHBoxLayout(formats)
        formats_layout.addWidget(self.pdf_check)
        formats_layout.addWidget(self.docx_check)
        formats_layout.addStretch(1)

        right = QVBoxLayout()
        right.addWidget(cover)
        right.addWidget(penetapan)
        right.addWidget(formats)
        right.addStretch(1)
        self.form = QWidget()
        columns = QHBoxLayout(self.form)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addWidget(choose, 1)
        columns.addLayout(right, 1)

        # ---- the run ----
        self.note_label = QLabel(unsaved_note)
        self.note_label.setWordWrap(True)
        self.note_label.setVisible(bool(unsaved_note))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.progress.setVisible(False)
        self.status_label = QLabel("")
        self.status_label.setObjectName("book_status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.make_button = QPushButton("Buat buku…")
        self.make_button.setDefault(True)
        self.cancel_button = QPushButton("Batal")
        self.cancel_button.setVisible(False)
        self.close_button = QPushButton("Tutup")
        self.make_button.clicked.connect(lambda: self.make_book())
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.note_label)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self._sync_penetapan()
        self._update_count()

    # ---- choosing ------------------------------------------------------------------------------------
    def _apply_filter(self) -> None:
        unit = self.unit_combo.currentData()
        status = self.status_combo.currentData()
        for row, entry in enumerate(self.entries):
            shown = ((unit == ALL or _same(entry.unit, unit))
                     and (status == ALL or _same(_status_of(entry), status)))
            self.sop_list.item(row).setHidden(not shown)
        self._update_count()

    def _on_unit_combo_changed(self, _index: int) -> None:
        # A book of one unit names that unit on its cover, unless the user typed one.
        unit = self.unit_combo.currentData()
        if not self.unit_edit.isModified():
            self.unit_edit.setText(unit or "")

    def _check_shown(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in range(self.sop_list.count()):
            item = self.sop_list.item(row)
            if not item.isHidden():
                item.setCheckState(state)

    def chosen_ids(self) -> list[str]:
        """The SOPs that will be in the book: ticked and shown by the unit and status filters."""
        return [self.sop_list.item(row).data(ID_ROLE) for row in range(self.sop_list.count())
                if not self.sop_list.item(row).isHidden()
                and self.sop_list.item(row).checkState() == Qt.CheckState.Checked]

    def _update_count(self) -> None:
        shown = sum(1 for row in range(self.sop_list.count()) if not self.sop_list.item(row).isHidden())
        self.count_label.setText(f"{len(self.chosen_ids())} dari {shown} SOP dipilih")

    # ---- the penetapan template ---------------------------------------------------------------------
    def _sync_penetapan(self) -> None:
        on = self.penetapan_check.isChecked()
        for widget in (self.default_template_radio, self.file_template_radio, self.choose_template_button):
            widget.setEnabled(on)
        own = self.file_template_radio.isChecked()
        if own and self.template_path is not None:
            self.template_label.setText(f"Templat: {self.template_path}")
        elif own:
            self.template_label.setText("Belum ada templat yang dipilih.")
        else:
            self.template_label.setText("Isian: {judul}, {instansi}, {unit}, {tahun}, {alamat}, {tanggal}, "
                                        "{jumlah_sop}, {daftar_sop}, {penetap_jabatan}, {penetap_nama}, "
                                        "{penetap_nip}.")

    def choose_template(self) -> None:
        folder = self.state.last_folder() if self.state is not None else ""
        path = self.dialogs.open_file("Pilih templat penetapan", folder,
                                      "Templat penetapan (*.txt *.docx);;Teks (*.txt);;Dokumen Word (*.docx)")
        if not path:
            return
        try:
            read_template(Path(path))
        except BookError as exc:
            self.dialogs.error("Templat penetapan tidak dapat dipakai", str(exc))
            return
        self.template_path = Path(path)
        self.file_template_radio.setChecked(True)
        self._sync_penetapan()

    def save_default_template(self) -> None:
        folder = self.state.last_folder() if self.state is not None else ""
        path, _ = self.dialogs.save_file("Salin templat bawaan", str(Path(folder or ".") / "templat-penetapan.txt"),
                                         ["Teks (*.txt)"])
        if not path:
            return
        from sopdesk.atomic import atomic_write_bytes

        target = Path(path) if Path(path).suffix else Path(path).with_suffix(".txt")
        try:
            atomic_write_bytes(target, DEFAULT_TEMPLATE.read_bytes())
        except OSError as exc:
            self.dialogs.error("Templat tidak dapat disimpan", f"{target}: {exc.strerror or exc}")
            return
        self.template_path = target
        self.file_template_radio.setChecked(True)
        self._sync_penetapan()
        self.status_label.setText(f"Templat bawaan disalin ke {target}; ubah berkas itu, lalu buat buku.")

    # ---- making the book --------------------------------------------------------------------------
    def info(self) -> BookInfo:
        """The cover and penetapan as filled in; BookError when the chosen template cannot be used."""
        info = BookInfo(judul=self.title_edit.toPlainText().strip() or DEFAULT_TITLE,
                        instansi=self.instansi_edit.text().strip(), unit=self.unit_edit.text().strip(),
                        tahun=self.year_edit.text().strip(), alamat=self.address_edit.toPlainText().strip())
        if self.penetapan_check.isChecked():
            if self.file_template_radio.isChecked():
                if self.template_path is None:
                    raise BookError("Pilih berkas templat penetapan dahulu, atau pakai templat bawaan.")
                info.penetapan = read_template(self.template_path)
            else:
                info.penetapan = read_template(DEFAULT_TEMPLATE)
        return info

    def make_book(self, base: str | None = None) -> bool:
        """Ask where (unless `base` is given), then start the run; False when nothing was started."""
        ids = self.chosen_ids()
        if not ids:
            self.dialogs.error("Buku SOP", "Belum ada SOP yang dipilih. Centang sedikitnya satu SOP.")
            return False
        suffixes = [s for s, box in ((".pdf", self.pdf_check), (".docx", self.docx_check)) if box.isChecked()]
        if not suffixes:
            self.dialogs.error("Buku SOP", "Pilih sedikitnya satu jenis berkas: PDF atau Word.")
            return False
        try:
            info = self.info()
        except BookError as exc:
            self.dialogs.error("Templat penetapan tidak dapat dipakai", str(exc))
            return False
        if base is None:
            folder = self.state.last_folder() if self.state is not None else ""
            filters = ["Dokumen PDF (*.pdf)"] if suffixes == [".pdf"] else ["Dokumen Word (*.docx)"] if \
                suffixes == [".docx"] else ["Buku SOP (*.pdf *.docx)"]
            base, _ = self.dialogs.save_file("Simpan Buku SOP", str(Path(folder or ".") / f"Buku SOP{suffixes[0]}"),
                                             filters)
            if not base:
                return False
        stem = Path(base)
        if stem.suffix.lower() in (".pdf", ".docx"):
            stem = stem.with_suffix("")
        paths = [stem.with_name(stem.name + suffix) for suffix in suffixes]
        if not paths[0].parent.is_dir():
            self.dialogs.error("Buku SOP", f"Folder {paths[0].parent} tidak ada.")
            return False
        sops, skipped = self._load(ids)
        if not sops:
            self.dialogs.error("Buku SOP", "SOP yang dipilih tidak dapat dibaca dari pustaka:\n" + "\n".join(skipped))
            return False
        try:
            job = BookJob(sops, info, [BookOutput(path, _writer_for(path)) for path in paths], _laid_out,
                          _measure())
        except BookError as exc:
            self.dialogs.error("Buku SOP", str(exc))
            return False
        self.written = []
        self.run = BookRun(job, self)
        self.run.progressed.connect(self._on_run_progressed)
        self.run.finished.connect(self._on_run_finished)
        self._paths = paths
        self._skipped = skipped
        self.form.setEnabled(False)
        self.make_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, job.total_steps)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status_label.setText(f"Menyiapkan buku dari {len(sops)} SOP…")
        if self.state is not None:
            self.state.set_last_folder(str(paths[0].parent))
        self.run.start()
        return True

    def _load(self, ids: list[str]) -> tuple[list[Sop], list[str]]:
        by_id = {e.id: e for e in self.entries}
        sops, skipped = [], []
        for sop_id in ids:
            try:
                sops.append(self.library.load(sop_id))
            except StorageError as exc:
                entry = by_id.get(sop_id)
                skipped.append(f"{entry.nomor or entry.nama if entry else sop_id}: {exc}")
        return sops, skipped

    def _on_run_progressed(self, done: int, total: int, text: str) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        self.status_label.setText(text)

    def _on_run_finished(self, outcome: str, message: str) -> None:
        self.form.setEnabled(True)
        self.make_button.setEnabled(True)
        self.close_button.setEnabled(True)
        self.cancel_button.setVisible(False)
        if outcome == "selesai":
            plan = self.run.job.plan
            self.written = list(self._paths)
            names = " dan ".join(p.name for p in self._paths)
            text = (f"Buku SOP ditulis: {names} ({len(plan.sop_parts)} SOP, {plan.total_pages} halaman) di "
                    f"{self._paths[0].parent}.")
            if self._skipped:
                text += " Tidak terbaca, jadi tidak masuk buku: " + "; ".join(self._skipped)
            self.status_label.setText(text)
            self.progress.setValue(self.progress.maximum())
            self.book_written.emit(list(self._paths))
        elif outcome == "dibatalkan":
            self.progress.setVisible(False)
            self.status_label.setText(message)
        else:
            self.progress.setVisible(False)
            self.status_label.setText("Buku tidak ditulis.")
            self.dialogs.error("Buku SOP", f"{message}\n\nTidak ada berkas yang ditulis.")

    def _on_cancel_button_clicked(self) -> None:
        if self.run is not None and self.run.running:
            self.run.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Membatalkan…")

    def reject(self) -> None:
        # Esc or the title bar's close while the book is being written cancels it; nothing stays behind.
        if self.run is not None and self.run.running:
            self.run.stop_now()
        super().reject()


def _entry_key(entry: CatalogEntry) -> tuple:
    probe = Sop()
    probe.identity.nomor = entry.nomor
    probe.identity.nama = entry.nama
    return nomor_key(probe)


def _status_of(entry: CatalogEntry) -> str:
    return getattr(entry, "status", "") or ""


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _writer_for(path: Path):
    if path.suffix.lower() == ".pdf":
        from sopdesk.qt.book_pdf import PdfBookWriter

        return PdfBookWriter()
    from sopdesk.exporters.docx_book import DocxBookWriter
    from sopdesk.qt.raster import rasterize_image, render_flowchart_layer

    return DocxBookWriter(render_flowchart_layer, rasterize_image)


def _laid_out(sop: Sop):
    from sopdesk.outputs import laid_out

    return laid_out(sop)


def _measure():
    from sopdesk.qt.fonts import qt_measure

    return qt_measure()


def open_book_dialog(window) -> BookDialog | None:
    """Berkas → Buku SOP… of the main window: the dialog, shown without blocking; None when the library is empty."""
    window.controller.commit_pending_edits()
    if not window.library.entries():
        window.dialogs.info("Buku SOP", "Pustaka belum berisi SOP. Simpan SOP ke pustaka dahulu (Ctrl+S), lalu buat "
                                        "bukunya.")
        return None
    note = ""
    if window.controller.is_modified():
        note = ("SOP yang sedang dibuka memiliki perubahan yang belum disimpan; buku memakai versi yang tersimpan di "
                "pustaka. Simpan dahulu (Ctrl+S) bila perubahan itu ingin masuk buku.")
    dialog = BookDialog(window.library, window.dialogs, window.state, window, unsaved_note=note)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.book_written.connect(lambda paths: window.export_notice.announce("Buku SOP", paths[0]))
    dialog.show()
    return dialog

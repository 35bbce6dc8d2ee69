"""Bandingkan versi: two versions of an SOP side by side, and their Lembar Perubahan.

Any two versions can be chosen: the one on screen, the one last saved, every saved history version,
the revisions recorded as in force, or an SOP file. The comparison itself is sopdesk.diff; this
window only shows it: identity and list changes with the changed words marked, a table of the
steps with their status, and the two flowcharts side by side with the changed steps tinted.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sopdesk.diff import ADDED, CHANGED, MOVED, REMOVED, UNCHANGED, SopDiff, StepRow, diff_sops, summary
from sopdesk.interchange import InterchangeError, dumps, sop_to_native
from sopdesk.labels import SYMBOL_NAMES
from sopdesk.layout import layout
from sopdesk.model import END, Sop, Step
from sopdesk.qt import change_sheet
from sopdesk.qt.fonts import qt_measure
from sopdesk.storage import StorageError

from .library_model import format_timestamp
from .preview import GAP_PX, PageCanvas

# Tints of a step's status, in the table and on the charts.
COLOURS = {ADDED: QColor("#c8ecc8"), REMOVED: QColor("#f8cdc7"), MOVED: QColor("#d3e1f7"), CHANGED: QColor("#ffe9a8")}
OTHER_FILE = "Berkas lain…"


@dataclass
class Version:
    """One version that can be compared: its name in the lists and how to read it."""

    label: str
    load: Callable[[], Sop]
    key: str = ""  # "riwayat:<revision id>" for a history version, "revisi:<key>" for a revision record


def versions_of(controller, library) -> list[Version]:
    """The versions of the open SOP: on screen, last saved, the history (newest first), the revisions in force."""
    sop = controller.sop
    versions = [Version("Versi di layar (termasuk yang belum disimpan)", lambda: controller.sop.clone())]
    if not controller.in_library or library is None:
        return versions
    versions.append(Version("Versi tersimpan terakhir", lambda: library.load(sop.id)))
    for revision in library.history(sop.id):
        if revision.damaged:
            continue
        by = getattr(revision, "saved_by", "")
        saved = format_timestamp(revision.saved_at, full_month=True)
        label = f"Riwayat: disimpan {saved}" + (f" oleh {by}" if by else "")
        versions.append(Version(label, lambda rid=revision.revision_id: library.load_revision(sop.id, rid),
                                f"riwayat:{revision.revision_id}"))
    records = getattr(library, "revisions", None)
    if records is not None:
        try:
            found = records(sop.id)
        except (StorageError, OSError, ValueError):  # a damaged record must not keep the history from being compared
            found = []
        for record in reversed(found):
            if getattr(record, "damaged", ""):
                continue
            status = getattr(getattr(record, "status", None), "value", "")
            versions.append(Version(f"Revisi ke-{record.revisi_ke}" + (f" ({status})" if status else ""),
                                    lambda key=record.key: library.load_revision_record(sop.id, key),
                                    f"revisi:{record.key}"))
    return versions


class ChangeCanvas(PageCanvas):
    """The pages of one version with its changed steps tinted (row and symbol); the selected one outlined."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks: dict[int, QColor] = {}

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.document is None or not self.marks:
            return
        painter = QPainter(self)
        scale = self.px_per_mm()
        for page, rect in zip(self.document.pages, self.page_rects()):
            for shape in page.shapes:
                colour = self.marks.get(shape.step_index)
                if colour is None:
                    continue
                box = QRectF(rect.x() + shape.x * scale, rect.y() + shape.y * scale, shape.w * scale,
                             shape.h * scale).adjusted(-3, -3, 3, 3)
                fill = QColor(colour)
                fill.setAlpha(110)
                painter.fillRect(box, fill)
                painter.setPen(QPen(colour.darker(160), 2))
                painter.setBrush(QBrush(Qt.BrushStyle.NoBrush))
                painter.drawRect(box)
        for index, colour in self.marks.items():
            row = self.step_rect(index)
            if row is not None:
                fill = QColor(colour)
                fill.setAlpha(60)
                painter.fillRect(row, fill)
        painter.end()


class ChartPane(QWidget):
    """One version's flowchart: a title and the pages, fitted to the pane's width."""

    step_clicked = Signal(int)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.canvas = ChangeCanvas()
        self.canvas.step_clicked.connect(self.step_clicked)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._user_zoomed = False
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.title, 1)
        for text, tip, slot in (("−", "Perkecil", lambda: self.zoom_by(1 / 1.25)),
                                ("+", "Perbesar", lambda: self.zoom_by(1.25)),
                                ("Pas lebar", "Sesuaikan dengan lebar panel", lambda: self.fit_width(reset=True))):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            bar.addWidget(button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(bar)
        box.addWidget(self.scroll, 1)

    def set_document(self, document, marks: dict[int, QColor]) -> None:
        self.canvas.marks = marks
        self.canvas.highlight = None
        self.canvas.set_document(document)
        if not self._user_zoomed:
            self.fit_width()

    def zoom_by(self, factor: float) -> None:
        self._user_zoomed = True
        self.canvas.set_zoom(max(0.1, min(self.canvas.zoom * factor, 4.0)))
        if self.canvas.highlight is not None:
            self.show_step(self.canvas.highlight)

    def fit_width(self, reset: bool = False) -> None:
        """Pages as wide as the pane; zooming by hand stops this until Pas lebar is pressed."""
        if reset:
            self._user_zoomed = False
        document = self.canvas.document
        if document is None or not document.pages:
            return
        widest = max(p.width_mm for p in document.pages)
        available = self.scroll.viewport().width() - 2 * GAP_PX - 4
        if available > 50:
            self.canvas.set_zoom(max(0.1, available / (widest * self.canvas.logicalDpiX() / 25.4)))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self._user_zoomed:
            self.fit_width()

    def show_step(self, index: int | None) -> None:
        self.canvas.highlight = index
        self.canvas.update()
        rect = self.canvas.step_rect(index) if index is not None else None
        if rect is not None:
            self.scroll.ensureVisible(int(rect.center().x()), int(rect.center().y()), 50,
                                      int(rect.height() / 2 + 40))


STEP_COLUMNS = ("No. A", "No. B", "Status", "Kegiatan", "Yang berubah")


class CompareDialog(QDialog):
    """The comparison window; versions[a] is compared with versions[b] (A the older, B the newer)."""

    def __init__(self, versions: list[Version], dialogs, parent: QWidget | None = None, a: int = 1, b: int = 0,
                 folder: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Bandingkan versi")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.versions = list(versions)
        self.dialogs = dialogs
        self.folder = folder
        self.old: Sop | None = None
        self.new: Sop | None = None
        self.diff: SopDiff | None = None
        self._measure = qt_measure()
        self._chosen = (-1, -1)
        self._layouts: dict[str, object] = {}

        self.combo_a, self.combo_b = QComboBox(), QComboBox()
        for combo in (self.combo_a, self.combo_b):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
        self._fill_combos(min(a, len(self.versions) - 1), min(b, len(self.versions) - 1))
        self.swap_button = QPushButton("Tukar")
        self.swap_button.setToolTip("Tukar versi A dan versi B")
        self.swap_button.clicked.connect(self.swap)
        self.export_button = QPushButton("Ekspor Lembar Perubahan…")
        self.export_button.setToolTip("Tulis perbandingan ini sebagai PDF yang dapat ditandatangani pemeriksa")
        self.export_button.clicked.connect(lambda: self.export_sheet())
        close = QPushButton("Tutup")
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(QLabel("Versi A (lama):"))
        top.addWidget(self.combo_a, 1)
        top.addWidget(self.swap_button)
        top.addWidget(QLabel("Versi B (baru):"))
        top.addWidget(self.combo_b, 1)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)

        self.identity_view = QTextBrowser()
        self.identity_view.setOpenLinks(False)
        self.steps_table = QTableWidget(0, len(STEP_COLUMNS))
        self.steps_table.setHorizontalHeaderLabels(STEP_COLUMNS)
        self.steps_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.steps_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps_table.setWordWrap(True)
        self.steps_table.verticalHeader().hide()
        header = self.steps_table.horizontalHeader()
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 220)
        self.steps_table.itemSelectionChanged.connect(self._on_step_selected)
        self.step_detail = QTextBrowser()
        self.chart_a = ChartPane("Versi A")
        self.chart_b = ChartPane("Versi B")
        self.chart_a.step_clicked.connect(lambda index: self.select_step(old_index=index))
        self.chart_b.step_clicked.connect(lambda index: self.select_step(new_index=index))

        # Steps and charts share one tab: the table with the chosen step's fields under it, the two charts beside.
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.steps_table)
        left.addWidget(self.step_detail)
        left.setSizes([300, 200])
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.chart_a)
        charts.addWidget(self.chart_b)
        steps_page = QSplitter(Qt.Orientation.Horizontal)
        steps_page.addWidget(left)
        steps_page.addWidget(charts)
        steps_page.setSizes([560, 700])
        self.tabs = QTabWidget()
        self.tabs.addTab(steps_page, "Langkah dan bagan alir")
        self.tabs.addTab(self.identity_view, "Identitas, daftar dan pelaksana")

        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.tabs, 1)
        box.addLayout(bottom)
        self.combo_a.activated.connect(lambda index: self._on_choice(self.combo_a, index))
        self.combo_b.activated.connect(lambda index: self._on_choice(self.combo_b, index))
        self.resize(1300, 700)
        self.compare()

    # ---- choosing versions ---------------------------------------------------------------------
    def _fill_combos(self, a: int, b: int) -> None:
        for combo, current in ((self.combo_a, a), (self.combo_b, b)):
            combo.blockSignals(True)
            combo.clear()
            for version in self.versions:
                combo.addItem(version.label)
            combo.addItem(OTHER_FILE)
            combo.setCurrentIndex(current)
            combo.blockSignals(False)

    def _on_choice(self, combo: QComboBox, index: int) -> None:
        if index == len(self.versions):  # "Berkas lain…"
            if not self.add_file(combo is self.combo_a):
                combo.setCurrentIndex(self._chosen[0] if combo is self.combo_a else self._chosen[1])
            return
        self.compare()

    def add_file(self, as_a: bool, path: str | None = None) -> bool:
        """Add an SOP file (JSON, Excel, Word or PDF) to the versions and compare it."""
        from sopdesk.importers import import_any

        path = path or self.dialogs.open_file("Pilih berkas SOP untuk dibandingkan", self.folder,
                                              "Berkas SOP (*.json *.xlsx *.docx *.pdf)")
        if not path:
            return False
        try:
            result = import_any(Path(path))
        except (InterchangeError, OSError) as exc:
            self.dialogs.error("Berkas tidak dapat dibaca", str(exc))
            return False
        if not result.sops:
            self.dialogs.error("Berkas tidak dapat dibaca", f"{path}: tidak ada SOP di berkas ini.")
            return False
        sop = next((s for s, _report in result.sops if s.steps), result.sops[0][0])
        self.versions.append(Version(f"Berkas: {Path(path).name}", lambda: sop.clone()))
        a, b = self._chosen
        new = len(self.versions) - 1
        self._fill_combos(new if as_a else a, b if as_a else new)
        self.compare()
        return True

    def swap(self) -> None:
        a, b = self.combo_a.currentIndex(), self.combo_b.currentIndex()
        self._fill_combos(b, a)
        self.compare()

    # ---- the comparison ------------------------------------------------------------------------
    def compare(self) -> bool:
        """Read the two chosen versions and show what changed; an unreadable one is said and the last kept."""
        a, b = self.combo_a.currentIndex(), self.combo_b.currentIndex()
        try:
            old = self.versions[a].load()
            new = self.versions[b].load()
        except (StorageError, InterchangeError, OSError) as exc:  # each says what is wrong in one Indonesian sentence
            self.dialogs.error("Versi tidak dapat dibuka", str(exc))
            if self._chosen != (-1, -1):
                self._fill_combos(*self._chosen)
            return False
        self._chosen = (a, b)
        self.old, self.new = old, new
        self.diff = diff_sops(old, new)
        self._show()
        return True

    def _show(self) -> None:
        d = self.diff
        label_a, label_b = self.versions[self._chosen[0]].label, self.versions[self._chosen[1]].label
        self.summary_label.setText(summary(d) if not d.is_empty() else "Kedua versi sama; tidak ada perubahan.")
        self.identity_view.setHtml(change_sheet.side_by_side_html(self.old, self.new, d, label_a, label_b))
        self._fill_steps(d)
        marks_a = {r.old_index: COLOURS[r.statuses[-1]] for r in d.steps
                   if r.old_index is not None and r.kind in (REMOVED, CHANGED, MOVED)}
        marks_b = {r.new_index: COLOURS[r.statuses[-1]] for r in d.steps
                   if r.new_index is not None and r.kind in (ADDED, CHANGED, MOVED)}
        self.chart_a.title.setText(f"Versi A: {label_a}")
        self.chart_b.title.setText(f"Versi B: {label_b}")
        self.chart_a.set_document(self._laid_out(self.old), marks_a)
        self.chart_b.set_document(self._laid_out(self.new), marks_b)
        self.step_detail.setHtml("<p><i>Pilih langkah di tabel (atau di bagan) untuk melihat isinya di kedua "
                                 "versi.</i></p>")

    def _laid_out(self, sop: Sop):
        """The pages of a version; kept by content, so swapping or choosing a version again costs no new layout."""
        key = dumps(sop_to_native(sop))
        document = self._layouts.get(key)
        if document is None:
            if len(self._layouts) >= 6:
                self._layouts.pop(next(iter(self._layouts)))
            document = self._layouts[key] = layout(sop, self._measure)
        return document

    def _fill_steps(self, d: SopDiff) -> None:
        table = self.steps_table
        table.blockSignals(True)
        table.clearContents()
        table.setRowCount(len(d.steps))
        for number, row in enumerate(d.steps):
            status = ", ".join(row.statuses)
            cells = ("" if row.old_index is None else str(row.old_index + 1),
                     "" if row.new_index is None else str(row.new_index + 1), status, row.kegiatan,
                     ", ".join(f.label for f in row.fields))
            colour = COLOURS.get(row.statuses[-1]) if row.kind != UNCHANGED else None
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if colour is not None:
                    item.setBackground(colour)
                    item.setForeground(QColor("#000000"))
                table.setItem(number, column, item)
        table.blockSignals(False)
        table.resizeRowsToContents()

    # ---- a step ----------------------------------------------------------------------------------
    def selected_row(self) -> StepRow | None:
        rows = self.steps_table.selectionModel().selectedRows()
        if not rows or self.diff is None:
            return None
        return self.diff.steps[rows[0].row()]

    def select_step(self, old_index: int | None = None, new_index: int | None = None) -> None:
        for number, row in enumerate(self.diff.steps if self.diff else []):
            if (old_index is not None and row.old_index == old_index) or (
                    new_index is not None and row.new_index == new_index):
                self.steps_table.selectRow(number)
                self.steps_table.scrollToItem(self.steps_table.item(number, 0))
                return

    def _on_step_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        self.chart_a.show_step(row.old_index)
        self.chart_b.show_step(row.new_index)
        self.step_detail.setHtml(self.step_html(row))

    def step_html(self, row: StepRow) -> str:
        """Every field of the step in both versions; changed fields tinted, their changed words marked."""
        old = self.old.steps[row.old_index] if row.old_index is not None else None
        new = self.new.steps[row.new_index] if row.new_index is not None else None
        changed = {f.key: f for f in row.fields}
        lines = [(f"<p><b>Langkah {'' if row.old_index is None else row.old_index + 1} &rarr; "
                  f"{'' if row.new_index is None else row.new_index + 1}</b>: "
                  f"{change_sheet.esc(', '.join(row.statuses))}</p>"), "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"3\" border=\"1\">",
                 "<tr><th align=\"left\">Kolom</th><th align=\"left\">Versi A</th><th align=\"left\">Versi B</th></tr>"]
        for key, label in STEP_FIELDS:
            a_text = _step_value(self.old, old, key) if old is not None else ""
            b_text = _step_value(self.new, new, key) if new is not None else ""
            change = changed.get(key)
            if change is not None:
                cells = (change_sheet.value_html(change, "old"), change_sheet.value_html(change, "new"))
                shade = " style=\"background-color:#fff4cc\""
            else:
                cells = (change_sheet.esc(a_text) if old is not None else "<i>(tidak ada)</i>",
                         change_sheet.esc(b_text) if new is not None else "<i>(tidak ada)</i>")
                shade = ""
            lines.append(f"<tr{shade}><td>{change_sheet.esc(label)}</td><td>{cells[0]}</td><td>{cells[1]}</td></tr>")
        lines.append("</table>")
        return "".join(lines)

    # ---- Lembar Perubahan ----------------------------------------------------------------------------
    def export_sheet(self, path: str | None = None) -> bool:
        if self.diff is None:
            return False
        if not path:
            name = (self.new.identity.nomor or self.new.identity.nama or "SOP").replace("/", "-").strip()
            suggested = str(Path(self.folder or Path.home()) / f"Lembar Perubahan {name}.pdf")
            path, _chosen = self.dialogs.save_file("Ekspor Lembar Perubahan", suggested, ["Dokumen PDF (*.pdf)"])
        if not path:
            return False
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        label_a, label_b = self.versions[self._chosen[0]].label, self.versions[self._chosen[1]].label
        try:
            change_sheet.write_change_sheet(path, self.old, self.new, self.diff, label_a, label_b)
        except OSError as exc:
            self.dialogs.error("Gagal mengekspor Lembar Perubahan", f"{path}: {exc.strerror or exc}")
            return False
        self.summary_label.setText(f"Lembar Perubahan tersimpan: {path}")
        return True


STEP_FIELDS = (("kegiatan", "Kegiatan"), ("pelaksana", "Pelaksana"), ("simbol", "Simbol"), ("jika_ya", "Jika Ya"),
               ("jika_tidak", "Jika Tidak"), ("label_ya", "Label Ya"), ("label_tidak", "Label Tidak"),
               ("kelengkapan", "Mutu Baku: Kelengkapan"), ("waktu", "Mutu Baku: Waktu"),
               ("output", "Mutu Baku: Output"), ("keterangan", "Keterangan"))


def _step_value(sop: Sop, step: Step, key: str) -> str:
    if key == "pelaksana":
        return ", ".join(a.name for a in sop.actors if a.id in step.actors)
    if key == "simbol":
        return SYMBOL_NAMES.get(step.symbol.value, step.symbol.value)
    if key in ("jika_ya", "jika_tidak"):
        target = step.yes_target if key == "jika_ya" else step.no_target
        if target is None:
            return ""
        if target == END:
            return "Keluar dari prosedur"
        index = sop.step_index(target)
        return f"Langkah {index + 1}" if index >= 0 else ""
    if key == "waktu":
        return step.waktu.display()
    attr = {"label_ya": "yes_label", "label_tidak": "no_label"}.get(key, key)
    return getattr(step, attr)


def open_compare(window, revision_id: str = "") -> CompareDialog | None:
    """Bandingkan versi… from the main window: the version on screen (B) against the newest other one (A),
    or against the history version `revision_id` (the Bandingkan button of Riwayat versi)."""
    versions = versions_of(window.controller, window.library)
    if len(versions) < 2:
        window.dialogs.info("Bandingkan versi", "SOP ini belum pernah disimpan, jadi belum ada versi lain untuk "
                            "dibandingkan. Simpan dulu (Ctrl+S), atau pilih \"Berkas lain…\" di jendela perbandingan.")
    # Unsaved changes are compared with the last save; otherwise the last save with the version before it.
    modified = not window.controller.stack.isClean()
    a = 1 if modified or len(versions) < 3 else 2
    a = next((i for i, v in enumerate(versions) if revision_id and v.key == f"riwayat:{revision_id}"), a)
    dialog = CompareDialog(versions, window.dialogs, window, a=min(a, len(versions) - 1), b=0,
                           folder=str(Path.home()))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window._compare_dialog = dialog
    dialog.show()
    return dialog

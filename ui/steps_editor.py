"""The steps editor: the table with its cell editors, the step commands and the decision labels."""
from __future__ import annotations

from PySide6.QtCore import QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from sopdesk import labels
from sopdesk.links import make_link
from sopdesk.model import Symbol, resolved_symbol

from . import dialogs as dlg
from .column_fit import ColumnFitter, step_column_shares
from .controller import DocumentController
from .step_cells import (
    FREE_TEXT,
    CellDelegate,
    DurationDelegate,
    DurationEditor,
    KeteranganDelegate,
    MultilineDelegate,
    StepsTable,
    SymbolDelegate,
    TargetDelegate,
)
from .sop_links import LinkContext
from .step_model import FIELD_COLUMNS, Col, StepTableModel
from .total_time_view import TotalTimeView

__all__ = ["FREE_TEXT", "DurationEditor", "StepsEditor"]


class _Capture:
    """Stands in for the model to read what an editor holds without writing it anywhere."""

    def __init__(self) -> None:
        self.value = None

    def setData(self, _index, value, _role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        self.value = value
        return True


class StepsEditor(QWidget):
    message_posted = Signal(str)  # a short note for the window's status bar

    def __init__(self, controller: DocumentController, parent: QWidget | None = None,
                 dialogs: dlg.Dialogs | None = None, link_context: LinkContext | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._dialogs = dialogs or dlg.Dialogs(self)
        self.model = StepTableModel(controller, self)
        self.table = StepsTable()
        self.table.setObjectName("steps_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setWordWrap(True)
        # The row header is a grip: dragging it moves the step (one undo step, targets follow the ids).
        rows_header = self.table.verticalHeader()
        rows_header.setSectionsMovable(True)
        rows_header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        rows_header.sectionMoved.connect(self._on_rows_header_section_moved)
        # Rows fit their wrapped text, re-measured only where something changed: ResizeToContents would
        # measure every cell of every row on each keystroke.
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._multiline = MultilineDelegate(self)
        # Keterangan may name or link SOPs of the library (ui/sop_links.py): drawn as links that open them.
        self.link_context = link_context or LinkContext(controller, self._dialogs, self)
        self._keterangan = KeteranganDelegate(self._keterangan_links, self)
        self._keterangan.mark_clicked.connect(lambda index: self._open_keterangan(index.row()))
        self.link_context.changed.connect(self._on_links_changed)
        self._symbol = SymbolDelegate(self)
        self._target = TargetDelegate(controller, self)
        self._duration = DurationDelegate(self)
        self._delegates: tuple[CellDelegate, ...] = (self._multiline, self._symbol, self._target, self._duration,
                                                     self._keterangan)
        for delegate in self._delegates:
            delegate.entered.connect(self.table.move_down)
        # A reset (steps added or removed elsewhere) drops open editors unread: keep their text.
        self._rescued: tuple[str, Col, int, object] | None = None
        self.model.modelAboutToBeReset.connect(self._rescue_pending_edit)
        self.model.modelReset.connect(self._restore_rescued_edit)
        controller.document_replaced.connect(self._on_controller_document_replaced)
        controller.add_pending_edit_hook(self.commit_pending_edit)
        self.model.modelReset.connect(self._apply_delegates)
        self.model.dataChanged.connect(self._on_model_data_changed)
        # Fitting the columns resizes each of them: re-measure the rows once afterwards, not once per column.
        # A reset re-fits the columns too, so it waits for the same single pass.
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)
        self._rows_timer.timeout.connect(self.table.resizeRowsToContents)
        self.model.modelReset.connect(self._rows_timer.start)
        self.table.horizontalHeader().sectionResized.connect(lambda *_: self._rows_timer.start())
        # Every column shares the table's width, so the whole table is in sight without sideways scrolling.
        self._columns = ColumnFitter(self.table, lambda: step_column_shares(self.model))
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # a steady width to share

        self.toolbar = QToolBar()
        # Its buttons may run out of sight (a » button shows them) rather than widen the whole editor.
        self.toolbar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.actions: dict[str, QAction] = {}
        for key, text, shortcut, slot in (
            ("insert_above", "&Sisipkan di atas", "Ins", self.insert_above),
            ("insert_below", "&Tambah di bawah", "Ctrl+Return", self.insert_below),
            ("delete", "&Hapus", "Ctrl+Del", self.delete_selected),
            ("duplicate", "&Gandakan", "Ctrl+D", self.duplicate_current),
            # Not Alt+Up/Down: those open a cell's drop-down list.
            ("move_up", "&Naik", "Ctrl+Shift+Up", lambda: self.move_current(-1)),
            ("move_down", "T&urun", "Ctrl+Shift+Down", lambda: self.move_current(1)),
            ("copy_output", "&Output → Kelengkapan berikutnya", "Ctrl+Shift+K", self.copy_output),
            ("link_keterangan", "&Kaitkan Keterangan ke SOP…", "Ctrl+Shift+L", self.link_keterangan),
            ("open_keterangan_link", "&Buka SOP di Keterangan", "Ctrl+Shift+O", self.open_keterangan_link),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text.replace('&', '')} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
            action.triggered.connect(slot)
            self.toolbar.addAction(action)
            self.addAction(action)
            self.actions[key] = action

        self.yes_label = QLineEdit()
        self.yes_label.setObjectName("yes_label")
        self.yes_label.setPlaceholderText(labels.YES)
        self.no_label = QLineEdit()
        self.no_label.setObjectName("no_label")
        self.no_label.setPlaceholderText(labels.NO)
        self.yes_label.textEdited.connect(lambda t: self._set_label("yes_label", t))
        self.no_label.textEdited.connect(lambda t: self._set_label("no_label", t))
        labels_form = QFormLayout()
        labels_row = QHBoxLayout()
        labels_row.addWidget(self.yes_label)
        labels_row.addWidget(self.no_label)
        labels_form.addRow("Label cabang keputusan (Ya / Tidak):", labels_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table, 1)
        # Shortest and longest time through the procedure, under the Waktu it is summed from.
        self.total_time = TotalTimeView(controller)
        self.total_time.step_activated.connect(lambda step_id: self.select_step(step_id, "waktu"))
        layout.addWidget(self.total_time)
        layout.addLayout(labels_form)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._refresh_labels())
        controller.document_changed.connect(lambda _scope: self._refresh_labels())
        self._apply_delegates()

    # ---- open cell editors ------------------------------------------------------------------
    def _open_editor(self) -> tuple[CellDelegate, object, QPersistentModelIndex] | None:
        for delegate in self._delegates:
            for editor, index in list(delegate.open_editors.items()):
                if index.isValid():
                    return delegate, editor, index
        return None

    def commit_pending_edit(self) -> bool:
        """Put what an open cell editor holds into the document and close it; False when none was open."""
        found = self._open_editor()
        if found is None:
            return False
        delegate, editor, _index = found
        delegate.finish(editor)
        return True

    def _rescue_pending_edit(self) -> None:
        found = self._open_editor()
        if found is None:
            return
        delegate, editor, index = found
        capture = _Capture()
        delegate.setModelData(editor, capture, index)
        kind = self.model.column_kind(index.column())
        actor = index.column() - Col.ACTOR if kind is Col.ACTOR else 0
        self._rescued = (self.model.step_id(index.row()), kind, actor, capture.value)
        delegate.open_editors.pop(editor, None)

    def _restore_rescued_edit(self) -> None:
        rescued, self._rescued = self._rescued, None
        if rescued is None:
            return
        step_id, kind, actor, value = rescued
        row = self.model.row_of(step_id)
        if row >= 0 and (kind is not Col.ACTOR or actor < self.model.actor_count()):
            index = self.model.index(row, self.model.column_of(kind, actor))
            if index.data(Qt.ItemDataRole.EditRole) != value:
                # After the reset, as its own undo step.
                QTimer.singleShot(0, self, lambda: self._set_rescued(step_id, kind, actor, value))

    def _set_rescued(self, step_id: str, kind: Col, actor: int, value) -> None:
        row = self.model.row_of(step_id)
        if row >= 0:
            self.model.setData(self.model.index(row, self.model.column_of(kind, actor)), value)

    def _on_controller_document_replaced(self) -> None:
        # Another document: an editor still open belongs to the old one (saving or discarding was asked).
        found = self._open_editor()
        if found is not None:
            delegate, editor, _index = found
            delegate.open_editors.pop(editor, None)
            delegate.closeEditor.emit(editor, CellDelegate.EndEditHint.RevertModelCache)

    def _on_rows_header_section_moved(self, _logical: int, old_visual: int, new_visual: int) -> None:
        # The header only shows where the row was dropped; the document does the moving, after the header's
        # own mouse handling is done.
        QTimer.singleShot(0, self, lambda: self._move_dropped_row(old_visual, new_visual))

    def _move_dropped_row(self, old_visual: int, new_visual: int) -> None:
        header = self.table.verticalHeader()
        header.blockSignals(True)
        header.moveSection(new_visual, old_visual)
        header.blockSignals(False)
        if 0 <= old_visual < self.model.rowCount() and old_visual != new_visual:
            self.commit_pending_edit()
            step_id = self.model.step_id(old_visual)
            self._controller.move_step(old_visual, new_visual)
            self.select_step(step_id)

    # ---- helpers --------------------------------------------------------------------------
    def _on_model_data_changed(self, top_left, bottom_right, _roles=()) -> None:
        for row in range(top_left.row(), bottom_right.row() + 1):
            self.table.resizeRowToContents(row)

    def _apply_delegates(self) -> None:
        for column in range(self.model.columnCount()):
            self.table.setItemDelegateForColumn(column, None)
        for kind in (Col.KEGIATAN, Col.KELENGKAPAN, Col.OUTPUT):
            self.table.setItemDelegateForColumn(self.model.column_of(kind), self._multiline)
        self.table.setItemDelegateForColumn(self.model.column_of(Col.KETERANGAN), self._keterangan)
        self.table.setItemDelegateForColumn(self.model.column_of(Col.SIMBOL), self._symbol)
        self.table.setItemDelegateForColumn(self.model.column_of(Col.YA), self._target)
        self.table.setItemDelegateForColumn(self.model.column_of(Col.TIDAK), self._target)
        self.table.setItemDelegateForColumn(self.model.column_of(Col.WAKTU), self._duration)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Actor names are long job titles: wrap them in a taller header rather than cut them.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        header.setMinimumHeight(48)
        header.setMinimumSectionSize(24)
        self._columns.schedule()

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def selected_step_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})
        if not rows and self.current_row() >= 0:
            rows = [self.current_row()]
        return [self.model.step_id(r) for r in rows if 0 <= r < self.model.rowCount()]

    def select_step(self, step_id: str, field: str = "kegiatan") -> None:
        row = self.model.row_of(step_id)
        if row < 0:
            return
        column = self.model.column_of(FIELD_COLUMNS.get(field, Col.KEGIATAN))
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.table.setFocus()

    # ---- commands ------------------------------------------------------------------------
    def insert_above(self) -> None:
        self.commit_pending_edit()
        row = self.current_row()
        self.select_step(self._controller.insert_step(row if row >= 0 else 0))

    def insert_below(self) -> None:
        self.commit_pending_edit()
        row = self.current_row()
        self.select_step(self._controller.insert_step(row + 1 if row >= 0 else self.model.rowCount()))

    def delete_selected(self) -> None:
        self.commit_pending_edit()
        ids = self.selected_step_ids()
        if not ids:
            return
        if len(ids) > 1 and not self._dialogs.confirm(
                "Hapus langkah", f"Hapus {len(ids)} langkah yang dipilih? Ctrl+Z mengembalikannya.",
                yes="Hapus", no="Batal"):
            return
        row = self.current_row()
        if self._controller.delete_steps(ids):
            self.message_posted.emit(f"{len(ids)} langkah dihapus")
        if self.model.rowCount():
            self.select_step(self.model.step_id(min(max(row, 0), self.model.rowCount() - 1)))

    def duplicate_current(self) -> None:
        self.commit_pending_edit()
        row = self.current_row()
        if row >= 0:
            self.select_step(self._controller.duplicate_step(row))

    def move_current(self, delta: int) -> None:
        self.commit_pending_edit()
        row = self.current_row()
        target = row + delta
        if row >= 0 and 0 <= target < self.model.rowCount():
            step_id = self.model.step_id(row)
            column = self.table.currentIndex().column()
            self._controller.move_step(row, target)
            self.table.setCurrentIndex(self.model.index(self.model.row_of(step_id), column))

    def copy_output(self) -> None:
        self.commit_pending_edit()
        row = self.current_row()
        if row >= 0:
            self._controller.copy_output_to_next(row)

    # ---- Keterangan that leads to another SOP ---------------------------------------------------
    def _keterangan_links(self, index) -> list:
        sop = self._controller.sop
        row = index.row()
        return self.link_context.step_resolutions(sop.steps[row]) if 0 <= row < len(sop.steps) else []

    def _on_links_changed(self) -> None:
        self.table.viewport().update()
        self._rows_timer.start()  # a linked Keterangan keeps room for its mark: rows may grow

    def _open_keterangan(self, row: int) -> bool:
        sop = self._controller.sop
        if not 0 <= row < len(sop.steps):
            return False
        found = self.link_context.step_resolutions(sop.steps[row])
        if len(found) <= 1:
            return self.link_context.open(found[0] if found else None)
        menu = QMenu(self)  # the Keterangan names several SOPs: which one?
        menu.setObjectName("keterangan_links_menu")
        for resolution in found:
            name = resolution.target.label() if resolution.target else "SOP yang sudah tidak ada"
            menu.addAction(f"Buka {name}").triggered.connect(
                lambda _checked=False, r=resolution: self.link_context.open(r))
        self.links_menu = menu
        menu.popup(QCursor.pos())
        return True

    def open_keterangan_link(self) -> bool:
        """Ctrl+Shift+O: open the SOP the current step's Keterangan leads to."""
        self.commit_pending_edit()
        return self._open_keterangan(self.current_row())

    def link_keterangan(self) -> None:
        """Link the current step's Keterangan to an SOP of the library; its text stays as typed."""
        self.commit_pending_edit()
        row = self.current_row()
        sop = self._controller.sop
        if not 0 <= row < len(sop.steps):
            return
        step = sop.steps[row]
        found = self.link_context.step_resolutions(step)
        suggested = next((r.target for r in found if r.target is not None and not r.broken), None)
        answer = self.link_context.choose(f"Kaitkan Keterangan langkah {row + 1} ke SOP", step.keterangan_link,
                                          suggested)
        if answer is None:
            return
        self._controller.set_keterangan_link(step.id, None if answer == "" else make_link(answer))
        self._on_links_changed()
        self.select_step(step.id, "keterangan")

    def _set_label(self, attr: str, text: str) -> None:
        row = self.current_row()
        if row >= 0:
            self._controller.set_step_field(self.model.step_id(row), attr, text, "label cabang")

    def _refresh_labels(self) -> None:
        row = self.current_row()
        sop = self._controller.sop
        decision = 0 <= row < len(sop.steps) and resolved_symbol(sop, row) is Symbol.DECISION
        for edit, attr in ((self.yes_label, "yes_label"), (self.no_label, "no_label")):
            edit.setEnabled(decision)
            value = getattr(sop.steps[row], attr) if decision else ""
            if edit.text() != value:
                edit.setText(value)

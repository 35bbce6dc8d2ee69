"""The steps editor: the table with its cell editors, the step commands and the decision labels."""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from sopdesk import labels
from sopdesk.model import END, TIME_UNITS, Duration, Symbol, resolved_symbol

from .controller import DocumentController
from .step_model import LEAVES, UNSET, Col, StepTableModel

FREE_TEXT = "Teks bebas"


class MultilineDelegate(QStyledItemDelegate):
    """Multi-line text; Enter starts a new line, leaving the cell (Tab, click elsewhere) commits."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget:  # noqa: N802
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        editor.setPlainText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:  # noqa: N802
        model.setData(index, editor.toPlainText().strip(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802
        # Plain text editors keep Enter for new lines; Ctrl+Enter commits like elsewhere in the table.
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.commitData.emit(editor)
                self.closeEditor.emit(editor)
                return True
            return False
        return super().eventFilter(editor, event)


class SymbolDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):  # noqa: N802
        combo = QComboBox(parent)
        for symbol in Symbol:
            combo.addItem(labels.SYMBOL_NAMES[symbol.value], symbol.value)
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class TargetDelegate(QStyledItemDelegate):
    """Where a decision branch goes: another step, or out of the procedure."""

    def __init__(self, controller: DocumentController, parent=None) -> None:
        super().__init__(parent)
        self._controller = controller

    def createEditor(self, parent, option, index):  # noqa: N802
        combo = QComboBox(parent)
        combo.addItem(UNSET, "")
        combo.addItem(LEAVES, END)
        for i, step in enumerate(self._controller.sop.steps):
            text = " ".join(step.kegiatan.split())
            short = text if len(text) <= 50 else text[:49] + "…"
            combo.addItem(f"Langkah {i + 1}: {short}" if short else f"Langkah {i + 1}", step.id)
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")))

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class DurationEditor(QWidget):
    """A number and a unit, or free text for times that are not of that form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.number = QDoubleSpinBox()
        self.number.setRange(0, 9999)
        self.number.setDecimals(1)
        self.number.setSpecialValueText("—")
        self.unit = QComboBox()
        self.unit.addItems([*TIME_UNITS, FREE_TEXT])
        self.text = QLineEdit()
        self.text.setPlaceholderText("mis. 2 menit/berkas")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.number)
        layout.addWidget(self.unit)
        layout.addWidget(self.text, 1)
        self.unit.currentTextChanged.connect(self._sync)
        self.setFocusProxy(self.number)

    def _sync(self) -> None:
        free = self.unit.currentText() == FREE_TEXT
        self.number.setVisible(not free)
        self.text.setVisible(free)

    def set_duration(self, value: Duration) -> None:
        if value.value is not None:
            self.number.setValue(value.value)
            self.unit.setCurrentText(value.unit)
        elif value.text:
            self.unit.setCurrentText(FREE_TEXT)
            self.text.setText(value.text)
        else:
            self.number.setValue(0)
            self.unit.setCurrentText(TIME_UNITS[0])
        self._sync()

    def duration(self) -> Duration:
        if self.unit.currentText() == FREE_TEXT:
            return Duration(text=" ".join(self.text.text().split()))
        if self.number.value() == 0:
            return Duration()
        return Duration(value=self.number.value(), unit=self.unit.currentText())


class DurationDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):  # noqa: N802
        return DurationEditor(parent)

    def setEditorData(self, editor, index):  # noqa: N802
        editor.set_duration(index.data(Qt.ItemDataRole.EditRole))

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.duration(), Qt.ItemDataRole.EditRole)


class StepsEditor(QWidget):
    def __init__(self, controller: DocumentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.model = StepTableModel(controller, self)
        self.table = QTableView()
        self.table.setObjectName("steps_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        # Rows fit their wrapped text, re-measured only where something changed: ResizeToContents would
        # measure every cell of every row on each keystroke.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._multiline = MultilineDelegate(self)
        self._symbol = SymbolDelegate(self)
        self._target = TargetDelegate(controller, self)
        self._duration = DurationDelegate(self)
        self.model.modelReset.connect(self._apply_delegates)
        self.model.modelReset.connect(self.table.resizeRowsToContents)
        self.model.dataChanged.connect(self._on_model_data_changed)
        self.table.horizontalHeader().sectionResized.connect(lambda *_: self.table.resizeRowsToContents())

        self.toolbar = QToolBar()
        # Its buttons may run out of sight (a » button shows them) rather than widen the whole editor.
        self.toolbar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.actions: dict[str, QAction] = {}
        for key, text, shortcut, slot in (
            ("insert_above", "Sisipkan di atas", "Ins", self.insert_above),
            ("insert_below", "Tambah di bawah", "Ctrl+Return", self.insert_below),
            ("delete", "Hapus", "Ctrl+Del", self.delete_selected),
            ("duplicate", "Gandakan", "Ctrl+D", self.duplicate_current),
            ("move_up", "Naik", "Alt+Up", lambda: self.move_current(-1)),
            ("move_down", "Turun", "Alt+Down", lambda: self.move_current(1)),
            ("copy_output", "Output → Kelengkapan berikutnya", "Ctrl+Shift+K", self.copy_output),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
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
        layout.addLayout(labels_form)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._refresh_labels())
        controller.document_changed.connect(lambda _scope: self._refresh_labels())
        self._apply_delegates()

    # ---- helpers --------------------------------------------------------------------------
    def _on_model_data_changed(self, top_left, bottom_right, _roles=()) -> None:
        for row in range(top_left.row(), bottom_right.row() + 1):
            self.table.resizeRowToContents(row)

    def _apply_delegates(self) -> None:
        for column in range(self.model.columnCount()):
            self.table.setItemDelegateForColumn(column, None)
        for kind in (Col.KEGIATAN, Col.KELENGKAPAN, Col.OUTPUT, Col.KETERANGAN):
            self.table.setItemDelegateForColumn(self.model.column_of(kind), self._multiline)
        self.table.setItemDelegateForColumn(self.model.column_of(Col.SIMBOL), self._symbol)
        self.table.setItemDelegateForColumn(self.model.column_of(Col.YA), self._target)
        self.table.setItemDelegateForColumn(self.model.column_of(Col.TIDAK), self._target)
        self.table.setItemDelegateForColumn(self.model.column_of(Col.WAKTU), self._duration)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Actor names are long job titles: wrap them in a taller header rather than cut them.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        header.setMinimumHeight(48)
        self.table.setColumnWidth(self.model.column_of(Col.NO), 40)
        self.table.setColumnWidth(self.model.column_of(Col.KEGIATAN), 260)
        for i in range(self.model.actor_count()):
            self.table.setColumnWidth(self.model.column_of(Col.ACTOR, i), 90)

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def selected_step_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})
        if not rows and self.current_row() >= 0:
            rows = [self.current_row()]
        return [self.model.step_id(r) for r in rows if 0 <= r < self.model.rowCount()]

    def select_step(self, step_id: str, field: str = "kegiatan") -> None:
        from .step_model import FIELD_COLUMNS

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
        row = self.current_row()
        self.select_step(self._controller.insert_step(row if row >= 0 else 0))

    def insert_below(self) -> None:
        row = self.current_row()
        self.select_step(self._controller.insert_step(row + 1 if row >= 0 else self.model.rowCount()))

    def delete_selected(self) -> None:
        ids = self.selected_step_ids()
        if ids:
            row = self.current_row()
            self._controller.delete_steps(ids)
            if self.model.rowCount():
                self.select_step(self.model.step_id(min(max(row, 0), self.model.rowCount() - 1)))

    def duplicate_current(self) -> None:
        row = self.current_row()
        if row >= 0:
            self.select_step(self._controller.duplicate_step(row))

    def move_current(self, delta: int) -> None:
        row = self.current_row()
        target = row + delta
        if row >= 0 and 0 <= target < self.model.rowCount():
            step_id = self.model.step_id(row)
            column = self.table.currentIndex().column()
            self._controller.move_step(row, target)
            self.table.setCurrentIndex(self.model.index(self.model.row_of(step_id), column))

    def copy_output(self) -> None:
        row = self.current_row()
        if row >= 0:
            self._controller.copy_output_to_next(row)

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

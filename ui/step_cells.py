"""The steps table's cells used like a spreadsheet: the view's keyboard moves and the cell editors."""
from __future__ import annotations

import re

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QStyledItemDelegate,
    QTableView,
    QToolTip,
    QWidget,
)

from sopdesk import labels
from sopdesk.model import END, TIME_UNITS, Duration, Symbol, parse_duration

from .controller import DocumentController
from .link_mark_delegate import LinkMarkDelegate
from .step_model import LEAVES, UNSET

FREE_TEXT = "Teks bebas"
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def _modifiers(event: QKeyEvent) -> Qt.KeyboardModifier:
    # The keypad's Enter carries KeypadModifier; it is the same key to a user.
    return event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier


def opens_drop_down(event: QKeyEvent) -> bool:
    """F4 or Alt+Down: the usual keys for opening a drop-down list."""
    mods = _modifiers(event)
    return ((event.key() == Qt.Key.Key_F4 and mods == Qt.KeyboardModifier.NoModifier)
            or (event.key() == Qt.Key.Key_Down and mods == Qt.KeyboardModifier.AltModifier))


class CellDelegate(QStyledItemDelegate):
    """A cell editor that Enter finishes (then the view moves down); it knows which editors are open."""

    entered = Signal()  # Enter finished a cell: move down a row

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.open_editors: dict[QWidget, QPersistentModelIndex] = {}

    def make_editor(self, parent: QWidget, index: QModelIndex) -> QWidget:
        raise NotImplementedError

    def createEditor(self, parent, option, index):  # noqa: N802
        editor = self.make_editor(parent, index)
        self.open_editors[editor] = QPersistentModelIndex(index)
        return editor

    def destroyEditor(self, editor, index):  # noqa: N802
        self.open_editors.pop(editor, None)
        super().destroyEditor(editor, index)

    def finish_on_choice(self, combo: QComboBox) -> None:
        """Picking from the list (mouse or Enter) finishes the cell, as in a spreadsheet."""
        combo.activated.connect(lambda _position: self.finish(combo) if combo in self.open_editors else None)

    def finish(self, editor: QWidget, hint=QStyledItemDelegate.EndEditHint.NoHint) -> None:
        """Commit what the editor holds, then close it."""
        self.open_editors.pop(editor, None)
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, hint)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.KeyPress and event.key() in _ENTER
                and _modifiers(event) == Qt.KeyboardModifier.NoModifier):
            self.finish(editor)
            self.entered.emit()
            return True
        return super().eventFilter(editor, event)


class MultilineDelegate(CellDelegate):
    """Multi-line text: Enter finishes the cell, Shift+Enter or Alt+Enter starts a new line in it."""

    def make_editor(self, parent, index):
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        return editor

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setPlainText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor, model, index):  # noqa: N802
        # toRawText keeps non-breaking spaces as typed; only the block separators become newlines.
        text = editor.document().toRawText().replace("\u2029", "\n").replace("\u2028", "\n")
        model.setData(index, text.strip(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor, event):  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and event.key() in _ENTER:
            mods = _modifiers(event)
            if mods in (Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier):
                editor.insertPlainText("\n")
                return True
            if mods & Qt.KeyboardModifier.ControlModifier:
                # Ctrl+Enter reaches the editor only when no shortcut took it: finish the cell there.
                self.finish(editor)
                return True
        return super().eventFilter(editor, event)


class KeteranganDelegate(LinkMarkDelegate, MultilineDelegate):
    """Keterangan: a text that names or links SOPs is drawn as a link, with a mark a click on opens the SOP."""

    mark_clicked = Signal(QModelIndex)

    def __init__(self, links_of: Callable[[QModelIndex], list], parent=None) -> None:
        super().__init__(parent)
        self._links_of = links_of  # the cell's sop_links resolutions: explicit link first, then names

    def _found(self, index: QModelIndex) -> list:
        return self._links_of(index) if index.isValid() else []

    def link_state(self, index: QModelIndex) -> bool | None:
        found = self._found(index)
        return found[0].broken if found else None

    def mark_clicked_at(self, index: QModelIndex) -> None:
        self.mark_clicked.emit(QModelIndex(index))

    def helpEvent(self, event, view, option, index) -> bool:  # noqa: N802
        found = self._found(index)
        if found and event.type() == QEvent.Type.ToolTip:
            names = ", ".join(r.target.label() if r.target else "SOP yang sudah tidak ada" for r in found)
            QToolTip.showText(event.globalPos(), f"Keterangan menunjuk {names}. Klik tanda di kanan "
                              "(atau Ctrl+Shift+O) untuk membukanya.", view)
            return True
        return super().helpEvent(event, view, option, index)


class SymbolDelegate(CellDelegate):
    def make_editor(self, parent, index):
        combo = QComboBox(parent)
        for symbol in Symbol:
            combo.addItem(labels.SYMBOL_NAMES[symbol.value], symbol.value)
        self.finish_on_choice(combo)
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class TargetDelegate(CellDelegate):
    """Where a decision branch goes: another step, or out of the procedure."""

    def __init__(self, controller: DocumentController, parent=None) -> None:
        super().__init__(parent)
        self._controller = controller

    def make_editor(self, parent, index):
        combo = QComboBox(parent)
        combo.addItem(UNSET, "")
        combo.addItem(LEAVES, END)
        for i, step in enumerate(self._controller.sop.steps):
            text = " ".join(step.kegiatan.split())
            short = text if len(text) <= 50 else text[:49] + "…"
            combo.addItem(f"Langkah {i + 1}: {short}" if short else f"Langkah {i + 1}", step.id)
        self.finish_on_choice(combo)
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")))

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class DurationEditor(QWidget):
    """A number and a unit, or free text; typing "2 hari kerja" into the number reads number and unit."""

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
        # True while the text was typed into the number box (read it as a time); False when the user
        # chose Teks bebas (keep the text exactly as typed).
        self.typed = False
        self._typed_unit = TIME_UNITS[0]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.number)
        layout.addWidget(self.unit)
        layout.addWidget(self.text, 1)
        self.unit.currentTextChanged.connect(self._sync)
        self.unit.activated.connect(self._on_unit_activated)
        for child in (self.number, self.number.lineEdit(), self.unit, self.text):
            child.installEventFilter(self)
        self._sync()

    def _sync(self) -> None:
        free = self.unit.currentText() == FREE_TEXT
        shown, hidden = (self.text, self.number) if free else (self.number, self.text)
        shown.setVisible(True)
        if hidden.hasFocus() or hidden.isAncestorOf(QApplication.focusWidget()):
            # Hiding the focused box would send focus out of the editor, which closes it.
            shown.setFocus(Qt.FocusReason.OtherFocusReason)
        hidden.setVisible(False)
        self.setFocusProxy(shown)

    def _on_unit_activated(self, _position: int) -> None:
        if self.unit.currentText() == FREE_TEXT:
            self.typed = False
            return
        # A unit picked for a typed time keeps the typed number.
        parsed = parse_duration(self.text.text()) if self.typed else None
        if parsed is not None and parsed.value is not None:
            self.number.setValue(parsed.value)
        self.typed = False

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
            text = " ".join(self.text.text().split())
            parsed = parse_duration(text) if self.typed else None
            if parsed is None and self.typed and _NUMBER.match(text):
                # "1,5" typed with no unit: the unit the box showed, as for a whole number.
                parsed = Duration(value=float(text.replace(",", ".")), unit=self._typed_unit)
            return parsed if parsed is not None else Duration(text=text)
        if self.number.value() == 0:
            return Duration()
        return Duration(value=self.number.value(), unit=self.unit.currentText())

    def _start_typed_text(self, key_text: str) -> None:
        """The number box holds only numbers: carry on in the text box with what was typed so far."""
        shown = self.number.lineEdit()
        typed = shown.text() if shown.text() != self.number.specialValueText() else ""
        if shown.hasSelectedText():
            typed = typed[:shown.selectionStart()] + typed[shown.selectionStart() + len(shown.selectedText()):]
        self.typed = True
        self._typed_unit = self.unit.currentText()
        self.text.setText(typed + key_text)
        # Focus moves before the number box hides, or Qt would send it out of the editor (closing it).
        self.text.setVisible(True)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)
        self.unit.setCurrentText(FREE_TEXT)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            if opens_drop_down(event) and watched is not self.unit:
                self.unit.showPopup()
                return True
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                # Tab leaves the cell like in every other cell, instead of wandering inside the editor.
                QApplication.sendEvent(self, QKeyEvent(event.type(), event.key(), event.modifiers()))
                return True
            text = event.text()
            chord = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
            if (watched in (self.number, self.number.lineEdit()) and text and text.isprintable()
                    and not text.isdigit() and not _modifiers(event) & chord):
                self._start_typed_text(text)
                return True
        elif kind == QEvent.Type.FocusOut:
            # The delegate watches only this widget: tell it when focus left the editor from a child.
            focus = QApplication.focusWidget()
            inside = focus is not None and (focus is self or self.isAncestorOf(focus))
            if not inside and event.reason() != Qt.FocusReason.PopupFocusReason:
                QApplication.sendEvent(self, QFocusEvent(QEvent.Type.FocusOut, event.reason()))
        return super().eventFilter(watched, event)


class DurationDelegate(CellDelegate):
    def make_editor(self, parent, index):
        return DurationEditor(parent)

    def setEditorData(self, editor, index):  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        # Qt 6 refreshes open editors after every change of their row, including the editor's own commit.
        if editor.duration() != value:
            editor.set_duration(value)

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.duration(), Qt.ItemDataRole.EditRole)


class StepsTable(QTableView):
    """Tab walks only the cells that apply to a row; F4 or Alt+Down opens a cell's drop-down; Enter goes down."""

    def closeEditor(self, editor, hint):  # noqa: N802
        super().closeEditor(editor, hint)
        # A drop-down's list holds the focus while open; once it and its cell editor are gone, the focus
        # would be nowhere and the next keys (Ctrl+Enter, typing) would be lost. It comes back here.
        if QApplication.focusWidget() is None and self.isVisible():
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def applies(self, index: QModelIndex) -> bool:
        flags = index.flags()
        return bool(flags & (Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable))

    def _step_cell(self, forward: bool) -> QModelIndex:
        model = self.model()
        rows, columns = model.rowCount(), model.columnCount()
        total = rows * columns
        current = self.currentIndex()
        if not total:
            return QModelIndex()
        position = current.row() * columns + current.column() if current.isValid() else (-1 if forward else total)
        for _ in range(total):
            position = (position + (1 if forward else -1)) % total
            index = model.index(position // columns, position % columns)
            if self.applies(index):
                return index
        return QModelIndex()

    def moveCursor(self, action, modifiers):  # noqa: N802
        if action in (QAbstractItemView.CursorAction.MoveNext, QAbstractItemView.CursorAction.MovePrevious):
            index = self._step_cell(action == QAbstractItemView.CursorAction.MoveNext)
            if index.isValid():
                return index
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        current = self.currentIndex()
        if self.state() != QAbstractItemView.State.EditingState and current.isValid():
            if opens_drop_down(event) and current.flags() & Qt.ItemFlag.ItemIsEditable:
                self.edit(current)
                editor = self.indexWidget(current)
                if isinstance(editor, (QComboBox, DurationEditor)):
                    self.show_drop_down(editor)
                return
            if event.key() in _ENTER and _modifiers(event) == Qt.KeyboardModifier.NoModifier:
                self.move_down()
                return
        super().keyPressEvent(event)

    @staticmethod
    def show_drop_down(editor: QWidget | None) -> None:
        if isinstance(editor, QComboBox):
            editor.showPopup()
        elif isinstance(editor, DurationEditor):
            editor.unit.showPopup()

    def move_down(self) -> None:
        current = self.currentIndex()
        if current.isValid() and current.row() + 1 < self.model().rowCount():
            self.setCurrentIndex(self.model().index(current.row() + 1, current.column()))

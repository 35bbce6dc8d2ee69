"""The steps table: one row per step, one checkable column per actor, decisions' targets as choices."""
from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sopdesk import labels
from sopdesk.model import END, Duration, Symbol, parse_duration, resolved_symbol

from .controller import DocumentController

Index = QModelIndex | QPersistentModelIndex


class Col(enum.IntEnum):
    """Column kinds; actor columns sit between KEGIATAN and SIMBOL, one per actor."""

    NO = 0
    KEGIATAN = 1
    ACTOR = 2
    SIMBOL = 3
    YA = 4
    TIDAK = 5
    KELENGKAPAN = 6
    WAKTU = 7
    OUTPUT = 8
    KETERANGAN = 9


_TAIL = (Col.SIMBOL, Col.YA, Col.TIDAK, Col.KELENGKAPAN, Col.WAKTU, Col.OUTPUT, Col.KETERANGAN)
_TITLES = {
    Col.NO: labels.COLUMN_NO,
    Col.KEGIATAN: labels.COLUMN_KEGIATAN,
    Col.SIMBOL: "Simbol",
    Col.YA: "Jika Ya",
    Col.TIDAK: "Jika Tidak",
    Col.KELENGKAPAN: labels.COLUMN_KELENGKAPAN,
    Col.WAKTU: labels.COLUMN_WAKTU,
    Col.OUTPUT: labels.COLUMN_OUTPUT,
    Col.KETERANGAN: labels.COLUMN_KETERANGAN,
}
_TEXT_ATTRS = {
    Col.KEGIATAN: "kegiatan",
    Col.KELENGKAPAN: "kelengkapan",
    Col.OUTPUT: "output",
    Col.KETERANGAN: "keterangan",
}
# Column keys used by validation targets (sopdesk.validation.Target.field).
FIELD_COLUMNS = {
    "kegiatan": Col.KEGIATAN,
    "actors": Col.ACTOR,
    "symbol": Col.SIMBOL,
    "yes_target": Col.YA,
    "no_target": Col.TIDAK,
    "kelengkapan": Col.KELENGKAPAN,
    "waktu": Col.WAKTU,
    "output": Col.OUTPUT,
    "keterangan": Col.KETERANGAN,
}

LEAVES = "Keluar dari prosedur"
ROW_GRIP = "≡"
UNSET = "— belum dipilih —"


def target_text(sop, target: str | None) -> str:
    if target is None:
        return UNSET
    if target == END:
        return LEAVES
    index = sop.step_index(target)
    return f"Langkah {index + 1}" if index >= 0 else "Langkah yang sudah dihapus"


def duration_from_input(value: Any) -> Duration:
    """What the Waktu cell stores for typed text: a number and unit when readable, the text otherwise."""
    if isinstance(value, Duration):
        return value
    text = " ".join(str(value or "").split())
    parsed = parse_duration(text)
    return parsed if parsed is not None else Duration(text=text)


class StepTableModel(QAbstractTableModel):
    def __init__(self, controller: DocumentController, parent=None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._shape = self._current_shape()
        self._keys = [self._row_key(s) for s in self.sop.steps]
        controller.document_changed.connect(self._on_controller_document_changed)

    # ---- column mapping -------------------------------------------------------------------
    @property
    def sop(self):
        return self._controller.sop

    def actor_count(self) -> int:
        return len(self.sop.actors)

    def column_kind(self, column: int) -> Col:
        n = self.actor_count()
        if column < Col.ACTOR:
            return Col(column)
        if column < Col.ACTOR + n:
            return Col.ACTOR
        return _TAIL[column - Col.ACTOR - n]

    def column_of(self, kind: Col, actor_index: int = 0) -> int:
        n = self.actor_count()
        if kind < Col.ACTOR:
            return int(kind)
        if kind is Col.ACTOR:
            return Col.ACTOR + actor_index
        return Col.ACTOR + n + _TAIL.index(kind)

    def step_id(self, row: int) -> str:
        return self.sop.steps[row].id

    def row_of(self, step_id: str) -> int:
        return self.sop.step_index(step_id)

    # ---- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.sop.steps)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Col) - 1 + self.actor_count()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Vertical:
            # The row header is the grip for dragging a step to another place; No already numbers it.
            if role == Qt.ItemDataRole.DisplayRole:
                return ROW_GRIP
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Seret untuk memindahkan langkah {section + 1}"
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < self.columnCount():
            return None
        kind = self.column_kind(section)
        if kind is Col.ACTOR:
            return self.sop.actors[section - Col.ACTOR].name
        return _TITLES[kind]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        kind = self.column_kind(index.column())
        if kind is Col.NO:
            return base
        if kind is Col.ACTOR:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if kind in (Col.YA, Col.TIDAK) and resolved_symbol(self.sop, index.row()) is not Symbol.DECISION:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.sop.steps)):
            return None
        row = index.row()
        step = self.sop.steps[row]
        kind = self.column_kind(index.column())
        if kind is Col.ACTOR:
            actor = self.sop.actors[index.column() - Col.ACTOR]
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if actor.id in step.actors else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{actor.name} mengerjakan langkah {row + 1}"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in (Col.NO, Col.WAKTU):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            return None
        edit = role == Qt.ItemDataRole.EditRole
        if kind is Col.NO:
            return str(row + 1)
        if kind in _TEXT_ATTRS:
            return getattr(step, _TEXT_ATTRS[kind])
        if kind is Col.SIMBOL:
            if edit:
                return step.symbol.value
            shown = labels.SYMBOL_NAMES[resolved_symbol(self.sop, row).value]
            return f"Otomatis ({shown})" if step.symbol is Symbol.AUTO else shown
        if kind in (Col.YA, Col.TIDAK):
            target = step.yes_target if kind is Col.YA else step.no_target
            if edit:
                return target or ""
            if resolved_symbol(self.sop, row) is not Symbol.DECISION:
                return ""
            label = (step.yes_label or labels.YES) if kind is Col.YA else (step.no_label or labels.NO)
            return f"{label} → {target_text(self.sop, target)}"
        if kind is Col.WAKTU:
            return step.waktu if edit else step.waktu.display()
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or not (0 <= index.row() < len(self.sop.steps)):
            return False
        step = self.sop.steps[index.row()]
        kind = self.column_kind(index.column())
        if kind is Col.ACTOR and role == Qt.ItemDataRole.CheckStateRole:
            actor = self.sop.actors[index.column() - Col.ACTOR]
            # A view's click hands over a plain int.
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self._controller.set_step_actor(step.id, actor.id, checked)
            return True
        if role != Qt.ItemDataRole.EditRole:
            return False
        if kind in _TEXT_ATTRS:
            attr = _TEXT_ATTRS[kind]
            self._controller.set_step_field(step.id, attr, str(value), f"{_TITLES[kind]} langkah")
            return True
        if kind is Col.SIMBOL:
            try:
                symbol = Symbol(value)
            except ValueError:
                return False
            self._controller.set_step_symbol(step.id, symbol)
            return True
        if kind in (Col.YA, Col.TIDAK):
            target = value or None
            if target is not None and target != END and self.sop.step_index(target) < 0:
                return False
            attr = "yes_target" if kind is Col.YA else "no_target"
            self._controller.set_step_field(step.id, attr, target, f"tujuan {_TITLES[kind]}")
            return True
        if kind is Col.WAKTU:
            self._controller.set_step_field(step.id, "waktu", duration_from_input(value), "waktu langkah")
            return True
        return False

    # ---- keeping up with the document --------------------------------------------------------
    def _current_shape(self) -> tuple:
        # Same shape (step ids and actor ids) means cells changed in place: no reset needed.
        return tuple(s.id for s in self.sop.steps), tuple((a.id, a.name) for a in self.sop.actors)

    @staticmethod
    def _row_key(step) -> tuple:
        return (step.kegiatan, tuple(step.actors), step.symbol, step.yes_target, step.no_target, step.yes_label,
                step.no_label, step.kelengkapan, step.waktu.display(), step.output, step.keterangan)

    def _on_controller_document_changed(self, scope: str) -> None:
        if scope not in ("steps", "actors", "all"):
            return
        shape = self._current_shape()
        keys = [self._row_key(s) for s in self.sop.steps]
        if shape != self._shape:
            self.beginResetModel()
            self._shape = shape
            self._keys = keys
            self.endResetModel()
            return
        # Only the rows that changed: re-measuring every wrapped row on each keystroke is slow.
        changed = [row for row, key in enumerate(keys) if row >= len(self._keys) or self._keys[row] != key]
        self._keys = keys
        if changed and self.columnCount():
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], self.columnCount() - 1))

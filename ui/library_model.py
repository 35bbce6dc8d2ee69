"""The library list: catalogue entries filtered by search words, status, unit, year and review, in the chosen order."""
from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap, QPolygonF

from sopdesk.catalog import CatalogEntry
from sopdesk.labels import MONTHS, format_date
from sopdesk.lifecycle import DEFAULT_REVIEW_MONTHS, ReviewState, due_from_parts, state_of_due
from sopdesk.model import Status
from sopdesk.search import SearchIndex, normalise
from sopdesk.storage import file_stem

Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    NOMOR = 0
    NAMA = 1
    UNIT = 2
    STATUS = 3
    REVIEW = 4
    UPDATED = 5


COLUMNS = ("Nomor", "Nama SOP", "Unit", "Status", "Tinjau ulang", "Terakhir diubah")


class DueFilter(str, enum.Enum):
    """The review filter of the library panel; the value is the text of its choice."""

    ALL = "Semua jadwal"
    NEEDS_REVIEW = "Perlu ditinjau"  # due within 30 days, or overdue
    DUE_SOON = "Jatuh tempo dalam 30 hari"
    OVERDUE = "Lewat jatuh tempo"


DUE_TIPS = {
    DueFilter.ALL: "Semua SOP, apa pun jadwal tinjau ulangnya",
    DueFilter.NEEDS_REVIEW: "SOP berlaku yang jatuh tempo tinjau ulang dalam 30 hari atau sudah lewat",
    DueFilter.DUE_SOON: "SOP berlaku yang jatuh tempo tinjau ulang hari ini atau dalam 30 hari",
    DueFilter.OVERDUE: "SOP berlaku yang tanggal tinjau ulangnya sudah lewat",
}
_DUE_STATES = {
    DueFilter.NEEDS_REVIEW: (ReviewState.DUE_SOON, ReviewState.OVERDUE),
    DueFilter.DUE_SOON: (ReviewState.DUE_SOON,),
    DueFilter.OVERDUE: (ReviewState.OVERDUE,),
}
_STATUS_ORDER = {status.value: i for i, status in enumerate(Status)}
_BERLAKU = Status.BERLAKU.value
# Light tints with dark text, so a dark desktop theme does not make the marked rows unreadable.
_TINTS = {ReviewState.OVERDUE: "#f6d5d8", ReviewState.DUE_SOON: "#fff0c2"}
_MARKS = {ReviewState.OVERDUE: "#c0392b", ReviewState.DUE_SOON: "#d68910"}
_DARK_TEXT = "#1f1f1f"
CONFLICT_MARK = "#e67e22"
CONFLICT_TIP = ("⚠ Bentrok sinkronisasi: dua versi SOP ini disimpan sampai Anda memutuskan. Buka SOP ini lalu pilih "
                "Selesaikan bentrok (atau klik kanan di sini).")
_DISPLAY, _TOOLTIP, _DECORATION, _BACKGROUND, _FOREGROUND = (int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole))
_ROLES_ANSWERED = frozenset((_DISPLAY, _TOOLTIP, _DECORATION, _BACKGROUND, _FOREGROUND))


def format_timestamp(value: str, full_month: bool = False) -> str:
    """A saved moment in local time, "23 Nov 2026 10.05" ("23 November 2026 10.05" with full_month);
    a text that is not a moment comes back as it is."""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone()
    month = MONTHS[stamp.month - 1] if full_month else MONTHS[stamp.month - 1][:3]
    return f"{stamp.day:02d} {month} {stamp.year} {stamp:%H.%M}"


def short_date(day: dt.date | None) -> str:
    return f"{day.day:02d} {MONTHS[day.month - 1][:3]} {day.year}" if day else ""


def review_line(due: dt.date | None, state: ReviewState) -> str:
    """The review date as the tooltip says it: "Tinjau ulang: 01 Juni 2025 (lewat jatuh tempo)"."""
    if due is None:
        return ""
    line = f"Tinjau ulang: {format_date(due, weekday=False)}"
    return f"{line} ({state.value})" if state in _TINTS else line


_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> str:
    """Nomor in the order people read it: "OT.2" before "OT.10" (numbers padded, so plain text order works)."""
    return _DIGITS.sub(lambda m: m.group().lstrip("0").rjust(12, "0"), normalise(text))


class _Row:
    """One entry with what filtering and sorting ask of it, worked out once per entry."""

    __slots__ = ("_nomor_key", "due", "entry", "id", "nama_key", "state", "unit_key", "updated_text", "years")

    def __init__(self, entry: CatalogEntry, today: dt.date, default_months: int) -> None:
        self.entry = entry
        self.id = entry.id
        due = None  # only an SOP in force has a review date
        if entry.status == _BERLAKU:
            try:
                due = due_from_parts(entry.status, entry.review_basis or None, entry.review_months,
                                     entry.review_planned or None, default_months)
            except (ValueError, OverflowError):
                pass  # a date this version cannot read: listed without a review date
        self.due = due
        self.state = state_of_due(due, today) if due is not None else ReviewState.NONE
        made, effective = entry.tahun_pembuatan, entry.tahun_efektif
        self.years = tuple(y for y in (made, effective if effective != made else None) if y)
        self.nama_key = normalise(entry.nama)
        self.unit_key = normalise(entry.unit)
        self._nomor_key: str | None = None  # worked out when first sorted by it
        self.updated_text: str | None = None  # shown in local time, worked out when first painted

    @property
    def nomor_key(self) -> str:
        if self._nomor_key is None:
            self._nomor_key = _natural(self.entry.nomor)
        return self._nomor_key


def _sort_key(column: Column):
    """Key of a row for a column: (missing, value); rows missing the value go last in either order."""
    if column is Column.NOMOR:
        return lambda r: (not r.entry.nomor.strip(), r.nomor_key)
    if column is Column.NAMA:
        return lambda r: (not r.nama_key.strip(), r.nama_key)
    if column is Column.UNIT:
        return lambda r: (not r.unit_key.strip(), r.unit_key)
    if column is Column.STATUS:
        return lambda r: (False, _STATUS_ORDER.get(r.entry.status, len(_STATUS_ORDER)))
    if column is Column.REVIEW:
        return lambda r: (r.due is None, r.due or dt.date.min)
    return lambda r: (not r.entry.updated_at, r.entry.updated_at)


class LibraryModel(QAbstractTableModel):
    """The catalogue entries shown, filtered and sorted; newest change first until another order is chosen."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []  # every entry, in the chosen order
        self._shown: list[_Row] = []
        self._index = SearchIndex()
        self._filter = ""
        self._status = ""
        self._unit = ""
        self._year: int | None = None
        self._due = DueFilter.ALL
        self._sort_column = Column.UPDATED
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._today: dt.date | None = None  # None: the day it is now
        self._default_months = DEFAULT_REVIEW_MONTHS
        self._icons: dict[ReviewState, QIcon] = {}
        self._rows_day: dt.date | None = None
        self._conflicts: frozenset[str] = frozenset()  # ids of SOPs with a sync conflict waiting for a person
        self._conflict_stems: frozenset[str] = frozenset()  # their file stems, as conflicts/ names them
        self._conflict_icon: QIcon | None = None

    # ---- what is listed ------------------------------------------------------------------
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def set_entries(self, entries: list[CatalogEntry]) -> None:
        """List these entries; an entry unchanged since the last call keeps its worked-out row."""
        today, months = self.today(), self._default_months
        # Rows worked out on another day (the window stayed open past midnight) are worked out again.
        known = {row.id: row for row in self._rows} if today == self._rows_day else {}
        self._rows_day = today
        rows = []
        for entry in entries:
            row = known.get(entry.id)
            rows.append(row if row is not None and row.entry == entry else _Row(entry, today, months))
        # An entry made without searchable words (not from a library) is still found by nomor, nama and unit.
        self._index.set_all({row.id: row.entry.search_text or normalise(f"{row.entry.nomor} {row.entry.nama} "
                                                                        f"{row.entry.unit}") for row in rows})
        self._rows = rows
        self._conflicts = self._conflicting_ids()
        self._sort_rows()
        self._apply(reset=True)

    def set_review_months(self, default_months: int) -> None:
        """The review interval (Preferensi) of SOPs that have none of their own."""
        if default_months != self._default_months:
            self._default_months = default_months
            self._rework_rows()

    def set_today(self, today: dt.date | None) -> None:
        """The day due reviews are counted to; None: the day it is now."""
        if today != self._today:
            self._today = today
            self._rework_rows()

    def _rework_rows(self) -> None:
        day, months = self.today(), self._default_months
        self._rows_day = day
        self._rows = [_Row(row.entry, day, months) for row in self._rows]
        self._sort_rows()
        self._apply(reset=True)

    def entries(self) -> list[CatalogEntry]:
        return [row.entry for row in self._rows]

    def set_conflicts(self, stems) -> None:
        """The SOPs (by file stem) with a sync conflict waiting for a person: their Nama cell is marked."""
        self._conflict_stems = frozenset(stems)
        ids = self._conflicting_ids()
        if ids == self._conflicts:
            return
        self._conflicts = ids
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._shown) - 1, len(COLUMNS) - 1))

    def _conflicting_ids(self) -> frozenset[str]:
        stems = self._conflict_stems
        return frozenset(row.id for row in self._rows if file_stem(row.id) in stems) if stems else frozenset()

    def conflict_ids(self) -> frozenset[str]:
        return self._conflicts

    def has_conflict(self, row: int) -> bool:
        return 0 <= row < len(self._shown) and self._shown[row].id in self._conflicts

    # ---- filters and order ----------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        self._filter = text
        self._apply()

    def set_status_filter(self, status: str) -> None:
        self._status = status
        self._apply()

    def set_unit_filter(self, unit: str) -> None:
        self._unit = unit
        self._apply()

    def set_year_filter(self, year: int | None) -> None:
        self._year = year
        self._apply()

    def set_due_filter(self, due: DueFilter) -> None:
        self._due = DueFilter(due)
        self._apply()

    def set_filters(self, status: str, unit: str, year: int | None, due: DueFilter) -> None:
        """All four choices at once (the panel's choice boxes): one pass over the list."""
        self._status, self._unit, self._year, self._due = status, unit, year, DueFilter(due)
        self._apply()

    def filtering(self) -> bool:
        return bool(self._filter.strip() or self._status or self._unit or self._year or self._due is not DueFilter.ALL)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        if (Column(column), order) == (self._sort_column, self._sort_order):
            return  # already in that order (QTableView.sortByColumn asks twice)
        self._sort_column, self._sort_order = Column(column), order
        self._sort_rows()
        self._apply()

    def sort_state(self) -> tuple[Column, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    def _sort_rows(self) -> None:
        key = _sort_key(self._sort_column)
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if self._sort_column is Column.UPDATED:
            # Save times differ from SOP to SOP (one a microsecond later at least): no tie to break.
            self._rows.sort(key=lambda row: (not (pair := key(row))[0], pair[1]) if descending else key(row),
                            reverse=descending)
            return
        if not descending:
            self._rows.sort(key=lambda row: (*key(row), row.nomor_key))  # ties in nomor order
            return
        # Descending, yet rows missing the value still last and ties still in nomor order: a stable sort
        # in reverse keeps the nomor order of equal keys.
        self._rows.sort(key=lambda row: row.nomor_key)
        self._rows.sort(key=lambda row: (not (pair := key(row))[0], pair[1]), reverse=True)

    def units(self) -> list[str]:
        keys = {row.entry.unit: row.unit_key for row in self._rows if row.unit_key.strip()}
        return sorted(keys, key=keys.__getitem__)

    def years(self) -> list[int]:
        return sorted({year for row in self._rows for year in row.years}, reverse=True)

    def _apply(self, reset: bool = False) -> None:
        found = self._index.search(self._filter) if self._filter.strip() else None
        status, unit, year = self._status, self._unit, self._year
        states = _DUE_STATES.get(self._due)
        if not (status or unit or year is not None or states):
            # Only the search box (each keystroke): the shortest loop.
            shown = list(self._rows) if found is None else [row for row in self._rows if row.id in found]
        else:
            shown = [row for row in self._rows
                     if (found is None or row.id in found)
                     and (not status or row.entry.status == status)
                     and (not unit or row.entry.unit == unit)
                     and (year is None or year in row.years)
                     and (states is None or row.state in states)]
        if reset:
            self.beginResetModel()
            self._shown = shown
            self.endResetModel()
            return
        # A new filter or order keeps the selected SOP selected while it is still listed.
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._shown[i.row()].id if 0 <= i.row() < len(self._shown) else None for i in before]
        self._shown = shown
        wanted = set(ids)
        where = {row.id: n for n, row in enumerate(shown) if row.id in wanted} if wanted else {}
        after = [self.index(where[sop_id], i.column()) if sop_id in where else QModelIndex()
                 for sop_id, i in zip(ids, before, strict=True)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # ---- rows -----------------------------------------------------------------------------
    def entry(self, row: int) -> CatalogEntry | None:
        return self._shown[row].entry if 0 <= row < len(self._shown) else None

    def review_of(self, row: int) -> tuple[dt.date | None, ReviewState]:
        shown = self._shown[row] if 0 <= row < len(self._shown) else None
        return (shown.due, shown.state) if shown else (None, ReviewState.NONE)

    def row_of(self, sop_id: str) -> int:
        return next((i for i, r in enumerate(self._shown) if r.id == sop_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell at each keystroke: plain int roles, marked rows apart.
        role = int(role)
        if role not in _ROLES_ANSWERED or not index.isValid():
            return None
        number = index.row()
        if not 0 <= number < len(self._shown):
            return None
        row = self._shown[number]
        column = index.column()
        if role == _DISPLAY:
            return self._text(row, column)
        conflict = row.id in self._conflicts if self._conflicts else False
        if role == _TOOLTIP:
            text = self._text(row, column) if column != Column.REVIEW else ""
            line = review_line(row.due, row.state)
            return "\n".join(part for part in (text, line, CONFLICT_TIP if conflict else "") if part) or None
        if conflict and role == _DECORATION and column == Column.NAMA:
            return self._warning_icon()
        if row.state not in _TINTS:
            return None
        if role == _DECORATION:
            return self._icon(row.state) if column == Column.NOMOR else None
        if role == _BACKGROUND:
            return QBrush(QColor(_TINTS[row.state]))
        return QBrush(QColor(_DARK_TEXT))  # _FOREGROUND

    @staticmethod
    def _text(row: _Row, column: int) -> str:
        entry = row.entry
        if column == Column.NOMOR:
            return entry.nomor
        if column == Column.NAMA:
            return entry.nama or "(tanpa nama)"
        if column == Column.UNIT:
            return entry.unit
        if column == Column.STATUS:
            return entry.status
        if column == Column.REVIEW:
            return short_date(row.due)
        if column == Column.UPDATED:
            if row.updated_text is None:
                row.updated_text = format_timestamp(entry.updated_at)
            return row.updated_text
        return ""

    def _warning_icon(self) -> QIcon:
        """An orange triangle with "!" before the name of an SOP whose sync conflict waits for a person."""
        if self._conflict_icon is None:
            pixmap = QPixmap(16, 16)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QColor("#8a3b00"))
            painter.setBrush(QColor(CONFLICT_MARK))
            painter.drawPolygon(QPolygonF([QPointF(8, 1), QPointF(15, 14.5), QPointF(1, 14.5)]))
            painter.setPen(QColor("white"))
            font = painter.font()
            font.setBold(True)
            font.setPixelSize(10)
            painter.setFont(font)
            painter.drawText(pixmap.rect().adjusted(0, 3, 0, 0), Qt.AlignmentFlag.AlignCenter, "!")
            painter.end()
            self._conflict_icon = QIcon(pixmap)
        return self._conflict_icon

    def _icon(self, state: ReviewState) -> QIcon:
        """A filled dot with "!" for a review due (amber) or overdue (red), beside the nomor."""
        icon = self._icons.get(state)
        if icon is None:
            pixmap = QPixmap(14, 14)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(_MARKS[state]))
            painter.drawEllipse(1, 1, 12, 12)
            painter.setPen(QColor("white"))
            font = painter.font()
            font.setBold(True)
            font.setPixelSize(10)
            painter.setFont(font)
            painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "!")
            painter.end()
            icon = self._icons[state] = QIcon(pixmap)
        return icon

"""Columns that share a table's width by weight, so every column of the steps table stays in sight."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QTableView

# (weight, minimum px) per column; a weight of 0 keeps the column at its minimum.
Share = tuple[float, int]


def share_width(available: int, shares: list[Share]) -> list[int]:
    """Widths summing to at most `available`: by weight, but never below a column's minimum."""
    widths = [minimum for _weight, minimum in shares]
    free = list(range(len(shares)))
    while free:
        room = available - sum(widths[i] for i in range(len(shares)) if i not in free)
        total = sum(shares[i][0] for i in free)
        if total <= 0:
            break
        too_small = [i for i in free if room * shares[i][0] / total < shares[i][1]]
        if not too_small:
            for i in free:
                widths[i] = int(room * shares[i][0] / total)
            break
        free = [i for i in free if i not in too_small]
    return widths


class ColumnFitter(QObject):
    """Re-shares the columns whenever the table's viewport changes width or its columns change."""

    def __init__(self, table: QTableView, shares: Callable[[], list[Share]]) -> None:
        super().__init__(table)
        self._table = table
        self._shares = shares
        self._width = -1
        # Coalesce: a model reset and the resizes it causes make one fit, not one per event.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        table.viewport().installEventFilter(self)

    def schedule(self) -> None:
        self._width = -1
        self._timer.start()

    def fit(self) -> None:
        self._timer.stop()
        table = self._table
        shares = self._shares()
        if len(shares) != table.model().columnCount():
            return
        available = table.viewport().width()
        if available <= 0:
            return
        self._width = available
        for column, width in enumerate(share_width(available, shares)):
            if table.columnWidth(column) != width:
                table.setColumnWidth(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and self._table.viewport().width() != self._width:
            self._timer.start()
        return False


def step_column_shares(model) -> list[Share]:
    """The steps table: Kegiatan widest, the actor tick boxes narrow, the three Mutu Baku columns alike."""
    from .step_model import Col

    shares = {
        Col.NO: (0.0, 34),
        Col.KEGIATAN: (2.6, 150),
        Col.ACTOR: (0.9, 60),  # a job title's longest word ("Perencanaan") on one header line
        Col.SIMBOL: (1.0, 88),
        Col.YA: (0.75, 66),
        Col.TIDAK: (0.75, 66),
        Col.KELENGKAPAN: (1.2, 76),
        Col.WAKTU: (0.75, 60),
        Col.OUTPUT: (1.15, 72),
        Col.KETERANGAN: (1.0, 64),
    }
    return [shares[model.column_kind(column)] for column in range(model.columnCount())]

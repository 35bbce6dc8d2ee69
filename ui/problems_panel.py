"""The live problems panel: errors and warnings of the open SOP; clicking one selects its field or cell."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QToolButton, QVBoxLayout, QWidget

from collections.abc import Callable

from sopdesk.validation import Problem, Severity, validate

from .controller import DocumentController


class ProblemsPanel(QWidget):
    problem_activated = Signal(object)  # the Problem's Target

    def __init__(self, controller: DocumentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.problems: list[Problem] = []
        # Problems only a layout can find (a row taller than a page) come from the preview's last layout.
        self.extra: Callable[[], list[Problem]] = list
        # One line ("2 galat, 3 peringatan") that the window keeps in its status bar; clicking it opens the list.
        self.summary = QToolButton()
        self.summary.setObjectName("problems_summary")
        self.summary.setAutoRaise(True)
        self.summary.setToolTip("Tampilkan atau sembunyikan daftar masalah")
        self.list = QListWidget()
        self.list.setObjectName("problems_list")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.itemClicked.connect(self._on_list_item_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        # Typing fires many edits; checking once the user pauses keeps typing smooth.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        controller.document_changed.connect(lambda _scope: self._timer.start())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, 110)

    def refresh(self) -> None:
        self._timer.stop()
        self.problems = sorted(validate(self._controller.sop) + self.extra(),
                               key=lambda p: 0 if p.severity is Severity.ERROR else 1)
        self.list.clear()
        for problem in self.problems:
            error = problem.severity is Severity.ERROR
            item = QListWidgetItem(("Galat: " if error else "Peringatan: ") + problem.message)
            item.setForeground(QColor("#b00020") if error else QColor("#8a5a00"))
            item.setData(Qt.ItemDataRole.UserRole, problem)
            self.list.addItem(item)
        errors = sum(1 for p in self.problems if p.severity is Severity.ERROR)
        warnings = len(self.problems) - errors
        if not self.problems:
            self.summary.setText("Tidak ada masalah.")
        else:
            self.summary.setText(f"Masalah: {errors} galat, {warnings} peringatan")

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        problem = item.data(Qt.ItemDataRole.UserRole)
        if problem is not None:
            self.problem_activated.emit(problem.target)

"""The total-time line under the steps table: shortest and longest time, and the steps it leaves out."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QLabel, QWidget

from sopdesk.model import PageSettings
from sopdesk.total_time import TimeRules, TotalTime, details, summary, total_time

from .controller import DocumentController

_SCOPES = ("steps", "page", "all")  # what can change a time, a flow or the rules


class TotalTimeView(QLabel):
    """One or two lines of text, recomputed after every edit; a named step is a link to its Waktu cell."""

    step_activated = Signal(str)  # step id

    def __init__(self, controller: DocumentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("total_time")
        self._controller = controller
        self.result: TotalTime | None = None
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.setContentsMargins(4, 2, 4, 2)
        self.linkActivated.connect(self._on_link_activated)
        controller.document_changed.connect(self._on_controller_document_changed)
        self.refresh()

    def refresh(self) -> None:
        sop = self._controller.sop
        self.result = result = total_time(sop)
        parts = [html.escape(summary(result))]
        if result.unreadable:
            links = ", ".join(f'<a href="{sop.steps[i].id}">{i + 1}</a>' for i, _text in result.unreadable)
            parts.append(f"Waktu tidak terbaca, tidak dihitung: langkah {links}.")
        if result.unset:
            links = ", ".join(f'<a href="{sop.steps[i].id}">{i + 1}</a>' for i in result.unset)
            parts.append(f"Keputusan tanpa tujuan: langkah {links}.")
        self.setText(" ".join(parts))
        self.setToolTip("\n".join(details(result)))

    def plain_text(self) -> str:
        """What the line says, without the link markup (for tests and for reading it out)."""
        doc_text = self.text()
        for tag in ("</a>",):
            doc_text = doc_text.replace(tag, "")
        while "<a " in doc_text:
            start = doc_text.index("<a ")
            doc_text = doc_text[:start] + doc_text[doc_text.index(">", start) + 1:]
        return html.unescape(doc_text)

    def _on_link_activated(self, step_id: str) -> None:
        self.step_activated.emit(step_id)

    def _on_controller_document_changed(self, scope: str) -> None:
        if scope in _SCOPES:
            self.refresh()


RULES = (
    # attribute, text before the box, unit after it, lowest, highest
    ("workday_hours", "1 hari kerja =", " jam", 1.0, 24.0),
    ("week_workdays", "1 minggu =", " hari kerja", 1.0, 7.0),
    ("month_workdays", "1 bulan =", " hari kerja", 1.0, 31.0),
    ("day_workdays", "1 hari =", " hari kerja", 0.1, 1.0),
)


class TimeRulesEditor(QWidget):
    """The four unit rules of the total time as spin boxes, `per_row` to a row."""

    rule_changed = Signal(str, float)  # attribute of PageSettings, new value

    def __init__(self, parent: QWidget | None = None, per_row: int = 2) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.spins: dict[str, QDoubleSpinBox] = {}
        for position, (attr, text, suffix, low, high) in enumerate(RULES):
            spin = QDoubleSpinBox()
            spin.setObjectName(attr)
            spin.setRange(low, high)
            spin.setDecimals(2)
            spin.setSingleStep(0.5 if attr == "workday_hours" else 1.0 if attr != "day_workdays" else 0.05)
            spin.setSuffix(suffix)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda value, attr=attr: self.rule_changed.emit(attr, float(value)))
            self.spins[attr] = spin
            grid.addWidget(QLabel(text), position // per_row, (position % per_row) * 2)
            grid.addWidget(spin, position // per_row, (position % per_row) * 2 + 1)

    def set_values(self, page: PageSettings) -> None:
        rules = TimeRules.of(page)
        for attr, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(getattr(rules, attr))
            spin.blockSignals(False)

    def values(self) -> dict[str, float]:
        return {attr: float(spin.value()) for attr, spin in self.spins.items()}

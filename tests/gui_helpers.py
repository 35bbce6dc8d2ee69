"""Helpers for window tests: scripted dialog answers and driving the real editor widgets."""
from __future__ import annotations

from collections import deque

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCalendarWidget, QDialogButtonBox, QPlainTextEdit

from ui import dialogs as dlg
from ui.step_model import Col


class ScriptedDialogs(dlg.Dialogs):
    """Answers from queues instead of modal dialogs; records every error shown."""

    def __init__(self) -> None:
        super().__init__(None)
        self.answers: dict[str, deque] = {}
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.asked: list[str] = []
        self.opened_urls: list[str] = []
        self.print_previews: list = []

    def answer(self, method: str, *values) -> None:
        self.answers.setdefault(method, deque()).extend(values)

    def _next(self, method: str, default=None):
        self.asked.append(method)
        queue = self.answers.get(method)
        return queue.popleft() if queue else default

    def error(self, title, text):
        self.errors.append((title, text))

    def info(self, title, text):
        self.infos.append((title, text))

    def confirm(self, title, text, yes="Ya", no="Batal"):
        return self._next("confirm", False)

    def ask_unsaved(self, name):
        return self._next("ask_unsaved", dlg.CANCEL)

    def open_file(self, title, folder, filters):
        return self._next("open_file", "")

    def save_file(self, title, suggested, filters):
        return self._next("save_file", ("", ""))

    def choose_folder(self, title, folder):
        return self._next("choose_folder", "")

    def text_input(self, title, label, text=""):
        return self._next("text_input", None)

    def choose_template(self, names):
        return self._next("choose_template", -1)

    def open_url(self, url):
        self.opened_urls.append(url.toLocalFile() or url.toString())
        return True

    def show_print_preview(self, dialog):
        # Shown without blocking; a test drives it and closes it.
        self.print_previews.append(dialog)
        dialog.show()

    def paste_lines(self, title):
        return self._next("paste_lines", None)

    def remove_actor_choice(self, actor_name, step_count, others):
        return self._next("remove_actor_choice", (False, ""))

    def choose_linked_sop(self, title, targets, current_id="", suggested_id="", can_unlink=False):
        # Recorded, so a test sees what the picker offered and which SOP it put first.
        self.link_offers = getattr(self, "link_offers", []) + [(title, list(targets), current_id, suggested_id)]
        return self._next("choose_linked_sop", None)

    def review_import(self, results, preview_factory=None):
        self.reviewed = results
        if preview_factory is not None:
            self.previews = [preview_factory(sop) for sop, _ in results]
        return self._next("review_import", [sop for sop, _ in results])

    def ask_import_conflict(self, name):
        return self._next("ask_import_conflict", "skip")

    def ask_conflict_policy(self, name):
        return self._next("ask_conflict_policy", "skip_all")

    def choose_revision(self, revisions, current=None):
        return self._next("choose_revision", "")


def pick_date(qtbot, field, date) -> None:
    """Open the calendar of a DateField, choose the date, press Pilih."""
    qtbot.mouseClick(field.pick_button, Qt.MouseButton.LeftButton)
    dialog = field.open_dialog
    calendar = dialog.findChild(QCalendarWidget)
    calendar.setSelectedDate(QDate(date.year, date.month, date.day))
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


class StepTableDriver:
    """Edits cells of the steps table through their real editors, as a user would."""

    def __init__(self, qtbot, steps_editor) -> None:
        self.qtbot = qtbot
        self.editor = steps_editor
        self.table = steps_editor.table
        self.model = steps_editor.model

    def _open(self, row: int, kind: Col, cls):
        """Open the cell's editor and return it (closed editors linger until deleted: skip hidden ones)."""
        index = self.model.index(row, self.model.column_of(kind))
        self.table.setCurrentIndex(index)
        self.table.edit(index)
        live = [w for w in self.table.findChildren(cls) if w.isVisible()]
        assert len(live) == 1, f"expected one open {cls.__name__}, found {len(live)}"
        return live[0]

    def _settle(self) -> None:
        # Qt commits a cell editor on Enter through a queued call: let it run.
        self.qtbot.wait(1)

    def type_text(self, row: int, kind: Col, text: str) -> None:
        editor = self._open(row, kind, QPlainTextEdit)
        editor.selectAll()
        self.qtbot.keyClicks(editor, text)
        self.qtbot.keyClick(editor, Qt.Key.Key_Return)  # Enter finishes the cell, as in a spreadsheet

    def choose(self, row: int, kind: Col, data) -> None:
        from PySide6.QtWidgets import QComboBox

        combo = self._open(row, kind, QComboBox)
        position = combo.findData(data)
        assert position >= 0, f"{data!r} is not offered"
        combo.setCurrentIndex(position)
        self.qtbot.keyClick(combo, Qt.Key.Key_Return)
        self._settle()

    def set_time(self, row: int, number: float | None, unit: str, text: str = "") -> None:
        from ui.steps_editor import FREE_TEXT, DurationEditor

        editor = self._open(row, Col.WAKTU, DurationEditor)
        if number is None:
            editor.unit.setCurrentText(FREE_TEXT)
            editor.text.setText(text)
            self.qtbot.keyClick(editor.text, Qt.Key.Key_Return)
        else:
            editor.unit.setCurrentText(unit)
            editor.number.setValue(number)
            self.qtbot.keyClick(editor.number, Qt.Key.Key_Return)
        self._settle()

    def toggle_actor(self, row: int, actor_index: int) -> None:
        index = self.model.index(row, self.model.column_of(Col.ACTOR, actor_index))
        self.table.setCurrentIndex(index)
        self.qtbot.keyClick(self.table, Qt.Key.Key_Space)

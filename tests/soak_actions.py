"""The soak test's action library: seeded random user actions on the real main window, each checked as it goes.

Every action drives real widgets (cell editors, buttons, list editors, menu actions) the way a user would,
then says what it did in one line for the replay log. After every action the soak checks that the window
still agrees with the document, that the document is consistent, and that nothing went wrong unseen (Qt
warnings, error dialogs, the app's unexpected-error handler). An UndoTracker watches the undo stack on its
own: it records the document after every command as the user made it, and every undo or redo must bring
exactly that document back.
"""
from __future__ import annotations

import json
import random
import zipfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QPlainTextEdit

from sopdesk.interchange import read_sop_json, sop_to_fixture, sop_to_native
from sopdesk.model import END, TIME_UNITS, Duration, IdLabel, Symbol, resolved_symbol, split_pasted_lines
from ui import dialogs as dlg
from ui.main_window import TAB_ACTORS, TAB_BOXES, TAB_IDENTITY, TAB_STEPS
from ui.step_model import Col
from ui.steps_editor import FREE_TEXT, DurationEditor

WORDS = ("surat", "permohonan", "arsip", "diterima", "diperiksa", "kepala", "bagian", "umum", "berkas", "disposisi",
         "nota", "dinas", "lengkap", "paraf", "tanda", "tangan", "verifikasi", "register", "agenda", "salinan",
         "Peraturan", "Menteri", "No.", "35/2012", "“kutip”", "é", "–", "&", "<b>", "100%", "(a)", "1.", "ß")
DATE_TEXTS = ("01/11/2017", "1 November 2017", "Rabu, 01 November 2017", "31/02/2020", "2024-07-17", "besok", "")
LINE_FIELDS = ("instansi", "nomor", "nama", "signer.jabatan", "signer.nama", "signer.id_number")
COMBO_FIELDS = ("cakupan", "sifat", "signer.id_label")
DATE_FIELDS = ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan")
TEXT_COLUMNS = {Col.KEGIATAN: "kegiatan", Col.KELENGKAPAN: "kelengkapan", Col.OUTPUT: "output",
                Col.KETERANGAN: "keterangan"}
EDITING = QAbstractItemView.State.EditingState
# The offscreen platform says this whenever a window is shown; it is about the test platform, not the app.
HARMLESS_QT_MESSAGES = ("This plugin does not support propagateSizeHints()",)


class SoakFailure(AssertionError):
    """Something the soak checks went wrong; the message says what."""


def dump(sop) -> dict:
    """The document as the library's own JSON: everything the editor knows, comparable with ==."""
    return sop_to_native(sop)


def first_difference(a, b, where: str = "") -> str:
    """Where two dumps differ first, for a readable failure."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{where}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{where}[{i}]")
    return f"{where or '(root)'}: {a!r:.200} != {b!r:.200}"


class UndoTracker:
    """A shadow of the undo stack: the document before and after each command, as observed when it was made."""

    def __init__(self, controller) -> None:
        self.controller = controller
        self.stack = controller.stack
        self.replaying = False
        self.after: dict[int, tuple[object, dict]] = {}
        self.before: dict[int, tuple[object, dict]] = {}
        self.problems: list[str] = []
        self.reset()
        self.stack.indexChanged.connect(self._on_stack_index_changed)
        controller.document_replaced.connect(self.reset)

    def reset(self) -> None:
        """A different document is open: its undo history starts here."""
        self.bottom = dump(self.controller.sop)
        self.last = self.bottom
        self.after.clear()
        self.before.clear()
        self.dropped = False  # the undo limit dropped the oldest commands since the reset
        self._first = None

    def _on_stack_index_changed(self, index: int) -> None:
        now = dump(self.controller.sop)
        if self.replaying:
            expected = self.expected_at(index)
            if expected is not None and expected != now:
                self.problems.append(f"undo/redo to index {index} gave another document: "
                                     f"{first_difference(now, expected)}")
        elif index > 0:
            command = self.stack.command(index - 1)
            key = id(command)
            if key not in self.after:
                self.before[key] = (command, self.last)
            self.after[key] = (command, now)  # a merge (typing on in one field) moves the after-state on
            first = self.stack.command(0)
            if self._first is not None and first is not self._first and self.stack.count() >= self.stack.undoLimit():
                self.dropped = True
            self._first = first
            if len(self.after) > 2 * self.stack.undoLimit():
                self._prune()
        self.last = now

    def _prune(self) -> None:
        alive = {id(self.stack.command(i)) for i in range(self.stack.count())}
        for table in (self.after, self.before):
            for key in [k for k in table if k not in alive]:
                del table[key]

    def expected_at(self, index: int) -> dict | None:
        """The document the stack must show at `index`; None when no action of the soak saw it."""
        if index == 0:
            if self.stack.count() == 0:
                return self.bottom
            entry = self.before.get(id(self.stack.command(0)))
            return entry[1] if entry else None
        entry = self.after.get(id(self.stack.command(index - 1)))
        return entry[1] if entry else None


@dataclass
class Action:
    name: str
    weight: float
    run: Callable[[], str | None]  # what it did, or None when it does not apply now


class Soak:
    """Random actions on one main window; run(n) performs n of them and checks after each."""

    def __init__(self, qtbot, window, dialogs, rng: random.Random, folder: Path, log_path: Path | None = None,
                 unexpected: list | None = None, qt_log=None) -> None:
        self.qtbot = qtbot
        self.window = window
        self.dialogs = dialogs
        self.rng = rng
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.unexpected = unexpected if unexpected is not None else []
        self.qt_log = qt_log
        self.controller = window.controller
        self.steps = window.steps_editor
        self.table = window.steps_editor.table
        self.model = window.steps_editor.model
        self.tracker = UndoTracker(self.controller)
        self.saved: dict[str, dict] = {}  # sop id -> the document last saved under it
        self.recent: deque[str] = deque(maxlen=30)
        self.done = 0
        self.counts: dict[str, int] = {}
        self._log = open(log_path, "w", encoding="utf-8") if log_path else None  # noqa: SIM115 - closed in close()
        self.actions = [
            Action("type_step_text", 22, self.type_step_text),
            Action("set_step_time", 5, self.set_step_time),
            Action("set_step_symbol", 4, self.set_step_symbol),
            Action("set_step_target", 5, self.set_step_target),
            Action("toggle_step_actor", 8, self.toggle_step_actor),
            Action("step_command", 14, self.step_command),
            Action("type_branch_label", 1.5, self.type_branch_label),
            Action("add_actor", 2, self.add_actor),
            Action("rename_actor", 2, self.rename_actor),
            Action("move_actor", 2, self.move_actor),
            Action("remove_actor", 1.5, self.remove_actor),
            Action("type_identity_line", 7, self.type_identity_line),
            Action("choose_identity_combo", 2, self.choose_identity_combo),
            Action("step_revisi_ke", 1, self.step_revisi_ke),
            Action("toggle_pengesahan", 0.7, self.toggle_pengesahan),
            Action("type_date", 1.5, self.type_date),
            Action("edit_list", 8, self.edit_list),
            Action("undo", 9, self.undo),
            Action("redo", 6, self.redo),
            Action("switch_tab", 4, self.switch_tab),
            Action("save", 2.5, self.save),
            Action("open_from_library", 1.2, self.open_from_library),
            Action("export_json", 0.5, self.export_json),
            Action("export_page_format", 0.2, self.export_page_format),
            Action("undo_all_and_redo_all", 0.25, self.undo_all_and_redo_all),
        ]
        self._weights = [a.weight for a in self.actions]

    # ---- running ---------------------------------------------------------------------------
    def run(self, count: int) -> None:
        for _ in range(count):
            self.step()

    def step(self) -> None:
        for _attempt in range(20):
            action = self.rng.choices(self.actions, self._weights)[0]
            self.dialogs.answers.clear()
            self.recent.append(f"#{self.done} {action.name} …")
            what = action.run()
            if what is not None:
                break
            self.recent.pop()
        else:
            what, action = "nothing applied", Action("none", 0, lambda: None)
        QCoreApplication.processEvents()
        where = f"{self.controller.sop.id[:6]}, undo {self.controller.stack.index()}"
        line = f"#{self.done} [{where}] {action.name}: {what}"
        if self.recent and self.recent[-1].endswith("…"):
            self.recent.pop()
        self.recent.append(line)
        if self._log:
            self._log.write(line + "\n")
            self._log.flush()
        self.counts[action.name] = self.counts.get(action.name, 0) + 1
        self.done += 1
        self.check()

    def close(self) -> None:
        if self._log:
            self._log.close()
            self._log = None

    def trail(self) -> str:
        return "\n".join(self.recent)

    # ---- checks after every action ---------------------------------------------------------
    def fail(self, message: str) -> None:
        raise SoakFailure(message)

    def check(self) -> None:
        if self.unexpected:
            self.fail(f"the unexpected-error handler fired: {self.unexpected[0]}")
        if self.dialogs.errors:
            self.fail(f"an error dialog was shown: {self.dialogs.errors[0]}")
        if self.qt_log is not None:
            bad = [r for r in self.qt_log.records if r.type.name in ("QtWarningMsg", "QtCriticalMsg", "QtFatalMsg")
                   and not any(harmless in r.message for harmless in HARMLESS_QT_MESSAGES)]
            if bad:
                self.fail(f"Qt said: {bad[0].message}")
        if self.tracker.problems:
            self.fail(self.tracker.problems[0])
        self.check_document()
        self.check_views()

    def check_document(self) -> None:
        sop = self.controller.sop
        actor_ids = [a.id for a in sop.actors]
        step_ids = [s.id for s in sop.steps]
        if len(set(actor_ids)) != len(actor_ids) or len(set(step_ids)) != len(step_ids):
            self.fail("duplicate ids in the document")
        for i, step in enumerate(sop.steps):
            if not set(step.actors) <= set(actor_ids):
                self.fail(f"step {i + 1} names an actor that is gone")
            if len(set(step.actors)) != len(step.actors):
                self.fail(f"step {i + 1} names an actor twice")
            for target in (step.yes_target, step.no_target):
                if target not in (None, END) and target not in step_ids:
                    self.fail(f"step {i + 1} points at a step that is gone")

    def check_views(self) -> None:
        sop = self.controller.sop
        if self.model.rowCount() != len(sop.steps) or self.model.columnCount() != len(Col) - 1 + len(sop.actors):
            self.fail("the steps table has the wrong shape")
        for row in range(len(sop.steps)):
            index = self.model.index(row, self.model.column_of(Col.KEGIATAN))
            if index.data(Qt.ItemDataRole.EditRole) != sop.steps[row].kegiatan:
                self.fail(f"the table shows another Kegiatan in row {row + 1}")
        if self.table.state() == EDITING:
            self.fail("a cell editor was left open")
        names = [self.window.actors_editor.list.item(i).text() for i in range(self.window.actors_editor.list.count())]
        if names != [a.name for a in sop.actors]:
            self.fail(f"the Pelaksana list shows {names}, the document has {[a.name for a in sop.actors]}")
        form = self.window.identity_form
        for key in LINE_FIELDS:
            owner, attr = _resolve(sop.identity, key)
            if form.fields[key].text() != getattr(owner, attr):
                self.fail(f"the {key} field shows {form.fields[key].text()!r}, "
                          f"the document has {getattr(owner, attr)!r}")
        for box, editor in self._list_editors().items():
            shown = [editor.list.item(i).text() for i in range(editor.list.count())]
            if shown != getattr(sop.identity, box):
                self.fail(f"the {box} list shows {shown}, the document has {getattr(sop.identity, box)}")

    # ---- small helpers -----------------------------------------------------------------------
    def text(self, low: int = 1, high: int = 4) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def type_into(self, widget, text: str) -> None:
        """Type like a keyboard: QTest knows only ASCII keys, so other characters arrive as their text alone,
        the way a keyboard layout or input method delivers them."""
        ascii_run = ""
        for char in text + "\0":
            if char != "\0" and char.isascii():
                ascii_run += char
                continue
            if ascii_run:
                self.qtbot.keyClicks(widget, ascii_run)
                ascii_run = ""
            if char != "\0":
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))

    def settle(self) -> None:
        # Item views commit an editor on Return through a queued call: let it run.
        QCoreApplication.processEvents()
        QCoreApplication.processEvents()

    def click(self, widget) -> None:
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def show_tab(self, tab: int) -> None:
        if self.window.tabs.currentIndex() == tab:
            return
        bar = self.window.tabs.tabBar()
        centre = bar.tabRect(tab).center()
        if bar.rect().contains(centre):
            self.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=centre)
        if self.window.tabs.currentIndex() != tab:  # the tab scrolled out of sight in a narrow window
            self.window.tabs.setCurrentIndex(tab)

    def _list_editors(self) -> dict:
        editors = dict(self.window.boxes_editor.editors)
        editors["unit_lines"] = self.window.identity_form.unit_lines
        return editors

    # ---- steps table --------------------------------------------------------------------------
    def _cell(self, row: int, kind: Col, actor: int = 0):
        return self.model.index(row, self.model.column_of(kind, actor))

    def _visible_centre(self, index):
        self.table.scrollTo(index)
        rect = self.table.visualRect(index)
        viewport = self.table.viewport().rect()
        return rect.center() if viewport.contains(rect.center()) else None

    def _open_cell(self, index) -> tuple[object, str]:
        """Open the cell's editor as a user would; (editor, how)."""
        self.show_tab(TAB_STEPS)
        how = self.rng.choice(("edit", "F2", "double-click"))
        self.table.setCurrentIndex(index)
        if how == "F2":
            self.qtbot.keyClick(self.table, Qt.Key.Key_F2)
        elif how == "double-click":
            centre = self._visible_centre(index)
            if centre is None:
                how = "edit"
            else:
                # QTest's double-click counts as one only after a press on the same spot, as a real one does.
                self.qtbot.mouseClick(self.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
                self.qtbot.mouseDClick(self.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        if how == "edit" or self.table.state() != EDITING:
            how += " (then edit())" if how != "edit" else ""
            self.table.edit(index)
        editor = self.table.indexWidget(index)
        if editor is None or self.table.state() != EDITING:
            self.fail(f"no editor opened for row {index.row() + 1}, column {index.column()} ({how})")
        return editor, how

    def _commit_by_leaving(self, index) -> str:
        """Commit an open editor by clicking (or moving to) the row's number cell."""
        other = self.model.index(index.row(), self.model.column_of(Col.NO))
        centre = self._visible_centre(other)
        if centre is not None:
            self.qtbot.mouseClick(self.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        if self.table.state() == EDITING:
            self.table.setCurrentIndex(other)
        return "click away"

    def _close_follow_on_editor(self) -> None:
        """Tab commits and opens the next cell's editor: leave that one with Escape, unchanged."""
        if self.table.state() != EDITING:
            return
        editor = self.table.indexWidget(self.table.currentIndex())
        if editor is None:
            self.fail("an editor is open, but not on the current cell")
        self.qtbot.keyClick(editor, Qt.Key.Key_Escape)
        self.settle()
        if self.table.state() == EDITING:
            self.fail("Escape did not close the cell editor")

    def _pick_row(self) -> int | None:
        rows = self.model.rowCount()
        return self.rng.randrange(rows) if rows else None

    def type_step_text(self) -> str | None:
        row = self._pick_row()
        if row is None:
            return None
        kind = self.rng.choice(list(TEXT_COLUMNS))
        attr = TEXT_COLUMNS[kind]
        step_id = self.model.step_id(row)
        old = getattr(self.controller.sop.steps[row], attr)
        index = self._cell(row, kind)
        editor, how = self._open_cell(index)
        if not isinstance(editor, QPlainTextEdit):
            self.fail(f"the {attr} editor is a {type(editor).__name__}")
        mode = self.rng.choice(("replace", "append", "clear", "backspace"))
        typed = self.text()
        if mode == "replace":
            editor.selectAll()
            self.type_into(editor, typed)
            expected = typed
        elif mode == "append":
            self.qtbot.keyClick(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
            self.type_into(editor, " " + typed)
            expected = editor.toPlainText()
        elif mode == "clear":
            editor.selectAll()
            self.qtbot.keyClick(editor, Qt.Key.Key_Delete)
            typed, expected = "", ""
        else:
            self.qtbot.keyClick(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
            for _ in range(self.rng.randint(1, 5)):
                self.qtbot.keyClick(editor, Qt.Key.Key_Backspace)
            typed, expected = "", editor.toPlainText()
        if self.rng.random() < 0.6:
            self.qtbot.keyClick(editor, Qt.Key.Key_Tab)
            commit = "Tab"
            self.settle()
            self._close_follow_on_editor()
        else:
            commit = self._commit_by_leaving(index)
        self.settle()
        got = getattr(self.controller.sop.step(step_id), attr)
        if got != expected.strip():
            self.fail(f"{attr} of step {row + 1} is {got!r}, typed {expected.strip()!r} (was {old!r})")
        return f"row {row + 1} {attr} {how} {mode} {typed!r} commit {commit}"

    def set_step_time(self) -> str | None:
        row = self._pick_row()
        if row is None:
            return None
        step_id = self.model.step_id(row)
        index = self._cell(row, Col.WAKTU)
        editor, how = self._open_cell(index)
        if not isinstance(editor, DurationEditor):
            self.fail(f"the Waktu editor is a {type(editor).__name__}")
        if self.rng.random() < 0.75:
            unit = self.rng.choice(TIME_UNITS)
            number = self.rng.choice((0, 1, 5, 15, 30, 120))
            self._choose_unit(editor, unit)
            focus, expected = editor.number, Duration(value=float(number), unit=unit) if number else Duration()
            focus.setFocus(Qt.FocusReason.MouseFocusReason)
            focus.selectAll()
            self.type_into(focus, str(number))
            what = f"{number} {unit}"
        else:
            text = self.rng.choice(("2 menit/berkas", "sesuai antrian", "1 jam", "", "± 3 hari"))
            self._choose_unit(editor, FREE_TEXT)
            focus, expected = editor.text, Duration(text=" ".join(text.split()))
            focus.setFocus(Qt.FocusReason.MouseFocusReason)
            focus.selectAll()
            self.type_into(focus, text)
            what = f"free text {text!r}"
        if self.rng.random() < 0.5:
            self.qtbot.keyClick(focus, Qt.Key.Key_Return)
            commit = "Return"
        else:
            commit = self._commit_by_leaving(index)
        self.settle()
        if self.table.state() == EDITING:
            self.fail("the Waktu editor stayed open")
        got = self.controller.sop.step(step_id).waktu
        if got != expected:
            self.fail(f"Waktu of step {row + 1} is {got}, chose {expected} ({how}, commit {commit})")
        return f"row {row + 1} {how} {what} commit {commit}"

    def _choose_unit(self, editor: DurationEditor, unit: str) -> None:
        """Focus the unit box as a click does, then pick with the keyboard."""
        box = editor.unit
        box.setFocus(Qt.FocusReason.MouseFocusReason)
        self.qtbot.keyClick(box, Qt.Key.Key_Home)
        for _ in range(box.findText(unit)):
            self.qtbot.keyClick(box, Qt.Key.Key_Down)
        if box.currentText() != unit:
            self.fail(f"the unit box shows {box.currentText()!r}, not {unit!r}")

    def _choose_in_combo(self, index, data) -> str:
        editor, how = self._open_cell(index)
        if not isinstance(editor, QComboBox):
            self.fail(f"the editor is a {type(editor).__name__}, not a choice")
        position = editor.findData(data)
        if position < 0:
            self.fail(f"{data!r} is not offered")
        editor.setCurrentIndex(position)
        if self.rng.random() < 0.5:
            self.qtbot.keyClick(editor, Qt.Key.Key_Return)
            commit = "Return"
        else:
            commit = self._commit_by_leaving(index)
        self.settle()
        if self.table.state() == EDITING:
            self.fail("the choice editor stayed open")
        return f"{how} commit {commit}"

    def set_step_symbol(self) -> str | None:
        row = self._pick_row()
        if row is None:
            return None
        step_id = self.model.step_id(row)
        symbol = self.rng.choice([Symbol.DECISION, Symbol.DECISION, *Symbol])
        how = self._choose_in_combo(self._cell(row, Col.SIMBOL), symbol.value)
        if self.controller.sop.step(step_id).symbol is not symbol:
            self.fail(f"the symbol of step {row + 1} did not become {symbol.value}")
        return f"row {row + 1} {symbol.value} {how}"

    def set_step_target(self) -> str | None:
        sop = self.controller.sop
        decisions = [i for i in range(len(sop.steps)) if resolved_symbol(sop, i) is Symbol.DECISION]
        if not decisions:
            return None
        row = self.rng.choice(decisions)
        kind = self.rng.choice((Col.YA, Col.TIDAK))
        step_id = sop.steps[row].id
        target = self.rng.choice(["", END, *[s.id for s in sop.steps]])
        how = self._choose_in_combo(self._cell(row, kind), target)
        step = self.controller.sop.step(step_id)
        got = step.yes_target if kind is Col.YA else step.no_target
        if got != (target or None):
            self.fail(f"the {kind.name} target of step {row + 1} is {got!r}, chose {target!r}")
        shown = "leaves" if target == END else ("unset" if not target else f"step {sop.step_index(target) + 1}")
        return f"row {row + 1} {kind.name} -> {shown} {how}"

    def toggle_step_actor(self) -> str | None:
        row = self._pick_row()
        sop = self.controller.sop
        if row is None or not sop.actors:
            return None
        self.show_tab(TAB_STEPS)
        actor_index = self.rng.randrange(len(sop.actors))
        actor_id = sop.actors[actor_index].id
        step_id = sop.steps[row].id
        was = actor_id in sop.steps[row].actors
        self.table.setCurrentIndex(self._cell(row, Col.ACTOR, actor_index))
        self.qtbot.keyClick(self.table, Qt.Key.Key_Space)
        now = actor_id in self.controller.sop.step(step_id).actors
        if now == was:
            self.fail(f"Space did not toggle actor {actor_index + 1} of step {row + 1}")
        return f"row {row + 1} actor {actor_index + 1} {'off' if was else 'on'}"

    def step_command(self) -> str | None:
        self.show_tab(TAB_STEPS)
        key = self.rng.choice(("insert_above", "insert_below", "delete", "duplicate", "move_up", "move_down",
                               "copy_output"))
        rows = self.model.rowCount()
        row = self.rng.randrange(rows) if rows else -1
        if row < 0 and key not in ("insert_above", "insert_below"):
            return None
        before = self.controller.sop.clone()
        if row >= 0:
            self.table.setCurrentIndex(self._cell(row, self.rng.choice((Col.NO, Col.KEGIATAN, Col.OUTPUT))))
        else:
            self.table.setCurrentIndex(self.model.index(-1, -1))
        chosen = [row] if row >= 0 else []
        if key == "delete" and rows > 1 and self.rng.random() < 0.3:
            last = min(rows - 1, row + self.rng.randint(1, 2))
            selection = QItemSelection(self._cell(row, Col.NO), self._cell(last, Col.KEGIATAN))
            self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            chosen = list(range(row, last + 1))
        action = self.steps.actions[key]
        if not action.isEnabled():
            return f"{key} on row {row + 1}: disabled"
        if key == "delete" and len(chosen) > 1:
            self.dialogs.answer("confirm", True)  # deleting several steps asks first
        action.trigger()
        self.settle()
        self._expect_step_command(key, before, chosen)
        return f"{key} on rows {[r + 1 for r in chosen]}"

    def _expect_step_command(self, key: str, before, rows: list[int]) -> None:
        after = self.controller.sop
        old = [s.id for s in before.steps]
        new = [s.id for s in after.steps]
        row = rows[0] if rows else -1
        if key in ("insert_above", "insert_below"):
            at = (row if row >= 0 else 0) if key == "insert_above" else (row + 1 if row >= 0 else len(old))
            if len(new) != len(old) + 1 or new[:at] + new[at + 1:] != old or after.steps[at].kegiatan:
                self.fail(f"{key} did not put one empty step at position {at + 1}")
        elif key == "delete":
            gone = {old[r] for r in rows}
            if new != [i for i in old if i not in gone]:
                self.fail(f"delete of rows {rows} left {len(new)} of {len(old)} steps")
        elif key == "duplicate":
            twin = after.steps[row + 1]
            if len(new) != len(old) + 1 or twin.kegiatan != before.steps[row].kegiatan or twin.id in old:
                self.fail("duplicate did not add a copy below")
        elif key in ("move_up", "move_down"):
            target = row + (-1 if key == "move_up" else 1)
            expected = list(old)
            if 0 <= target < len(old):
                expected.insert(target, expected.pop(row))
            if new != expected:
                self.fail(f"{key} of row {row + 1} gave another order")
        elif key == "copy_output" and row + 1 < len(old):
            if after.steps[row + 1].kelengkapan != before.steps[row].output:
                self.fail("the Output did not reach the next step's Kelengkapan")

    def type_branch_label(self) -> str | None:
        sop = self.controller.sop
        decisions = [i for i in range(len(sop.steps)) if resolved_symbol(sop, i) is Symbol.DECISION]
        if not decisions:
            return None
        self.show_tab(TAB_STEPS)
        row = self.rng.choice(decisions)
        self.table.setCurrentIndex(self._cell(row, Col.KEGIATAN))
        edit, attr = self.rng.choice(((self.steps.yes_label, "yes_label"), (self.steps.no_label, "no_label")))
        if not edit.isEnabled():
            self.fail("the branch label field is disabled on a decision")
        text = self.rng.choice(("Lengkap", "Tidak lengkap", "Sesuai", "Ditolak", ""))
        edit.selectAll()
        if text:
            self.type_into(edit, text)
        else:
            self.qtbot.keyClick(edit, Qt.Key.Key_Delete)
        got = getattr(self.controller.sop.steps[row], attr)
        if got != text:
            self.fail(f"{attr} of step {row + 1} is {got!r}, typed {text!r}")
        return f"row {row + 1} {attr} {text!r}"

    # ---- actors ---------------------------------------------------------------------------------
    def _pick_actor(self) -> int | None:
        count = len(self.controller.sop.actors)
        if not count:
            return None
        self.show_tab(TAB_ACTORS)
        row = self.rng.randrange(count)
        self.window.actors_editor.list.setCurrentRow(row)
        return row

    def add_actor(self) -> str | None:
        if len(self.controller.sop.actors) >= 7:
            return None
        self.show_tab(TAB_ACTORS)
        name = self.rng.choice(("Kepala Seksi", "Staf Pelaksana", "  Pemohon  ", "Sekretaris", "", "Analis Kebijakan"))
        self.dialogs.answer("text_input", name)
        count = len(self.controller.sop.actors)
        self.click(self.window.actors_editor.add_button)
        actors = self.controller.sop.actors
        wanted = " ".join(name.split())
        if wanted and (len(actors) != count + 1 or actors[-1].name != wanted):
            self.fail(f"adding actor {name!r} did not add it at the end")
        if not wanted and len(actors) != count:
            self.fail("an empty name added an actor")
        return repr(name)

    def rename_actor(self) -> str | None:
        row = self._pick_actor()
        if row is None:
            return None
        listing = self.window.actors_editor.list
        actor_id = self.controller.sop.actors[row].id
        old = self.controller.sop.actors[row].name
        if self.rng.random() < 0.4:
            self.click(self.window.actors_editor.rename_button)
            how = "button"
        else:
            how = self._open_item_editor(listing, row)
        editor = listing.indexWidget(listing.currentIndex())
        if not isinstance(editor, QLineEdit):
            self.fail(f"renaming actor {row + 1} by {how} opened no editor")
        name = self.rng.choice(("Kepala Bidang", "Operator", " ", "Petugas  Loket", old))
        editor.selectAll()
        self.type_into(editor, name)
        self.qtbot.keyClick(editor, Qt.Key.Key_Return)
        self.settle()
        wanted = " ".join(name.split()) or old
        got = self.controller.sop.actor(actor_id).name
        if got != wanted:
            self.fail(f"actor {row + 1} is called {got!r} after renaming it to {name!r}")
        return f"actor {row + 1} by {how} to {name!r}"

    def move_actor(self) -> str | None:
        row = self._pick_actor()
        if row is None:
            return None
        left = self.rng.random() < 0.5
        order = [a.id for a in self.controller.sop.actors]
        self.click(self.window.actors_editor.up_button if left else self.window.actors_editor.down_button)
        target = row + (-1 if left else 1)
        if 0 <= target < len(order):
            order.insert(target, order.pop(row))
        if [a.id for a in self.controller.sop.actors] != order:
            self.fail(f"moving actor {row + 1} {'left' if left else 'right'} gave another order")
        return f"actor {row + 1} {'left' if left else 'right'}"

    def remove_actor(self) -> str | None:
        row = self._pick_actor()
        if row is None or len(self.controller.sop.actors) < 2:
            return None
        sop = self.controller.sop
        actor_id = sop.actors[row].id
        others = [a.id for a in sop.actors if a.id != actor_id]
        used = [s.id for s in sop.steps if actor_id in s.actors]
        choice = self.rng.choice(("move", "drop", "cancel"))
        heir = self.rng.choice(others)
        answer = {"move": (True, heir), "drop": (True, ""), "cancel": (False, "")}[choice]
        self.dialogs.answer("remove_actor_choice", answer)
        self.click(self.window.actors_editor.remove_button)
        after = self.controller.sop
        if used and choice == "cancel":
            if after.actor(actor_id) is None:
                self.fail("cancelling the removal removed the actor")
            return f"actor {row + 1} (used by {len(used)}): cancelled"
        if after.actor(actor_id) is not None:
            self.fail(f"actor {row + 1} was not removed")
        if used and choice == "move" and not all(heir in after.step(s).actors for s in used):
            self.fail("the removed actor's steps did not move to the chosen actor")
        return f"actor {row + 1} (used by {len(used)}): {choice}"

    # ---- identity ------------------------------------------------------------------------------
    def type_identity_line(self) -> str | None:
        self.show_tab(TAB_IDENTITY)
        key = self.rng.choice(LINE_FIELDS)
        edit = self.window.identity_form.fields[key]
        if not edit.isEnabled():
            return None
        mode = self.rng.choice(("replace", "append", "backspace"))
        typed = self.text(1, 3) if key != "signer.id_number" else "".join(self.rng.choice("0123456789 ") for _ in
                                                                            range(self.rng.randint(1, 18)))
        if mode == "replace":
            edit.selectAll()
            self.type_into(edit, typed)
        elif mode == "append":
            edit.end(False)
            self.type_into(edit, " " + typed)
        else:
            edit.end(False)
            for _ in range(self.rng.randint(1, 4)):
                self.qtbot.keyClick(edit, Qt.Key.Key_Backspace)
            typed = ""
        owner, attr = _resolve(self.controller.sop.identity, key)
        if getattr(owner, attr) != edit.text():
            self.fail(f"{key} is {getattr(owner, attr)!r}, the field shows {edit.text()!r}")
        return f"{key} {mode} {typed!r}"

    def choose_identity_combo(self) -> str | None:
        self.show_tab(TAB_IDENTITY)
        key = self.rng.choice(COMBO_FIELDS)
        combo = self.window.identity_form.fields[key]
        self.qtbot.keyClick(combo, self.rng.choice((Qt.Key.Key_Down, Qt.Key.Key_Up)))
        owner, attr = _resolve(self.controller.sop.identity, key)
        value = getattr(owner, attr)
        wanted = combo.currentData()
        if (value.value if isinstance(value, IdLabel) else value) != wanted:
            self.fail(f"{key} is {value!r}, the box shows {wanted!r}")
        return f"{key} -> {wanted!r}"

    def step_revisi_ke(self) -> str | None:
        self.show_tab(TAB_IDENTITY)
        spin = self.window.identity_form.revisi_ke
        self.qtbot.keyClick(spin, self.rng.choice((Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Down)))
        if self.controller.sop.identity.revisi_ke != (spin.value() or None):
            self.fail(f"revisi_ke is {self.controller.sop.identity.revisi_ke}, the box shows {spin.value()}")
        return f"-> {spin.value()}"

    def toggle_pengesahan(self) -> str | None:
        self.show_tab(TAB_IDENTITY)
        box = self.window.identity_form.use_pengesahan
        was = self.controller.sop.identity.use_pengesahan
        self.click(box)
        if self.controller.sop.identity.use_pengesahan == was:
            self.fail("clicking the Tanggal Pengesahan box did not change the document")
        return f"-> {not was}"

    def type_date(self) -> str | None:
        self.show_tab(TAB_IDENTITY)
        key = self.rng.choice(DATE_FIELDS)
        field = self.window.identity_form.fields[key]
        if not field.isVisible():
            return None
        text = self.rng.choice(DATE_TEXTS)
        field.display.selectAll()
        if text:
            self.type_into(field.display, text)
        else:
            self.qtbot.keyClick(field.display, Qt.Key.Key_Delete)
        self.qtbot.keyClick(field.display, Qt.Key.Key_Return)
        return f"{key} {text!r}"

    # ---- lists ----------------------------------------------------------------------------------
    def edit_list(self) -> str | None:
        box = self.rng.choice(list(self._list_editors()))
        editor = self._list_editors()[box]
        self.show_tab(TAB_IDENTITY if box == "unit_lines" else TAB_BOXES)
        items = list(editor.items())
        operation = self.rng.choice(("add", "edit", "remove", "up", "down", "paste"))
        if operation != "add" and operation != "paste" and not items:
            return None
        row = self.rng.randrange(len(items)) if items else -1
        if row >= 0:
            editor.list.setCurrentRow(row)
        expected = list(items)
        typed = ""
        if operation == "add":
            self.click(editor.add_button)
            position = row + 1 if row >= 0 else len(items)
            typed = self._type_in_list_editor(editor, position, keep="Butir baru")
            if typed is not None:
                expected.insert(position, typed)
        elif operation == "edit":
            how = self._open_item_editor(editor.list, row)
            typed = self._type_in_list_editor(editor, row, keep=items[row], how=how)
            if typed is None:
                del expected[row]
            else:
                expected[row] = typed
        elif operation == "remove":
            self.click(editor.remove_button)
            del expected[row]
        elif operation in ("up", "down"):
            self.click(editor.up_button if operation == "up" else editor.down_button)
            target = row + (-1 if operation == "up" else 1)
            if 0 <= target < len(items):
                expected.insert(target, expected.pop(row))
        else:
            typed = "\n".join(self.rng.choice(("1. ", "a) ", "- ", "")) + self.text() for _ in
                              range(self.rng.randint(1, 3)))
            self.dialogs.answer("paste_lines", typed)
            self.click(editor.paste_button)
            position = row + 1 if row >= 0 else len(items)
            expected[position:position] = split_pasted_lines(typed)
        got = getattr(self.controller.sop.identity, box)
        if got != expected:
            self.fail(f"{operation} in {box}: the document has {got}, expected {expected}")
        return f"{box} {operation} row {row + 1} {typed!r}"

    def _open_item_editor(self, listing, row: int) -> str:
        """F2 or a double-click on the item, as a user opens a list item for editing."""
        # Not a double-click: these lists also edit on a click on the selected item, after a timer, and a
        # test must not depend on how long the machine takes between two clicks.
        listing.scrollToItem(listing.item(row))
        self.qtbot.keyClick(listing, Qt.Key.Key_F2)
        return "F2"

    def _type_in_list_editor(self, editor, row: int, keep: str, how: str = "Tambah") -> str | None:
        """Type into the open item editor; the item's new text, or None when emptying removed it."""
        line = editor.list.indexWidget(editor.list.model().index(row, 0))
        if not isinstance(line, QLineEdit):
            self.fail(f"no item editor opened in {editor.title} on item {row + 1} by {how}")
        if self.rng.random() < 0.15:
            self.qtbot.keyClick(line, Qt.Key.Key_Escape)
            self.settle()
            return keep
        text = self.rng.choice((self.text(), self.text(2, 6), "   ", keep + " " + self.text(1, 1)))
        line.selectAll()
        self.type_into(line, text)
        self.qtbot.keyClick(line, Qt.Key.Key_Return)
        self.settle()
        return " ".join(text.split()) or None

    # ---- undo, tabs, library, exports --------------------------------------------------------------
    def _replay(self, action) -> None:
        self.tracker.replaying = True
        try:
            action.trigger()
        finally:
            self.tracker.replaying = False
        self.settle()
        stack = self.controller.stack
        if stack.isClean() and self.controller.in_library:
            saved = self.saved.get(self.controller.sop.id)
            if saved is not None and saved != dump(self.controller.sop):
                self.fail(f"the clean state is not what was saved: "
                          f"{first_difference(dump(self.controller.sop), saved)}")

    def undo(self) -> str | None:
        if not self.window.undo_action.isEnabled():
            return None
        text = self.window.undo_action.text()
        self._replay(self.window.undo_action)
        return f"{text!r} -> index {self.controller.stack.index()}"

    def redo(self) -> str | None:
        if not self.window.redo_action.isEnabled():
            return None
        text = self.window.redo_action.text()
        self._replay(self.window.redo_action)
        return f"{text!r} -> index {self.controller.stack.index()}"

    def undo_all_and_redo_all(self) -> str:
        """Back to the oldest state the stack keeps, then forward to where it was: both must be exact."""
        stack = self.controller.stack
        start, top = dump(self.controller.sop), stack.index()
        self.undo_to_bottom()
        steps = top - stack.index()
        while self.window.redo_action.isEnabled():
            self._replay(self.window.redo_action)
        if stack.index() == top and dump(self.controller.sop) != start:
            self.fail(f"redo all did not come back: {first_difference(dump(self.controller.sop), start)}")
        if stack.index() != stack.count():
            self.fail("redo stopped before the top of the stack")
        return f"{steps} undone and redone"

    def undo_to_bottom(self) -> dict:
        """Undo everything; the oldest document must be what the tracker saw before the oldest command."""
        while self.window.undo_action.isEnabled():
            self._replay(self.window.undo_action)
        if self.controller.stack.index() != 0:
            self.fail("undo stopped before the bottom of the stack")
        expected = self.tracker.expected_at(0)
        if expected is not None and dump(self.controller.sop) != expected:
            self.fail(f"undo all did not reach the oldest state: "
                      f"{first_difference(dump(self.controller.sop), expected)}")
        if not self.tracker.dropped and dump(self.controller.sop) != self.tracker.bottom:
            self.fail(f"undo all did not reach the opened document: "
                      f"{first_difference(dump(self.controller.sop), self.tracker.bottom)}")
        return dump(self.controller.sop)

    def switch_tab(self) -> str:
        tab = self.rng.randrange(self.window.tabs.count())
        self.show_tab(tab)
        return self.window.tabs.tabText(tab)

    def save(self) -> str:
        if self.window.save_action.shortcut().toString() != "Ctrl+S":
            self.fail(f"Simpan is on {self.window.save_action.shortcut().toString()!r}, not Ctrl+S")
        self.dialogs.answer("confirm", True)  # "Nomor SOP sudah dipakai: tetap simpan?"
        self.window.save_action.trigger()
        self._after_save()
        return f"{self.controller.sop.identity.nama!r}"

    def _after_save(self) -> None:
        sop = self.controller.sop
        if self.controller.is_modified():
            self.fail("the document is still marked unsaved after Simpan")
        self.saved[sop.id] = dump(sop)
        loaded = dump(self.window.library.load(sop.id))
        if loaded != self.saved[sop.id]:
            self.fail(f"the library holds another document than the window: "
                      f"{first_difference(loaded, self.saved[sop.id])}")

    def open_from_library(self) -> str | None:
        panel = self.window.library_panel
        if panel.model.rowCount() < 2:
            return None
        row = self.rng.randrange(panel.model.rowCount())
        target = panel.model.entry(row).id
        current = self.controller.sop
        was_modified = self.controller.is_modified()
        answer = self.rng.choice((dlg.SAVE, dlg.DISCARD, dlg.CANCEL))
        self.dialogs.answer("ask_unsaved", answer)
        self.dialogs.answer("confirm", True)
        panel.table.selectRow(row)
        if self.rng.random() < 0.5:
            self.click(panel.open_button)
            how = "Buka"
        else:
            rect = panel.table.visualRect(panel.model.index(row, 1))
            self.qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            self.qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            how = "double-click"
        if self.controller.sop is current:
            if target == current.id and self.controller.in_library:
                return f"{how} the open SOP: nothing to do"
            if was_modified and answer == dlg.CANCEL:
                return f"{how} another SOP, unsaved changes: Batal"
            self.fail(f"{how} on another SOP opened nothing")
        if was_modified and answer == dlg.CANCEL:
            self.fail("Batal on the unsaved-changes question still replaced the document")
        if was_modified and answer == dlg.SAVE:
            self.saved[current.id] = dump(current)
        if self.controller.sop.id != target:
            self.fail("the SOP chosen in the library did not open")
        if self.saved.get(target) is not None and dump(self.controller.sop) != self.saved[target]:
            on_disk = dump(self.window.library.load(target))
            state = f"unsaved: {answer}" if was_modified else "saved"
            disk = "equals the window" if on_disk == dump(self.controller.sop) else "differs"
            self.fail(f"the reopened SOP differs from the one saved ({how}, {state}, library copy {disk}): "
                      f"{first_difference(dump(self.controller.sop), self.saved[target])}")
        return f"{how} {self.controller.sop.identity.nama!r} ({'unsaved: ' + answer if was_modified else 'saved'})"

    def export_json(self) -> str:
        fixture = self.rng.random() < 0.4
        path = self.folder / f"ekspor-{self.done}.json"
        self.dialogs.answer("save_file", (str(path), dlg.JSON_FILTER_FIXTURE if fixture else dlg.JSON_FILTER_NATIVE))
        self.window.export_json_action.trigger()
        if fixture:
            written = json.loads(path.read_text(encoding="utf-8"))
            if written != json.loads(json.dumps(sop_to_fixture(self.controller.sop))):
                self.fail("the sop-fixture/1 export differs from the window's document")
        elif dump(read_sop_json(path)) != dump(self.controller.sop):
            self.fail("the exported JSON reads back as another document")
        path.unlink()
        return "sop-fixture/1" if fixture else "sopdesk/1"

    def export_page_format(self) -> str:
        extension = self.rng.choice(("pdf", "docx", "xlsx"))
        path = self.folder / f"ekspor-{self.done}.{extension}"
        self.dialogs.answer("save_file", (str(path), ""))
        {"pdf": self.window.export_pdf_action, "docx": self.window.export_docx_action,
         "xlsx": self.window.export_xlsx_action}[extension].trigger()
        if not path.exists():
            self.fail(f"Ekspor {extension} wrote nothing (errors shown: {self.dialogs.errors})")
        data = path.read_bytes()
        if extension == "pdf":
            if not data.startswith(b"%PDF"):
                self.fail("the PDF export is not a PDF")
        else:
            with zipfile.ZipFile(path) as archive:
                if archive.testzip() is not None:
                    self.fail(f"the {extension} export is a damaged zip")
        path.unlink()
        return extension


def _resolve(identity, key: str) -> tuple[object, str]:
    owner = identity
    parts = key.split(".")
    for part in parts[:-1]:
        owner = getattr(owner, part)
    return owner, parts[-1]

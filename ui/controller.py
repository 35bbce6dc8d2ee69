"""The open document: every edit goes through here as an undo command, and views hear what changed."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from sopdesk import links, model
from sopdesk.model import Sop, SopLink

from .commands import EditCommand

# Scopes tell views what to re-read: "identity", "lists", "actors", "steps", "page" or "all".
ALL = "all"


class DocumentController(QObject):
    document_changed = Signal(str)  # scope
    document_replaced = Signal()  # a different document is open now
    focus_requested = Signal(str, str)  # area, item id: select this after undo/redo

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(500)
        self.sop = Sop()
        self.in_library = False  # saved at least once in the library
        # Editors holding typed text not yet in the document (an open table cell): run before any
        # command that reads or replaces the document, so nothing typed is lost or left behind.
        self._pending_edit_hooks: list[Callable[[], object]] = []

    # ---- document lifetime -------------------------------------------------------------
    def open_document(self, sop: Sop, in_library: bool, modified: bool = False) -> None:
        self.sop = sop
        self.in_library = in_library
        self.stack.clear()
        if modified:
            # An imported or recovered document is not in the library yet: mark it unsaved.
            self.stack.resetClean()
        self.document_replaced.emit()
        self.document_changed.emit(ALL)

    def add_pending_edit_hook(self, hook: Callable[[], object]) -> None:
        self._pending_edit_hooks.append(hook)

    def commit_pending_edits(self) -> None:
        """Put what is still typed in an open editor into the document, as its own undo step."""
        for hook in self._pending_edit_hooks:
            hook()

    def undo(self) -> None:
        # Typing first, so this undo takes back the typing and redo can bring it again.
        self.commit_pending_edits()
        self.stack.undo()

    def redo(self) -> None:
        self.commit_pending_edits()
        self.stack.redo()

    def mark_saved(self) -> None:
        self.in_library = True
        self.stack.setClean()

    def is_modified(self) -> bool:
        return not self.stack.isClean()

    # ---- editing -------------------------------------------------------------------------
    def edit(
        self,
        text: str,
        scope: str,
        change: Callable[[Sop], object],
        merge_key: str | None = None,
        focus: tuple[str, str] | None = None,
    ) -> bool:
        """Apply `change` to the live document as one undoable step; False when nothing changed."""
        before = self.sop.clone()
        change(self.sop)
        if self.sop == before:
            return False
        self.stack.push(EditCommand(self, text, scope, before, self.sop.clone(), merge_key, focus))
        self.document_changed.emit(scope)
        return True

    def _restore(self, snapshot: Sop, scope: str, focus: tuple[str, str] | None) -> None:
        self.sop = snapshot.clone()
        self.document_changed.emit(scope)
        if focus:
            self.focus_requested.emit(*focus)

    # ---- identity and lists --------------------------------------------------------------
    def set_identity(self, key: str, value: object, label: str) -> bool:
        """Set one identity field; `key` may be "signer.nama" style for the signer."""

        def change(sop: Sop) -> None:
            owner, attr = _resolve(sop, key)
            setattr(owner, attr, value)

        typing = type(value) is str
        return self.edit(f"Ubah {label}", "identity", change, merge_key=f"identity:{key}" if typing else None)

    def set_list(self, box: str, items: list[str], text: str, merge_key: str | None = None,
                 renamed: tuple[str, str] | None = None) -> bool:
        """Set a list; `renamed` (old, new text) lets a Keterkaitan item's link follow the item's new text."""
        scope = "identity" if box == "unit_lines" else "lists"
        return self.edit(text, scope, lambda sop: links.set_box(sop, box, items, renamed), merge_key=merge_key)

    # ---- links to other SOPs (sopdesk/links.py) ---------------------------------------------
    def set_item_link(self, text: str, link: SopLink | None) -> bool:
        """Link a Keterkaitan item (by its text) to an SOP of the library, or unlink it with None."""
        return self.edit("Kaitkan butir Keterkaitan ke SOP" if link else "Lepas kaitan butir Keterkaitan", "lists",
                         lambda sop: links.set_item_link(sop, text, link))

    def add_linked_item(self, index: int, target: links.LinkTarget) -> str:
        added: list[str] = []
        self.edit("Tambah butir Keterkaitan dari pustaka", "lists",
                  lambda sop: added.append(links.add_linked_item(sop, index, target)))
        return added[0] if added else ""

    def set_keterangan_link(self, step_id: str, link: SopLink | None) -> bool:
        def change(sop: Sop) -> None:
            step = sop.step(step_id)
            if step is not None:
                step.keterangan_link = link

        return self.edit("Kaitkan Keterangan ke SOP" if link else "Lepas kaitan Keterangan", "steps", change,
                         focus=("step", step_id))

    def set_page(self, attr: str, value: object, label: str) -> bool:
        return self.edit(f"Ubah {label}", "page", lambda sop: setattr(sop.page, attr, value))

    # ---- actors -------------------------------------------------------------------------
    def add_actor(self, name: str) -> str:
        created: list[str] = []
        self.edit(f"Tambah pelaksana {name}", "actors", lambda sop: created.append(model.add_actor(sop, name).id))
        return created[0] if created else ""

    def rename_actor(self, actor_id: str, name: str) -> bool:
        return self.edit(f"Ubah nama pelaksana menjadi {name}", "actors",
                         lambda sop: model.rename_actor(sop, actor_id, name), focus=("actors", actor_id))

    def move_actor(self, index: int, new_index: int) -> bool:
        actor_id = self.sop.actors[index].id
        return self.edit("Pindahkan pelaksana", "actors", lambda sop: model.move_actor(sop, index, new_index),
                         focus=("actors", actor_id))

    def remove_actor(self, actor_id: str, reassign_to: str | None) -> bool:
        return self.edit("Hapus pelaksana", "actors", lambda sop: model.remove_actor(sop, actor_id, reassign_to))

    # ---- steps --------------------------------------------------------------------------
    def insert_step(self, index: int) -> str:
        created: list[str] = []

        def change(sop: Sop) -> None:
            created.append(model.insert_step(sop, index).id)

        # A new step always differs from the old document, so this cannot be a no-op.
        self.edit("Sisipkan langkah", "steps", change)
        self._set_focus(created[0])
        return created[0]

    def delete_steps(self, step_ids: list[str]) -> bool:
        return self.edit("Hapus langkah", "steps", lambda sop: model.delete_steps(sop, step_ids))

    def duplicate_step(self, index: int) -> str:
        created: list[str] = []
        self.edit("Gandakan langkah", "steps", lambda sop: created.append(model.duplicate_step(sop, index).id))
        self._set_focus(created[0])
        return created[0]

    def move_step(self, index: int, new_index: int) -> bool:
        step_id = self.sop.steps[index].id
        return self.edit("Pindahkan langkah", "steps", lambda sop: model.move_step(sop, index, new_index),
                         focus=("step", step_id))

    def set_step_symbol(self, step_id: str, symbol: model.Symbol) -> bool:
        index = self.sop.step_index(step_id)
        return self.edit("Ubah simbol langkah", "steps", lambda sop: model.set_step_symbol(sop, index, symbol),
                         focus=("step", step_id))

    def copy_output_to_next(self, index: int) -> bool:
        return self.edit("Salin output ke kelengkapan langkah berikutnya", "steps",
                         lambda sop: model.copy_output_to_next(sop, index))

    def set_step_field(self, step_id: str, attr: str, value: object, label: str) -> bool:
        def change(sop: Sop) -> None:
            step = sop.step(step_id)
            if step is not None:
                setattr(step, attr, value)

        typing = type(value) is str
        return self.edit(f"Ubah {label}", "steps", change,
                         merge_key=f"step:{step_id}:{attr}" if typing else None, focus=("step", step_id))

    def set_step_actor(self, step_id: str, actor_id: str, checked: bool) -> bool:
        index = self.sop.step_index(step_id)
        return self.edit("Ubah pelaksana langkah", "steps",
                         lambda sop: model.set_step_actor(sop, index, actor_id, checked), focus=("step", step_id))

    def _set_focus(self, step_id: str) -> None:
        command = self.stack.command(self.stack.index() - 1)
        if isinstance(command, EditCommand):
            command.focus = ("step", step_id)


def _resolve(sop: Sop, key: str) -> tuple[object, str]:
    owner: object = sop.identity
    parts = key.split(".")
    for part in parts[:-1]:
        owner = getattr(owner, part)
    return owner, parts[-1]

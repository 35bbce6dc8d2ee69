"""Undo commands: each edit is a before/after pair of whole documents, so undo restores them exactly."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from sopdesk.model import Sop

if TYPE_CHECKING:
    from .controller import DocumentController

# Typing in one field merges into one undo step; every other edit stands alone.
_MERGE_ID = 1


class EditCommand(QUndoCommand):
    """One edit of the document; `merge_key` names the field being typed in, or None."""

    def __init__(
        self,
        controller: DocumentController,
        text: str,
        scope: str,
        before: Sop,
        after: Sop,
        merge_key: str | None = None,
        focus: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(text)
        self._controller = controller
        self.scope = scope
        self.before = before
        self.after = after
        self.merge_key = merge_key
        self.focus = focus
        self._first_redo = True

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, EditCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        # On push the live document already holds the new state (the editor typed it);
        # replaying it would only reset the widget the user is typing in.
        if self._first_redo:
            self._first_redo = False
            return
        self._controller._restore(self.after, self.scope, self.focus)

    def undo(self) -> None:
        self._controller._restore(self.before, self.scope, self.focus)

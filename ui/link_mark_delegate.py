"""A list item or table cell that leads to an SOP: drawn as a link, with the mark at its right that a click on
opens the SOP. The Keterkaitan list and the Keterangan cells of the steps table draw their links this way."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyleOptionViewItem

from .link_picker import BROKEN_COLOR, LINK_COLOR, MARK, mark_rect, paint_mark

_CLICKS = (QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)


class LinkMarkDelegate:
    """Mixed in before a QStyledItemDelegate (class D(LinkMarkDelegate, QStyledItemDelegate)). The delegate says
    for each index whether it leads to an SOP (link_state) and what a click on its mark does (mark_clicked_at)."""

    def link_state(self, index: QModelIndex) -> bool | None:
        """None where the index leads to no SOP; otherwise whether its link is broken."""
        raise NotImplementedError

    def mark_clicked_at(self, index: QModelIndex) -> None:
        raise NotImplementedError

    def initStyleOption(self, option, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        broken = self.link_state(index)
        if broken is not None:
            option.font.setUnderline(True)
            option.palette.setColor(QPalette.ColorRole.Text, BROKEN_COLOR if broken else LINK_COLOR)

    def paint(self, painter, option, index) -> None:
        broken = self.link_state(index)
        if broken is None:
            super().paint(painter, option, index)
            return
        super().paint(painter, _narrower(option), index)
        paint_mark(painter, option.rect, broken)

    def sizeHint(self, option, index):  # noqa: N802
        if self.link_state(index) is None:
            return super().sizeHint(option, index)
        hint = super().sizeHint(_narrower(option), index)
        return QSize(hint.width() + MARK, max(hint.height(), MARK))

    def editorEvent(self, event, model, option, index) -> bool:  # noqa: N802
        if (event.type() in _CLICKS and event.button() == Qt.MouseButton.LeftButton
                and self.link_state(index) is not None
                and mark_rect(option.rect).adjusted(-2, -2, 2, 2).contains(event.position().toPoint())):
            if event.type() == QEvent.Type.MouseButtonRelease:
                self.mark_clicked_at(index)
            return True  # a click on the mark opens the SOP; it does not start editing
        return super().editorEvent(event, model, option, index)


def _narrower(option) -> QStyleOptionViewItem:
    """The option with the mark's width kept free at the right, for the text."""
    narrower = QStyleOptionViewItem(option)
    narrower.rect = option.rect.adjusted(0, 0, -MARK, 0)
    return narrower

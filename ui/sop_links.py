"""The library as the link editors see it: where each link leads, the picker, opening a linked SOP, back-links."""
from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QToolButton, QWidget

from sopdesk import links
from sopdesk.library_files import StorageError
from sopdesk.links import BackLink, LinkCatalogue, LinkTarget, Resolution
from sopdesk.model import SopLink, Step
from sopdesk.validation import Problem, link_problems

from .controller import DocumentController
from .dialogs import Dialogs

BACKLINKS_DELAY_MS = 300  # typing a nomor or nama re-reads the back-links once the user pauses


class LinkContext(QObject):
    """One per window: the catalogue (rebuilt when the library changes) and the open SOP's back-links."""

    changed = Signal()  # the library changed: links are redrawn and re-checked
    backlinks_changed = Signal(list)  # list[BackLink] of the open SOP
    open_requested = Signal(str)  # the id of the SOP to open

    def __init__(self, controller: DocumentController, dialogs: Dialogs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._dialogs = dialogs
        self._entries: Callable[[], list] = list
        self._trashed: Callable[[], list] = list
        self._catalogue: LinkCatalogue | None = None
        self._previous: LinkCatalogue | None = None  # the catalogue before the last library change, to build on
        self.backlinks: list[BackLink] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(BACKLINKS_DELAY_MS)
        self._timer.timeout.connect(self.refresh_backlinks)
        controller.document_changed.connect(self._on_controller_document_changed)

    # ---- the library -------------------------------------------------------------------------
    def set_library(self, entries: Callable[[], list], trashed: Callable[[], list]) -> None:
        """Where the catalogue comes from; it is built when first asked for (the window's start asks once)."""
        self._entries, self._trashed = entries, trashed
        self._catalogue = self._previous = None

    def library_changed(self) -> None:
        """An SOP was saved, deleted, restored or imported: every link may lead elsewhere now."""
        if self._catalogue is not None:
            self._previous = self._catalogue
        self._catalogue = None
        self.changed.emit()
        self.refresh_backlinks()

    def catalogue(self) -> LinkCatalogue:
        if self._catalogue is None:
            try:
                self._catalogue = LinkCatalogue(self._entries(), self._trashed(), self._previous)
            except (OSError, StorageError):
                self._catalogue = LinkCatalogue()  # the links wait for the next change of the library
        return self._catalogue

    # ---- where links lead --------------------------------------------------------------------
    def item_resolution(self, text: str) -> Resolution | None:
        """Where a Keterkaitan item of the open SOP leads, or None."""
        sop = self._controller.sop
        found = links.resolve(text, sop.identity.keterkaitan_links.get(text), self.catalogue(), sop.id)
        return found[0] if found else None

    def step_resolutions(self, step: Step) -> list[Resolution]:
        return links.resolve(step.keterangan, step.keterangan_link, self.catalogue(), self._controller.sop.id,
                             links.IN_STEP)

    def problems(self) -> list[Problem]:
        return link_problems(self._controller.sop, self.catalogue())

    # ---- choosing and opening ----------------------------------------------------------------
    def choose(self, title: str, link: SopLink | None, suggested: LinkTarget | None) -> LinkTarget | str | None:
        """Ask which SOP to link to: a target, links_picker.UNLINK ("") to remove the link, None when cancelled."""
        own = self._controller.sop.id
        targets = [t for t in self.catalogue().active() if t.id != own]
        answer = self._dialogs.choose_linked_sop(title, targets, link.sop_id if link else "",
                                                 suggested.id if suggested else "", can_unlink=link is not None)
        if answer is None or answer == "":
            return answer
        return self.catalogue().get(answer)

    def open(self, resolution: Resolution | None) -> bool:
        """Open the SOP a link leads to; a broken link says why it cannot."""
        if resolution is None:
            return False
        if resolution.state == links.GONE:
            link = resolution.link
            name = " ".join(p for p in (link.nomor, link.nama) if p.strip()) if link else ""
            self._dialogs.error("SOP tidak ditemukan", f"SOP yang dikaitkan (\"{name or 'tanpa nama'}\") sudah "
                                "tidak ada di pustaka. Kaitkan butir ini ke SOP lain atau lepas kaitannya.")
            return False
        if resolution.state == links.TRASHED:
            self._dialogs.error("SOP ada di Sampah", f"SOP \"{resolution.target.label()}\" ada di Sampah. Centang "
                                "Tampilkan Sampah di Pustaka untuk memulihkannya, lalu bukalah.")
            return False
        if resolution.target.id != self._controller.sop.id:
            # After the click that asked for it is handled: opening replaces the widgets that got the click.
            QTimer.singleShot(0, self, lambda: self.open_requested.emit(resolution.target.id))
        return True

    def open_id(self, sop_id: str) -> bool:
        target = self.catalogue().get(sop_id)
        state = links.GONE if target is None else links.TRASHED if target.trashed else links.LINKED
        return self.open(Resolution(state, target, SopLink(sop_id)))

    # ---- back-links --------------------------------------------------------------------------
    def refresh_backlinks(self) -> None:
        self._timer.stop()
        self.backlinks = links.backlinks(self._controller.sop, self.catalogue())
        self.backlinks_changed.emit(self.backlinks)

    def _on_controller_document_changed(self, scope: str) -> None:
        if scope == "all":
            self.refresh_backlinks()
        elif scope == "identity":
            self._timer.start()  # a new nomor or nama may be named by other SOPs


def backlinks_html(found: list[BackLink]) -> str:
    if not found:
        return "Dikaitkan oleh: belum ada SOP lain di pustaka yang menyebut atau mengaitkan SOP ini."
    parts = [f"<a href=\"{html.escape(b.source.id)}\">{html.escape(b.source.label())}</a> "
             f"({html.escape(', '.join(b.places))})" for b in found]
    return "Dikaitkan oleh: " + "; ".join(parts)


class BacklinksLabel(QLabel):
    """"Dikaitkan oleh: SOP-001 …" under the Keterkaitan box; a click on a name opens that SOP."""

    def __init__(self, context: LinkContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backlinks")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setOpenExternalLinks(False)
        self.linkActivated.connect(context.open_id)
        context.backlinks_changed.connect(self._show)
        self._show(context.backlinks)

    def _show(self, found: list) -> None:
        self.setText(backlinks_html(found))


class BacklinksButton(QToolButton):
    """"Dikaitkan oleh 2 SOP" in the status bar, on every tab; its menu opens one of them."""

    def __init__(self, context: LinkContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backlinks_button")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolTip("SOP lain di pustaka yang mengaitkan atau menyebut SOP ini; pilih untuk membukanya")
        self._context = context
        self.setMenu(QMenu(self))
        context.backlinks_changed.connect(self._show)
        self._show(context.backlinks)

    def _show(self, found: list) -> None:
        menu = self.menu()
        menu.clear()
        for backlink in found:
            action = QAction(f"{backlink.source.label()} ({', '.join(backlink.places)})", menu)
            action.triggered.connect(lambda _checked=False, sop_id=backlink.source.id: self._context.open_id(sop_id))
            menu.addAction(action)
        self.setText(f"Dikaitkan oleh {len(found)} SOP")
        self.setVisible(bool(found))


def install_links(window) -> None:
    """Wire the window's LinkContext (window.links) to its library, status bar, problems and documents."""
    context: LinkContext = window.links
    window.backlinks_button = BacklinksButton(context)
    window.statusBar().insertPermanentWidget(0, window.backlinks_button)
    context.changed.connect(window.problems_panel.refresh)
    context.open_requested.connect(lambda sop_id: open_linked_sop(window, sop_id))
    context.set_library(lambda: window.library.entries(), lambda: window.library.list_trash())


def open_linked_sop(window, sop_id: str) -> bool:
    """Open the SOP a link leads to, as Buka in the library would (asking first about unsaved changes)."""
    window.open_from_library(sop_id)
    if window.controller.sop.id != sop_id:
        return False  # cancelled, or the file could not be read (already said)
    window.library_panel.select(sop_id)
    name = window.controller.sop.identity.nama.strip() or "SOP tanpa nama"
    window.statusBar().showMessage(f"Membuka SOP yang dikaitkan: \"{name}\".", 8000)
    return True

"""The Pelaksana editor: add, rename in place, reorder and remove the actor columns."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sopdesk.model import steps_using_actor

from .controller import DocumentController
from .dialogs import Dialogs


class ActorsEditor(QWidget):
    def __init__(self, controller: DocumentController, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._dialogs = dialogs
        self._refreshing = False
        self.list = QListWidget()
        self.list.setObjectName("actors_list")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.list.itemChanged.connect(self._on_list_item_changed)
        self.add_button = QPushButton("Tambah pelaksana")
        self.rename_button = QPushButton("Ubah nama")
        self.up_button = QPushButton("Geser ke kiri")
        self.down_button = QPushButton("Geser ke kanan")
        self.remove_button = QPushButton("Hapus pelaksana…")
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.rename_button.clicked.connect(self._on_rename_button_clicked)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QVBoxLayout()
        for button in (self.add_button, self.rename_button, self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        note = QLabel("Urutan daftar ini adalah urutan kolom Pelaksana pada bagan alir "
                      "(biasanya dari pejabat tertinggi).")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(row)
        controller.document_changed.connect(self._on_controller_document_changed)

    def refresh(self) -> None:
        actors = self._controller.sop.actors
        current = self.current_actor_id()
        self._refreshing = True
        self.list.clear()
        for actor in actors:
            item = QListWidgetItem(actor.name)
            item.setData(Qt.ItemDataRole.UserRole, actor.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
        self._refreshing = False
        if current:
            self.select_actor(current)

    def current_actor_id(self) -> str:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    def select_actor(self, actor_id: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == actor_id:
                self.list.setCurrentRow(row)
                return

    def add_actor(self, name: str) -> str:
        name = " ".join(name.split())
        if not name:
            return ""
        actor_id = self._controller.add_actor(name)
        self.select_actor(actor_id)
        return actor_id

    def move_current(self, delta: int) -> None:
        row = self.list.currentRow()
        if row >= 0 and 0 <= row + delta < self.list.count():
            self._controller.move_actor(row, row + delta)

    def remove_current(self) -> None:
        actor_id = self.current_actor_id()
        sop = self._controller.sop
        actor = sop.actor(actor_id)
        if actor is None:
            return
        used = steps_using_actor(sop, actor_id)
        reassign = ""
        if used:
            others = [(a.id, a.name) for a in sop.actors if a.id != actor_id]
            go_on, reassign = self._dialogs.remove_actor_choice(actor.name, len(used), others)
            if not go_on:
                return
        self._controller.remove_actor(actor_id, reassign or None)

    def _on_add_button_clicked(self) -> None:
        name = self._dialogs.text_input("Tambah pelaksana", "Nama jabatan/peran pelaksana:")
        if name:
            self.add_actor(name)

    def _on_rename_button_clicked(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def _on_list_item_changed(self, item: QListWidgetItem) -> None:
        if self._refreshing:
            return
        name = " ".join(item.text().split())
        actor_id = item.data(Qt.ItemDataRole.UserRole)
        actor = self._controller.sop.actor(actor_id)
        if actor is None:
            return
        if name == actor.name:
            if item.text() != name:  # "a  b" over "a b" is no rename: show the name as stored
                self._refreshing = True
                item.setText(name)
                self._refreshing = False
            return
        if not name:
            self.refresh()  # an empty name is not a rename; put the old one back
            return
        self._controller.rename_actor(actor_id, name)

    def _on_controller_document_changed(self, scope: str) -> None:
        if scope in ("actors", "all"):
            self.refresh()

"""Start the window: the Qt application, the library (read-only when another copy holds it) and recovery."""
from __future__ import annotations

import sys

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QMessageBox

from sopdesk.storage import StorageError

from .main_window import MainWindow, open_library
from .ui_state import UiState


def run(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("SOP Desk")
    app.setOrganizationName("SOP Desk")
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    state = UiState()
    try:
        library = open_library(state)
    except StorageError as exc:
        QMessageBox.critical(None, "Pustaka tidak dapat dibuka",
                             f"{exc}\n\nPeriksa folder pustaka atau pindahkan lewat Preferensi.")
        return 1
    window = MainWindow(state, library)
    window.show()
    window.offer_recovery()
    return app.exec()

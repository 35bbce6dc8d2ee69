"""Start the window: the Qt application, the library (read-only when another copy holds it) and recovery."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QMessageBox

from sopdesk.storage import StorageError

from . import qt_indonesian
from .main_window import MainWindow, open_library
from .ui_state import UiState


def settings_for_environment() -> UiState:
    """SOPDESK_HOME keeps settings (and, by default, the library) in one folder: portable use and benches."""
    home = os.environ.get("SOPDESK_HOME")
    if home:
        state = UiState(Path(home) / "sopdesk.ini")
        if not state.library_dir():
            state.set_library_dir(str(Path(home) / "pustaka"))
        return state
    return UiState()


def install_error_handler(log_folder: Path) -> None:
    """An unexpected error shows an Indonesian message and is written to a log; the window stays open."""
    import traceback

    def handle(kind, value, tb) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        log = log_folder / "galat.log"
        try:
            log_folder.mkdir(parents=True, exist_ok=True)
            with open(log, "a", encoding="utf-8") as stream:
                stream.write(text + "\n")
        except OSError:
            log = None
        if sys.__stderr__ is not None:  # None under pythonw on Windows
            sys.__stderr__.write(text)
        where = f" Rinciannya dicatat di {log}." if log else ""
        QMessageBox.critical(None, "Terjadi kesalahan",
                             f"SOP Desk menemui kesalahan yang tidak terduga ({kind.__name__}).{where}\n\n"
                             "Pekerjaan Anda yang belum disimpan tetap ada; simpan sekarang bila bisa.")

    sys.excepthook = handle


def start(argv: list[str]) -> tuple[QApplication, MainWindow | None]:
    """Create the application and show the main window (None when the library cannot be opened)."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("SOP Desk")
    app.setOrganizationName("SOP Desk")
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    qt_indonesian.install(app)  # before any widget: Qt's dialogs, buttons and key names in Indonesian
    state = settings_for_environment()
    try:
        library = open_library(state)
    except StorageError as exc:
        QMessageBox.critical(None, "Pustaka tidak dapat dibuka",
                             f"{exc}\n\nPeriksa folder pustaka atau pindahkan lewat Preferensi.")
        return app, None
    window = MainWindow(state, library)
    install_error_handler(library.root.parent / "log")
    window.show()
    return app, window


def run(argv: list[str] | None = None) -> int:
    app, window = start(list(sys.argv if argv is None else argv))
    if window is None:
        return 1
    window.report_damaged()
    window.offer_recovery()
    return app.exec()

"""Start-up: settings under SOPDESK_HOME, the window opens, unexpected errors become a message and a log."""
import sys

from PySide6.QtWidgets import QMessageBox

from ui import app as app_module


def test_start_opens_the_window_on_the_library_in_sopdesk_home(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("SOPDESK_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    _app, window = app_module.start(["sopdesk"])
    qtbot.addWidget(window)
    try:
        assert window.isVisible()
        assert window.library.root == tmp_path / "pustaka"
        assert "SOP Desk" in window.windowTitle()
    finally:
        window.library.close()


def test_unexpected_errors_are_logged_and_shown_in_indonesian(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_error_handler(tmp_path / "log")
    try:
        raise RuntimeError("uji")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert shown and shown[0][0] == "Terjadi kesalahan"
    assert "galat.log" in shown[0][1]
    assert "RuntimeError: uji" in (tmp_path / "log" / "galat.log").read_text(encoding="utf-8")

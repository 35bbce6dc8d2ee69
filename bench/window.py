"""A main window over a throw-away library, for the benches that time the editor."""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from sopdesk.storage import Library  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.ui_state import UiState  # noqa: E402


@contextmanager
def scratch_window(library: Path | None = None) -> Iterator[tuple[QApplication, MainWindow]]:
    """(app, window) shown at 1500 x 900; the library is a temp folder unless one is given."""
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(UiState(Path(tmp) / "ui.ini"), Library.open(library or Path(tmp) / "pustaka"))
        window.resize(1500, 900)
        window.show()
        app.processEvents()
        try:
            yield app, window
        finally:
            window.library.close()

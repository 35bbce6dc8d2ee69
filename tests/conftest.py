"""Shared test set-up: Qt runs offscreen, fixtures come from ../shared/fixtures."""
from __future__ import annotations

import json
import os
from pathlib import Path

# Before any Qt import: every GUI test runs without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import HealthCheck, settings

# Property tests explore the same examples on every run: CI on a busy two-core machine must not
# fail on a per-example deadline or on a case no earlier run met. Run with
# --hypothesis-profile=explore to search with fresh random examples.
settings.register_profile("sopdesk", deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, max_examples=300)
settings.load_profile("sopdesk")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES_DIR = ROOT.parent / "shared" / "fixtures"
FIXTURE_FILES = sorted(FIXTURES_DIR.glob("*.json"))


def load_fixture(name: str) -> dict:
    path = FIXTURES_DIR / name
    if not path.suffix:
        path = path.with_suffix(".json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(params=FIXTURE_FILES, ids=lambda p: p.stem)
def fixture_path(request) -> Path:
    return request.param


@pytest.fixture
def fixture_data(fixture_path) -> dict:
    return json.loads(fixture_path.read_text(encoding="utf-8"))


@pytest.fixture
def root(tmp_path) -> Path:
    """Where a test's library lives (not created yet)."""
    return tmp_path / "pustaka"


@pytest.fixture
def library(root):
    """A library opened at root, closed after the test."""
    from sopdesk.storage import Library

    lib = Library.open(root)
    yield lib
    lib.close()


@pytest.fixture(scope="session", autouse=True)
def _one_qt_application(qapp):
    """A QApplication from the start: headless code would otherwise create a bare QGuiApplication
    first (sopdesk.qt.fonts.ensure_app), and widget tests cannot run after that."""
    return qapp


@pytest.fixture
def make_window(qtbot, tmp_path):
    """Main windows over a library in tmp_path, with scripted dialogs: make() -> (window, dialogs)."""
    from sopdesk.storage import Library
    from ui.main_window import MainWindow
    from ui.ui_state import UiState

    from .gui_helpers import ScriptedDialogs

    opened = []

    def make(library_dir=None):
        dialogs = ScriptedDialogs()
        window = MainWindow(UiState(tmp_path / "ui.ini"), Library.open(library_dir or tmp_path / "pustaka"), dialogs)
        qtbot.addWidget(window)
        window.show()
        opened.append(window)
        return window, dialogs

    yield make
    for window in opened:
        window.library.close()

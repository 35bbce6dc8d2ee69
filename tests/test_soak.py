"""Soak test: thousands of seeded random user actions on the real main window, checked all the way.

CI runs a fixed seed and 2,000 actions. By hand, for a longer search with a fresh seed:

    SOPDESK_SOAK_SEED=random SOPDESK_SOAK_ACTIONS=20000 python dev.py test tests/test_soak.py

A failure names the seed and the last 30 actions; SOPDESK_SOAK_SEED=<that seed> with the same
SOPDESK_SOAK_ACTIONS replays it.
"""
from __future__ import annotations

import os
import random
import sys

import pytest
from PySide6.QtWidgets import QApplication

from sopdesk.interchange import sop_to_native
from ui.main_window import TAB_STEPS

from .conftest import FIXTURES_DIR
from .soak_actions import HARMLESS_QT_MESSAGES, Soak, dump, first_difference

DEFAULT_SEED = 20240611
DEFAULT_ACTIONS = 2000
START_FIXTURES = ("contoh-peminjaman-arsip", "001_71e1f31e4a04122a")


def soak_settings() -> tuple[int, int]:
    seed_text = os.environ.get("SOPDESK_SOAK_SEED", "").strip()
    if seed_text == "random":
        seed = random.SystemRandom().randrange(1, 2**31)
    else:
        seed = int(seed_text) if seed_text else DEFAULT_SEED
    return seed, int(os.environ.get("SOPDESK_SOAK_ACTIONS", "") or DEFAULT_ACTIONS)


@pytest.fixture
def unexpected_errors(monkeypatch, tmp_path):
    """The app's own unexpected-error handler (ui/app.py), with its message box recorded instead of shown."""
    import ui.app

    fired: list[str] = []

    class RecordingBox:
        @staticmethod
        def critical(_parent, title, text):
            fired.append(f"{title}: {text}")

    monkeypatch.setattr(ui.app, "QMessageBox", RecordingBox)
    previous = sys.excepthook  # pytest-qt's hook: it still fails the test on an exception in a slot
    ui.app.install_error_handler(tmp_path / "log")
    handler = sys.excepthook

    def both(kind, value, tb):
        handler(kind, value, tb)
        previous(kind, value, tb)

    sys.excepthook = both
    yield fired
    sys.excepthook = previous


@pytest.mark.slow
@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore(*HARMLESS_QT_MESSAGES)
def test_random_user_actions_keep_the_document_whole(make_window, qtbot, qtlog, tmp_path, unexpected_errors):
    seed, count = soak_settings()
    window, dialogs = make_window()
    if not window.library_dock.isVisible():
        window.library_action.trigger()  # the library panel is where SOPs are reopened from
    for name in START_FIXTURES:
        dialogs.answer("open_file", str(FIXTURES_DIR / f"{name}.json"))
        window.import_json_action.trigger()
        window.save_action.trigger()
    window.tabs.setCurrentIndex(TAB_STEPS)
    window.activateWindow()  # focus, double-clicks and shortcuts behave as on a desktop only in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    soak = Soak(qtbot, window, dialogs, random.Random(seed), tmp_path / "ekspor", tmp_path / "soak-actions.log",
                unexpected_errors, qtlog)
    soak.saved = {sop_id: sop_to_native(window.library.load(sop_id)) for sop_id in
                  (entry.id for entry in window.library.entries())}
    try:
        soak.run(count)
        soak.recent.append("(end) undo everything, redo everything, save, reopen")
        final = dump(window.controller.sop)
        soak.undo_to_bottom()
        while window.redo_action.isEnabled():
            soak._replay(window.redo_action)
        if dump(window.controller.sop) != final:
            soak.fail(f"redo after undo-all did not restore the document: "
                      f"{first_difference(dump(window.controller.sop), final)}")
        soak.save()
        shown = dump(window.controller.sop)
        loaded = sop_to_native(window.library.load(window.controller.sop.id))
        if loaded != shown:
            soak.fail(f"the library copy differs from the window: {first_difference(loaded, shown)}")
        soak.check()
    except Exception as exc:
        pytest.fail(f"soak failed after {soak.done} of {count} actions, seed {seed} "
                    f"(replay: SOPDESK_SOAK_SEED={seed} SOPDESK_SOAK_ACTIONS={count}):\n{exc}\n\n"
                    f"last actions:\n{soak.trail()}", pytrace=True)
    finally:
        soak.close()
    ran = ", ".join(f"{name} {n}" for name, n in sorted(soak.counts.items()))
    oldest = "the opened document" if not soak.tracker.dropped else "the oldest state the undo limit keeps"
    print(f"soak seed {seed}: {soak.done} actions ({ran}); undo-all reached {oldest}")


@pytest.mark.qt_no_exception_capture
def test_the_soak_notices_an_error_the_app_only_reports(make_window, qtbot, qtlog, tmp_path, unexpected_errors):
    """An exception in a slot does not stop Qt: only the app's error handler sees it, and so must the soak."""
    window, dialogs = make_window()
    soak = Soak(qtbot, window, dialogs, random.Random(1), tmp_path / "ekspor", unexpected=unexpected_errors,
                qt_log=qtlog)

    def broken_view(_scope):
        raise RuntimeError("a view that cannot keep up")

    window.controller.document_changed.connect(broken_view)
    with pytest.raises(AssertionError, match="unexpected-error handler fired"):
        for _ in range(50):
            soak.step()
    window.controller.document_changed.disconnect(broken_view)

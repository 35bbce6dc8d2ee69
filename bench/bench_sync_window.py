"""Sinkronkan in the window: how long a sync takes and how long the window stops answering meanwhile.

A window over a library of N SOPs shares it through a folder; the longest pause of its event loop (the
gap between ticks of a 10 ms timer) is printed for the first sync (every SOP sent), then for a sync that
receives 20 SOPs changed on another PC (list refreshed, the open SOP reloaded), and the time a save takes
when it is made during a sync (it waits for the engine's short local steps only).
Usage: bench_sync_window.py [N ...] (default 500 2000).
"""
from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.window import scratch_window  # noqa: E402  (sets offscreen Qt)
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402

from bench.generate import generate_sop  # noqa: E402
from sopdesk.storage import Library  # noqa: E402
from sopdesk.sync import sync_library  # noqa: E402


class StallMeter:
    """The longest gap between ticks of a 10 ms timer while it runs."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.longest = 0

    def _tick(self) -> None:
        self.longest = max(self.longest, self.clock.restart())

    def start(self) -> None:
        self.longest = 0
        self.clock.start()
        self.timer.start()

    def stop(self) -> int:
        self.timer.stop()
        return self.longest


def wait_sync(app, window, start, meter: StallMeter, during=None) -> tuple[float, int, float]:
    outcomes = []
    window.sync_ui.synced.connect(outcomes.append)
    began = time.perf_counter()
    meter.start()
    start()
    save_seconds = 0.0
    if during is not None:
        save_began = time.perf_counter()
        during()
        save_seconds = time.perf_counter() - save_began
    while not outcomes:
        app.processEvents()
        time.sleep(0.001)
    seconds = time.perf_counter() - began
    window.sync_ui.synced.disconnect(outcomes.append)
    if outcomes[0].error:
        raise SystemExit(outcomes[0].error)
    return seconds, meter.stop(), save_seconds


def run(count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="sopdesk-bench-syncwin-"))
    try:
        mine, other, shared = work / "pc-a", work / "pc-b", work / "bersama"
        shared.mkdir()
        rng = random.Random(7)
        ids = []
        with Library.open(mine) as library:
            for _ in range(count):
                sop = generate_sop(rng, steps=rng.randint(6, 14), actors=rng.randint(2, 5))
                library.save(sop, user="Bench")
                ids.append(sop.id)
        with scratch_window(mine) as (app, window):
            window.state.set_shared_location(str(shared))
            window.state.set_user_name("Bench")
            window.sync_ui.settings_changed(location_changed=True)
            window.sync_ui.timer.stop()
            window.sync_ui.start_timer.stop()
            window.open_from_library(ids[0])
            meter = StallMeter()
            seconds, stall, _ = wait_sync(app, window, window.sync_ui.sync_action.trigger, meter)
            print(f"{count} SOP:")
            print(f"  sinkron pertama dari jendela (kirim semua)   {seconds:6.2f} s, jeda jendela terlama {stall} ms")
            with Library.open(other) as library:
                sync_library(other, str(shared), "Sari", library=library)
                for sop_id in [ids[0], *rng.sample(ids[1:], 19)]:
                    sop = library.load(sop_id)
                    sop.steps[0].kegiatan += " (diubah Sari)"
                    library.save(sop, "Sari")
                sync_library(other, str(shared), "Sari", library=library)
            seconds, stall, _ = wait_sync(app, window, window.sync_ui.sync_action.trigger, meter)
            reloaded = window.controller.sop.steps[0].kegiatan.endswith("(diubah Sari)")
            print(f"  terima 20 SOP (daftar + SOP terbuka dimuat) {seconds:6.2f} s, jeda jendela terlama {stall} ms"
                  f"{'' if reloaded else '  (SOP terbuka TIDAK dimuat ulang)'}")

            def save_during() -> None:
                window.controller.set_identity("nama", window.controller.sop.identity.nama + " *", "Nama SOP")
                window.save()

            seconds, stall, saving = wait_sync(app, window, window.sync_ui.sync_action.trigger, meter, save_during)
            print(f"  simpan selagi sinkron berjalan              {saving * 1000:6.0f} ms (sinkron {seconds:.2f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    for size in [int(arg) for arg in sys.argv[1:]] or [500, 2000]:
        run(size)

"""What one keystroke costs in the editor: the undo snapshot and the views' refresh, at 20, 100 and 300 steps.

Every edit is an undo command holding the document before and after, so its cost grows with the SOP.
The preview and problems panel refresh later, on their own timers (see bench_preview.py).
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate_sop  # noqa: E402
from bench.window import scratch_window  # noqa: E402


def main() -> None:
    with scratch_window() as (app, window):
        for steps in (20, 100, 300):
            window.open_document(generate_sop(random.Random(steps), steps, 8), in_library=False)
            app.processEvents()
            step_id = window.controller.sop.steps[steps // 2].id
            name, cell = [], []
            for i in range(30):
                began = time.perf_counter()
                window.identity_form.nama.setText(f"Nama {i}")
                window.identity_form.nama.textEdited.emit(f"Nama {i}")
                app.processEvents()
                name.append(time.perf_counter() - began)
                began = time.perf_counter()
                window.controller.set_step_field(step_id, "kegiatan", f"Kegiatan {i}", "Kegiatan")
                app.processEvents()
                cell.append(time.perf_counter() - began)
            print(f"{steps:3d} steps: typing in Nama SOP {statistics.median(name) * 1000:.1f} ms, "
                  f"editing a step cell {statistics.median(cell) * 1000:.1f} ms per edit (median of 30)")


if __name__ == "__main__":
    main()

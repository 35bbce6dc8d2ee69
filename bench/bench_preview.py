"""Preview refresh after one edit, at 20, 100 and 300 steps with 8 actors (goal: under 100 ms at 100 steps).

Measures what the user waits for once the debounce fires: laying the pages out again and painting the
visible part of the preview.
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
            sop = generate_sop(random.Random(steps), steps, 8)
            window.open_document(sop, in_library=False)
            app.processEvents()
            layouts, totals = [], []
            for i in range(10):
                step = window.controller.sop.steps[steps // 2]
                window.controller.set_step_field(step.id, "kegiatan", f"{step.kegiatan} {i}", "Kegiatan")
                began = time.perf_counter()
                window.preview.refresh()
                window.preview.canvas.repaint()
                totals.append(time.perf_counter() - began)
                layouts.append(window.preview.last_layout_ms / 1000)
            print(f"{steps:3d} steps, {window.preview.page_count():2d} pages: layout median "
                  f"{statistics.median(layouts) * 1000:.1f} ms, layout + repaint median "
                  f"{statistics.median(totals) * 1000:.1f} ms (goal at 100 steps < 100 ms)")


if __name__ == "__main__":
    main()

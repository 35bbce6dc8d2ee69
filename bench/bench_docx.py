"""Word export speed at 20, 100 and 300 steps with 8 actors; goal: 100 steps written in under 1 s.

The layout is timed apart from the writer, since the writer only translates the page model.
"ratakan bagan" is timed too, with the flowchart layer painted by Qt at 300 dpi.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk.qt.raster import render_flowchart_layer  # noqa: E402
from sopdesk.exporters.docx import docx_bytes, write_docx  # noqa: E402
from sopdesk.layout import layout  # noqa: E402
from sopdesk.qt.fonts import qt_measure  # noqa: E402

SIZES = (20, 100, 300)
ACTORS = 8
RUNS = 5
GOAL_S = 1.0


def best(fn, runs: int = RUNS) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times), statistics.median(times)


def main() -> None:
    measure = qt_measure()
    print(f"Word export, {ACTORS} actors, best / median of {RUNS} runs")
    print(f"{'steps':>5} {'pages':>5} {'shapes':>6} {'layout':>9} {'write':>15} {'to disk':>9} {'size':>8}"
          f" {'flatten':>9}")
    folder = Path(tempfile.mkdtemp(prefix="sopdesk-bench-docx-"))
    for steps in SIZES:
        sop = generate_sop(random.Random(steps), steps, ACTORS)
        layout_best, _ = best(lambda: layout(sop, measure), 3)
        document = layout(sop, measure)
        drawings = sum(len(p.shapes) + len(p.connectors) + len(p.labels) + len(p.offpage) for p in document.pages)
        write_best, write_median = best(lambda: docx_bytes(document, sop))
        target = folder / f"sop_{steps}.docx"
        disk_best, _ = best(lambda: write_docx(document, sop, target), 3)
        flat_best, _ = best(lambda: docx_bytes(document, sop, flatten=True, render_layer=render_flowchart_layer), 1) \
            if steps <= 100 else (float("nan"), 0.0)
        print(f"{steps:>5} {len(document.pages):>5} {drawings:>6} {layout_best * 1000:>7.0f}ms"
              f" {write_best * 1000:>6.0f}/{write_median * 1000:>4.0f}ms {disk_best * 1000:>7.0f}ms"
              f" {target.stat().st_size / 1024:>6.0f}KB "
              + (f"{flat_best * 1000:>7.0f}ms" if flat_best == flat_best else "  (not run)"))
        if steps == 100:
            verdict = "met" if disk_best < GOAL_S else "MISSED"
            print(f"      goal: 100 steps under {GOAL_S:.0f} s -> {verdict}")
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()

"""Excel export speed at 20, 100 and 300 steps: layout, workbook with shapes in memory, and the atomic write.

Goal: the export (workbook + shapes + write) of a 100-step SOP under 0.5 s. Text is measured
with the Qt measure the app uses when PySide6 loads, else with the estimate (say so with --estimate).
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk.exporters.xlsx import write_xlsx, xlsx_bytes  # noqa: E402
from sopdesk.layout import estimate_measure, layout  # noqa: E402

SIZES = ((20, 4), (100, 6), (300, 8))
ROUNDS = 5
GOAL_S = 0.5


def pick_measure():
    if "--estimate" in sys.argv:
        return estimate_measure, "estimate"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from sopdesk.qt.fonts import qt_measure
    except ImportError:
        return estimate_measure, "estimate (PySide6 missing)"
    return qt_measure(), "Qt (Liberation Sans)"


def median_ms(work, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def main() -> None:
    measure, measure_name = pick_measure()
    print(f"Excel export, median of {ROUNDS} runs; text measure: {measure_name}")
    print(f"{'steps':>5} {'actors':>6} {'pages':>5} {'shapes':>6} {'layout':>9} {'in memory':>10} "
          f"{'to disk':>9} {'size':>8}")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "bench.xlsx"
        for steps, actors in SIZES:
            sop = generate_sop(random.Random(steps), steps, actors)
            document = layout(sop, measure)
            shapes = sum(len(p.shapes) + len(p.connectors) + len(p.labels) + len(p.offpage) for p in document.pages)
            layout_ms = median_ms(lambda: layout(sop, measure))
            memory_ms = median_ms(lambda: xlsx_bytes(document, sop))
            disk_ms = median_ms(lambda: write_xlsx(document, sop, target))
            verdict = ""
            if steps == 100:
                verdict = "  ok" if disk_ms / 1000 < GOAL_S else f"  OVER the {GOAL_S} s goal"
            print(f"{steps:>5} {actors:>6} {len(document.pages):>5} {shapes:>6} {layout_ms:>7.1f}ms "
                  f"{memory_ms:>8.1f}ms {disk_ms:>7.1f}ms {target.stat().st_size / 1024:>6.0f}KB{verdict}")


if __name__ == "__main__":
    main()

"""Layout and PDF export at 20, 100 and 300 steps with 8 actors.

Goals: layout < 50 ms at 100 steps and < 150 ms at 300 steps; PDF < 0.5 s at 100 steps.
Prints medians over several runs. The layout uses the Qt text measure, as the app does; its
cache is emptied before every run so each figure includes measuring every text afresh (the
second column measures nothing again). On a shared machine the figures vary from run to run;
for a figure that does not, count instructions, e.g. with valgrind --tool=callgrind.
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.generate import generate_sop  # noqa: E402
from sopdesk.layout import layout  # noqa: E402
from sopdesk.qt import fonts  # noqa: E402
from sopdesk.qt.pdf import write_pdf  # noqa: E402

RUNS = 7


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def load_average() -> str:
    """The machine's load over the last minute (where the system tells it), to read the figures by."""
    if not hasattr(os, "getloadavg"):  # Windows
        return "tidak diketahui"
    return f"{os.getloadavg()[0]:.2f}".replace(".", ",")


def main() -> None:
    measure = fonts.qt_measure()
    print(f"Beban mesin (rata-rata 1 menit) sebelum mengukur: {load_average()}")
    print(f"{'langkah':>8} {'halaman':>8} {'tata letak (ms)':>16} {'tanpa ukur ulang (ms)':>22} {'PDF (ms)':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for steps in (20, 100, 300):
            sop = generate_sop(random.Random(steps), steps, 8)
            cold, warm, export = [], [], []
            for run in range(RUNS):
                fonts.text_layout.cache_clear()
                fonts.text_height.cache_clear()
                start = time.perf_counter()
                document = layout(sop, measure)
                cold.append(time.perf_counter() - start)
                start = time.perf_counter()
                layout(sop, measure)
                warm.append(time.perf_counter() - start)
                start = time.perf_counter()
                write_pdf(document, Path(tmp) / f"bench-{steps}-{run}.pdf")
                export.append(time.perf_counter() - start)
            print(f"{steps:>8} {len(document.pages):>8} {median_ms(cold):>16.1f} {median_ms(warm):>22.1f} "
                  f"{median_ms(export):>10.1f}")
    print(f"Beban mesin (rata-rata 1 menit) sesudah mengukur: {load_average()}")
    print("Sasaran: tata letak < 50 ms pada 100 langkah dan < 150 ms pada 300 langkah; PDF < 500 ms pada 100 langkah.")


if __name__ == "__main__":
    main()

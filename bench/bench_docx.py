"""Word export speed at 20, 100 and 300 steps with 8 actors; goal: 100 steps written in under 1 s.

The layout is timed apart from the writer, since the writer only translates the page model.
"ratakan bagan" is timed too, with the flowchart layer painted by Qt at 300 dpi.
"""
from __future__ import annotations

import dataclasses
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
from sopdesk.exporters.docx import docx_bytes, write_docx  # noqa: E402
from sopdesk.layout import layout  # noqa: E402
from sopdesk.layout.page_model import Page, Rect  # noqa: E402
from sopdesk.qt.fonts import qt_measure  # noqa: E402

SIZES = (20, 100, 300)
ACTORS = 8
RUNS = 5
GOAL_S = 1.0


def layer_png(page: Page, dpi: float = 300.0) -> tuple[bytes, Rect]:
    """The shapes, arrows and labels of a page as a transparent PNG cropped to them, painted by the app's painter."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter

    from sopdesk.qt.painter import paint_page

    xs = [v for s in [*page.shapes, *page.labels, *page.offpage] for v in (s.x, s.x + s.w)]
    xs += [p[0] for c in page.connectors for p in c.points]
    ys = [v for s in [*page.shapes, *page.labels, *page.offpage] for v in (s.y, s.y + s.h)]
    ys += [p[1] for c in page.connectors for p in c.points]
    box = Rect(min(xs) - 1, min(ys) - 1, max(xs) - min(xs) + 2, max(ys) - min(ys) + 2)
    px_per_mm = dpi / 25.4
    image = QImage(round(box.w * px_per_mm), round(box.h * px_per_mm), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.translate(-box.x * px_per_mm, -box.y * px_per_mm)
    paint_page(painter, dataclasses.replace(page, tables=[], images=[]), px_per_mm, background=False)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data()), box


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
        flat_best, _ = best(lambda: docx_bytes(document, sop, flatten=True, render_layer=layer_png), 1) \
            if steps <= 100 else (float("nan"), 0.0)
        print(f"{steps:>5} {len(document.pages):>5} {drawings:>6} {layout_best * 1000:>7.0f}ms"
              f" {write_best * 1000:>6.0f}/{write_median * 1000:>4.0f}ms {disk_best * 1000:>7.0f}ms"
              f" {target.stat().st_size / 1024:>6.0f}KB {flat_best * 1000:>7.0f}ms")
        if steps == 100:
            verdict = "met" if disk_best < GOAL_S else "MISSED"
            print(f"      goal: 100 steps under {GOAL_S:.0f} s -> {verdict}")
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()

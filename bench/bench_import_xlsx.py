"""Excel import speed for a 100-step SOP: hand-made sheets (grouped or loose shapes) and SOP Desk's own export.

Goal: under 0.5 s per 100-step workbook. Each figure is the median of several imports of the
same file, in this process (openpyxl and lxml already imported, as in the running app).
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk.importers.xlsx import import_xlsx  # noqa: E402
from tests.xlsx_builders import Style, build_workbook  # noqa: E402

STEPS = 100
ACTORS = 6
RUNS = 7
GOAL_S = 0.5


def timed(path: Path) -> tuple[float, int]:
    times = []
    steps = 0
    for _ in range(RUNS):
        began = time.perf_counter()
        result = import_xlsx(path)
        times.append(time.perf_counter() - began)
        steps = sum(len(sop.steps) for sop, _ in result.sops)
    return statistics.median(times), steps


def exported(sop, folder: Path) -> Path | None:
    try:
        from sopdesk.exporters.xlsx import write_xlsx
        from sopdesk.layout import estimate_measure, layout
    except ImportError:
        return None
    path = folder / "ekspor.xlsx"
    write_xlsx(layout(sop, estimate_measure), sop, path)
    return path


def main() -> None:
    sop = generate_sop(random.Random(2024), STEPS, ACTORS)
    breaks = tuple(range(8, STEPS, 8))
    cases = {
        "buatan tangan, satu grup (mc:AlternateContent)": Style(drawing="legacy", page_break_after=breaks,
                                                                numbering_row=True),
        "buatan tangan, garis lepas (siku dua potong)": Style(drawing="loose", page_break_after=breaks),
        "buatan tangan, konektor lekat": Style(drawing="glued", page_break_after=breaks),
        "buatan tangan, tanda centang tanpa gambar": Style(drawing="marks"),
    }
    print(f"Impor Excel, {STEPS} langkah, {ACTORS} pelaksana, median dari {RUNS} kali (target < {GOAL_S} s)")
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for name, style in cases.items():
            path = Path(folder) / f"{len(paths)}.xlsx"
            path.write_bytes(build_workbook(sop, style))
            paths[name] = path
        own = exported(sop, Path(folder))
        if own is not None:
            paths["ekspor SOP Desk (data tersembunyi + cek sel)"] = own
        for name, path in paths.items():
            seconds, steps = timed(path)
            verdict = "OK" if seconds < GOAL_S else "LAMBAT"
            print(f"  {name:<48} {seconds * 1000:7.1f} ms  {path.stat().st_size / 1024:6.1f} KB  "
                  f"{steps} langkah  {verdict}")


if __name__ == "__main__":
    main()

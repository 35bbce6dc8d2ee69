"""Pages, page fill and column widths of the flowchart over the fixtures and generated SOPs.

For every SOP: flowchart pages against a lower bound (the rows' natural heights summed, over the
room one page has for rows, rounded up), the fill of each flowchart page (rows with their
connector bands, over the room below the header), loops cut by a break, off-page pairs, the
tallest row, the total table height and the actor and title header sizes. Then totals over a
set of generated SOPs (1-12 actors, 0-80 steps, bench/generate.py). Uses the Qt text measure,
as the app does.

    python bench/bench_pagination.py [--generated N] [--seed S]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.generate import FIXTURES_DIR, generate_sop  # noqa: E402
from sopdesk.interchange import sop_from_fixture  # noqa: E402
from sopdesk.layout import content_box, flowchart_columns, layout  # noqa: E402
from sopdesk.layout.engine import _flows, _paginate  # noqa: E402
from sopdesk.layout.flowchart import PADDING_MM, build_header, build_rows, column_content, fitting_size  # noqa: E402
from sopdesk.qt import fonts  # noqa: E402
from tests.pagination_helpers import degrees, natural_heights  # noqa: E402


def figures(sop, measure) -> dict:
    document = layout(sop, measure)
    pages = document.flowchart_pages
    box = content_box(document.settings)
    first = pages[0].flowchart
    header = sum(first.row_heights[:first.header_rows])
    room = box.height - header
    if pages[0].kind == "combined":
        room = box.bottom - first.y - header
    # The rows at their natural height, with the widths this layout chose.
    natural, flows = natural_heights(sop, document, measure)
    page_of = {step: k for k, page in enumerate(pages) for step in page.step_indices}
    cut = sum(1 for f in flows if f.target <= f.source and page_of[f.source] != page_of[f.target])
    fills = [sum(p.flowchart.row_heights[p.flowchart.header_rows:]) / room for p in pages]
    sizes = {kind: sorted({p.size_pt for c in first.cells if c.kind == kind for p in c.paragraphs})
             for kind in ("actor_header", "header")}
    return {
        "pages": len(pages),
        "bound": max(1, math.ceil(sum(natural) / room - 1e-9)),
        "fills": fills,
        "rows": [len(p.step_indices) for p in pages],
        "cut": cut,
        "pairs": sum(1 for p in pages for o in p.offpage if o.direction == "out"),
        "tallest": max(natural, default=0.0),
        "height": sum(natural),
        "actor_pt": sizes["actor_header"],
        # What the earlier rule (whole points 8, 7, 6) would have chosen for the same names.
        "actor_pt_whole": sorted({min(fitting_size(measure, c.text, first.col_widths[c.col] - 2 * PADDING_MM,
                                                   (8.0, 7.0, 6.0)) for c in first.cells if c.kind == "actor_header")}),
        "title_pt": sizes["header"],
    }


def pt(values: list[float]) -> str:
    return "/".join(f"{v:g}" for v in values) or "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generated", type=int, default=200)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    measure = fonts.qt_measure()

    print(f"{'SOP':<28} {'hal.':>4} {'batas':>5} {'baris/hal.':<18} {'isi/hal. (%)':<26} {'putus':>5} "
          f"{'pasang':>6} {'tertinggi':>9} {'tinggi':>7} {'pt aktor':>8} {'pt judul':>8}")
    for path in sorted(FIXTURES_DIR.glob("*.json")):
        sop = sop_from_fixture(json.loads(path.read_text(encoding="utf-8")))
        for landscape in (True, False):
            sop.page.landscape = landscape
            f = figures(sop, measure)
            name = f"{path.stem[:20]} {'L' if landscape else 'P'}"
            print(f"{name:<28} {f['pages']:>4} {f['bound']:>5} {'/'.join(map(str, f['rows'])):<18} "
                  f"{'/'.join(f'{100 * x:.0f}' for x in f['fills']):<26} {f['cut']:>5} {f['pairs']:>6} "
                  f"{f['tallest']:>9.1f} {f['height']:>7.0f} {pt(f['actor_pt']):>8} {pt(f['title_pt']):>8}")

    rng = random.Random(args.seed)
    totals = {"pages": 0, "bound": 0, "over": 0, "cut": 0, "pairs": 0, "height": 0.0, "small_actor": 0,
              "small_title": 0, "tallest": 0.0}
    low_fill = []
    actor_sizes: Counter = Counter()
    whole_sizes: Counter = Counter()
    for _ in range(args.generated):
        steps, actors = rng.randint(0, 80), rng.randint(1, 12)
        sop = generate_sop(random.Random(rng.random()), steps, actors)
        sop.page.landscape = rng.random() < 0.85
        f = figures(sop, measure)
        totals["pages"] += f["pages"]
        totals["bound"] += f["bound"]
        totals["over"] += f["pages"] > f["bound"]
        totals["cut"] += f["cut"]
        totals["pairs"] += f["pairs"]
        totals["height"] += f["height"]
        totals["tallest"] = max(totals["tallest"], f["tallest"])
        totals["small_actor"] += bool(f["actor_pt"]) and min(f["actor_pt"]) < 8
        totals["small_title"] += bool(f["title_pt"]) and min(f["title_pt"]) < 8
        actor_sizes.update(f["actor_pt"][:1])
        whole_sizes.update(f["actor_pt_whole"][:1])
        # Fill of every page but the last: the last page holds what is left.
        low_fill += f["fills"][:-1]
    n = args.generated
    print()
    print(f"{n} SOP buatan (benih {args.seed}):")
    print(f"  halaman bagan: {totals['pages']} (batas bawah {totals['bound']}); SOP di atas batas: {totals['over']}")
    print(f"  loop terputus: {totals['cut']}; pasangan penghubung antarhalaman: {totals['pairs']}")
    print(f"  tinggi tabel seluruhnya: {totals['height']:.0f} mm; baris tertinggi {totals['tallest']:.1f} mm")
    if low_fill:
        low_fill.sort()
        print(f"  isi halaman (kecuali halaman terakhir): terendah {100 * low_fill[0]:.0f}%, "
              f"median {100 * low_fill[len(low_fill) // 2]:.0f}%, di bawah 50%: "
              f"{sum(1 for x in low_fill if x < 0.5)} dari {len(low_fill)}")
    print(f"  SOP dengan judul pelaksana < 8 pt: {totals['small_actor']}; judul kolom < 8 pt: {totals['small_title']}")
    print("  ukuran judul pelaksana (pt: jumlah SOP): "
          + ", ".join(f"{k:g}: {v}" for k, v in sorted(actor_sizes.items(), reverse=True))
          + "; dengan aturan lama (8, 7, 6): "
          + ", ".join(f"{k:g}: {v}" for k, v in sorted(whole_sizes.items(), reverse=True)))
    print()
    print("Waktu (terbaik dari 15 kali): memilih lebar kolom teks dan memilih pemisah halaman")
    for steps in (100, 300):
        sop = generate_sop(random.Random(steps), steps, 8)
        ids = [a.id for a in sop.actors]
        columns = flowchart_columns(sop.page, ids)
        flows = _flows(sop, columns)
        in_degree, out_degree = degrees(flows, steps)
        content = column_content(sop, columns, in_degree, out_degree)
        chosen = flowchart_columns(sop.page, ids, content=content)
        rows = build_rows(sop, chosen, measure, in_degree, out_degree)
        room = content_box(sop.page).height - build_header(sop, chosen, measure, False).height
        fit = best_ms(lambda: flowchart_columns(sop.page, ids, content=column_content(sop, columns, in_degree,
                                                                                      out_degree)))
        breaks = best_ms(lambda: _paginate(rows, flows, room, sop.page.offpage_labels))
        print(f"  {steps} langkah: lebar kolom {fit:.2f} ms, pemisah halaman {breaks:.2f} ms")


def best_ms(run, times: int = 15) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best * 1000


if __name__ == "__main__":
    main()

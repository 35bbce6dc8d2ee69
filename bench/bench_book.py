"""Buku SOP of 100 generated SOPs of 10-40 steps: time and peak memory; goal: the PDF in under 30 s.

Each format is timed in a fresh process, so its peak resident memory is its own (the layout of
every SOP included, as the book needs all page numbers before it writes the daftar isi).
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOPS = 100
STEPS = (10, 40)
GOAL_S = 30.0


def _sops():
    from bench.generate import generate_sop

    rng = random.Random(2024)
    sops = []
    for number in range(1, SOPS + 1):
        sop = generate_sop(rng, rng.randint(*STEPS), rng.randint(3, 7))
        sop.identity.nomor = f"800/{number}/BU/2024"
        sops.append(sop)
    return sops


def _one(extension: str) -> dict:
    """Runs in the child process: one book, its figures as JSON on stdout."""
    import resource

    from sopdesk.book import DEFAULT_TEMPLATE, BookInfo, BookJob, BookOutput, read_template
    from sopdesk.outputs import laid_out
    from sopdesk.qt.fonts import ensure_app, qt_measure

    ensure_app()
    sops = _sops()
    if extension == ".pdf":
        from sopdesk.qt.book_pdf import PdfBookWriter

        writer = PdfBookWriter()
    else:
        from sopdesk.exporters.docx_book import DocxBookWriter
        from sopdesk.qt.raster import rasterize_image, render_flowchart_layer

        writer = DocxBookWriter(render_flowchart_layer, rasterize_image)
    folder = Path(tempfile.mkdtemp(prefix="sopdesk-bench-buku-"))
    target = folder / f"buku{extension}"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    laid = [0.0, 0.0]

    def progress(step):
        if step.done == SOPS:  # every SOP laid out; the book is written from here on
            laid[0] = time.perf_counter() - began
            laid[1] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    job = BookJob(sops, BookInfo(penetapan=read_template(DEFAULT_TEMPLATE)), [BookOutput(target, writer)],
                  laid_out, qt_measure())
    plan = job.run(progress)
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = target.stat().st_size
    target.unlink()
    folder.rmdir()
    return {"seconds": elapsed, "layout": laid[0], "pages": plan.total_pages, "steps": sum(len(s.steps) for s in sops),
            "rss_mb": peak / 1024, "rss_before_mb": before / 1024, "rss_laid_out_mb": laid[1] / 1024,
            "size_mb": size / 2 ** 20}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(_one(sys.argv[2])))
        return
    print(f"Buku SOP of {SOPS} generated SOPs of {STEPS[0]}-{STEPS[1]} steps (with penetapan and daftar isi)")
    print("peak RSS: the process's peak resident memory (at start / once every SOP is laid out / at the end)")
    print(f"{'format':>6} {'pages':>5} {'steps':>5} {'total':>8} {'layout':>8} {'peak RSS':>20} {'size':>7}")
    for extension in (".pdf", ".docx"):
        result = subprocess.run([sys.executable, __file__, "--one", extension], capture_output=True, text=True,
                                check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{extension[1:]:>6} {figures['pages']:>5} {figures['steps']:>5} {figures['seconds']:>7.1f}s "
              f"{figures['layout']:>7.1f}s {figures['rss_before_mb']:>5.0f}/{figures['rss_laid_out_mb']:>4.0f}/"
              f"{figures['rss_mb']:>4.0f} MB "
              f"{figures['size_mb']:>5.1f}MB")
        if extension == ".pdf":
            verdict = "met" if figures["seconds"] < GOAL_S else "MISSED"
            print(f"       goal: PDF under {GOAL_S:.0f} s -> {verdict}")


if __name__ == "__main__":
    main()

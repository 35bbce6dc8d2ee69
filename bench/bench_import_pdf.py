"""PDF import speed over the dev set of real signed SOP PDFs (../shared/corpus/pdf-bps).

Goal: a 2-page SOP PDF imported in under 1 s. Prints, per file, the median and the maximum of
several imports in this process (pypdfium2 already loaded, as in the running app), then the
whole dev set imported one file after another in a fresh child process, with its total time and
the child's peak memory (resource.getrusage maxrss; on Windows, where that is missing, the peak
is not printed).

    python bench/bench_import_pdf.py [FOLDER]
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sopdesk.importers.pdf import import_pdf
from sopdesk.interchange import InterchangeError

DEV = ROOT.parent / "shared" / "corpus" / "pdf-bps"
RUNS = 5
GOAL_S = 1.0


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def per_file(files: list[Path]) -> None:
    print(f"Impor PDF per berkas, median dan maksimum dari {RUNS} kali (target: PDF 2 halaman < {GOAL_S} s)")
    print(f"{'berkas':58} {'hal':>3} {'langkah':>7} {'median s':>9} {'maks s':>7}")
    medians = []
    two_page = []
    for path in files:
        times = []
        steps = 0
        for _ in range(RUNS):
            began = time.perf_counter()
            try:
                result = import_pdf(path)
                steps = sum(len(sop.steps) for sop, _ in result.sops)
            except InterchangeError:
                steps = -1
            times.append(time.perf_counter() - began)
        median, worst = statistics.median(times), max(times)
        medians.append(median)
        pages = _pages(path)
        if pages == 2:
            two_page.append(worst)
        print(f"{path.name[:58]:58} {pages:>3} {steps:>7} {median:>9.3f} {worst:>7.3f}")
    print(f"semua berkas: median {statistics.median(medians):.3f} s, maksimum {max(medians):.3f} s (median per berkas)")
    if two_page:
        verdict = "tercapai" if max(two_page) < GOAL_S else "TIDAK tercapai"
        print(f"PDF 2 halaman ({len(two_page)} berkas): terlama {max(two_page):.3f} s; target < {GOAL_S} s {verdict}")


_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from sopdesk.importers.pdf import import_pdf
from sopdesk.interchange import InterchangeError
files = [Path(p) for p in json.loads(sys.argv[2])]
began = time.perf_counter()
steps = refused = 0
for path in files:
    try:
        steps += sum(len(sop.steps) for sop, _ in import_pdf(path).sops)
    except InterchangeError:
        refused += 1
elapsed = time.perf_counter() - began
try:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
except Exception:
    peak_mb = None
print(json.dumps({"seconds": elapsed, "steps": steps, "refused": refused, "peak_mb": peak_mb}))
"""


def whole_folder(files: list[Path]) -> None:
    if sys.platform == "win32":
        print("Seluruh folder: ukuran memori puncak tidak diukur di Windows (resource tidak tersedia).")
    out = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), json.dumps([str(p) for p in files])],
                         capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    peak = f"{figures['peak_mb']:.0f} MB" if figures["peak_mb"] is not None else "tidak diukur"
    print(f"Seluruh folder berurutan, proses baru: {len(files)} berkas, {figures['steps']} langkah, "
          f"{figures['refused']} ditolak, total {figures['seconds']:.2f} s, memori puncak {peak}")


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEV
    files = sorted(folder.glob("*.pdf")) + sorted(folder.glob("raster-chart/*.pdf"))
    if not files:
        print(f"Tidak ada PDF di {folder}; benchmark dilewati.")
        return
    per_file(files)
    whole_folder(files)


if __name__ == "__main__":
    main()

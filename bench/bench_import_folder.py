"""A whole archive at once: `sopdesk import` over the dev corpus and the fixtures, into a fresh library.

Prints the total time, the time per file (median and maximum, by kind) and the peak memory of the
process that runs the import (a child, so this script's own imports do not count). Pass folders to
import other archives: `python bench/bench_import_folder.py FOLDER...`.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = ROOT.parent / "shared" / "fixtures"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from sopdesk.importers import batch
from sopdesk.storage import Library

paths, library_dir = sys.argv[1:-1], sys.argv[-1]
began = time.perf_counter()
sources, problems = batch.find_files(paths)
timings = []
with Library.open(library_dir) as library:
    filer = batch.Filer(library, lambda *_: batch.Decision.SKIP)
    for source in sources:
        start = time.perf_counter()
        filer.file(batch.read_source(source))
        timings.append((source.path.suffix.lower(), time.perf_counter() - start))
total = time.perf_counter() - began
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcomes = {}
for row in filer.rows:
    outcomes[row.outcome.value] = outcomes.get(row.outcome.value, 0) + 1
failed = [f"{row.file}: {row.note}" for row in filer.rows if row.outcome.failed]
print(json.dumps({"total": total, "timings": timings, "peak_kb": peak_kb, "outcomes": outcomes, "failed": failed}))
"""


def main() -> None:
    # The corpus's own reference JSONs (expected/, basarnas-sop-0008.json) are answers, not archive files.
    pdfs = CORPUS / "pdf-bps"
    paths = sys.argv[1:] or [*map(str, sorted(pdfs.glob("*.pdf"))), str(pdfs / "raster-chart"),
                             *map(str, sorted((CORPUS / "xlsx").glob("*.xlsx"))), str(FIXTURES)]
    with tempfile.TemporaryDirectory(prefix="sopdesk-bench-folder-") as library:
        result = subprocess.run([sys.executable, "-c", CHILD, *paths, library], cwd=ROOT, capture_output=True,
                                text=True, check=False)
    if result.returncode != 0:
        print(result.stderr)
        raise SystemExit(result.returncode)
    data = json.loads(result.stdout.strip().splitlines()[-1])
    timings = data["timings"]
    print(f"berkas: {len(timings)}; hasil: {data['outcomes']}")
    for line in data["failed"]:
        print(f"  gagal: {line}")
    print(f"waktu total: {data['total']:.2f} s; memori puncak: {data['peak_kb'] / 1024:.0f} MB")
    by_kind: dict[str, list[float]] = {}
    for kind, seconds in timings:
        by_kind.setdefault(kind, []).append(seconds)
    for kind, values in sorted(by_kind.items()):
        values.sort()
        median = values[len(values) // 2]
        print(f"  {kind}: {len(values)} berkas, median {median * 1000:.0f} ms, maksimum {values[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()

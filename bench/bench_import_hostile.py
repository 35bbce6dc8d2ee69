"""Import time of crafted hostile files: every one must be read or refused within 10 s (each file under 10 MB).

The workbooks are built in code (tests/xlsx_hostile.py): long texts in workbook.xml, thousands of
duplicated elements, 2,000 sheets, 5,000 shapes, 60,000 defined names, a label or a tick in every cell
up to the cell cap, thousands of would-be SOPs, a million shared strings, 64,000 cell formats. The JSON
inputs are nested
1,000 and 100,000 deep, hold a lone surrogate, or are odd in other ways. Each figure is one import
in this process; the outcome is "dibaca" (read, with the number of SOPs) or the first words of the
refusal.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sopdesk.importers.xlsx import import_xlsx  # noqa: E402
from sopdesk.interchange import InterchangeError, read_sop_json  # noqa: E402
from tests.xlsx_hostile import CRAFTED  # noqa: E402

GOAL_S = 10.0

JSON_CRAFTED = {
    "json-bersarang-1000": b"[" * 1000 + b"]" * 1000,
    "json-bersarang-100000": b"[" * 100_000,
    "json-objek-bersarang": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "json-surrogate-tunggal": b'{"format": "sop-fixture/1", "nama": "\\ud800"}',
    "json-angka-raksasa": b'{"format": "sop-fixture/1", "revisi_ke": 1' + b"0" * 100_000 + b"}",
    "json-kunci-500000": b"{" + b",".join(b'"k%d":0' % n for n in range(500_000)) + b"}",
}


def run(name: str, size: int, call) -> float:
    began = time.perf_counter()
    try:
        outcome = call()
    except InterchangeError as exc:
        outcome = "ditolak: " + str(exc).split(": ", 1)[-1][:70]
    elapsed = time.perf_counter() - began
    mark = "" if elapsed <= GOAL_S else "  <-- lebih dari 10 s"
    print(f"{name:28} {size / 1e6:6.2f} MB {elapsed:7.2f} s  {outcome}{mark}")
    return elapsed


def main() -> None:
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name, build in CRAFTED.items():
            path = Path(folder) / f"{name}.xlsx"
            path.write_bytes(build())
            worst = max(worst, run(name, path.stat().st_size,
                                   lambda p=path: f"dibaca: {len(import_xlsx(p).sops)} SOP"))
        for name, data in JSON_CRAFTED.items():
            path = Path(folder) / f"{name}.json"
            path.write_bytes(data)
            worst = max(worst, run(name, len(data), lambda p=path: f"dibaca: {read_sop_json(p).identity.nama!r}"))
    print(f"terlama {worst:.2f} s (sasaran: paling lama {GOAL_S:.0f} s per berkas)")


if __name__ == "__main__":
    main()

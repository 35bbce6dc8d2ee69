"""Impor Word speed and memory: SOP Desk's own exports (20, 100, 300 steps) and crafted hostile files.

Goal (issue 10): any file under 10 MB read or refused within 10 s, with bounded memory. Prints
per case the file size, the time, the peak memory traced by Python and the result.
"""
from __future__ import annotations

import io
import json
import random
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk.exporters.docx import docx_bytes  # noqa: E402
from sopdesk.exporters.docx_native import NATIVE_NS  # noqa: E402
from sopdesk.importers.docx import DocxImportError, import_docx  # noqa: E402
from sopdesk.interchange import sop_to_native  # noqa: E402
from sopdesk.layout import estimate_measure, layout  # noqa: E402

GOAL_S = 10.0
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def exported(steps: int) -> bytes:
    sop = generate_sop(random.Random(steps), steps, 8)
    return docx_bytes(layout(sop, estimate_measure), sop)


def rewrite(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            part = change(info.filename, old.read(info))
            if part is not None:
                new.writestr(info.filename, part)
    return out.getvalue()


def native_part(payload: str) -> bytes:
    pieces = "".join(f"<sd:sop>{payload[i:i + 1_000_000]}</sd:sop>" for i in range(0, len(payload), 1_000_000))
    return f'<sd:sopdesk xmlns:sd="{NATIVE_NS}" format="sopdesk-docx/1" teks="x">{pieces}</sd:sopdesk>'.encode()


def cases() -> dict[str, bytes]:
    found = {f"ekspor {n} langkah": exported(n) for n in (20, 100, 300)}
    base = found["ekspor 20 langkah"]
    found["1,5 juta w:t dalam satu tabel"] = rewrite(base, lambda n, d: (
        b"<w:document " + W + b"><w:body><w:tbl>" + b"<w:r><w:t>x</w:t></w:r>" * 1_500_000
        + b"</w:tbl></w:body></w:document>") if n == "word/document.xml" else d)
    found["bersarang 100.000"] = rewrite(base, lambda n, d: (
        b"<w:document " + W + b"><w:body>" + b"<w:p>" * 100_000 + b"</w:p>" * 100_000
        + b"</w:body></w:document>") if n == "word/document.xml" else d)
    data = sop_to_native(generate_sop(random.Random(1), 20, 8))
    data["steps"] = [dict(data["steps"][1], id=f"s{i}") for i in range(60_000)]
    payload = json.dumps(data, ensure_ascii=True)
    found["data 60.000 langkah"] = rewrite(base, lambda n, d: native_part(payload)
                                           if n.startswith("customXml/item") and NATIVE_NS.encode() in d else d)
    found["JSON bersarang 200.000"] = rewrite(base, lambda n, d: native_part("[" * 200_000 + "]" * 200_000)
                                              if n.startswith("customXml/item") and NATIVE_NS.encode() in d else d)
    found["bagian 60 MB nol"] = rewrite(base, lambda n, d: b"\x00" * (60 * 2**20)
                                        if n == "word/document.xml" else d)
    return found


def main() -> None:
    print(f"Impor Word: waktu dan memori puncak (tujuan: berkas < 10 MB dalam {GOAL_S:.0f} s)")
    print(f"{'kasus':32} {'ukuran':>9} {'waktu':>8} {'memori':>8}  hasil")
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name, data in cases().items():
            path = Path(folder) / "uji.docx"
            path.write_bytes(data)
            tracemalloc.start()
            start = time.perf_counter()
            try:
                (sop, report), = import_docx(path).sops
                result = f"terbaca, {len(sop.steps)} langkah, {len(report.guessed)} tebakan"
            except DocxImportError as exc:
                result = "ditolak: " + str(exc).split(": ", 1)[-1][:70]
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            worst = max(worst, elapsed)
            print(f"{name:32} {len(data) // 1024:>6} KB {elapsed:>7.2f}s {peak // 2**20:>5} MB  {result}")
    print(f"      terlama {worst:.2f} s -> {'tercapai' if worst < GOAL_S else 'BELUM tercapai'}")


if __name__ == "__main__":
    main()

"""Cold start of the window: from launching Python to the first painted window (goal: under 1.5 s)."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys
from PySide6.QtCore import QTimer
from ui.app import start
app, window = start(sys.argv)
def shown():
    print("siap", flush=True)
    window.library.close()
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


def one_start(home: Path) -> float:
    env = dict(os.environ, SOPDESK_HOME=str(home))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    began = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - began
    if "siap" not in out.stdout:
        raise SystemExit(f"the window did not start:\n{out.stderr}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        one_start(home)  # first run creates the library and warms the disk cache
        times = [one_start(home) for _ in range(5)]
    print(f"window start, empty library: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms (goal < 1500 ms)")


if __name__ == "__main__":
    main()

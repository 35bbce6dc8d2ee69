"""Set up a local environment and run SOP Desk or its tests: `python dev.py run` / `python dev.py test`.

Works the same on Windows and Linux with nothing but Python 3.11 and pip: the first
call creates .venv beside this file and installs the project into it; later calls
reinstall only when pyproject.toml changed.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".sopdesk-installed"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_environment() -> Path:
    python = venv_python()
    if not python.exists():
        print("Menyiapkan lingkungan Python di .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Memasang dependensi SOP Desk ...", flush=True)
        subprocess.check_call([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                               "-e", f"{ROOT}[test]"])
        STAMP.write_text(wanted)
    return python


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    rest = argv[1:]
    if command not in ("run", "test", "bench"):
        print("Pemakaian: python dev.py run | test [argumen pytest] | bench", file=sys.stderr)
        return 2
    python = str(ensure_environment())
    if command == "run":
        return subprocess.call([python, str(ROOT / "main.py"), *rest])
    if command == "test":
        return subprocess.call([python, "-m", "pytest", *rest], cwd=ROOT)
    code = 0
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        code |= subprocess.call([python, str(script), *rest], cwd=ROOT)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

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


# What Qt's xcb platform plugin links against, by Debian/Ubuntu package. A fresh desktop install
# lacks some of them (libxcb-icccm4, libxcb-keysyms1 ...), and Qt then stops with a message that
# names only libxcb-cursor0, even when that one is installed.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xinput.so.0": "libxcb-xinput0", "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1", "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0", "libGLdispatch.so.0": "libglvnd0", "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6", "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0", "libSM.so.6": "libsm6", "libICE.so.6": "libice6",
    "libXau.so.6": "libxau6", "libXdmcp.so.6": "libxdmcp6", "libpng16.so.16": "libpng16-16",
    "libexpat.so.1": "libexpat1", "libbrotlidec.so.1": "libbrotli1", "libbrotlicommon.so.1": "libbrotli1",
    "libbsd.so.0": "libbsd0", "libmd.so.0": "libmd0", "libxcb-glx.so.0": "libxcb-glx0",
}


def missing_sonames(ldd_output: str) -> list[str]:
    """The libraries `ldd` reports as "not found", in order, each once."""
    found: list[str] = []
    for line in ldd_output.splitlines():
        name, _, where = line.strip().partition("=>")
        if where.strip() == "not found" and name.strip() not in found:
            found.append(name.strip())
    return found


def apt_packages(sonames: list[str]) -> tuple[list[str], list[str]]:
    """(Debian packages to install, sonames the table does not know)."""
    packages: list[str] = []
    unknown: list[str] = []
    for soname in sonames:
        package = DEBIAN_PACKAGES.get(soname)
        if package is None:
            unknown.append(soname)
        elif package not in packages:
            packages.append(package)
    return packages, unknown


def qt_libraries_message(sonames: list[str]) -> str:
    """What to tell the user, in Indonesian and English, with the exact apt-get line; "" when nothing is missing."""
    if not sonames:
        return ""
    packages, unknown = apt_packages(sonames)
    names = ", ".join(sonames)
    lines = [f"SOP Desk tidak dapat membuka jendela: pustaka sistem yang diperlukan Qt belum terpasang ({names}).",
             f"SOP Desk cannot open its window: system libraries that Qt needs are missing ({names}).", ""]
    if packages:
        lines += ["Pasang dengan / Install them with:", "", f"    sudo apt-get install {' '.join(packages)}", ""]
    if unknown:
        lines += [f"Cari paket untuk / Find the package for: {', '.join(unknown)} (apt-file search NAMA)", ""]
    return "\n".join(lines)


def qt_plugin_ldd(python: Path) -> str:
    """`ldd` of Qt's xcb plugin and its XcbQpa library inside the environment; "" when that cannot be run."""
    probe = ("import pathlib, PySide6; root = pathlib.Path(PySide6.__file__).parent / 'Qt'; "
             "print(root / 'plugins' / 'platforms' / 'libqxcb.so'); print(root / 'lib' / 'libQt6XcbQpa.so.6')")
    try:
        paths = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True).stdout.split()
        return "".join(subprocess.run(["ldd", path], capture_output=True, text=True, check=False).stdout
                       for path in paths if Path(path).exists())
    except (OSError, subprocess.CalledProcessError):
        return ""  # no ldd, or PySide6 not where expected: let Qt speak for itself


def check_qt_libraries(python: Path) -> str:
    """On Linux with the X11 (xcb) platform: the message for missing Qt system libraries, or ""."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM", "xcb") not in ("", "xcb"):
        return ""
    return qt_libraries_message(missing_sonames(qt_plugin_ldd(python)))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    rest = argv[1:]
    if command not in ("run", "test", "bench"):
        print("Pemakaian: python dev.py run | test [argumen pytest] | bench", file=sys.stderr)
        return 2
    python = str(ensure_environment())
    if command == "run":
        message = check_qt_libraries(Path(python))
        if message:
            print(message, file=sys.stderr)
            return 1
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

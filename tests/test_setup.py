"""dev.py run on a fresh Linux desktop: missing Qt system libraries are named with the apt-get line."""
import importlib.util
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

LDD_FRESH_DESKTOP = """\
\tlinux-vdso.so.1 (0x00007ffd5a3f2000)
\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f1c2c000000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f1c2bf00000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibfoo-unknown.so.7 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1c2b800000)
"""


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_missing_libraries_are_read_from_ldd(dev):
    assert dev.missing_sonames(LDD_FRESH_DESKTOP) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                                                      "libfoo-unknown.so.7"]
    assert dev.apt_packages(dev.missing_sonames(LDD_FRESH_DESKTOP)) == (
        ["libxcb-icccm4", "libxcb-keysyms1"], ["libfoo-unknown.so.7"])


def test_the_message_gives_the_exact_apt_get_line_in_both_languages(dev):
    message = dev.qt_libraries_message(dev.missing_sonames(LDD_FRESH_DESKTOP))
    assert "    sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "pustaka sistem yang diperlukan Qt belum terpasang" in message
    assert "system libraries that Qt needs are missing" in message
    assert "libfoo-unknown.so.7" in message
    assert dev.qt_libraries_message([]) == ""


@pytest.mark.parametrize("soname, package", [("libxcb-cursor.so.0", "libxcb-cursor0"),
                                              ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
                                              ("libEGL.so.1", "libegl1"), ("libdbus-1.so.3", "libdbus-1-3")])
def test_the_table_maps_sonames_to_debian_packages(dev, soname, package):
    assert dev.apt_packages([soname]) == ([package], [])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check runs on Linux only")
def test_on_this_machine_the_real_plugin_is_checked_and_every_missing_library_is_named(dev, monkeypatch):
    # CI machines have no desktop libraries; a developer's machine has them all. Either way the message
    # must name a package for every library ldd cannot find, and be empty only when none is missing.
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    output = dev.qt_plugin_ldd(Path(sys.executable))
    assert "libxcb-icccm.so.4 =>" in output  # the real plugin was inspected
    missing = dev.missing_sonames(output)
    packages, unknown = dev.apt_packages(missing)
    assert unknown == []
    message = dev.check_qt_libraries(Path(sys.executable))
    if missing:
        assert f"sudo apt-get install {' '.join(packages)}" in message
    else:
        assert message == ""


def test_another_platform_is_not_checked(dev, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "wayland")
    assert dev.check_qt_libraries(Path(sys.executable)) == ""

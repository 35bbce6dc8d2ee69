"""Where the user's library is, read without Qt from the settings file the window keeps (ui/ui_state.py).

The window stores its settings with QSettings in INI format; a library moved in Preferensi is
its "pustaka/folder" value. Headless commands read the same file so that `sopdesk import`
fills the library the window shows, and SOPDESK_HOME means the same for both.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .storage import default_library_dir

MAX_SETTINGS_BYTES = 4 * 1024 * 1024


def settings_file() -> Path:
    """The INI file the window uses: $SOPDESK_HOME/sopdesk.ini, or QSettings' user INI for "SOP Desk"."""
    home = os.environ.get("SOPDESK_HOME")
    if home:
        return Path(home) / "sopdesk.ini"
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "SOP Desk" / "SOP Desk.ini"


def user_library_dir() -> Path:
    """The library the window opens: the folder chosen in Preferensi, else the default one."""
    home = os.environ.get("SOPDESK_HOME")
    chosen = ini_value(settings_file(), "pustaka", "folder")
    if chosen:
        return Path(chosen)
    return Path(home) / "pustaka" if home else default_library_dir()


def ini_value(path: Path, section: str, key: str) -> str:
    """One string value of a QSettings INI file; "" when the file, the section or the key is missing."""
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            return ""
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return ""
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current != section or "=" not in line or line.startswith((";", "#")):
            continue
        name, _, value = line.partition("=")
        if name.strip() == key:
            return unescape_qt_ini(value.strip())
    return ""


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"',
            "'": "'", "?": "?", ";": ";", ",": ",", "=": "="}


def unescape_qt_ini(value: str) -> str:
    """A value as QSettings wrote it: quotes around text with special characters, backslash escapes.

    A list (commas outside quotes) gives its first item; "@@" at the start stands for "@".
    """
    out: list[str] = []
    quoted = False
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and i + 1 < len(value):
            i += 1
            nxt = value[i]
            if nxt in "xX":
                digits = ""
                while i + 1 < len(value) and len(digits) < 4 and value[i + 1] in "0123456789abcdefABCDEF":
                    i += 1
                    digits += value[i]
                out.append(chr(int(digits, 16)) if digits else nxt)
            else:
                out.append(_ESCAPES.get(nxt, nxt))
        elif ch == "," and not quoted:
            break
        else:
            out.append(ch)
        i += 1
    text = "".join(out)
    return text[1:] if text.startswith("@@") else text

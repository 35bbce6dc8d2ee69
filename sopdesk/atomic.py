"""Crash-safe file writes (a sibling temp file, fsync, os.replace, a directory fsync) and bounded reads."""
from __future__ import annotations

import os
import secrets
import stat
import sys
import time
from pathlib import Path

TEMP_SUFFIX = ".sopdesk-tmp"
"""Every temp file ends with this, so a clean-up can never mistake a user's file for one of ours."""

IS_WINDOWS = sys.platform == "win32"
# Antivirus scanners, search indexers and a second reader open files briefly without
# FILE_SHARE_DELETE, which makes os.replace fail on Windows until they let go.
_WINDOWS_RETRIES = 6
_WINDOWS_RETRY_SLEEP = 0.05


def temp_path_for(path: Path) -> Path:
    # Same folder as the target: os.replace is only atomic within one filesystem.
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")


def is_temp_file(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that any reader, or a restart after a crash, sees the old or the new bytes.

    On failure the old file is untouched, the temp file is gone and the OSError propagates.
    """
    path = Path(path)
    temp = temp_path_for(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o644)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        replace(temp, path)
    except BaseException:
        _remove_quietly(temp)
        raise
    fsync_dir(path.parent)


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a folder or a socket: reading it could block or never end."""


class FileTooLarge(OSError):
    """A regular file bigger than the caller's limit; its size is in `size`."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__(f"{path}: {size} bytes")
        self.size = size


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; symlinks to regular files are followed.

    The type is checked on the opened descriptor, not on the name, so a file swapped for a FIFO
    between a listing and this read cannot block (O_NONBLOCK makes the open itself return at once).
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise NotRegularFile(f"{path}") from None
    except PermissionError:
        # Windows refuses to open a folder with PermissionError; say what it really is.
        if os.path.isdir(path):
            raise NotRegularFile(f"{path}") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path}")
        if info.st_size > limit:
            raise FileTooLarge(path, info.st_size)
        chunks = []
        left = limit + 1  # a file that grows while we read is still cut off at the limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise FileTooLarge(path, len(data))
        return data
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def replace(source: Path, target: Path) -> None:
    """os.replace, retried on Windows while another program briefly holds the target open."""
    attempt = 0
    while True:
        try:
            os.replace(source, target)
            return
        except PermissionError:
            attempt += 1
            if not IS_WINDOWS or attempt >= _WINDOWS_RETRIES:
                raise
            time.sleep(_WINDOWS_RETRY_SLEEP * attempt)


def fsync_file(path: Path) -> None:
    """Flush a file another writer wrote and closed (office libraries close without fsync): without this a
    power cut right after the replace could leave an empty file under the final name."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new name in `folder` survive a power cut (POSIX only)."""
    if IS_WINDOWS:
        # Windows cannot open a directory as a file; NTFS journals the rename itself.
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems (and network shares) refuse fsync on a directory; nothing more can be done
    finally:
        os.close(fd)


def remove_stale_temps(folder: Path) -> int:
    """Delete temp files a crashed writer left in `folder`; only call it while holding the library lock."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if is_temp_file(entry.name) and entry.is_file(follow_symlinks=False):
            if _remove_quietly(Path(entry.path)):
                removed += 1
    return removed


def _remove_quietly(path: Path) -> bool:
    try:
        os.unlink(path)
        return True
    except OSError:
        return False

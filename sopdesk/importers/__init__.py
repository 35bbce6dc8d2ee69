"""Importers turn other programs' files into SOPs, each with a report of what was read, guessed or left out.

The report types live here, not in one importer, because every importer (Excel now, Word
later) answers the user the same way: which parts came across, which were inferred, and
which could not be read, in Indonesian, naming the place in the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Sop


@dataclass
class ImportReport:
    """Indonesian lines for the user; sheet places are written like "Flowchart!C12"."""

    read: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    def extend(self, other: ImportReport) -> None:
        self.read.extend(other.read)
        self.guessed.extend(other.guessed)
        self.unread.extend(other.unread)


@dataclass
class ImportResult:
    """Every SOP found in one file, in the order they appear there."""

    sops: list[tuple[Sop, ImportReport]] = field(default_factory=list)


__all__ = ["ImportReport", "ImportResult"]

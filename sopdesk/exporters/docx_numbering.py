"""Word's own list numbering (numbering.xml, w:numPr) for the numbered items of the identity boxes."""
from __future__ import annotations

import re

from lxml import etree

from ..layout.page_model import Paragraph
from .docx_drawing import qn, run_properties, sub

_MARKER = re.compile(r"(\d{1,6})\.")
_FIRST_ID = 9001
"""Ids above the template's own lists, so none is shared with a list style Word already knows."""


class ListNumbering:
    """Hands out one Word list per numbered box, each starting at the box's own first number.

    Each list has an abstract numbering of its own (one level, "%1.", the box's hanging indent and
    font) rather than one shared definition restarted with lvlOverride, because LibreOffice and Word
    both treat paragraphs of one abstract definition as one list in some versions.
    """

    def __init__(self, word) -> None:
        self.root = word.part.numbering_part.element
        used = [int(n.get(qn("w:numId"))) for n in self.root.findall(qn("w:num"))]
        used += [int(n.get(qn("w:abstractNumId"))) for n in self.root.findall(qn("w:abstractNum"))]
        self._next_id = max([_FIRST_ID - 1, *used]) + 1
        self._lists: dict[object, tuple[int, int]] = {}  # key -> (numId, number the next item must have)

    def number_paragraph(self, p_pr: etree._Element, paragraph: Paragraph, key: object) -> bool:
        """Give `paragraph` its place in the list named `key`; False when its marker is no plain "N." (typed then)."""
        match = _MARKER.fullmatch(paragraph.number)
        if match is None:
            return False
        number = int(match.group(1))
        current = self._lists.get(key)
        if current is None or current[1] != number:
            current = (self._new_list(number, paragraph), number)
        self._lists[key] = (current[0], number + 1)
        num_pr = etree.Element(qn("w:numPr"))
        sub(num_pr, "w:ilvl", {"w:val": 0})
        sub(num_pr, "w:numId", {"w:val": current[0]})
        p_pr.insert(0, num_pr)  # numPr comes before spacing, indent and alignment in w:pPr
        return True

    def _new_list(self, start: int, paragraph: Paragraph) -> int:
        list_id = self._next_id
        self._next_id += 1
        indent = round(paragraph.indent_mm * 1440 / 25.4)
        abstract = etree.Element(qn("w:abstractNum"))
        abstract.set(qn("w:abstractNumId"), str(list_id))
        sub(abstract, "w:nsid", {"w:val": f"5D{list_id:06X}"})
        sub(abstract, "w:multiLevelType", {"w:val": "singleLevel"})
        level = sub(abstract, "w:lvl", {"w:ilvl": 0})
        sub(level, "w:start", {"w:val": start})
        sub(level, "w:numFmt", {"w:val": "decimal"})
        sub(level, "w:lvlText", {"w:val": "%1."})
        sub(level, "w:lvlJc", {"w:val": "left"})
        level_p_pr = sub(level, "w:pPr")
        sub(level_p_pr, "w:ind", {"w:left": indent, "w:hanging": indent})
        run_properties(level, paragraph.size_pt, paragraph.bold, paragraph.italic)
        # Every abstractNum comes before the first num in numbering.xml.
        first_num = self.root.find(qn("w:num"))
        if first_num is None:
            self.root.append(abstract)
        else:
            first_num.addprevious(abstract)
        num = etree.Element(qn("w:num"))
        num.set(qn("w:numId"), str(list_id))
        sub(num, "w:abstractNumId", {"w:val": list_id})
        nums = self.root.findall(qn("w:num"))
        cleanup = self.root.find(qn("w:numIdMacAtCleanup"))
        if nums:
            nums[-1].addnext(num)
        elif cleanup is not None:
            cleanup.addprevious(num)
        else:
            self.root.append(num)
        return list_id

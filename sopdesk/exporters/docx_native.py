"""The SOP's own data inside the Word file (a custom XML part), and the fingerprint of the text it was written with.

Word and LibreOffice keep custom XML parts they do not understand when they save, so an
exported .docx carries the exact SOP (ids, decisions, page settings, logo) back to Impor Word.
The part also holds a digest of the document's table text as exported: when it no longer
matches, the text was edited after export and the import says that those edits are not taken.
"""
from __future__ import annotations

import hashlib
import json
import uuid

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from ..interchange import sop_to_native
from ..model import Sop

NATIVE_NS = "urn:sopdesk:docx:1"
NATIVE_FORMAT = "sopdesk-docx/1"
PIECE_CHARS = 1 << 20
_DATASTORE_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SKIP = {f"{{{_W}}}drawing", f"{{{_W}}}pict", f"{{{_W}}}txbxContent",
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
"""Text inside drawings is not counted: readers rewrite shapes on saving (LibreOffice doubles each
text box into a fallback copy), while the table text, which is the SOP's content, stays as typed."""


def body_text_digest(body: etree._Element) -> str:
    """"sha256:<hex>" of the text of every table in the document body, whitespace left out."""
    pieces: list[str] = []
    text_tag = f"{{{_W}}}t"
    for table in body.iterchildren(f"{{{_W}}}tbl"):
        # Walked by lxml, not by Python recursion: a hostile file's depth or size costs no stack.
        # The set holds the elements themselves: lxml hands out the same proxy for a node while one is alive.
        skipped = {t for tag in _SKIP for inner in table.iter(tag) for t in inner.iter(text_tag)}
        pieces.extend(t.text for t in table.iter(text_tag) if t.text and t not in skipped)
    text = "".join("".join(pieces).split())
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def native_xml(sop: Sop, digest: str) -> bytes:
    """The custom XML part: the sopdesk/1 JSON of the SOP (ASCII only) and the text digest."""
    root = etree.Element(f"{{{NATIVE_NS}}}sopdesk", nsmap={"sd": NATIVE_NS})
    root.set("format", NATIVE_FORMAT)
    root.set("teks", digest)
    text = json.dumps(sop_to_native(sop), ensure_ascii=True, separators=(",", ":"))
    # In pieces, so that no text node reaches the XML parsers' 10 MB limit (a large logo would);
    # the JSON is ASCII, so a cut anywhere is safe and the pieces join back to the very text.
    for start in range(0, max(len(text), 1), PIECE_CHARS):
        etree.SubElement(root, f"{{{NATIVE_NS}}}sop").text = text[start:start + PIECE_CHARS]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def add_native_part(word, sop: Sop, digest: str) -> None:
    """Attach the native part (and the item properties Word wants beside every custom XML part)."""
    package = word.part.package
    item = Part(package.next_partname("/customXml/item%d.xml"), "application/xml", native_xml(sop, digest), package)
    word.part.relate_to(item, RT.CUSTOM_XML)
    item_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NATIVE_NS}:{sop.id}")).upper() + "}"
    props = etree.Element(f"{{{_DATASTORE_NS}}}datastoreItem", nsmap={"ds": _DATASTORE_NS})
    props.set(f"{{{_DATASTORE_NS}}}itemID", item_id)
    refs = etree.SubElement(props, f"{{{_DATASTORE_NS}}}schemaRefs")
    etree.SubElement(refs, f"{{{_DATASTORE_NS}}}schemaRef").set(f"{{{_DATASTORE_NS}}}uri", NATIVE_NS)
    name = str(item.partname).replace("/item", "/itemProps")
    props_part = Part(PackURI(name), CT.OFC_CUSTOM_XML_PROPERTIES,
                      etree.tostring(props, xml_declaration=True, encoding="UTF-8", standalone=True), package)
    item.relate_to(props_part, RT.CUSTOM_XML_PROPS)

"""Edits a Word file in LibreOffice the way a user would, through UNO; run by the system python that has `uno`.

Usage: python3 tests/lo_edit.py JOB.json. The job names the input .docx, a private profile
folder, the edits, and where to write the edited .docx, its PDF and a JSON report of the
drawings LibreOffice holds (names, kinds, positions in mm). tests/test_docx_editing.py starts
it in a subprocess, because `uno` lives in Debian's python, not in the project's venv.

Edits:
- {"op": "append_text", "find": TEXT, "text": MORE}: types MORE at the end of the first
  paragraph holding TEXT (lengthening a Kegiatan).
- {"op": "move_shape", "name": PREFIX, "dx_mm": X, "dy_mm": Y}: drags the first top-level
  drawing whose name starts with PREFIX (a page's chart group is "Bagan alir N").
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


def connect(profile: str):
    pipe = f"sopdesk_lo_edit_{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}", "--headless", "--invisible",
         "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # noqa: BLE001 - uno raises its own NoConnectException until the office listens
            if time.monotonic() > deadline or office.poll() is not None:
                office.kill()
                raise SystemExit("LibreOffice tidak dapat dijalankan")
            time.sleep(0.25)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    return office, desktop


def describe(shape, depth=0) -> dict:
    position, size = shape.Position, shape.Size
    item = {"name": shape.Name, "type": shape.ShapeType.rsplit(".", 1)[-1], "x": position.X / 100,
            "y": position.Y / 100, "w": size.Width / 100, "h": size.Height / 100}
    if shape.ShapeType == "com.sun.star.drawing.GroupShape" and depth < 2:
        item["children"] = [describe(shape.getByIndex(i), depth + 1) for i in range(shape.Count)]
    return item


def append_text(document, find: str, text: str) -> None:
    search = document.createSearchDescriptor()
    search.SearchString = find
    found = document.findFirst(search)
    if found is None:
        raise SystemExit(f"teks tidak ditemukan: {find}")
    cursor = found.getText().createTextCursorByRange(found.getEnd())
    cursor.gotoEndOfParagraph(False)
    found.getText().insertString(cursor, text, False)


def move_shape(document, prefix: str, dx_mm: float, dy_mm: float) -> None:
    page = document.DrawPage
    for index in range(page.Count):
        shape = page.getByIndex(index)
        if shape.Name.startswith(prefix):
            # What a drag does: the offset from the page edge (the anchor's relation) changes.
            shape.HoriOrientPosition = shape.HoriOrientPosition + round(dx_mm * 100)
            shape.VertOrientPosition = shape.VertOrientPosition + round(dy_mm * 100)
            return
    raise SystemExit(f"gambar tidak ditemukan: {prefix}")


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        job = json.load(handle)
    office, desktop = connect(job["profile"])
    try:
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["input"]), "_blank", 0,
                                                (prop("Hidden", True),))
        for edit in job.get("edits", []):
            if edit["op"] == "append_text":
                append_text(document, edit["find"], edit["text"])
            elif edit["op"] == "move_shape":
                move_shape(document, edit["name"], edit["dx_mm"], edit["dy_mm"])
            else:
                raise SystemExit(f"suntingan tidak dikenal: {edit['op']}")
        document.getCurrentController()  # forces the layout before positions are read
        page = document.DrawPage
        report = {"shapes": [describe(page.getByIndex(i)) for i in range(page.Count)]}
        if job.get("docx"):
            document.storeToURL(uno.systemPathToFileUrl(job["docx"]), (prop("FilterName", "MS Word 2007 XML"),))
        if job.get("pdf"):
            document.storeToURL(uno.systemPathToFileUrl(job["pdf"]), (prop("FilterName", "writer_pdf_Export"),))
        document.close(True)
        with open(job["report"], "w", encoding="utf-8") as handle:
            json.dump(report, handle)
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001, S110 - the office may already be gone; it is waited for below
            pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()

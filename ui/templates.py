"""The example SOPs shipped in resources/templates, offered by SOP Baru dari contoh."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from sopdesk.interchange import InterchangeError, read_sop_json
from sopdesk.model import PageSettings, Sop, new_id

from .ui_state import Profile

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "resources" / "templates"


class TemplateError(Exception):
    """An example file that cannot be read; the message is Indonesian."""


@dataclass(frozen=True)
class Template:
    name: str
    path: Path


def list_templates(folder: Path = TEMPLATES_DIR) -> list[Template]:
    """Every readable example, by Nama SOP; an unreadable file is left out rather than stopping the list."""
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            found.append(Template(read_sop_json(path).identity.nama or path.stem, path))
        except InterchangeError:
            continue
    return sorted(found, key=lambda t: t.name.casefold())


def load_template(template: Template, profile: Profile | None = None,
                  page: PageSettings | None = None) -> Sop:
    """A new SOP from the example: its content, a fresh id, and the profile where the profile says something."""
    try:
        sop = read_sop_json(template.path)
    except InterchangeError as exc:
        raise TemplateError(str(exc)) from None
    sop.id = new_id()
    sop.source = ""
    sop.notes = []
    if page is not None:
        sop.page = copy.deepcopy(page)  # Preferensi holds the page defaults of every new SOP
    if profile is not None:
        # An empty profile (a first start) leaves the example whole; a filled one says who the user is.
        mine = Sop()
        profile.apply_to(mine)
        ident = sop.identity
        if profile.instansi.strip():
            ident.instansi = mine.identity.instansi
            ident.unit_lines = list(mine.identity.unit_lines)
        if mine.identity.logo is not None:
            ident.logo = mine.identity.logo
        if profile.signer_jabatan.strip() or profile.signer_nama.strip():
            ident.signer = mine.identity.signer
    return sop

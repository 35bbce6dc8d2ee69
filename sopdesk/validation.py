"""Checks an SOP and lists its problems (errors and warnings, in Indonesian) for the problems panel and `check`.

A document being drafted stays incomplete for a long time, so an empty field is only a
warning; errors are kept for what makes the flowchart itself wrong (a step nobody does,
an arrow that goes nowhere); `sopdesk check` exits with 1 only when there are errors.

| code                     | severity   | when                                                                   | target                      |
| ------------------------ | ---------- | ---------------------------------------------------------------------- | --------------------------- |
| identity-empty           | peringatan | instansi, nomor, nama SOP, tanggal efektif (or tanggal pengesahan when  | identity, that field        |
|                          |            | identity.use_pengesahan), jabatan or nama of the signer is empty       |                             |
| nip-length               | peringatan | the signer's label is NIP, a number is given and it is not 18 digits   | identity, signer.id_number  |
|                          |            | (spaces are allowed, as NIPs are often printed in groups)              |                             |
| revision-date            | peringatan | revisi_ke is set but tanggal_revisi is not                             | identity, tanggal_revisi    |
| date-unreadable          | peringatan | a date field holds typed text that is not a date (kept and printed as  | identity, that date field   |
|                          |            | typed); the unused one of efektif/pengesahan is not checked            |                             |
| date-weekday             | peringatan | a typed date names a weekday that is not the date's                    | identity, that date field   |
| nomor-duplicate          | peringatan | another SOP in the library has the same Nomor SOP (trimmed, any case); | identity, nomor             |
|                          |            | from duplicate_nomor(), since it needs the library's list              |                             |
| list-item-empty          | peringatan | an item of one of the six boxes is blank                               | list, box name, item index  |
| no-actors                | peringatan | there is no actor column                                               | actors                      |
| actor-unnamed            | peringatan | an actor has no name                                                   | actors, actor id            |
| actor-duplicate          | peringatan | two actors share a name (JSON and Excel refer to actors by name)       | actors, actor id            |
| actor-unused             | peringatan | no step is done by that actor (an empty column)                        | actors, actor id            |
| actors-too-narrow        | peringatan | actor columns come out under 15 mm on the chosen paper                 | page, "paper"               |
| no-steps                 | peringatan | there is no step                                                       | step                        |
| step-no-actor            | galat      | a step has no actor, so it has no column to be drawn in                | step, "actors"              |
| kegiatan-empty           | peringatan | a step's Kegiatan is blank                                             | step, "kegiatan"            |
| decision-target-missing  | galat      | a decision's Ya or Tidak target is not chosen                          | step, yes_target/no_target  |
| decision-target-self     | galat      | a decision's branch points at the decision itself                      | step, yes_target/no_target  |
| decision-target-unknown  | galat      | a decision's branch points at a step that is not in the SOP            | step, yes_target/no_target  |
| decision-leaves          | peringatan | a decision's branch leaves the procedure (model.END); real SOPs do     | step, yes_target/no_target  |
|                          |            | this, e.g. fixtures 001 and 002 end on such a decision                 |                             |
| first-not-terminator     | peringatan | step 1 is not drawn as a terminator                                    | step, "symbol"              |
| last-not-terminator      | peringatan | the last step is not drawn as a terminator                             | step, "symbol"              |
| step-unreachable         | peringatan | no flow from step 1 reaches the step; only checked when every decision | step, "kegiatan"            |
|                          |            | has valid targets, since an unset target would mark everything after   |                             |
|                          |            | it and is already an error                                             |                             |
| waktu-unreadable         | peringatan | Waktu is free text that does not read as a number and a unit           | step, "waktu"               |
| logo-unreadable          | peringatan | the logo does not decode (sanity.logo_problem); kept, not printed      | identity, "logo"            |
| margin-unprintable       | peringatan | a margin is not a number or leaves less than sanity.MIN_PRINTABLE_MM   | page, that margin           |
| link-gone                | peringatan | a Keterkaitan item or a Keterangan is linked to an SOP that is no      | list keterkaitan, index /   |
|                          |            | longer in the library (deleted for good); from link_problems(), since  | step, "keterangan"          |
|                          |            | it needs the library's list (as do the three below)                    |                             |
| link-trashed             | peringatan | ... linked to an SOP that is in the Sampah                             | as link-gone                |
| link-renamed             | peringatan | the linked text still says the nomor or nama the SOP had when linked,  | as link-gone                |
|                          |            | and the SOP now has another                                            |                             |
| link-unnamed             | peringatan | the linked text says neither the nomor nor the nama of its SOP         | as link-gone                |
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from . import labels
from .dates import DATE_KEYS, parse_date
from .layout.columns import MIN_ACTOR_COLUMN_MM, actor_column_width_mm
from .links import GONE, TRASHED, LinkCatalogue, LinkIssue, link_issues
from .model import END, LIST_BOXES, TIME_UNITS, IdLabel, Sop, Step, Symbol, parse_duration, resolved_symbol, successors
from .sanity import logo_problem, margin_problems

NIP_DIGITS = 18


class Severity(str, Enum):
    ERROR = "galat"
    WARNING = "peringatan"


@dataclass(frozen=True)
class Target:
    """Where a problem is, so clicking it selects that field or cell.

    area: "identity" | "list" | "actors" | "step" | "page".
    field: identity: a key of labels.IDENTITY_LABELS; list: a box name of model.LIST_BOXES;
    step: a column key ("kegiatan", "actors", "symbol", "yes_target", "no_target",
    "kelengkapan", "waktu", "output", "keterangan"); page: a PageSettings attribute.
    item_id: the step or actor id; index: the list item index.
    """

    area: str
    field: str = ""
    item_id: str = ""
    index: int = -1


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str
    target: Target
    code: str = ""  # stable rule name (see the module table), for tests and filtering


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Errors first; otherwise document order, which is the order validate() reports in."""
    return sorted(problems, key=lambda p: 0 if p.severity is Severity.ERROR else 1)


def validate(sop: Sop) -> list[Problem]:
    """Every problem of the document, in document order: identity, boxes, actors, page, steps."""
    found: list[Problem] = []
    _check_identity(sop, found)
    _check_lifecycle(sop, found)
    _check_boxes(sop, found)
    _check_actors(sop, found)
    _check_steps(sop, found)
    _check_printable(sop, found)
    return found


def _check_printable(sop: Sop, found: list[Problem]) -> None:
    """What the writers would leave out (a logo that does not decode) or refuse (margins), from the one rule."""
    problem = logo_problem(sop.identity.logo)
    if problem:
        _warn(found, "logo-unreadable", problem, Target("identity", "logo"))
    for attr, message in margin_problems(sop.page):
        _warn(found, "margin-unprintable", message, Target("page", attr))


# ---- identity and boxes -------------------------------------------------------------------


def _warn(found: list[Problem], code: str, message: str, target: Target) -> None:
    found.append(Problem(Severity.WARNING, message, target, code))


def _error(found: list[Problem], code: str, message: str, target: Target) -> None:
    found.append(Problem(Severity.ERROR, message, target, code))


def _check_identity(sop: Sop, found: list[Problem]) -> None:
    ident = sop.identity
    date_key = "tanggal_pengesahan" if ident.use_pengesahan else "tanggal_efektif"
    required = (
        ("instansi", ident.instansi),
        ("nomor", ident.nomor),
        ("nama", ident.nama),
        # An unreadable date kept as typed is filled in; date-unreadable says what is wrong with it.
        (date_key, getattr(ident, date_key) or ident.date_texts.get(date_key)),
        ("signer.jabatan", ident.signer.jabatan),
        ("signer.nama", ident.signer.nama),
    )
    for key, value in required:
        if value is None or (isinstance(value, str) and not value.strip()):
            _warn(found, "identity-empty", f"{labels.IDENTITY_LABELS[key]} belum diisi.", Target("identity", key))

    number = ident.signer.id_number.strip()
    if ident.signer.id_label is IdLabel.NIP and number:
        digits = "".join(number.split())
        if not (len(digits) == NIP_DIGITS and digits.isascii() and digits.isdigit()):
            _warn(
                found,
                "nip-length",
                f"NIP pengesah harus terdiri atas {NIP_DIGITS} angka; tertulis \"{number}\".",
                Target("identity", "signer.id_number"),
            )

    if ident.revisi_ke is not None and ident.tanggal_revisi is None and not ident.date_texts.get("tanggal_revisi"):
        _warn(
            found,
            "revision-date",
            f"Revisi ke-{ident.revisi_ke} diisi, tetapi {labels.IDENTITY_LABELS['tanggal_revisi']} belum diisi.",
            Target("identity", "tanggal_revisi"),
        )
    _check_dates(sop, found)


def _check_dates(sop: Sop, found: list[Problem]) -> None:
    ident = sop.identity
    unused = "tanggal_efektif" if ident.use_pengesahan else "tanggal_pengesahan"
    for key in DATE_KEYS:
        text = ident.date_texts.get(key, "")
        if key == unused or not text.strip():
            continue
        label = labels.IDENTITY_LABELS[key]
        reading = parse_date(text)
        if not reading.readable:
            _warn(found, "date-unreadable",
                  f"{label}: \"{text}\" tidak dapat dibaca sebagai tanggal; teks dicetak apa adanya. "
                  "Tulis misalnya 01/11/2017 atau 1 November 2017.", Target("identity", key))
        elif not reading.weekday_ok:
            _warn(found, "date-weekday",
                  f"{label}: \"{text}\" menyebut hari yang salah; tanggal itu jatuh pada hari "
                  f"{labels.WEEKDAYS[reading.value.weekday()]}.", Target("identity", key))


def _check_lifecycle(sop: Sop, found: list[Problem]) -> None:
    text = sop.lifecycle.status_date_text
    if text.strip() and sop.lifecycle.status_date is None:
        _warn(found, "status-date-unreadable",
              f"Tanggal status: \"{text}\" tidak dapat dibaca sebagai tanggal; teks disimpan apa adanya. "
              "Tulis misalnya 01/11/2017 atau 1 November 2017.", Target("identity", "status_date"))


def duplicate_nomor(sop: Sop, entries: Iterable[object]) -> list[Problem]:
    """Warn when another SOP of the library (entries with id, nomor and nama) has this SOP's Nomor SOP."""
    nomor = " ".join(sop.identity.nomor.split()).casefold()
    if not nomor:
        return []
    for entry in entries:
        if entry.id != sop.id and " ".join(entry.nomor.split()).casefold() == nomor:
            name = entry.nama.strip() or "tanpa nama"
            return [Problem(Severity.WARNING,
                            f"Nomor SOP \"{sop.identity.nomor.strip()}\" sudah dipakai oleh SOP \"{name}\" "
                            "di pustaka.", Target("identity", "nomor"), "nomor-duplicate")]
    return []


def link_problems(sop: Sop, catalogue: LinkCatalogue) -> list[Problem]:
    """Warn about explicit links (links.py) whose SOP was deleted, is in the Sampah, or was renamed."""
    found: list[Problem] = []
    items = sop.identity.keterkaitan
    for index, text in enumerate(items):
        link = sop.identity.keterkaitan_links.get(text)
        if link is not None:
            where = f"{labels.BOX_TITLES['keterkaitan']} butir {index + 1}"
            for issue in link_issues(text, link, catalogue):
                found.append(_link_problem(issue, where, Target("list", "keterkaitan", index=index)))
    for number, step in enumerate(sop.steps, start=1):
        if step.keterangan_link is not None:
            where = f"Langkah {number}, {labels.COLUMN_KETERANGAN}"
            for issue in link_issues(step.keterangan, step.keterangan_link, catalogue):
                found.append(_link_problem(issue, where, _step_target(step, "keterangan")))
    return found


def _link_problem(issue: LinkIssue, where: str, target: Target) -> Problem:
    link = issue.link
    then = " ".join(p for p in (link.nomor.strip(), link.nama.strip()) if p) or "SOP tanpa nomor dan nama"
    if issue.kind == GONE:
        return Problem(Severity.WARNING, f"{where} dikaitkan ke \"{then}\", yang sudah tidak ada di pustaka. "
                       "Kaitkan ke SOP lain atau lepas kaitannya.", target, "link-gone")
    if issue.kind == TRASHED:
        return Problem(Severity.WARNING, f"{where} dikaitkan ke \"{then}\", yang ada di Sampah. Pulihkan SOP itu, "
                       "atau kaitkan ke SOP lain.", target, "link-trashed")
    now = issue.target
    if issue.kind == "nomor":
        return Problem(Severity.WARNING, f"{where} masih menyebut nomor \"{issue.old.strip()}\", tetapi SOP yang "
                       f"dikaitkan kini bernomor \"{now.nomor.strip()}\".", target, "link-renamed")
    if issue.kind == "nama":
        return Problem(Severity.WARNING, f"{where} masih menyebut nama \"{issue.old.strip()}\", tetapi SOP yang "
                       f"dikaitkan kini bernama \"{now.nama.strip()}\".", target, "link-renamed")
    return Problem(Severity.WARNING, f"{where} dikaitkan ke \"{now.label()}\", tetapi teksnya tidak menyebut nomor "
                   "maupun nama SOP itu.", target, "link-unnamed")


def _check_boxes(sop: Sop, found: list[Problem]) -> None:
    for box in LIST_BOXES:
        for index, item in enumerate(getattr(sop.identity, box)):
            if not item.strip():
                _warn(
                    found,
                    "list-item-empty",
                    f"{labels.BOX_TITLES[box]}: butir {index + 1} kosong.",
                    Target("list", box, index=index),
                )


# ---- actors and page ------------------------------------------------------------------------


def _check_actors(sop: Sop, found: list[Problem]) -> None:
    if not sop.actors:
        _warn(found, "no-actors", "Belum ada pelaksana.", Target("actors"))
        return
    used = {actor_id for step in sop.steps for actor_id in step.actors}
    seen: set[str] = set()
    for number, actor in enumerate(sop.actors, start=1):
        name = actor.name.strip()
        target = Target("actors", item_id=actor.id)
        if not name:
            _warn(found, "actor-unnamed", f"Pelaksana ke-{number} belum bernama.", target)
        elif name in seen:
            _warn(found, "actor-duplicate", f"Nama pelaksana \"{name}\" dipakai lebih dari sekali.", target)
        seen.add(name)
        if sop.steps and actor.id not in used:
            label = f"\"{name}\"" if name else f"ke-{number}"
            _warn(found, "actor-unused", f"Pelaksana {label} tidak dipakai oleh langkah mana pun.", target)

    width = actor_column_width_mm(sop.page, len(sop.actors))
    if width < MIN_ACTOR_COLUMN_MM:
        orientation = "lanskap" if sop.page.landscape else "potret"
        _warn(
            found,
            "actors-too-narrow",
            f"{len(sop.actors)} pelaksana terlalu banyak untuk kertas {sop.page.paper} {orientation}: "
            f"kolom pelaksana hanya {_mm(width)} mm (minimal {_mm(MIN_ACTOR_COLUMN_MM)} mm). "
            "Kurangi pelaksana atau pilih kertas yang lebih lebar.",
            Target("page", "paper"),
        )


def _mm(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


# ---- steps ------------------------------------------------------------------------------------


def _step_target(step: Step, field: str) -> Target:
    return Target("step", field, item_id=step.id)


def _check_steps(sop: Sop, found: list[Problem]) -> None:
    steps = sop.steps
    if not steps:
        _warn(found, "no-steps", "Belum ada langkah kegiatan.", Target("step"))
        return
    index_of = {step.id: i for i, step in enumerate(steps)}
    known_actors = {actor.id for actor in sop.actors}
    last = len(steps) - 1
    targets_complete = True

    for i, step in enumerate(steps):
        where = f"Langkah {i + 1}"
        symbol = resolved_symbol(sop, i)
        if not step.kegiatan.strip():
            _warn(found, "kegiatan-empty", f"{where}: uraian kegiatan masih kosong.", _step_target(step, "kegiatan"))
        if not any(actor_id in known_actors for actor_id in step.actors):
            _error(found, "step-no-actor", f"{where}: belum ada pelaksana.", _step_target(step, "actors"))
        if i == 0 and symbol is not Symbol.TERMINATOR:
            _warn(
                found,
                "first-not-terminator",
                f"{where}: langkah pertama sebaiknya bersimbol Terminator (sekarang {_symbol_name(symbol)}).",
                _step_target(step, "symbol"),
            )
        if i == last and i > 0 and symbol is not Symbol.TERMINATOR:
            _warn(
                found,
                "last-not-terminator",
                f"{where}: langkah terakhir sebaiknya bersimbol Terminator (sekarang {_symbol_name(symbol)}).",
                _step_target(step, "symbol"),
            )
        if symbol is Symbol.DECISION:
            targets_complete &= _check_decision(step, where, index_of, found)
        waktu = step.waktu
        if waktu.value is None and waktu.text.strip() and parse_duration(waktu.text, strict=False) is None:
            _warn(
                found,
                "waktu-unreadable",
                f"{where}: waktu \"{waktu.text.strip()}\" tidak terbaca sebagai lama waktu; "
                f"tulis angka dan satuan ({', '.join(TIME_UNITS)}), misalnya \"10 Menit\".",
                _step_target(step, "waktu"),
            )

    if targets_complete:
        _check_reachable(sop, found)


def _check_decision(step: Step, where: str, index_of: dict[str, int], found: list[Problem]) -> bool:
    """Report the decision's branches; False when a branch has no valid step or END to go to."""
    complete = True
    branches = (
        ("yes_target", step.yes_target, step.yes_label or labels.YES),
        ("no_target", step.no_target, step.no_label or labels.NO),
    )
    for field, value, name in branches:
        target = _step_target(step, field)
        if value is None:
            complete = False
            _error(found, "decision-target-missing", f"{where}: keputusan belum punya tujuan \"{name}\".", target)
        elif value == step.id:
            complete = False
            _error(found, "decision-target-self", f"{where}: cabang \"{name}\" menunjuk ke langkah ini sendiri.", target)
        elif value == END:
            _warn(found, "decision-leaves", f"{where}: cabang \"{name}\" keluar dari prosedur.", target)
        elif value not in index_of:
            complete = False
            _error(
                found,
                "decision-target-unknown",
                f"{where}: cabang \"{name}\" menunjuk ke langkah yang tidak ada dalam SOP ini.",
                target,
            )
    return complete


def _check_reachable(sop: Sop, found: list[Problem]) -> None:
    index_of = {step.id: i for i, step in enumerate(sop.steps)}
    reached = [False] * len(sop.steps)
    reached[0] = True
    pending = [0]
    while pending:
        for _kind, target in successors(sop, pending.pop()):
            j = index_of.get(target) if target is not None else None
            if j is not None and not reached[j]:
                reached[j] = True
                pending.append(j)
    for i, step in enumerate(sop.steps):
        if not reached[i]:
            _warn(
                found,
                "step-unreachable",
                f"Langkah {i + 1}: tidak ada alur dari langkah 1 yang sampai ke langkah ini.",
                _step_target(step, "kegiatan"),
            )


def _symbol_name(symbol: Symbol) -> str:
    return labels.SYMBOL_NAMES[symbol.value]


def from_layout(sop: Sop, layout_problems: Iterable) -> list[Problem]:
    """Problems the layout engine met (a row taller than a page, identity boxes cut), as warnings.

    Narrow actor columns are left out: validate() already reports them without a layout.
    """
    problems = []
    for item in layout_problems:
        code = getattr(item, "code", "")
        if code == "actor-column-narrow":
            continue
        index = getattr(item, "step_index", None)
        if index is not None and 0 <= index < len(sop.steps):
            target = Target("step", "kegiatan", sop.steps[index].id)
        else:
            target = Target("list", LIST_BOXES[0]) if code == "identity-too-tall" else Target("page", "paper")
        problems.append(Problem(Severity.WARNING, str(item), target, code))
    return problems

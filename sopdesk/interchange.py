"""JSON in and out: the sop-fixture/1 interchange format and SOP Desk's own sopdesk/1 format."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from pathlib import Path
from typing import Any

from .atomic import FileTooLarge, NotRegularFile, read_regular_file
from .model import (
    END,
    LIST_BOXES,
    Actor,
    Duration,
    Identity,
    IdLabel,
    Lifecycle,
    Logo,
    PageSettings,
    Signer,
    Sop,
    SopLink,
    Status,
    Step,
    Symbol,
    auto_symbol_for,
    resolved_symbol,
)
from .sanity import fix_page
from .textclean import clean_sop, cleaning_note

FIXTURE_FORMAT = "sop-fixture/1"
NATIVE_FORMAT = "sopdesk/1"
SCHEMA_VERSION = 1


class InterchangeError(ValueError):
    """A file that cannot be read as an SOP; the message is Indonesian and says where."""


# ---- small readers that fail with a location ------------------------------------------


def _expect(value: Any, kind: type | tuple[type, ...], where: str, kind_name: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InterchangeError(f"{where}: harus berupa {kind_name}, bukan {_describe(value)}.")
    return value


def _describe(value: Any) -> str:
    if value is None:
        return "kosong (null)"
    return {bool: "benar/salah", int: "angka", float: "angka", str: "teks", list: "daftar", dict: "objek"}.get(
        type(value), type(value).__name__
    )


def _str(d: dict, key: str, where: str, default: str = "") -> str:
    value = d.get(key, default)
    if value is None:
        return default
    return _expect(value, str, f"{where}{key}", "teks")


def _str_list(d: dict, key: str, where: str) -> list[str]:
    value = d.get(key) or []
    _expect(value, list, f"{where}{key}", "daftar teks")
    return [_expect(item, str, f"{where}{key}[{i}]", "teks") for i, item in enumerate(value)]


def _date(d: dict, key: str, where: str) -> dt.date | None:
    value = d.get(key)
    if value in (None, ""):
        return None
    _expect(value, str, f"{where}{key}", "tanggal TTTT-BB-HH")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InterchangeError(f"{where}{key}: tanggal \"{value}\" tidak sah (bentuk yang diharapkan TTTT-BB-HH).") from None


def _date_texts(d: dict, where: str) -> dict[str, str]:
    """The kept text of unreadable dates; files from before it existed have none."""
    value = d.get("date_texts") or {}
    _expect(value, dict, f"{where}date_texts", "objek")
    return {key: _expect(text, str, f"{where}date_texts.{key}", "teks") for key, text in value.items() if text}


def _opt_int(d: dict, key: str, where: str) -> int | None:
    value = d.get(key)
    if value is None:
        return None
    return _expect(value, int, f"{where}{key}", "bilangan bulat")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# ---- sop-fixture/1 ----------------------------------------------------------------------


def _one_line(text: str, limit: int = 400) -> str:
    """A message as one printable line: line breaks as spaces, lone surrogates escaped, at most `limit` long."""
    text = " ".join(text.encode("utf-8", "backslashreplace").decode("utf-8").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: Any, limit: int = 60) -> str:
    """A value from the file as it may appear in a message."""
    return _one_line(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)[:200]
                     if isinstance(value, (list, dict, int, float, bool)) or value is None else _describe(value), limit)


def _guarded(reader, data: Any, what: str) -> Sop:
    """`reader(data)`, failing only with InterchangeError in one line, whatever the data holds."""
    try:
        return reader(data)
    except InterchangeError as exc:
        raise InterchangeError(_one_line(str(exc))) from None
    except RecursionError:
        raise InterchangeError(f"Isi {what} bersarang terlalu dalam; bukan data SOP.") from None
    except MemoryError:
        raise InterchangeError(f"Isi {what} terlalu besar untuk dibaca.") from None
    except Exception:  # noqa: BLE001 - any odd type anywhere still ends in one Indonesian sentence
        raise InterchangeError(f"Isi {what} tidak berbentuk SOP: ada bagian yang jenis atau susunannya tidak "
                               "dikenal.") from None


def sop_from_fixture(data: Any) -> Sop:
    """An SOP from sop-fixture/1 data; InterchangeError (one Indonesian line naming the field) for anything else."""
    return _guarded(_fixture_to_sop, data, f"berkas {FIXTURE_FORMAT}")


def _fixture_to_sop(data: Any) -> Sop:
    _expect(data, dict, "berkas", "objek JSON")
    ident = Identity(
        instansi=_str(data, "instansi", ""),
        unit_lines=_str_list(data, "unit_organisasi", ""),
        nomor=_str(data, "nomor", ""),
        tanggal_pembuatan=_date(data, "tanggal_pembuatan", ""),
        tanggal_revisi=_date(data, "tanggal_revisi", ""),
        revisi_ke=_opt_int(data, "revisi_ke", ""),
        tanggal_efektif=_date(data, "tanggal_efektif", ""),
        tanggal_pengesahan=_date(data, "tanggal_pengesahan", ""),
        nama=_str(data, "nama", ""),
        cakupan=_str(data, "jenis", ""),
    )
    ident.use_pengesahan = ident.tanggal_pengesahan is not None and ident.tanggal_efektif is None
    signer = data.get("disahkan_oleh") or {}
    _expect(signer, dict, "disahkan_oleh", "objek")
    label = signer.get("nip_label")
    if label not in (None, "NIP", "NRP", ""):
        raise InterchangeError(f"disahkan_oleh.nip_label: \"{label}\" tidak dikenal (NIP, NRP atau null).")
    ident.signer = Signer(
        jabatan=_str(signer, "jabatan", "disahkan_oleh."),
        nama=_str(signer, "nama", "disahkan_oleh."),
        id_label=IdLabel(label or ""),
        id_number=_str(signer, "nip", "disahkan_oleh."),
    )
    for box in LIST_BOXES:
        setattr(ident, box, _str_list(data, box, ""))

    sop = Sop(identity=ident, source=_str(data, "source", ""), notes=_str_list(data, "inferensi", ""))
    for name in _str_list(data, "pelaksana", ""):
        sop.actors.append(Actor(name=name))

    raw_steps = data.get("kegiatan") or []
    _expect(raw_steps, list, "kegiatan", "daftar langkah")
    by_number: dict[int, Step] = {}
    pending: list[tuple[Step, Any, Any, str]] = []
    symbols: list[Symbol] = []
    for i, raw in enumerate(raw_steps):
        where = f"kegiatan[{i + 1}]."
        _expect(raw, dict, f"kegiatan[{i + 1}]", "objek")
        step = Step(
            kegiatan=_str(raw, "uraian", where),
            kelengkapan=_str(raw, "kelengkapan", where),
            waktu=Duration.from_text(_str(raw, "waktu", where)),
            output=_str(raw, "output", where),
            keterangan=_str(raw, "keterangan", where),
        )
        for name in _str_list(raw, "pelaksana", where):
            actor = sop.actor_by_name(name)
            if actor is None:
                raise InterchangeError(f"{where}pelaksana: \"{name}\" tidak ada dalam daftar pelaksana.")
            if actor.id not in step.actors:
                step.actors.append(actor.id)
        symbol_text = _str(raw, "simbol", where, "proses")
        try:
            symbols.append(Symbol(symbol_text))
        except ValueError:
            raise InterchangeError(
                f"{where}simbol: \"{symbol_text}\" tidak dikenal (terminator, proses atau keputusan)."
            ) from None
        number = raw.get("no", i + 1)
        _expect(number, int, f"{where}no", "bilangan bulat")
        if number in by_number:
            raise InterchangeError(f"{where}no: nomor langkah {number} muncul dua kali.")
        by_number[number] = step
        pending.append((step, raw.get("jika_ya"), raw.get("jika_tidak"), where))
        sop.steps.append(step)

    for index, (step, yes, no, where) in enumerate(pending):
        is_decision = symbols[index] is Symbol.DECISION
        step.yes_target = _fixture_target(yes, by_number, f"{where}jika_ya", is_decision)
        step.no_target = _fixture_target(no, by_number, f"{where}jika_tidak", is_decision)
        # A symbol that matches what its position would give anyway stays automatic,
        # so inserting a step later re-resolves it.
        auto = auto_symbol_for(index, len(sop.steps))
        step.symbol = Symbol.AUTO if symbols[index] is auto else symbols[index]
    return sop


def _fixture_target(value: Any, by_number: dict[int, Step], where: str, is_decision: bool) -> str | None:
    if value is None:
        return END if is_decision else None
    _expect(value, int, where, "nomor langkah atau null")
    step = by_number.get(value)
    if step is None:
        raise InterchangeError(f"{where}: langkah nomor {value} tidak ada.")
    return step.id


def sop_to_fixture(sop: Sop) -> dict[str, Any]:
    ident = sop.identity
    numbers = {s.id: i + 1 for i, s in enumerate(sop.steps)}
    names = {a.id: a.name for a in sop.actors}

    def target(value: str | None) -> int | None:
        return numbers.get(value) if value and value != END else None

    data: dict[str, Any] = {
        "format": FIXTURE_FORMAT,
        "source": sop.source,
        "instansi": ident.instansi,
        "unit_organisasi": list(ident.unit_lines),
        "jenis": ident.cakupan or None,
        "nomor": ident.nomor,
        "tanggal_pembuatan": _iso(ident.tanggal_pembuatan),
        "tanggal_revisi": _iso(ident.tanggal_revisi),
        "revisi_ke": ident.revisi_ke,
        "tanggal_efektif": _iso(ident.tanggal_efektif),
        "tanggal_pengesahan": _iso(ident.tanggal_pengesahan),
        "disahkan_oleh": {
            "jabatan": ident.signer.jabatan,
            "nama": ident.signer.nama,
            "nip": ident.signer.id_number,
            "nip_label": ident.signer.id_label.value or None,
        },
        "nama": ident.nama,
    }
    for box in LIST_BOXES:
        data[box] = list(getattr(ident, box))
    data["pelaksana"] = [a.name for a in sop.actors]
    data["kegiatan"] = [
        {
            "no": i + 1,
            "uraian": s.kegiatan,
            "pelaksana": [names[a] for a in s.actors if a in names],
            "simbol": resolved_symbol(sop, i).value,
            "jika_ya": target(s.yes_target),
            "jika_tidak": target(s.no_target),
            "kelengkapan": s.kelengkapan,
            "waktu": s.waktu.display(),
            "output": s.output,
            "keterangan": s.keterangan,
        }
        for i, s in enumerate(sop.steps)
    ]
    data["inferensi"] = list(sop.notes)
    return data


# ---- sopdesk/1 (the library's own format: everything the editor knows) -----------------


def sop_to_native(sop: Sop) -> dict[str, Any]:
    ident = sop.identity
    identity: dict[str, Any] = {
        "instansi": ident.instansi,
        "unit_lines": list(ident.unit_lines),
        "logo": (
            {"extension": ident.logo.extension, "data": base64.b64encode(ident.logo.data).decode("ascii")}
            if ident.logo
            else None
        ),
        "nomor": ident.nomor,
        "tanggal_pembuatan": _iso(ident.tanggal_pembuatan),
        "tanggal_revisi": _iso(ident.tanggal_revisi),
        "revisi_ke": ident.revisi_ke,
        "tanggal_efektif": _iso(ident.tanggal_efektif),
        "tanggal_pengesahan": _iso(ident.tanggal_pengesahan),
        "use_pengesahan": ident.use_pengesahan,
        "date_texts": dict(ident.date_texts),
        "signer": {
            "jabatan": ident.signer.jabatan,
            "nama": ident.signer.nama,
            "id_label": ident.signer.id_label.value,
            "id_number": ident.signer.id_number,
        },
        "nama": ident.nama,
        "cakupan": ident.cakupan,
        "sifat": ident.sifat,
    }
    for box in LIST_BOXES:
        identity[box] = list(getattr(ident, box))
    identity["keterkaitan_links"] = [dict(text=text, **_link_to_native(link))
                                     for text, link in ident.keterkaitan_links.items()]
    page = sop.page
    return {
        "format": NATIVE_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "id": sop.id,
        "source": sop.source,
        "notes": list(sop.notes),
        "lifecycle": _lifecycle_to_native(sop.lifecycle),
        "identity": identity,
        "actors": [{"id": a.id, "name": a.name} for a in sop.actors],
        "steps": [
            {
                "id": s.id,
                "kegiatan": s.kegiatan,
                "actors": list(s.actors),
                "symbol": s.symbol.value,
                "yes_target": s.yes_target,
                "no_target": s.no_target,
                "yes_label": s.yes_label,
                "no_label": s.no_label,
                "kelengkapan": s.kelengkapan,
                "waktu": {"value": s.waktu.value, "unit": s.waktu.unit, "text": s.waktu.text},
                "output": s.output,
                "keterangan": s.keterangan,
                "keterangan_link": _link_to_native(s.keterangan_link) if s.keterangan_link else None,
            }
            for s in sop.steps
        ],
        "page": {
            "paper": page.paper,
            "landscape": page.landscape,
            "margin_top": page.margin_top,
            "margin_bottom": page.margin_bottom,
            "margin_left": page.margin_left,
            "margin_right": page.margin_right,
            "numbering_row": page.numbering_row,
            "offpage_labels": page.offpage_labels,
            "combine_pages": page.combine_pages,
            "flatten_chart": page.flatten_chart,
            "page_numbers": page.page_numbers,
            "date_weekday": page.date_weekday,
            "total_time_row": page.total_time_row,
            "workday_hours": page.workday_hours,
            "week_workdays": page.week_workdays,
            "month_workdays": page.month_workdays,
            "day_workdays": page.day_workdays,
        },
    }


def sop_from_native(data: Any) -> Sop:
    """An SOP from SOP Desk's own sopdesk/1 data; InterchangeError (one Indonesian line) for anything else."""
    return _guarded(_native_to_sop, data, f"data {NATIVE_FORMAT}")


def _native_to_sop(data: Any) -> Sop:
    _expect(data, dict, "berkas", "objek JSON")
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise InterchangeError(
            f"schema_version: versi {version} dibuat oleh SOP Desk yang lebih baru; perbarui aplikasi untuk membukanya."
        )
    raw = data.get("identity") or {}
    _expect(raw, dict, "identity", "objek")
    w = "identity."
    ident = Identity(
        instansi=_str(raw, "instansi", w),
        unit_lines=_str_list(raw, "unit_lines", w),
        nomor=_str(raw, "nomor", w),
        tanggal_pembuatan=_date(raw, "tanggal_pembuatan", w),
        tanggal_revisi=_date(raw, "tanggal_revisi", w),
        revisi_ke=_opt_int(raw, "revisi_ke", w),
        tanggal_efektif=_date(raw, "tanggal_efektif", w),
        tanggal_pengesahan=_date(raw, "tanggal_pengesahan", w),
        use_pengesahan=bool(raw.get("use_pengesahan", False)),
        date_texts=_date_texts(raw, w),
        nama=_str(raw, "nama", w),
        cakupan=_str(raw, "cakupan", w),
        sifat=_str(raw, "sifat", w),
    )
    logo = raw.get("logo")
    if logo:
        _expect(logo, dict, f"{w}logo", "objek")
        try:
            ident.logo = Logo(
                data=base64.b64decode(_str(logo, "data", f"{w}logo."), validate=True),
                extension=_str(logo, "extension", f"{w}logo.", "png"),
            )
        except binascii.Error:
            raise InterchangeError(f"{w}logo.data: data gambar logo rusak.") from None
    signer = raw.get("signer") or {}
    _expect(signer, dict, f"{w}signer", "objek")
    label = signer.get("id_label", "NIP")
    if label not in ("NIP", "NRP", ""):
        raise InterchangeError(f"{w}signer.id_label: \"{label}\" tidak dikenal (NIP, NRP atau kosong).")
    ident.signer = Signer(
        jabatan=_str(signer, "jabatan", f"{w}signer."),
        nama=_str(signer, "nama", f"{w}signer."),
        id_label=IdLabel(label),
        id_number=_str(signer, "id_number", f"{w}signer."),
    )
    for box in LIST_BOXES:
        setattr(ident, box, _str_list(raw, box, w))
    ident.keterkaitan_links = _keterkaitan_links(raw, w)

    sop = Sop(identity=ident, source=_str(data, "source", ""), notes=_str_list(data, "notes", ""))
    sop.id = _str(data, "id", "") or sop.id
    actors = data.get("actors") or []
    _expect(actors, list, "actors", "daftar")
    for i, a in enumerate(actors):
        _expect(a, dict, f"actors[{i + 1}]", "objek")
        sop.actors.append(Actor(name=_str(a, "name", f"actors[{i + 1}]."), id=_str(a, "id", f"actors[{i + 1}].")))
    known_actors = {a.id for a in sop.actors}
    steps = data.get("steps") or []
    _expect(steps, list, "steps", "daftar")
    for i, s in enumerate(steps):
        where = f"steps[{i + 1}]."
        _expect(s, dict, f"steps[{i + 1}]", "objek")
        waktu = s.get("waktu") or {}
        _expect(waktu, dict, f"{where}waktu", "objek")
        value = waktu.get("value")
        if value is not None:
            _expect(value, (int, float), f"{where}waktu.value", "angka")
        try:
            symbol = Symbol(_str(s, "symbol", where, Symbol.AUTO.value))
        except ValueError:
            raise InterchangeError(f"{where}symbol: simbol \"{s.get('symbol')}\" tidak dikenal.") from None
        step = Step(
            id=_str(s, "id", where) or Step().id,
            kegiatan=_str(s, "kegiatan", where),
            actors=[a for a in _str_list(s, "actors", where) if a in known_actors],
            symbol=symbol,
            yes_target=s.get("yes_target"),
            no_target=s.get("no_target"),
            yes_label=_str(s, "yes_label", where),
            no_label=_str(s, "no_label", where),
            kelengkapan=_str(s, "kelengkapan", where),
            waktu=Duration(
                value=float(value) if value is not None else None,
                unit=_str(waktu, "unit", f"{where}waktu."),
                text=_str(waktu, "text", f"{where}waktu."),
            ),
            output=_str(s, "output", where),
            keterangan=_str(s, "keterangan", where),
            keterangan_link=_link_from_native(s.get("keterangan_link"), f"{where}keterangan_link"),
        )
        for key in ("yes_target", "no_target"):
            if getattr(step, key) is not None:
                _expect(getattr(step, key), str, f"{where}{key}", "teks")
        sop.steps.append(step)
    page = data.get("page") or {}
    _expect(page, dict, "page", "objek")
    defaults = PageSettings()
    sop.page = PageSettings(
        paper=page.get("paper", defaults.paper) if page.get("paper") in ("A4", "F4", "Letter", "Legal") else "A4",
        landscape=bool(page.get("landscape", defaults.landscape)),
        margin_top=_margin(page, "margin_top", defaults.margin_top),
        margin_bottom=_margin(page, "margin_bottom", defaults.margin_bottom),
        margin_left=_margin(page, "margin_left", defaults.margin_left),
        margin_right=_margin(page, "margin_right", defaults.margin_right),
        numbering_row=bool(page.get("numbering_row", defaults.numbering_row)),
        offpage_labels=page.get("offpage_labels", defaults.offpage_labels)
        if page.get("offpage_labels") in ("kosong", "angka", "huruf")
        else defaults.offpage_labels,
        combine_pages=bool(page.get("combine_pages", defaults.combine_pages)),
        flatten_chart=bool(page.get("flatten_chart", defaults.flatten_chart)),
        # Files written before page numbers existed get them, as new SOPs do.
        page_numbers=bool(page.get("page_numbers", defaults.page_numbers)),
        date_weekday=bool(page.get("date_weekday", defaults.date_weekday)),
        total_time_row=bool(page.get("total_time_row", defaults.total_time_row)),
        **_time_rules(page, defaults),
    )
    sop.lifecycle = _lifecycle_from_native(data)
    return sop


def _link_to_native(link: SopLink) -> dict[str, str]:
    return {"sop_id": link.sop_id, "nomor": link.nomor, "nama": link.nama}


def _link_from_native(raw: Any, where: str) -> SopLink | None:
    """A link to another SOP of the library (links.py); files from before links existed have none."""
    if raw is None:
        return None
    _expect(raw, dict, where, "objek")
    sop_id = _str(raw, "sop_id", f"{where}.")
    if not sop_id:
        raise InterchangeError(f"{where}.sop_id: id SOP yang dikaitkan kosong.")
    return SopLink(sop_id=sop_id, nomor=_str(raw, "nomor", f"{where}."), nama=_str(raw, "nama", f"{where}."))


def _keterkaitan_links(raw: dict, w: str) -> dict[str, SopLink]:
    items = raw.get("keterkaitan_links") or []
    _expect(items, list, f"{w}keterkaitan_links", "daftar")
    links: dict[str, SopLink] = {}
    for i, item in enumerate(items):
        where = f"{w}keterkaitan_links[{i + 1}]"
        _expect(item, dict, where, "objek")
        link = _link_from_native(item, where)
        if link is not None:
            links[_str(item, "text", f"{where}.")] = link
    return links


def _lifecycle_to_native(life: Lifecycle) -> dict[str, Any]:
    return {
        "status": life.status.value,
        "status_date": _iso(life.status_date),
        "status_date_text": life.status_date_text,
        "review_months": life.review_months,
        "review_on_tanggal_revisi": life.review_on_tanggal_revisi,
    }


def _lifecycle_from_native(data: dict) -> Lifecycle:
    """Status and review plan; files from before they existed are Draf with the default review interval."""
    raw = data.get("lifecycle") or {}
    _expect(raw, dict, "lifecycle", "objek")
    text = _str(raw, "status", "lifecycle.", Status.DRAF.value)
    try:
        status = Status(text)
    except ValueError:
        raise InterchangeError(f"lifecycle.status: status \"{text}\" tidak dikenal "
                               "(Draf, Berlaku, Diganti atau Dicabut).") from None
    months = _opt_int(raw, "review_months", "lifecycle.")
    if months is not None and not 1 <= months <= 240:
        raise InterchangeError(f"lifecycle.review_months: {months} bulan di luar batas (1 sampai 240).")
    return Lifecycle(status=status, status_date=_date(raw, "status_date", "lifecycle."), review_months=months,
                     status_date_text=_str(raw, "status_date_text", "lifecycle."),
                     review_on_tanggal_revisi=bool(raw.get("review_on_tanggal_revisi", False)))


def _time_rules(page: dict, defaults: PageSettings) -> dict[str, float]:
    """The unit rules of the total time; files from before them, or a value that is not a positive number, get the default."""
    rules = {}
    for key in ("workday_hours", "week_workdays", "month_workdays", "day_workdays"):
        value = page.get(key)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e6
        rules[key] = float(value) if ok else getattr(defaults, key)
    return rules


def _margin(page: dict, key: str, default: float) -> float:
    """The margin as stored; anything that is not a number becomes NaN, which tidy_loaded() corrects with a note."""
    value = page.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return float("nan")
    return float(value)


def tidy_loaded(sop: Sop) -> list[str]:
    """Make a just-read SOP storable and printable; Indonesian notes on what was changed or will not print.

    Texts that UTF-8 cannot store are cleaned and margins that cannot be printed are replaced
    (sopdesk.sanity). A logo that does not decode is kept as it is: validation reports it
    (logo-unreadable) for as long as it stays, and the writers leave it out.
    """
    notes = []
    cleaned = clean_sop(sop)
    if cleaned:
        notes.append(cleaning_note(cleaned))
    notes.extend(fix_page(sop.page))
    return notes


# ---- files ------------------------------------------------------------------------------


def sop_from_data(data: Any, notes: list[str] | None = None) -> Sop:
    """Either format, told apart by its "format" tag; tidied (see tidy_loaded), with the notes added to sop.notes.

    `notes`, when given, receives the same notes, for callers that show them (`sopdesk check`).
    """
    if not isinstance(data, dict):
        raise InterchangeError(f"Isi berkas harus berupa objek JSON, bukan {_describe(data)}.")
    tag = data.get("format")
    if tag in (FIXTURE_FORMAT, NATIVE_FORMAT):
        sop = sop_from_fixture(data) if tag == FIXTURE_FORMAT else sop_from_native(data)
        found = tidy_loaded(sop)
        sop.notes.extend(note for note in found if note not in sop.notes)
        if notes is not None:
            notes.extend(found)
        return sop
    if tag is None:
        raise InterchangeError(f"Berkas tidak punya tanda \"format\": SOP Desk membaca berkas JSON berformat "
                               f"{FIXTURE_FORMAT} atau {NATIVE_FORMAT}.")
    raise InterchangeError(
        f"Format \"{_shown(tag)}\" tidak dikenal: SOP Desk membaca berkas JSON berformat {FIXTURE_FORMAT} atau "
        f"{NATIVE_FORMAT}."
    )


_JSON_PROBLEMS = (
    ("Expecting value", "nilai yang diharapkan tidak ada"),
    ("Expecting ',' delimiter", "kurang tanda koma"),
    ("Expecting ':' delimiter", "kurang tanda titik dua"),
    ("Expecting property name", "nama kunci harus diapit tanda kutip ganda"),
    ("Unterminated string", "teks tidak ditutup tanda kutip"),
    ("Invalid control character", "ada karakter kendali di dalam teks"),
    ("Invalid \\escape", "garis miring terbalik (\\) yang tidak sah di dalam teks"),
    ("Invalid \\u", "kode \\u yang tidak sah di dalam teks"),
    ("Extra data", "ada isi lain setelah akhir data JSON"),
)


def parse_json_text(text: str, name: str) -> Any:
    """The JSON value of `text`; InterchangeError in one Indonesian line for anything that is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem = next((ours for theirs, ours in _JSON_PROBLEMS if exc.msg.startswith(theirs)),
                       "susunan JSON tidak sah")
        raise InterchangeError(f"{name}: bukan JSON yang sah (baris {exc.lineno}, kolom {exc.colno}: {problem}).") from None
    except RecursionError:
        raise InterchangeError(f"{name}: data JSON bersarang terlalu dalam (ratusan tingkat kurung); bukan berkas "
                               "SOP.") from None
    except MemoryError:
        raise InterchangeError(f"{name}: data JSON terlalu besar untuk dibaca.") from None
    except ValueError:  # an integer of thousands of digits
        raise InterchangeError(f"{name}: data JSON memuat angka yang terlalu panjang; bukan berkas SOP.") from None


MAX_JSON_BYTES = 50 * 1024 * 1024  # as the library's limit for one SOP file


def read_sop_json(path: str | Path, notes: list[str] | None = None) -> Sop:
    path = Path(path)
    try:
        raw = read_regular_file(path, MAX_JSON_BYTES)  # a pipe or a device never hangs the read
    except FileNotFoundError:
        raise InterchangeError(f"{path}: berkas tidak ditemukan.") from None
    except (IsADirectoryError, NotRegularFile):
        raise InterchangeError(f"{path}: bukan berkas biasa (folder, pipa atau perangkat).") from None
    except FileTooLarge as exc:
        raise InterchangeError(f"{path}: berkas terlalu besar ({exc.size // 2**20} MB) untuk sebuah SOP.") from None
    except OSError as exc:
        raise InterchangeError(f"{path}: berkas tidak dapat dibaca ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InterchangeError(f"{path}: berkas bukan teks UTF-8; mungkin bukan berkas JSON.") from None
    try:
        return sop_from_data(parse_json_text(text, str(path)), notes)
    except InterchangeError as exc:
        message = _one_line(str(exc), 600)
        if not message.startswith(str(path)):
            message = f"{path}: {message}"
        raise InterchangeError(message) from None
    except RecursionError:
        raise InterchangeError(f"{path}: isi berkas bersarang terlalu dalam; bukan berkas SOP.") from None
    except Exception:  # noqa: BLE001 - whatever the content, one Indonesian sentence
        raise InterchangeError(f"{path}: isi berkas tidak berbentuk SOP yang dapat dibaca.") from None


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

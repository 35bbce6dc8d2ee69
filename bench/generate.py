"""Realistic random SOPs for benches, with words and text lengths taken from the real fixtures."""
from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sopdesk.model import END, TIME_UNITS, Actor, Duration, Identity, IdLabel, Signer, Sop, Step, Symbol

FIXTURES_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures"

# Used when the fixtures are not beside the repository: enough to look like an SOP.
_FALLBACK_WORDS = (
    "menerima memeriksa surat permohonan berkas usulan dokumen kelengkapan menyampaikan kepada kepala bagian "
    "biro sekretariat menyusun konsep laporan rencana kerja anggaran melakukan verifikasi persetujuan paraf "
    "tanda tangan mengarsipkan disposisi meneruskan unit organisasi terkait bahan rapat koordinasi evaluasi"
).split()

_WORD = re.compile(r"[A-Za-z][A-Za-z&/-]*")


@dataclass
class Vocabulary:
    """Words of each kind of text in the fixtures, and how long such texts are."""

    words: dict[str, list[str]] = field(default_factory=dict)
    lengths: dict[str, list[int]] = field(default_factory=dict)
    instansi: list[str] = field(default_factory=list)
    actor_names: list[str] = field(default_factory=list)
    person_names: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str) -> None:
        found = _WORD.findall(text or "")
        if found:
            self.words.setdefault(kind, []).extend(found)
            self.lengths.setdefault(kind, []).append(len(found))

    def sentence(self, rng: random.Random, kind: str, scale: float = 1.0) -> str:
        pool = self.words.get(kind) or self.words.get("kegiatan") or _FALLBACK_WORDS
        lengths = self.lengths.get(kind) or [8, 12, 16]
        count = max(1, round(rng.choice(lengths) * scale * rng.uniform(0.7, 1.3)))
        text = " ".join(rng.choice(pool) for _ in range(count))
        return text[0].upper() + text[1:]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    vocab = Vocabulary()
    for path in sorted(FIXTURES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        vocab.instansi.append(data.get("instansi") or "")
        vocab.actor_names.extend(data.get("pelaksana") or [])
        vocab.person_names.append((data.get("disahkan_oleh") or {}).get("nama") or "")
        vocab.add("nama", data.get("nama", ""))
        for line in data.get("unit_organisasi") or []:
            vocab.add("unit", line)
        for box in ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan",
                    "pencatatan_pendataan"):
            for item in data.get(box) or []:
                vocab.add(box, item)
        for step in data.get("kegiatan") or []:
            vocab.add("kegiatan", step.get("uraian", ""))
            for key in ("kelengkapan", "output", "keterangan"):
                vocab.add(key, step.get(key, ""))
    if not vocab.words:
        vocab.words["kegiatan"] = list(_FALLBACK_WORDS)
    vocab.instansi = [i for i in vocab.instansi if i] or ["KEMENTERIAN CONTOH REPUBLIK INDONESIA"]
    vocab.actor_names = sorted({a for a in vocab.actor_names if a}) or ["Kepala Bagian", "Staf Pelaksana"]
    vocab.person_names = [p for p in vocab.person_names if p] or ["Budi Santoso, S.H."]
    return vocab


def _date(rng: random.Random) -> dt.date:
    return dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))


def _identity(rng: random.Random, vocab: Vocabulary) -> Identity:
    code = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTU") for _ in range(2))
    ident = Identity(
        instansi=rng.choice(vocab.instansi),
        unit_lines=[vocab.sentence(rng, "unit") for _ in range(rng.randint(1, 3))],
        nomor=f"{code}.{rng.randint(1, 9):02d}.{rng.randint(1, 20):02d}-{rng.randint(1, 999):03d}-"
        f"{rng.randint(1, 999):03d}.Set.{code}",
        tanggal_pembuatan=_date(rng),
        tanggal_efektif=_date(rng),
        revisi_ke=rng.choice([None, 1, 2]),
        signer=Signer(jabatan="Kepala " + vocab.sentence(rng, "unit"), nama=rng.choice(vocab.person_names),
                      id_label=IdLabel.NIP, id_number="".join(rng.choice("0123456789") for _ in range(18))),
        nama=vocab.sentence(rng, "nama"),
        cakupan=rng.choice(["Makro", "Mikro"]),
        sifat="Administratif",
    )
    for box, (low, high) in {"dasar_hukum": (2, 6), "kualifikasi_pelaksana": (2, 6), "keterkaitan": (1, 4),
                             "peralatan_perlengkapan": (2, 5), "peringatan": (1, 2),
                             "pencatatan_pendataan": (1, 2)}.items():
        setattr(ident, box, [vocab.sentence(rng, box) for _ in range(rng.randint(low, high))])
    return ident


def _actors(rng: random.Random, vocab: Vocabulary, count: int) -> list[Actor]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(vocab.actor_names)
        if name in names:
            name = f"{rng.choice(['Kepala', 'Kasubbag', 'Staf', 'Analis'])} {vocab.sentence(rng, 'unit', 0.5)}"
        if name not in names:
            names.append(name)
    return [Actor(name=name) for name in names]


def generate_sop(rng: random.Random, steps: int, actors: int) -> Sop:
    """One SOP with `steps` steps over `actors` actors; about one step in eight is a decision."""
    vocab = vocabulary()
    sop = Sop(identity=_identity(rng, vocab), actors=_actors(rng, vocab, actors))
    actor_ids = [a.id for a in sop.actors]
    for _ in range(steps):
        who = [rng.choice(actor_ids)]
        if rng.random() < 0.1:
            who.append(rng.choice(actor_ids))
        order = {a: i for i, a in enumerate(actor_ids)}
        step = Step(
            kegiatan=vocab.sentence(rng, "kegiatan"),
            actors=sorted(set(who), key=order.__getitem__),
            kelengkapan=vocab.sentence(rng, "kelengkapan"),
            waktu=Duration(value=float(rng.choice([5, 10, 15, 30, 60, 1, 2, 3])), unit=rng.choice(TIME_UNITS)),
            output=vocab.sentence(rng, "output"),
            keterangan=vocab.sentence(rng, "keterangan") if rng.random() < 0.4 else "",
        )
        sop.steps.append(step)
    for index in range(1, steps - 1):
        if rng.random() < 0.12:
            step = sop.steps[index]
            step.symbol = Symbol.DECISION
            step.yes_target = sop.steps[index + 1].id
            # Most "Tidak" branches loop back to an earlier step; the rest leave the procedure.
            step.no_target = sop.steps[rng.randrange(index)].id if rng.random() < 0.8 else END
    return sop

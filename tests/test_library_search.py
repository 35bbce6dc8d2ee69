"""Full-text search of the library: every text of an SOP is found, folded for case and accents, from the catalogue."""
from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from sopdesk import storage
from sopdesk.catalog import CatalogEntry, catalog_fields, filter_entries
from sopdesk.interchange import read_sop_json
from sopdesk.model import LIST_BOXES, Status
from sopdesk.search import SearchIndex, normalise, query_words, search_words, sop_search_text, sop_texts
from sopdesk.storage import CATALOG_NAME, Library

from .conftest import FIXTURE_FILES, FIXTURES_DIR

ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"


def arsip():
    return read_sop_json(ARSIP)


def found_ids(library: Library, text: str, trashed: bool = False) -> list[str]:
    entries = library.list_trash() if trashed else library.entries()
    return [e.id for e in filter_entries(entries, text)]


# ---- normalising and the words kept -------------------------------------------------------------


def test_case_accents_and_typographic_dashes_are_folded():
    assert normalise("Sékretariat JENDERAL") == "sekretariat jenderal"
    assert normalise("Ijazah–Transkrip “Asli”") == 'ijazah-transkrip "asli"'
    assert normalise("ﬁle Ａ") == "file a"  # ligatures and full-width letters read as typed on a keyboard
    assert query_words("  Arsip   ÍNAKTIF ") == ["arsip", "inaktif"]


def test_words_are_kept_once_and_a_word_inside_a_longer_one_is_dropped():
    text = search_words(["Arsip arsip", "Arsip Inaktif", "kearsipan", "Biro Umum"])
    words = text.split()
    assert sorted(words) == sorted(["kearsipan", "inaktif", "biro", "umum"])


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_kept_words_answer_exactly_as_a_search_over_the_whole_text(path):
    """Any search word (a fragment of a word, a whole word, one that is absent) matches the kept words
    exactly when it occurs in the SOP's full text."""
    sop = read_sop_json(path)
    full = normalise("\n".join(t for t in sop_texts(sop) if t))
    kept = sop_search_text(sop)
    rng = random.Random(path.stem)
    words = full.split()
    probes = set()
    for _ in range(400):
        word = rng.choice(words)
        start = rng.randrange(len(word))
        probes.add(word[start:start + rng.randint(1, 8)])
    probes |= {"zzqx", "arsipx", "1945x", "biroz", "umum."}
    assert len(kept) < len(full)
    for probe in probes:
        assert (probe in full) == (probe in kept), probe


def test_every_kind_of_text_of_an_sop_is_searchable():
    sop = arsip()
    sop.identity.signer.nama = "Dr. Ratna Sari"
    sop.steps[2].keterangan = "Gunakan formulir FR-07"
    sop.steps[1].yes_label = "Lengkap"
    text = sop_search_text(sop)
    samples = [sop.identity.nomor, sop.identity.nama, sop.identity.instansi, sop.identity.unit_lines[-1],
               sop.actors[2].name, sop.steps[0].kegiatan, sop.steps[1].kelengkapan, sop.steps[2].output,
               sop.steps[3].waktu.display(), "Ratna", "fr-07", "Lengkap"]
    samples += [getattr(sop.identity, box)[0] for box in LIST_BOXES if getattr(sop.identity, box)]
    for sample in samples:
        assert all(word in text for word in query_words(sample)), sample


# ---- the index the window keeps ----------------------------------------------------------------------


def test_index_needs_every_word_in_any_field_and_follows_narrowing_and_widening():
    index = SearchIndex()
    index.set_all({"a": search_words(["Peminjaman Arsip", "Kepala Bagian Umum"]),
                   "b": search_words(["Penyusunan RKT", "Arsiparis"]),
                   "c": search_words(["Penetapan Kinerja", "Biro Umum"])})
    assert index.search("ars") == {"a", "b"}
    assert index.search("arsip") == {"a", "b"}  # "arsiparis" holds "arsip"
    assert index.search("arsip umum") == {"a"}  # both words, in different fields
    assert index.search("arsip um") == {"a"}
    assert index.search("um") == {"a", "c"}  # wider again: not limited to the last answer
    assert index.search("") == {"a", "b", "c"}
    index.put("c", search_words(["Penetapan Kinerja", "Arsip Umum"]))
    assert index.search("arsip umum") == {"a", "c"}
    index.remove("a")
    assert index.search("arsip umum") == {"c"}
    assert len(index) == 2


# ---- the catalogue holds the words ------------------------------------------------------------------


def test_saved_sop_is_found_by_step_list_and_actor_texts(tmp_path):
    with Library.open(tmp_path / "pustaka") as library:
        sop = arsip()
        library.save(sop)
        other = arsip()
        other.id = "lain"
        other.identity.nama = "SOP lain"
        other.steps = other.steps[:1]
        other.steps[0].kegiatan = "Menyusun konsep surat"
        other.identity.dasar_hukum = ["Peraturan Menteri Nomor 9 Tahun 2020"]
        library.save(other)
        step_words = " ".join(sop.steps[4].kegiatan.split()[:3])
        assert found_ids(library, step_words) == [sop.id]
        assert found_ids(library, "undang-undang kearsipan") == [sop.id]  # a Dasar Hukum item
        assert set(found_ids(library, "pengelola arsip")) == {sop.id, other.id}  # an actor of both
        assert found_ids(library, "KONSEP surat") == [other.id]
        assert found_ids(library, "tidak-ada-di-mana-pun") == []


def test_the_words_follow_each_save_trash_and_restore(tmp_path):
    with Library.open(tmp_path / "pustaka") as library:
        sop = arsip()
        library.save(sop)
        sop.steps[2].keterangan = "Dicatat di buku agenda khusus"
        library.save(sop)
        assert found_ids(library, "agenda khusus") == [sop.id]
        sop.steps[2].keterangan = "Dicatat di aplikasi persuratan"
        library.save(sop)
        assert found_ids(library, "agenda khusus") == []
        assert found_ids(library, "aplikasi persuratan") == [sop.id]
        library.trash(sop.id)
        assert found_ids(library, "persuratan") == []
        assert found_ids(library, "persuratan", trashed=True) == [sop.id]
        library.restore(sop.id)
        assert found_ids(library, "persuratan") == [sop.id]


def test_reopening_searches_from_the_catalogue_without_reading_sop_files(tmp_path, monkeypatch):
    root = tmp_path / "pustaka"
    with Library.open(root) as library:
        sop = arsip()
        sop.lifecycle.status = Status.BERLAKU
        library.save(sop)

    def no_reading(path):
        raise AssertionError(f"{path} read at open")

    monkeypatch.setattr(storage, "read_document", no_reading)
    with Library.open(root) as library:
        (entry,) = library.entries()
        assert entry.status == "Berlaku"
        assert found_ids(library, "pengelola arsip kasubbag") == [sop.id]


def test_a_catalogue_from_before_the_search_words_is_brought_up_to_date(tmp_path):
    root = tmp_path / "pustaka"
    with Library.open(root) as library:
        sop = arsip()
        library.save(sop)
    catalog = root / CATALOG_NAME
    data = json.loads(catalog.read_text(encoding="utf-8"))
    for doc in data["sops"].values():
        for key in ("search_text", "status", "tahun_pembuatan", "tahun_efektif"):
            doc.pop(key, None)
    catalog.write_text(json.dumps(data), encoding="utf-8")
    with Library.open(root) as library:
        (entry,) = library.entries()
        assert "kasubbag" in entry.search_text
        assert entry.tahun_pembuatan == sop.identity.tanggal_pembuatan.year
    saved = json.loads(catalog.read_text(encoding="utf-8"))
    assert all("search_text" in doc for doc in saved["sops"].values())


def test_entry_keeps_status_years_and_review_parts():
    sop = arsip()
    ident = sop.identity
    ident.tanggal_pembuatan = dt.date(2021, 3, 1)
    ident.tanggal_efektif = dt.date(2022, 1, 10)
    ident.tanggal_revisi = dt.date(2024, 6, 30)
    sop.lifecycle.status = Status.BERLAKU
    sop.lifecycle.review_months = 24
    fields = catalog_fields(sop)
    assert fields["status"] == "Berlaku"
    assert (fields["tahun_pembuatan"], fields["tahun_efektif"]) == (2021, 2022)
    assert (fields["review_basis"], fields["review_months"], fields["review_planned"]) == ("2022-01-10", 24, "")
    sop.lifecycle.review_on_tanggal_revisi = True
    assert catalog_fields(sop)["review_planned"] == "2024-06-30"


def test_filter_entries_still_finds_entries_made_without_words():
    entries = [CatalogEntry("1", "OT.01/001", "Peminjaman Arsip Inaktif", "Biro Umum", "2024-01-01T00:00:00+00:00"),
               CatalogEntry("2", "KP.02/017", "Penyusunan Kinerja", "Biro Perencanaan", "2024-01-02T00:00:00+00:00")]
    assert [e.id for e in filter_entries(entries, "biro ARSIP")] == ["1"]
    assert [e.id for e in filter_entries(entries, "kp.02")] == ["2"]


def test_entries_read_from_the_catalogue_are_whole_and_frozen(tmp_path):
    import dataclasses

    with Library.open(tmp_path / "pustaka") as library:
        saved = library.save(arsip())
        (listed,) = library.entries()
    assert listed == saved and listed.search_text == saved.search_text and listed.cleaned == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        listed.nama = "diubah"  # type: ignore[misc]
    assert dataclasses.replace(listed, nama="Lain").nama == "Lain"

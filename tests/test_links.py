"""Links between SOPs without a window: matching by nomor and nama, explicit links, their warnings,
back-links from the real library catalogue, and the native JSON round trip (old files included)."""
import json
from types import SimpleNamespace

import pytest

from sopdesk import links
from sopdesk.interchange import dumps, read_sop_json, sop_from_native, sop_to_native
from sopdesk.links import IN_STEP, LinkCatalogue, backlinks, make_link, resolve
from sopdesk.model import Sop, SopLink, Step
from sopdesk.storage import Library
from sopdesk.validation import link_problems, validate

from .conftest import FIXTURES_DIR


def entry(sop_id, nomor, nama, refs=()):
    return SimpleNamespace(id=sop_id, nomor=nomor, nama=nama, unit="Biro Umum", link_refs=refs)


PK = [entry("pk1", "SOP-001/17000/2024", "Penyiapan Bahan Penyusunan PK I"),
      entry("pk2", "SOP-002/17000/2024", "Penyiapan Bahan Penyusunan PK II"),
      entry("tim", "SOP-003", "Pembentukan Tim"),
      entry("rapat", "SOP-004", "Rapat")]


def sop_with(nomor="", nama="", keterkaitan=(), sop_id=None):
    sop = Sop()
    if sop_id:
        sop.id = sop_id
    sop.identity.nomor, sop.identity.nama = nomor, nama
    sop.identity.keterkaitan = list(keterkaitan)
    return sop


# ---- matching -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("SOP Mikro Penyiapan Bahan Penyusunan PK I", "pk1"),
    ("SOP Mikro Penyiapan Bahan Penyusunan PK II", "pk2"),  # not "PK I" inside "PK II"
    ("sop mikro PENYIAPAN  bahan penyusunan pk ii", "pk2"),  # case and spaces do not count
    ("Lihat SOP-002 / 17000/2024", "pk2"),  # by nomor, spaces around "/" forgiven
    ("SOP-0031 Lain", None),  # a longer number is another nomor
    ("SOP Pengarsipan", None),
])
def test_an_item_is_matched_by_nomor_or_nama(text, expected):
    found = LinkCatalogue(PK).best(text)
    assert (found.id if found else None) == expected


def test_a_keterangan_names_an_sop_only_after_the_word_sop():
    catalogue = LinkCatalogue(PK)
    assert catalogue.matches("Pembentukan Tim dilakukan oleh Sekretaris", IN_STEP) == ()
    assert catalogue.matches("Rapat dipimpin Kepala Biro", IN_STEP) == ()
    named = catalogue.matches("SOP Pembentukan Tim, SOP Mikro Penyiapan Bahan Penyusunan PK I", IN_STEP)
    assert [m.target.id for m in named] == ["tim", "pk1"]  # in the order the text names them
    assert [m.target.id for m in catalogue.matches("Lihat SOP-003", IN_STEP)] == ["tim"]


def test_a_short_nama_or_a_name_two_sops_share_is_not_a_match():
    twins = [entry("a", "A/1/2020", "Penataan Arsip"), entry("b", "B/2/2020", "Penataan Arsip")]
    catalogue = LinkCatalogue(PK + twins)
    assert catalogue.best("Rapat koordinasi") is None  # a one-word name is an ordinary word on its own
    assert catalogue.best("SOP Rapat").id == "rapat"
    assert catalogue.best("SOP Penataan Arsip") is None  # which one? no guess
    assert catalogue.best("SOP Penataan Arsip (B/2/2020)").id == "b"  # the nomor settles it


def test_an_explicit_link_wins_and_the_own_sop_is_never_matched():
    catalogue = LinkCatalogue(PK)
    item = "SOP Mikro Penyiapan Bahan Penyusunan PK I"
    [only] = resolve(item, SopLink("tim", "SOP-003", "Pembentukan Tim"), catalogue, "own")
    assert (only.state, only.target.id) == (links.LINKED, "tim")
    assert resolve(item, None, catalogue, self_id="pk1") == []


# ---- warnings of explicit links ------------------------------------------------------------------------


def test_link_warnings_for_deleted_trashed_and_renamed_targets():
    catalogue = LinkCatalogue([entry("b", "SOP-005", "Peminjaman Arsip")], [entry("t", "SOP-009", "Di Sampah")])
    sop = sop_with(keterkaitan=["SOP-002 Peminjaman Arsip", "SOP Peminjaman Arsip", "Lainnya", "SOP Di Sampah",
                                "SOP Hilang"])
    sop.identity.keterkaitan_links = {
        "SOP-002 Peminjaman Arsip": SopLink("b", "SOP-002", "Peminjaman Arsip"),  # nomor changed since
        "SOP Peminjaman Arsip": SopLink("b", "SOP-002", "Peminjaman Arsip"),  # says the nama: still right
        "Lainnya": SopLink("b", "SOP-005", "Peminjaman Arsip"),
        "SOP Di Sampah": SopLink("t", "SOP-009", "Di Sampah"),
        "SOP Hilang": SopLink("gone", "SOP-010", "Hilang"),
    }
    found = {(p.target.index, p.code): p.message for p in link_problems(sop, catalogue)}
    assert set(found) == {(0, "link-renamed"), (2, "link-unnamed"), (3, "link-trashed"), (4, "link-gone")}
    assert found[(0, "link-renamed")] == ('Keterkaitan butir 1 masih menyebut nomor "SOP-002", tetapi SOP yang '
                                          'dikaitkan kini bernomor "SOP-005".')
    assert "sudah tidak ada di pustaka" in found[(4, "link-gone")]
    assert "Sampah" in found[(3, "link-trashed")]


def test_a_renamed_nama_in_a_keterangan_is_warned_about():
    catalogue = LinkCatalogue([entry("tim", "SOP-003", "Pembentukan Tim Kerja")])
    sop = sop_with()
    sop.steps = [Step(kegiatan="Mulai"),
                 Step(keterangan="SOP Pembentukan Tim", keterangan_link=SopLink("tim", "", "Pembentukan Tim"))]
    [problem] = link_problems(sop, catalogue)
    assert problem.code == "link-renamed"
    assert problem.target.area == "step" and problem.target.field == "keterangan"
    assert problem.target.item_id == sop.steps[1].id
    assert problem.message.startswith("Langkah 2, Keterangan masih menyebut nama \"Pembentukan Tim\"")


# ---- edits ---------------------------------------------------------------------------------------------


def test_a_link_follows_its_item_and_goes_with_it():
    sop = sop_with(keterkaitan=["SOP A", "SOP B"])
    links.set_item_link(sop, "SOP B", SopLink("b"))
    links.set_box(sop, "keterkaitan", ["SOP B", "SOP A"])  # moved: the link stays on its item
    assert sop.identity.keterkaitan_links == {"SOP B": SopLink("b")}
    links.set_box(sop, "keterkaitan", ["SOP B (revisi)", "SOP A"], renamed=("SOP B", "SOP B (revisi)"))
    assert sop.identity.keterkaitan_links == {"SOP B (revisi)": SopLink("b")}
    assert sop.identity.keterkaitan == ["SOP B (revisi)", "SOP A"]  # the text is what was typed
    links.set_box(sop, "keterkaitan", ["SOP A"])
    assert sop.identity.keterkaitan_links == {}


def test_adding_an_item_from_the_library_names_and_links_the_sop():
    sop = sop_with(keterkaitan=["SOP Lain"])
    target = LinkCatalogue(PK).get("tim")
    text = links.add_linked_item(sop, 0, target)
    assert text == "SOP Pembentukan Tim (SOP-003)"
    assert sop.identity.keterkaitan == [text, "SOP Lain"]
    assert sop.identity.keterkaitan_links[text] == make_link(target)
    assert link_problems(sop, LinkCatalogue(PK)) == []


# ---- the native format ---------------------------------------------------------------------------------


def test_links_survive_the_native_json_round_trip(tmp_path):
    sop = sop_with("SOP-010", "Induk", ["SOP Mikro Penyiapan Bahan Penyusunan PK I", "Bebas"])
    sop.identity.keterkaitan_links = {"SOP Mikro Penyiapan Bahan Penyusunan PK I": SopLink("pk1", "SOP-001", "PK")}
    sop.steps = [Step(kegiatan="Mulai", keterangan="Lihat SOP-003", keterangan_link=SopLink("tim", "SOP-003", "T")),
                 Step(kegiatan="Selesai")]
    path = tmp_path / "induk.json"
    path.write_text(dumps(sop_to_native(sop)), encoding="utf-8")
    back = read_sop_json(path)
    assert back == sop
    assert back.clone() == sop and back.clone().identity.keterkaitan_links is not sop.identity.keterkaitan_links
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["steps"][1]["keterangan_link"] is None
    assert data["identity"]["keterkaitan"] == sop.identity.keterkaitan  # the printed texts are untouched


def test_a_file_from_before_links_loads_without_links():
    data = sop_to_native(sop_with("SOP-1", "Lama", ["SOP Apa Saja"]))
    del data["identity"]["keterkaitan_links"]
    data["steps"] = [{"id": "s1", "kegiatan": "Mulai", "keterangan": "Lihat SOP-003"}]
    sop = sop_from_native(data)
    assert sop.identity.keterkaitan_links == {}
    assert sop.steps[0].keterangan_link is None
    assert sop.identity.keterkaitan == ["SOP Apa Saja"]


def test_a_damaged_link_is_one_indonesian_sentence():
    data = sop_to_native(sop_with("SOP-1", "Rusak", ["X"]))
    data["identity"]["keterkaitan_links"] = [{"text": "X", "sop_id": ""}]
    with pytest.raises(Exception) as caught:
        sop_from_native(data)
    assert str(caught.value) == "identity.keterkaitan_links[1].sop_id: id SOP yang dikaitkan kosong."


# ---- back-links from the library ----------------------------------------------------------------------


def fixture_sop(name):
    return read_sop_json(FIXTURES_DIR / f"{name}.json")


def test_back_links_come_from_the_catalogue_of_the_real_library(tmp_path):
    """Fixture 000 (a Makro SOP) lists its three Mikro SOPs by name; 001 lists its Makro SOP."""
    makro = fixture_sop("000_dca99833c4e40ed1")
    mikro = fixture_sop("001_71e1f31e4a04122a")
    other = sop_with("SOP-777", "Penataan Arsip Inaktif")
    with Library.open(tmp_path / "pustaka") as library:
        # Named as each one's Keterkaitan names the other (the fixtures come from two different offices).
        mikro.identity.nama = "Penyiapan Bahan Penyusunan PK II"
        makro.identity.nama = "Penyusunan Renstra, Renja, IKU, RKT, dan PK Deputi BidKoor Kesatuan Bangsa"
        mikro.identity.keterkaitan_links = {}
        for sop in (makro, mikro, other):
            library.save(sop)
        # A Keterangan that links explicitly, in a third SOP.
        other.steps = [Step(kegiatan="Mulai", keterangan="Rincian", keterangan_link=make_link(
            LinkCatalogue(library.entries()).get(mikro.id)))]
        library.save(other)
        catalogue = LinkCatalogue(library.entries(), library.list_trash())
    found = {b.source.id: b.places for b in backlinks(mikro, catalogue)}
    assert found == {makro.id: ("Keterkaitan",), other.id: ("Keterangan langkah 1",)}
    makro_backs = {b.source.id for b in backlinks(makro, catalogue)}
    assert makro_backs == {mikro.id}  # 001 names "SOP Makro Penyusunan Renstra, …"
    # The open SOP as it is now: renaming it (not yet saved) loses the back-link by name.
    mikro.identity.nama = "Nama Lain Sama Sekali"
    assert {b.source.id for b in backlinks(mikro, catalogue)} == {other.id}


def test_an_sop_in_the_sampah_gives_no_back_links_and_its_links_warn(tmp_path):
    target = sop_with("SOP-100", "Penataan Arsip Inaktif")
    source = sop_with("SOP-101", "Peminjaman Arsip", ["SOP Penataan Arsip Inaktif"])
    with Library.open(tmp_path / "pustaka") as library:
        library.save(target)
        catalogue = LinkCatalogue(library.entries())
        source.identity.keterkaitan_links = {"SOP Penataan Arsip Inaktif": make_link(catalogue.get(target.id))}
        library.save(source)
        assert [b.source.id for b in backlinks(target, LinkCatalogue(library.entries()))] == [source.id]
        library.trash(source.id)
        assert backlinks(target, LinkCatalogue(library.entries(), library.list_trash())) == []
        library.trash(target.id)
        catalogue = LinkCatalogue(library.entries(), library.list_trash())
        assert [p.code for p in link_problems(source, catalogue)] == ["link-trashed"]
        library.purge(target.id)
        catalogue = LinkCatalogue(library.entries(), library.list_trash())
        assert [p.code for p in link_problems(source, catalogue)] == ["link-gone"]
    assert not [p for p in validate(source) if p.code.startswith("link")]  # validate() alone has no library


def test_a_catalogue_from_before_links_is_read_again_from_the_files(tmp_path):
    source = sop_with("SOP-101", "Peminjaman Arsip", ["SOP Penataan Arsip Inaktif"])
    target = sop_with("SOP-100", "Penataan Arsip Inaktif")
    root = tmp_path / "pustaka"
    with Library.open(root) as library:
        library.save(source)
        library.save(target)
    catalog = root / "catalog.json"
    data = json.loads(catalog.read_text(encoding="utf-8"))
    for doc in data["sops"].values():
        del doc["link_refs"]  # as an older SOP Desk wrote it
    catalog.write_text(json.dumps(data), encoding="utf-8")
    with Library.open(root) as library:
        catalogue = LinkCatalogue(library.entries())
    assert [b.source.id for b in backlinks(target, catalogue)] == [source.id]


def test_a_catalogue_built_on_the_previous_one_finds_what_a_fresh_one_finds():
    # After a save the window builds the link catalogue on the one before (only changed SOPs are keyed
    # again); renames, new SOPs, trashed ones and changed links must all be seen as a fresh build sees them.
    def stamped(sop_id, nomor, nama, stamp, refs=()):
        item = entry(sop_id, nomor, nama, refs)
        item.updated_at = stamp
        return item

    base = [stamped(f"s{i}", f"SOP-{i:03d}/17000/2024", f"Pengelolaan Arsip Unit {i}", "t0") for i in range(40)]
    texts = [f"SOP Pengelolaan Arsip Unit {i}" for i in range(45)] + [f"Lihat SOP-{i:03d}/17000/2024" for i in range(45)]
    texts += ["SOP Penataan Arsip Inaktif", "SOP Pengelolaan Arsip Unit 7 dan SOP-012/17000/2024"]
    steps = [
        base,
        [*base[:7], stamped("s7", "SOP-007/17000/2024", "Penataan Arsip Inaktif", "t1"), *base[8:]],  # renamed
        [*base, stamped("s40", "SOP-040/17000/2024", "Pengelolaan Arsip Unit 40", "t1")],  # added
        base[:-3],  # three gone
        [*base[:5], stamped("s5", "SOP-005/17000/2024", "Pengelolaan Arsip Unit 5", "t2",
                            [[0, "SOP Pengelolaan Arsip Unit 9", "s9"]]), *base[6:]],  # links changed
        [stamped(f"n{i}", f"SOP-{i:03d}/17000/2024", f"Pengelolaan Arsip Unit {i}", "t3") for i in range(40)],
    ]
    previous = None
    for entries in steps:
        built = LinkCatalogue(entries, [], previous)
        fresh = LinkCatalogue(entries, [])
        for text in texts:
            assert [m.target.id for m in built.matches(text)] == [m.target.id for m in fresh.matches(text)], text
        assert built.refs == fresh.refs
        sop = sop_with("SOP-009/17000/2024", "Pengelolaan Arsip Unit 9", sop_id="s9")
        assert backlinks(sop, built) == backlinks(sop, fresh)
        previous = built

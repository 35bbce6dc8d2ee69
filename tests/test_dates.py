"""The date reader behind the typed date fields: every common Indonesian way of writing a date."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdesk.dates import DateReading, date_text, parse_date
from sopdesk.labels import format_date
from sopdesk.model import Identity

NOV_1 = dt.date(2017, 11, 1)  # a Wednesday (Rabu)


@pytest.mark.parametrize("text", [
    "01/11/2017", "1/11/2017", "1-11-2017", "1.11.2017", "01.11.2017", " 1 / 11 / 2017 ",
    "1 November 2017", "1 november 2017", "01 NOVEMBER 2017", "1 Nov 2017", "1 Nov. 2017", "1-Nov-2017",
    "1 Nopember 2017", "1 Nop 2017", "1 November, 2017",
    "Rabu, 01 November 2017", "rabu 1 november 2017", "Rabu, 1/11/2017",
    "2017-11-01", "2017-11-1",
])
def test_readable_forms_of_1_november_2017(text):
    assert parse_date(text) == DateReading(NOV_1, readable=True, weekday_ok=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("2 Januari 2020", dt.date(2020, 1, 2)),
    ("2 Jan 2020", dt.date(2020, 1, 2)),
    ("29 Februari 2020", dt.date(2020, 2, 29)),
    ("3 Pebruari 2021", dt.date(2021, 2, 3)),
    ("3 Feb 2021", dt.date(2021, 2, 3)),
    ("17 Agustus 1945", dt.date(1945, 8, 17)),
    ("17 Agt 1945", dt.date(1945, 8, 17)),
    ("17 Agu 1945", dt.date(1945, 8, 17)),
    ("17 Ags 1945", dt.date(1945, 8, 17)),
    ("17 Agus 1945", dt.date(1945, 8, 17)),
    ("17 August 1945", dt.date(1945, 8, 17)),
    ("5 Mei 2023", dt.date(2023, 5, 5)),
    ("5 May 2023", dt.date(2023, 5, 5)),
    ("9 Sept 2023", dt.date(2023, 9, 9)),
    ("9 Okt 2023", dt.date(2023, 10, 9)),
    ("9 Oct 2023", dt.date(2023, 10, 9)),
    ("25 Des 2023", dt.date(2023, 12, 25)),
    ("25 Dec 2023", dt.date(2023, 12, 25)),
    ("12/03/2024", dt.date(2024, 3, 12)),  # day first, never month first
    ("Jumat, 1 Maret 2024", dt.date(2024, 3, 1)),
    ("Jum'at, 1 Maret 2024", dt.date(2024, 3, 1)),
    ("Minggu, 3 Maret 2024", dt.date(2024, 3, 3)),
    ("Ahad, 3 Maret 2024", dt.date(2024, 3, 3)),
])
def test_month_names_abbreviations_and_weekdays(text, expected):
    reading = parse_date(text)
    assert reading.value == expected and reading.readable and reading.weekday_ok


def test_a_wrong_weekday_still_reads_the_date_but_says_so():
    reading = parse_date("Selasa, 01 November 2017")
    assert reading == DateReading(NOV_1, readable=True, weekday_ok=False)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_is_no_date(text):
    assert parse_date(text) == DateReading(None, readable=True, weekday_ok=True)


@pytest.mark.parametrize("text", [
    "akhir 2017", "31/02/2017", "32 Januari 2020", "1/13/2017", "01/11/17", "1 Brumaire 2017",
    "Rabu", "2017", "1 November", "01/11-2017", "Kamis, besok", "1 November 2017 atau 2 November 2017",
    "2017-13-01", "99999-01-01", "١/١١/٢٠١٧",
])
def test_unreadable_text_is_reported_not_guessed(text):
    reading = parse_date(text)
    assert reading.value is None and not reading.readable


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)), st.booleans())
def test_every_formatted_date_reads_back(date, weekday):
    assert parse_date(format_date(date, weekday=weekday)) == DateReading(date, readable=True, weekday_ok=True)


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_iso_and_numeric_forms_read_back(date):
    assert parse_date(date.isoformat()).value == date
    assert parse_date(f"{date.day}/{date.month}/{date.year}").value == date


def test_date_text_prefers_the_kept_text_of_an_unreadable_date():
    ident = Identity(tanggal_pembuatan=NOV_1, date_texts={"tanggal_revisi": "akhir 2017"})
    assert date_text(ident, "tanggal_pembuatan") == "Rabu, 01 November 2017"
    assert date_text(ident, "tanggal_revisi") == "akhir 2017"
    assert date_text(ident, "tanggal_efektif") == "-"
    assert date_text(ident, "tanggal_efektif", empty="") == ""


# ---- the kept text through the model, the native format, validation and the layout --------------


def _sop_with_kept_date():
    from sopdesk.model import Sop

    sop = Sop()
    sop.identity.tanggal_pembuatan = NOV_1
    sop.identity.date_texts = {"tanggal_efektif": "menunggu pengesahan"}
    return sop


def test_clone_copies_the_kept_texts():
    sop = _sop_with_kept_date()
    twin = sop.clone()
    twin.identity.date_texts["tanggal_efektif"] = "lain"
    assert sop.identity.date_texts == {"tanggal_efektif": "menunggu pengesahan"}


def test_native_format_carries_the_kept_texts_and_reads_old_files():
    import json

    from sopdesk.interchange import InterchangeError, sop_from_native, sop_to_native

    sop = _sop_with_kept_date()
    data = json.loads(json.dumps(sop_to_native(sop)))
    assert data["identity"]["date_texts"] == {"tanggal_efektif": "menunggu pengesahan"}
    assert sop_from_native(data) == sop
    del data["identity"]["date_texts"]  # a file written before the field existed
    assert sop_from_native(data).identity.date_texts == {}
    data["identity"]["date_texts"] = {"tanggal_efektif": 5}
    with pytest.raises(InterchangeError, match="date_texts.tanggal_efektif"):
        sop_from_native(data)


def test_validation_names_the_unreadable_field_and_does_not_call_it_empty():
    from sopdesk.validation import validate

    sop = _sop_with_kept_date()
    sop.identity.revisi_ke = 1
    sop.identity.date_texts["tanggal_revisi"] = "pertengahan 2018"
    problems = validate(sop)
    unreadable = {p.target.field: p.message for p in problems if p.code == "date-unreadable"}
    assert set(unreadable) == {"tanggal_efektif", "tanggal_revisi"}
    assert unreadable["tanggal_efektif"].startswith("Tanggal Efektif: \"menunggu pengesahan\"")
    assert not [p for p in problems if p.code in ("revision-date", "identity-empty") and "Tanggal" in p.message]


def test_the_layout_prints_the_kept_text_where_the_date_would_be():
    from sopdesk.layout.identity import _identity_rows

    rows = dict(_identity_rows(_sop_with_kept_date().identity))
    assert rows["Tanggal Pembuatan"] == ["Rabu, 01 November 2017"]
    assert rows["Tanggal Efektif"] == ["menunggu pengesahan"]


def test_the_excel_importer_reads_cells_as_the_form_does():
    from sopdesk.importers.xlsx_identity import parse_date as read_cell

    for text in ("01/11/2017", "1 Nov. 2017", "Rabu, 01 November 2017", "1-Nov-2017", "2017-11-01"):
        assert read_cell(text) == (NOV_1, True)

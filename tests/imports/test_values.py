from datetime import date, datetime
from decimal import Decimal

import pytest

from imports.values import (
    CellError,
    header_key,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_money,
    parse_text,
)

EMPTY = [None, "", "   ", "\t"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Mã số thuế", "ma_so_thue"),
        ("Giá thuê/tháng", "gia_thue/thang"),
        ("Giá thuê / tháng", "gia_thue/thang"),
        ("start_date", "start_date"),
        (" Start Date ", "start_date"),
        ("Start--Date", "start_date"),
        ("ĐỊA CHỈ", "dia_chi"),
        ("Ngày  bắt_đầu", "ngay_bat_dau"),
        ("Nguye\u0302\u0303n", "nguyen"),  # decomposed accents
    ],
)
def test_header_key(text, key):
    assert header_key(text) == key


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Công ty A ", "Công ty A"),
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'+84 90", "+84 90"),
        ("'-5", "-5"),
        ("'@home", "@home"),
        ("'\tx", "\tx"),
        ("'quoted", "'quoted"),  # not our neutraliser: kept
        ("=1+1", "=1+1"),
        (42, "42"),
        (42.0, "42"),
        (12.5, "12.5"),
        (date(2027, 1, 31), "2027-01-31"),
    ],
)
def test_parse_text(value, expected):
    assert parse_text(value) == expected


@pytest.mark.parametrize("parser", [parse_text, parse_int, parse_decimal, parse_money])
@pytest.mark.parametrize("value", EMPTY)
def test_empty_cells_are_none(parser, value):
    assert parser(value) is None


@pytest.mark.parametrize("parser", [parse_date, parse_bool])
@pytest.mark.parametrize("value", EMPTY)
def test_empty_dates_and_flags_are_none(parser, value):
    assert parser(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        (12, 12),
        (12.0, 12),
        ("12.0", 12),
        ("1.200", 1200),
        ("1,200", 1200),
        ("1.200.000", 1200000),
        ("1 200", 1200),
        ("-3", -3),
        (Decimal("7"), 7),
    ],
)
def test_parse_int(value, expected):
    assert parse_int(value) == expected
    assert type(parse_int(value)) is int


@pytest.mark.parametrize(
    "value", ["1.5", "1,5", 1.5, "abc", "1.2.3", "1 2", "1e5", True, "12,34,5"]
)
def test_parse_int_refuses(value):
    with pytest.raises(CellError) as caught:
        parse_int(value)
    assert caught.value.code == "invalid"
    assert caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.5", Decimal("12.5")),
        ("12,5", Decimal("12.5")),
        ("12,50", Decimal("12.50")),
        (".5", Decimal("0.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1.234", Decimal("1234")),  # one separator before exactly 3 digits: thousands
        ("-2,25", Decimal("-2.25")),
        (12.5, Decimal("12.5")),
        (0.1 + 0.2, Decimal("0.3")),
        (3, Decimal("3")),
    ],
)
def test_parse_decimal(value, expected):
    assert parse_decimal(value) == expected


@pytest.mark.parametrize(
    ("value", "places"),
    [("0,125", 2), ("12.3456", 2), (12.345, 2), ("1.5", 0), ("abc", 2), ("1,2,3", 2), ("nan", 2)],
)
def test_parse_decimal_refuses(value, places):
    with pytest.raises(CellError) as caught:
        parse_decimal(value, places=places)
    assert caught.value.code == "invalid"


def test_parse_decimal_places():
    assert parse_decimal("0,125", places=3) == Decimal("0.125")


@pytest.mark.parametrize(
    "value",
    [
        "1.500.000",
        "1,500,000",
        "1 500 000",
        "1\u00a0500\u00a0000",
        "1.500.000 đ",
        "1500000đ",
        "1.500.000 VND",
        "1.500.000 VNĐ",
        "vnd 1,500,000",
        "₫1.500.000",
        "1500000",
        "1.500.000,00",
        1500000,
        1500000.0,
        Decimal("1500000"),
    ],
)
def test_parse_money(value):
    assert parse_money(value) == 1500000
    assert type(parse_money(value)) is int


def test_parse_money_zero_and_small():
    assert parse_money("0") == 0
    assert parse_money("500") == 500


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1500.5", "Amounts are whole dong."),
        ("1.500,50", "Amounts are whole dong."),
        (1500.5, "Amounts are whole dong."),
        ("-1.500.000", "Amounts cannot be negative."),
        (-5, "Amounts cannot be negative."),
        ("đ", "Enter an amount in dong."),
        ("abc", "Enter an amount in dong, such as 1.500.000."),
        ("1.50.000", "Enter an amount in dong, such as 1.500.000."),
        (True, "Enter an amount in dong, such as 1.500.000."),
    ],
)
def test_parse_money_refuses(value, message):
    with pytest.raises(CellError) as caught:
        parse_money(value)
    assert (caught.value.code, caught.value.message) == ("invalid", message)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2027, 1, 31), date(2027, 1, 31)),
        (datetime(2027, 1, 31, 15, 30), date(2027, 1, 31)),  # noqa: DTZ001 - a cell's datetime
        ("2027-01-31", date(2027, 1, 31)),
        ("2027-01-31 00:00:00", date(2027, 1, 31)),
        ("31/01/2027", date(2027, 1, 31)),
        ("31-01-2027", date(2027, 1, 31)),
        ("31.01.2027", date(2027, 1, 31)),
        ("1/2/2027", date(2027, 2, 1)),  # day first
        (" 05/03/2027 ", date(2027, 3, 5)),
        (45658, date(2025, 1, 1)),
        (45658.75, date(2025, 1, 1)),
        ("45658", date(2025, 1, 1)),
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected
    assert type(parse_date(value)) is date


@pytest.mark.parametrize("value", [2027, "2027", 2027.0, 1900, "2200"])
def test_a_bare_year_is_refused_as_a_year_not_read_as_an_excel_day(value):
    with pytest.raises(CellError) as caught:
        parse_date(value)
    assert caught.value.code == "invalid_date"
    assert "is a year, not a date" in caught.value.message
    assert "dd/mm/yyyy" in caught.value.message


def test_excel_days_on_either_side_of_the_years_are_dates():
    assert parse_date(1899) == date(1905, 3, 13)
    assert parse_date(2201) == date(1906, 1, 9)
    assert parse_date(2027.5) == date(1905, 7, 19)  # a time of day: a serial, not a year


@pytest.mark.parametrize(
    "value",
    ["31/02/2027", "tomorrow", "2027-13-01", "01/31/2027", 0, 60, 2958466, "31/01/27", True],
)
def test_parse_date_refuses(value):
    with pytest.raises(CellError) as caught:
        parse_date(value)
    assert caught.value.code == "invalid_date"
    assert "dd/mm/yyyy" in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        ("Yes", True),
        ("no", False),
        ("có", True),
        ("Có", True),
        ("co", True),
        ("không", False),
        ("KHÔNG", False),
        ("khong", False),
        ("x", True),
        ("X", True),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (1.0, True),
    ],
)
def test_parse_bool(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", "2", 2, "y", "-"])
def test_parse_bool_refuses(value):
    with pytest.raises(CellError) as caught:
        parse_bool(value)
    assert caught.value.code == "invalid"


ROLES = {"director": "Giám đốc", "accountant": "Kế toán", "it_contact": "IT contact"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("director", "director"),
        ("DIRECTOR", "director"),
        ("Giám đốc", "director"),
        ("giam doc", "director"),
        ("KẾ TOÁN", "accountant"),
        ("it contact", "it_contact"),
        ("IT-contact", "it_contact"),
    ],
)
def test_parse_choice(value, expected):
    assert parse_choice(value, ROLES) == expected


def test_parse_choice_empty_and_refused():
    assert parse_choice("  ", ROLES) is None
    with pytest.raises(CellError) as caught:
        parse_choice("chairman", ROLES)
    assert caught.value.code == "invalid_choice"
    assert caught.value.message == "Choose one of: director, accountant, it_contact."

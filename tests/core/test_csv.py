"""core.csv: the cells and the file every CSV of ours (the API's and the admin's) is made of."""

from decimal import Decimal

from core.csv import csv_bytes, csv_cell


def test_text_that_starts_like_a_formula_gets_a_leading_quote_and_numbers_stay_numbers():
    assert [
        csv_cell(v) for v in ("=1+1", "+84 28", "-5", "@A1", "\tx", "\ry", -5, Decimal("-1.5"))
    ] == [
        "'=1+1",
        "'+84 28",
        "'-5",
        "'@A1",
        "'\tx",
        "'\ry",
        "-5",
        "-1.5",
    ]


def test_a_csv_file_is_utf8_with_a_bom_crlf_lines_and_safe_cells_in_the_header_too():
    assert csv_bytes(["Tên", "=x"], [["Công ty, A", -5], ["=2", None]]) == (
        "\ufeffTên,'=x\r\n\"Công ty, A\",-5\r\n'=2,\r\n".encode()
    )

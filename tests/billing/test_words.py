"""The total in Vietnamese words, as Vietnamese invoices print it (billing.md "Proof")."""

import pytest

from billing.documents.words import amount_in_words


@pytest.mark.parametrize(
    ("vnd", "words"),
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (
            1_234_567_890,
            "Một tỷ hai trăm ba mươi bốn triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi đồng",
        ),
    ],
)
def test_the_totals_of_the_design_read_as_invoices_print_them(vnd, words):
    assert amount_in_words(vnd) == words


@pytest.mark.parametrize(
    ("vnd", "words"),
    [
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (110, "Một trăm mười đồng"),
        (1_010, "Một nghìn không trăm mười đồng"),
        (5_001_000, "Năm triệu không trăm linh một nghìn đồng"),
        (20_633_332, "Hai mươi triệu sáu trăm ba mươi ba nghìn ba trăm ba mươi hai đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (2_003_000_000_005, "Hai nghìn không trăm linh ba tỷ không trăm linh năm đồng"),
    ],
)
def test_groups_after_a_higher_one_are_read_in_full(vnd, words):
    assert amount_in_words(vnd) == words


def test_a_negative_total_of_an_adjustment_reads_as_minus():
    assert amount_in_words(-1_100_000) == "Âm một triệu một trăm nghìn đồng"

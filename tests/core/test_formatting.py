import pytest
from django.utils import translation

from core.formatting import format_vnd


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "22,950,000,000 đ"), ("vi", "22.950.000.000 đ")]
)
def test_an_amount_in_dong_is_grouped_in_the_readers_language(language, shown):
    with translation.override(language):
        assert format_vnd(22_950_000_000) == shown


def test_no_amount_is_a_dash():
    assert format_vnd(None) == "-"

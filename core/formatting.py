"""How the admin shows amounts to people: grouped digits in the reader's language and `đ`."""

from django.utils import numberformat
from django.utils.formats import get_format


def format_vnd(amount: int | None) -> str:
    """`22950000000` as "22,950,000,000 đ" in English and "22.950.000.000 đ" in Vietnamese
    (the active language's separator; Django's Vietnamese formats set no grouping, so it is
    given here: thousands, as Vietnamese invoices write them); "-" for no amount."""
    if amount is None:
        return "-"
    grouped = numberformat.format(
        amount,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=0,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    return f"{grouped} đ"

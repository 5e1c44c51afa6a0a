"""The total of an invoice in Vietnamese words, as Vietnamese invoices print it.

num2words (lang "vi") reads each group of three digits; the groups are joined here the way
invoices read them, which differs from num2words in three ways:
- a zero tens digit is "linh" (num2words says "lẻ", the southern variant);
- a group after a higher one is read in full: 1,000,005 is "một triệu không trăm linh năm",
  1,010 is "một nghìn không trăm mười" (num2words: "một triệu lẻ năm", "một nghìn lẻ mười");
- past a billion the count of billions is read as a number of its own followed by "tỷ"
  (1,000,000,000,000 is "một nghìn tỷ").
"""

import unicodedata

from num2words import num2words

_BILLION = 1_000_000_000
_GROUP_SCALES = ((1_000_000, "triệu"), (1_000, "nghìn"), (1, ""))


def _group(value: int, *, full: bool) -> str:
    """1..999 in words; `full` (a group after a higher one) reads the hundreds and a "linh"
    even when they are zero: 5 -> "không trăm linh năm"."""
    if value >= 100 or not full:
        words = num2words(value, lang="vi")
    elif value >= 10:
        words = f"không trăm {num2words(value, lang='vi')}"
    else:
        words = f"không trăm linh {num2words(value, lang='vi')}"
    return " ".join("linh" if word == "lẻ" else word for word in words.split())


def _below_billion(value: int, *, full: bool) -> list[str]:
    words: list[str] = []
    for scale, name in _GROUP_SCALES:
        group, value = divmod(value, scale)
        if group:
            words += [_group(group, full=full or bool(words)), name]
    return [word for word in words if word]


def _number(value: int) -> list[str]:
    """A positive number in words: billions read as a number of their own, then "tỷ"."""
    billions, rest = divmod(value, _BILLION)
    if not billions:
        return _below_billion(rest, full=False)
    return [*_number(billions), "tỷ", *_below_billion(rest, full=True)]


def amount_in_words(vnd: int) -> str:
    """`vnd` dong in Vietnamese words, capitalised, ending in "đồng": 105 is
    "Một trăm linh năm đồng", 0 is "Không đồng", -15 is "Âm mười lăm đồng"."""
    vnd = int(vnd)
    words = _number(abs(vnd)) if vnd else ["không"]
    if vnd < 0:
        words = ["âm", *words]
    text = " ".join([*words, "đồng"])
    return unicodedata.normalize("NFC", text[0].upper() + text[1:])

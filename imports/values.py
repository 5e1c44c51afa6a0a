"""Turn one spreadsheet cell into a Python value, the way Vietnamese spreadsheets write them.

A cell is text from a CSV or a native value from an XLSX. Every parser answers None for an
empty cell and raises CellError(code, message) for a value it cannot read.
"""

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _


class CellError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def header_key(text: str) -> str:
    """'Mã số thuế' -> 'ma_so_thue': no case, no accents, one '_' between words."""
    text = unicodedata.normalize("NFC", str(text)).casefold().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = re.sub(r"[\s_\-]+", "_", text).strip("_")
    return re.sub(r"_?/_?", "/", text)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


NEUTRALISED = re.compile(r"'[=+\-@\t\r]")


def parse_text(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text[1:] if NEUTRALISED.match(text) else text


SPACED = re.compile(r"[+-]?\d{1,3}(?:\s\d{3})+(?:[.,]\d+)?")  # 1 500 000 (\s: NBSP too)
PLAIN = re.compile(r"[+-]?\d+")
GROUPED = re.compile(r"[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")  # 1.500.000 or 1,500,000


def _number(text: str) -> Decimal | None:
    """A number written with '.' or ',' as thousands or decimal separators; None if it is not."""
    if re.search(r"\s", text):
        if not SPACED.fullmatch(text):
            return None
        text = re.sub(r"\s", "", text)
    if PLAIN.fullmatch(text):
        return Decimal(text)
    if GROUPED.fullmatch(text) and not re.match(r"[+-]?0[.,]", text):
        return Decimal(re.sub(r"[.,]", "", text))  # a lone separator before 3 digits: thousands
    match = re.fullmatch(r"([+-]?[\d.,]*?)([.,])(\d+)", text)  # the last separator is decimal
    if not match:
        return None
    whole, separator, fraction = match.groups()
    other = "," if separator == "." else "."
    if separator in whole:
        return None
    if other in whole:
        whole = whole.replace(other, "")
        if not GROUPED.fullmatch(match.group(1)):
            return None
    if not re.fullmatch(r"[+-]?\d*", whole):
        return None
    if not whole.lstrip("+-"):
        whole += "0"  # ".5" is 0.5
    return Decimal(f"{whole}.{fraction}")


def _native_number(value: Any, places: int) -> Decimal:
    if isinstance(value, float):
        rounded = round(value, places)  # binary floats: 12.300000000000001 is 12.3
        return Decimal(repr(rounded if abs(value - rounded) < 1e-9 else value))
    return Decimal(value)


def _to_decimal(value: Any, places: int) -> Decimal:
    invalid = CellError("invalid", _("Enter a number."))
    if isinstance(value, bool):
        raise invalid
    if isinstance(value, int | float | Decimal):
        number = _native_number(value, places)
    else:
        number = _number(str(value).strip())
    if number is None or not number.is_finite():
        raise invalid
    return number


def parse_int(value: Any) -> int | None:
    if _blank(value):
        return None
    number = _to_decimal(value, 0)
    if number != number.to_integral_value():
        raise CellError("invalid", _("Enter a whole number."))
    return int(number)


def parse_decimal(value: Any, *, places: int = 2) -> Decimal | None:
    if _blank(value):
        return None
    number = _to_decimal(value, places)
    if number.normalize().as_tuple().exponent < -places:
        raise CellError(
            "invalid", _("Enter a number with at most %(places)d decimals.") % {"places": places}
        )
    return number


CURRENCY = re.compile(r"^(?:vnd|vnđ|₫|đ)|(?:vnd|vnđ|đồng|dong|₫|đ)$")


def parse_money(value: Any) -> int | None:
    """Whole Vietnamese dong, with '.', ',' or spaces between thousands and an optional đ/VND."""
    if _blank(value):
        return None
    if isinstance(value, str):
        value = CURRENCY.sub("", value.strip().casefold()).strip()
        if not value:
            raise CellError("invalid", _("Enter an amount in dong."))
    try:
        number = _to_decimal(value, 0)
    except CellError:
        raise CellError("invalid", _("Enter an amount in dong, such as 1.500.000.")) from None
    if number < 0:
        raise CellError("invalid", _("Amounts cannot be negative."))
    if number != number.to_integral_value():
        raise CellError("invalid", _("Amounts are whole dong."))
    return int(number)


EXCEL_EPOCH = date(1899, 12, 30)  # Excel's 1900 system, past its fake 29 February 1900
MAX_SERIAL = 2958465  # 9999-12-31
ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")


# A bare number in this range is a year, not an Excel serial day (those are 1905 and 1906):
# "2027" in a start-date column is someone's shorthand, never 19 July 1905.
YEARS_NOT_SERIALS = range(1900, 2201)


def _serial(serial: float) -> date:
    days = int(serial)
    if serial == days and days in YEARS_NOT_SERIALS:
        raise CellError(
            "invalid_date",
            _("%(year)s is a year, not a date: enter the day as dd/mm/yyyy (01/01/%(year)s).")
            % {"year": days},
        )
    if not 1 <= days <= MAX_SERIAL or days == 60:  # 60 is the 29 February 1900 Excel invented
        raise ValueError(serial)
    return EXCEL_EPOCH + timedelta(days=days + (1 if days < 60 else 0))


def parse_date(value: Any) -> date | None:
    if _blank(value):
        return None
    try:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return _serial(float(value))
        text = str(value).strip()
        if match := ISO.fullmatch(text):
            year, month, day = match.groups()
            return date(int(year), int(month), int(day))
        if match := DAY_FIRST.fullmatch(text):
            day, _sep, month, year = match.groups()
            return date(int(year), int(month), int(day))
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            return _serial(float(text))
    except (ValueError, OverflowError):
        pass
    raise CellError("invalid_date", _("Enter a date as dd/mm/yyyy, yyyy-mm-dd or an Excel date."))


TRUE = frozenset({"1", "true", "yes", "co", "x"})
FALSE = frozenset({"0", "false", "no", "khong"})


def parse_bool(value: Any) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = header_key(str(value))
    if key in TRUE or key in FALSE:
        return key in TRUE
    raise CellError("invalid", _("Enter 1 or 0, true or false, có or không, or x."))


def parse_choice(value: Any, choices: Mapping[str, str]) -> str | None:
    """The key whose key or label the cell names, case and accents ignored."""
    text = parse_text(value)
    if text is None:
        return None
    wanted = header_key(text)
    for key, label in choices.items():
        if wanted in (header_key(key), header_key(str(label))):
            return key
    raise CellError("invalid_choice", _("Choose one of: %(keys)s.") % {"keys": ", ".join(choices)})

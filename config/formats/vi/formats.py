"""Vietnamese input formats, on top of Django's own `vi` formats (which define none, so date
boxes fell back to the American `%m/%d/%Y`). Vietnamese write the day first: 31/12/2027.

The first format is also how a date box shows its value. The ISO form stays accepted, so
that pasted or scripted ISO dates keep working; `%m/%d/%Y` is deliberately left out, since
01/02/2027 must mean the 1st of February here.
"""

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 31/12/2027
    "%d-%m-%Y",  # 31-12-2027
    "%d.%m.%Y",  # 31.12.2027
    "%Y-%m-%d",  # 2027-12-31
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]

# Lists and read-only fields show dates as the boxes take them (31/12/2027), not Django's
# long "Ngày 31 tháng 12 năm 2027", which made every list with two dates too wide.
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"

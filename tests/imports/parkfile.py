"""The spreadsheets of a realistic Vietnamese park, built deterministically from a seed.

`build_park(today=...)` answers a `ParkFiles`: the rows of units.xlsx (3 buildings, 400 units
of every kind), companies.csv (250 companies with valid tax codes) and leases.xlsx (450
leases, past, current and future, none overlapping, several companies sharing each coworking
pool within its capacity), written the way a Vietnamese park writes them: Vietnamese headers,
`dd/mm/yyyy` dates, money as `12.000.000 đ`. It also computes, on its own, the occupancy the
park has on a day once those files are imported, following api.md ("Occupancy rows"): an
exclusive unit leased at all counts its whole capacity, a pool its leased desks, and a pool's
leased area is proportional.
"""

import codecs
import csv
import io
import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook
from stdnum.vn import mst

PARK_SLUG = "mekong"
EXCLUSIVE = frozenset({"office", "lab", "meeting_room", "rack"})
KIND_VI = {
    "office": "Văn phòng",
    "lab": "Phòng thí nghiệm",
    "coworking": "Khu làm việc chung",
    "meeting_room": "Phòng họp",
}
UNIT_HEADERS = [
    "Khu",
    "Tòa nhà",
    "Tầng",
    "Mã phòng",
    "Loại",
    "Diện tích (m²)",
    "Sức chứa",
    "Giá thuê/tháng",
    "Đang hoạt động",
]
COMPANY_HEADERS = [
    "Mã số thuế",
    "Tên doanh nghiệp",
    "Tên viết tắt",
    "Lĩnh vực",
    "Email",
    "Điện thoại",
    "Địa chỉ",
    "Ngày thành lập",
    "Số nhân viên",
]
LEASE_HEADERS = [
    "Khu",
    "Mã phòng",
    "Mã số thuế",
    "Ngày bắt đầu",
    "Ngày kết thúc",
    "Số chỗ",
    "Giá thuê/tháng",
    "Tiền đặt cọc",
    "Số hợp đồng",
]


@dataclass(frozen=True)
class UnitRow:
    building: str
    floor: int
    code: str
    kind: str
    area_m2: Decimal
    capacity: int
    monthly_rate_vnd: int
    is_active: bool


@dataclass(frozen=True)
class CompanyRow:
    tax_code: str
    legal_name: str  # NFC, as the reader normalises every cell
    short_name: str
    sector: str
    email: str
    phone: str
    address: str
    founded_on: date
    headcount: int


@dataclass(frozen=True)
class LeaseRow:
    unit: str
    tax_code: str
    start_date: date
    end_date: date | None
    desks: int  # as the park will hold it: an exclusive unit's capacity, a pool's desks
    write_desks: bool  # the file's "Số chỗ" cell is written (else empty)
    monthly_rent_vnd: int
    deposit_vnd: int
    contract_number: str

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass
class ParkFiles:
    today: date
    units: list[UnitRow] = field(default_factory=list)
    companies: list[CompanyRow] = field(default_factory=list)
    leases: list[LeaseRow] = field(default_factory=list)

    # -- the files ------------------------------------------------------------------------

    def units_xlsx(self) -> bytes:
        rows = []
        for n, unit in enumerate(self.units):
            rate = unit.monthly_rate_vnd
            # The money as parks type it: mostly text with dots and đ, sometimes a number cell.
            money = rate if n % 7 == 0 else f"{_dots(rate)} đ"
            area = float(unit.area_m2) if n % 3 else _comma_decimal(unit.area_m2)
            rows.append(
                [
                    PARK_SLUG,
                    unit.building,
                    unit.floor,
                    unit.code,
                    KIND_VI[unit.kind] if n % 4 else unit.kind,
                    area,
                    unit.capacity,
                    money,
                    "có" if unit.is_active else "không",
                ]
            )
        return xlsx_bytes(UNIT_HEADERS, rows, title="Danh sách phòng")

    def companies_csv(self) -> bytes:
        rows = [
            [
                company.tax_code,
                company.legal_name,
                company.short_name,
                company.sector,
                company.email,
                company.phone,
                company.address,
                company.founded_on.strftime("%d/%m/%Y"),
                str(company.headcount),
            ]
            for company in self.companies
        ]
        return csv_bytes(COMPANY_HEADERS, rows, bom=True)

    def leases_xlsx(self) -> bytes:
        rows = []
        for n, lease in enumerate(self.leases):
            rows.append(
                [
                    PARK_SLUG,
                    lease.unit,
                    lease.tax_code,
                    # Mostly text dd/mm/yyyy, as typed; every fifth a real date cell.
                    lease.start_date if n % 5 == 0 else lease.start_date.strftime("%d/%m/%Y"),
                    lease.end_date.strftime("%d/%m/%Y") if lease.end_date else None,
                    lease.desks if lease.write_desks else None,
                    _dots(lease.monthly_rent_vnd),
                    f"{_dots(lease.deposit_vnd)} VND" if lease.deposit_vnd else None,
                    lease.contract_number,
                ]
            )
        return xlsx_bytes(LEASE_HEADERS, rows, title="Hợp đồng thuê")

    # -- what the park looks like once they are imported ----------------------------------

    def occupancy(self, *, on: date, group_by: str) -> dict[str, dict]:
        """{group: {units, capacity, leased, area_m2, leased_area_m2, rate}} on day `on`,
        grouped by "park" (one group, "park"), "building" (its code), "floor" ("A · 3",
        the floor's building and level) or "kind" (the kind's value)."""
        desks: dict[str, int] = defaultdict(int)
        for lease in self.leases:
            if lease.covers(on):
                desks[lease.unit] += lease.desks
        groups: dict[str, dict] = {}
        for unit in self.units:
            key = {
                "park": "park",
                "building": unit.building,
                "floor": f"{unit.building} · {unit.floor}",
                "kind": unit.kind,
            }[group_by]
            row = groups.setdefault(
                key,
                {
                    "units": 0,
                    "capacity": 0,
                    "leased": 0,
                    "area_m2": Decimal(0),
                    "leased_area_m2": Decimal(0),
                },
            )
            on_lease = desks.get(unit.code, 0)
            if on_lease == 0:
                leased = 0
            elif unit.kind in EXCLUSIVE:
                leased = unit.capacity
            else:
                leased = min(on_lease, unit.capacity)
            row["units"] += 1
            row["capacity"] += unit.capacity
            row["leased"] += leased
            row["area_m2"] += unit.area_m2
            row["leased_area_m2"] += unit.area_m2 * leased / unit.capacity
        cent, rate = Decimal("0.01"), Decimal("0.0001")
        for row in groups.values():
            row["area_m2"] = row["area_m2"].quantize(cent, rounding=ROUND_HALF_UP)
            row["leased_area_m2"] = row["leased_area_m2"].quantize(cent, rounding=ROUND_HALF_UP)
            row["rate"] = (Decimal(row["leased"]) / row["capacity"]).quantize(
                rate, rounding=ROUND_HALF_UP
            )
        return groups


# -- writing spreadsheets ------------------------------------------------------------------


def _dots(amount: int) -> str:
    """12000000 -> '12.000.000', the Vietnamese way."""
    return f"{amount:,}".replace(",", ".")


def _comma_decimal(value: Decimal) -> str:
    """Decimal('48.50') -> '48,5': a decimal comma, as Vietnamese spreadsheets show it."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def csv_bytes(
    headers: list[str],
    rows: list[list],
    *,
    bom: bool = False,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    data = buffer.getvalue().encode(encoding)
    return (codecs.BOM_UTF8 + data) if bom else data


def xlsx_bytes(headers: list[str], rows: list[list], *, title: str = "Sheet1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cell in sheet["A"][1:]:
        cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VOWEL_MARKS = "\u0302\u0306\u031b"  # circumflex, breve, horn


def cp1258_bytes(text: str) -> bytes:
    """`text` in Windows-1258, the way Vietnamese Windows writes it: the letters cp1258 has
    precomposed (â, ê, ô, ơ, ư, ă, đ, à, á, ...) as they are, the other tone marks as the
    combining marks that follow the base letter (ễ -> ê + U+0303)."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        shape = [mark for mark in marks if mark in VOWEL_MARKS]  # â ê ô ă ơ ư: precomposed
        tones = [mark for mark in marks if mark not in VOWEL_MARKS]
        out += (unicodedata.normalize("NFC", base + "".join(shape)) + "".join(tones)).encode(
            "cp1258"
        )
    return bytes(out)


def utf16_tab_bytes(headers: list[str], rows: list[list]) -> bytes:
    """Excel's "Unicode text": UTF-16 little endian with its BOM, tab-separated, CRLF."""
    text = csv_bytes(headers, rows, delimiter="\t").decode("utf-8")
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


# -- tax codes -----------------------------------------------------------------------------


def tax_code(rng: random.Random, *, province: str | None = None, taken: set[str]) -> str:
    """A fresh valid MST: two province digits, a seven-digit serial, stdnum's check digit."""
    while True:
        prefix = province or rng.choice(["01", "03", "04", "12", "15", "18", "31", "36", "37"])
        first_nine = f"{prefix}{rng.randrange(1, 10_000_000):07d}"
        check = mst.calc_check_digit(first_nine)
        code = f"{first_nine}{check}"
        if len(check) == 1 and code not in taken:
            taken.add(code)
            return code


# -- the park ------------------------------------------------------------------------------

FLOORS = {"A": 8, "B": 6, "C": 5}  # 19 floors
KIND_COUNTS = {"office": 270, "lab": 70, "coworking": 48, "meeting_room": 12}  # 400 units
INACTIVE = 8  # offices under maintenance: no leases

_PREFIXES = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân"]
_FIELDS = [
    ("Phần mềm", "software", "Soft"),
    ("Công nghệ", "software", "Tech"),
    ("Giải pháp Số", "it_services", "Digital"),
    ("Dữ liệu", "it_services", "Data"),
    ("Trí tuệ Nhân tạo", "software", "AI"),
    ("Thiết kế Vi mạch", "hardware", "Chip"),
    ("Truyền thông Số", "digital_content", "Media"),
    ("Đào tạo CNTT", "it_training", "Academy"),
    ("Thương mại Điện tử", "other", "Commerce"),
    ("Tự động hóa", "hardware", "Robotics"),
]
_NAMES = [
    "Ánh Dương", "Bình Minh", "Hưng Thịnh", "Phát Đạt", "Thành Công", "Việt Tiến", "An Khang",
    "Hoàng Long", "Sao Việt", "Tân Tiến", "Trường Sơn", "Hồng Hà", "Lạc Hồng", "Đại Việt",
    "Nhật Minh", "Mê Kông", "Cửu Long", "Tiền Giang", "Mỹ Tho", "Sông Tiền", "Gò Công", "Cái Bè",
    "Đồng Tháp", "Bến Tre", "Vĩnh Long", "Cần Thơ", "Sài Gòn", "Đà Nẵng", "Huế", "Nha Trang",
    "Đà Lạt", "Phú Quốc", "Hạ Long", "Tây Nguyên", "Kiến Tường",
]  # fmt: skip
_STREETS = ["Hùng Vương", "Lê Lợi", "Trưng Trắc", "Ấp Bắc", "Nguyễn Trãi", "Lý Thường Kiệt"]


def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text.lower() if c.isalnum())


def _units(rng: random.Random) -> list[UnitRow]:
    kinds = [kind for kind, count in KIND_COUNTS.items() for _ in range(count)]
    rng.shuffle(kinds)
    places = [(b, level) for b, floors in FLOORS.items() for level in range(1, floors + 1)]
    per_floor = [len(kinds) // len(places)] * len(places)
    for index in range(len(kinds) - sum(per_floor)):
        per_floor[index] += 1
    units, position = [], 0
    for (building, level), count in zip(places, per_floor, strict=True):
        for number in range(1, count + 1):
            kind = kinds[position]
            position += 1
            if kind == "office":
                area = Decimal(rng.randrange(30, 121)) + Decimal("0.5") * rng.randrange(2)
                capacity, rate = max(2, int(area // 6)), int(area) * 240_000
            elif kind == "lab":
                area = Decimal(rng.randrange(60, 201)) + Decimal("0.25") * rng.randrange(4)
                capacity, rate = rng.randrange(4, 16), int(area) * 300_000
            elif kind == "coworking":
                capacity = rng.randrange(12, 41)
                area = Decimal(capacity * 5) + Decimal("0.75")
                rate = rng.choice([1_200_000, 1_500_000, 1_800_000])
            else:
                capacity = rng.choice([8, 12, 20, 40])
                area, rate = Decimal(capacity * 2), capacity * 400_000
            units.append(
                UnitRow(
                    building=building,
                    floor=level,
                    code=f"{building}-{level}-{number:02d}",
                    kind=kind,
                    area_m2=area,
                    capacity=capacity,
                    monthly_rate_vnd=rate,
                    is_active=True,
                )
            )
    offices = [n for n, unit in enumerate(units) if unit.kind == "office"]
    for n in rng.sample(offices, INACTIVE):
        unit = units[n]
        units[n] = UnitRow(**{**unit.__dict__, "is_active": False})
    return units


def _companies(rng: random.Random, count: int) -> list[CompanyRow]:
    names, taken, companies = set(), set(), []
    while len(companies) < count:
        prefix = rng.choice(_PREFIXES)
        field_name, sector, english = rng.choice(_FIELDS)
        name = rng.choice(_NAMES)
        legal_name = unicodedata.normalize("NFC", f"{prefix} {field_name} {name}")
        if legal_name in names:
            continue
        names.add(legal_name)
        code = tax_code(rng, taken=taken)
        if len(companies) % 25 == 24:  # a branch of a company elsewhere: 13 digits
            code = f"{code}-{rng.randrange(1, 20):03d}"
        slug = ascii_slug(name)
        founded = date(rng.randrange(2005, 2025), rng.randrange(1, 13), rng.randrange(1, 29))
        companies.append(
            CompanyRow(
                tax_code=code,
                legal_name=legal_name,
                short_name=f"{name} {english}",
                sector=sector,
                email=f"lienhe@{slug}{english.lower()}{len(companies)}.vn",
                phone=f"0273 3{rng.randrange(100, 1000)} {rng.randrange(100, 1000)}",
                address=(
                    f"Số {rng.randrange(1, 300)} Đường {rng.choice(_STREETS)}, "
                    f"Phường {rng.randrange(1, 11)}, Thành phố Mỹ Tho, Tỉnh Tiền Giang"
                ),
                founded_on=founded,
                headcount=rng.randrange(3, 400),
            )
        )
    return companies


def _chain(rng: random.Random, today: date, length: int) -> list[tuple[date, date | None]]:
    """`length` periods one after the other (a gap of 0 to 45 days between them): mostly
    with one covering today (the earlier ones past, the later ones future), else all past or
    all future. The last may be open-ended."""
    style = rng.random()
    first = rng.choice([90, 180, 365, 365, 730])
    if style < 0.7:  # the first period covers today
        start = today - timedelta(days=rng.randrange(0, first))
    elif style < 0.85:  # all future
        start = today + timedelta(days=rng.randrange(1, 200))
    else:  # all past (and, with a gap, maybe one more later)
        start = today - timedelta(days=first + rng.randrange(1, 600))
    periods = []
    for index in range(length):
        days = first if index == 0 else rng.choice([90, 180, 365, 365, 730])
        end = start + timedelta(days=days - 1)
        if index == length - 1 and rng.random() < 0.15:
            periods.append((start, None))
            break
        periods.append((start, end))
        start = end + timedelta(days=rng.choice([1, 1, 1, 15, 31, 46]))
    if style < 0.7 and length > 1 and rng.random() < 0.5:
        # Start a period earlier instead: a past lease, then the current one.
        (start, end), rest = periods[0], periods[1:]
        past_end = start - timedelta(days=rng.choice([1, 1, 16]))
        periods = [(past_end - timedelta(days=rng.choice([179, 364])), past_end), (start, end)]
        periods += rest[: length - 2]
    return periods


def _leases(
    rng: random.Random, today: date, units: list[UnitRow], companies: list[CompanyRow], count: int
) -> list[LeaseRow]:
    numbers = iter(range(1, 100_000))
    leases: list[LeaseRow] = []

    def add(unit: UnitRow, start: date, end: date | None, desks: int) -> None:
        company = rng.choice(companies)
        exclusive = unit.kind in EXCLUSIVE
        rent = unit.monthly_rate_vnd * (1 if exclusive else desks)
        if exclusive and rng.random() < 0.3:
            rent = rent * 9 // 10 // 100_000 * 100_000  # a negotiated rent
        leases.append(
            LeaseRow(
                unit=unit.code,
                tax_code=company.tax_code,
                start_date=start,
                end_date=end,
                desks=desks,
                write_desks=not exclusive or rng.random() < 0.3,
                monthly_rent_vnd=rent,
                deposit_vnd=2 * rent if rng.random() < 0.8 else 0,
                contract_number=f"HĐ-{start.year}-{next(numbers):04d}",
            )
        )

    active = [unit for unit in units if unit.is_active]
    pools = [unit for unit in active if unit.kind == "coworking"]
    exclusive = [unit for unit in active if unit.kind != "coworking"]

    # The days around today, on purpose: a lease ending yesterday followed by one starting
    # today, one ending today, one starting tomorrow.
    edge = rng.sample([unit for unit in exclusive if unit.kind == "office"], 3)
    add(edge[0], today - timedelta(days=365), today - timedelta(days=1), edge[0].capacity)
    add(edge[0], today, today + timedelta(days=364), edge[0].capacity)
    add(edge[1], today - timedelta(days=180), today, edge[1].capacity)
    add(edge[2], today + timedelta(days=1), None, edge[2].capacity)

    # Pools: a few companies share each one, each in a "slot" of desks (the slots' desks add
    # up to at most the capacity, so the pool is never overfull on any day), one lease after
    # another in each slot.
    for pool in pools:
        free = pool.capacity
        for _slot in range(rng.randrange(2, 5)):
            if free < 1:
                break
            desks = rng.randrange(1, min(free, 10) + 1)
            free -= desks
            for start, end in _chain(rng, today, rng.choice([1, 1, 2])):
                add(pool, start, end, desks)

    # Offices, labs and meeting rooms: one lease after another.
    rest = [unit for unit in exclusive if unit not in edge]
    rng.shuffle(rest)
    for unit in rest:
        if len(leases) >= count:
            break
        for start, end in _chain(rng, today, rng.choice([1, 1, 2, 2, 3])):
            if len(leases) >= count:
                break
            add(unit, start, end, unit.capacity)
    assert len(leases) == count, f"the units hold only {len(leases)} leases"
    rng.shuffle(leases)  # the file is not sorted by unit
    return leases


def build_park(
    *, today: date, seed: int = 2027, companies: int = 250, leases: int = 450
) -> ParkFiles:
    """The park's three files for a park whose calendar day is `today`."""
    rng = random.Random(seed)  # noqa: S311 - a fixed park, not a secret
    files = ParkFiles(today=today)
    files.units = _units(rng)
    files.companies = _companies(rng, companies)
    files.leases = _leases(rng, today, files.units, files.companies, leases)
    return files

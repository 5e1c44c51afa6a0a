"""Demo space for `manage.py seed_demo`: Mekong Software Park in Mỹ Tho, Tiền Giang.

Two buildings, floors with plans, units of every kind laid out as rectangles on the plans, and
current, past and future leases for the demo companies of `tenants.demo` (run it first).
Idempotent: records are found by their natural keys (park slug, building code, floor level,
unit code, lease contract number) and only the missing ones are made, through the services.
Lease dates are relative to the month of the first run, so the demo always looks lived in.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from park.models import Building, Floor, Lease, Park, Unit
from park.services import building_create, floor_create, lease_create, park_create, unit_create
from tenants.demo import DEMO_COMPANIES, demo_tax_code
from tenants.models import Company

DEMO_PARK = {
    "name": "Mekong Software Park",
    "slug": "mekong-software-park",
    "city": "Mỹ Tho",
    "province": "Tiền Giang",
    "land_area_m2": Decimal("20000.00"),
    "is_home": True,
}

# code, name, gross floor area, plot
DEMO_BUILDINGS = [
    ("A", "Tòa A (Trung tâm Phần mềm)", Decimal("6400.00"), Decimal("3200.00")),
    ("B", "Tòa B (Trung tâm Ươm tạo)", Decimal("2400.00"), Decimal("1800.00")),
]
PLAN_WIDTH, PLAN_HEIGHT = 1000, 600

# Offices on A's upper floors: two rows of four along a corridor (y 270..330).
_TOP, _BOTTOM = (20, 270), (330, 580)


def _rect(x0: int, y0: int, x1: int, y1: int) -> list[list[int]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def _office_row(level: int) -> list[dict]:
    units = []
    for index in range(8):
        column, (y0, y1) = index % 4, (_TOP if index < 4 else _BOTTOM)
        area = Decimal(40 + 10 * ((index * 3 + level) % 6))  # 40..90 m2
        units.append(
            {
                "code": f"A-{level}-{index + 1:02d}",
                "name": f"Văn phòng {level}{index + 1:02d}",
                "kind": "office",
                "area_m2": area,
                "capacity": int(area // 6),
                "monthly_rate_vnd": int(area) * 220_000,
                "plan_polygon": _rect(20 + column * 245, y0, 245 + column * 245, y1),
            }
        )
    return units


# (building, level, floor name, units)
DEMO_FLOORS = [
    (
        "A",
        1,
        "Tầng 1",
        [
            {
                "code": "A-1-01",
                "name": "Hội trường Cửu Long",
                "kind": "meeting_room",
                "area_m2": Decimal("90.00"),
                "capacity": 40,
                "monthly_rate_vnd": 12_000_000,
                "plan_polygon": _rect(20, 20, 360, 270),
            },
            {
                "code": "A-1-02",
                "name": "Phòng họp Tiền Giang",
                "kind": "meeting_room",
                "area_m2": Decimal("30.00"),
                "capacity": 10,
                "monthly_rate_vnd": 6_000_000,
                "plan_polygon": _rect(380, 20, 600, 270),
            },
            {
                "code": "A-1-03",
                "name": "Phòng thí nghiệm IoT",
                "kind": "lab",
                "area_m2": Decimal("80.00"),
                "capacity": 10,
                "monthly_rate_vnd": 25_000_000,
                "plan_polygon": _rect(20, 330, 500, 580),
            },
            *[
                {
                    "code": f"A-1-R{number}",
                    "name": f"Tủ rack {number}",
                    "kind": "rack",
                    "area_m2": Decimal("2.00"),
                    "capacity": 1,
                    "monthly_rate_vnd": 5_000_000,
                    "plan_polygon": _rect(
                        620 + (number - 1) * 90, 380, 700 + (number - 1) * 90, 480
                    ),
                }
                for number in range(1, 5)
            ],
        ],
    ),
    ("A", 2, "Tầng 2", _office_row(2)),
    ("A", 3, "Tầng 3", _office_row(3)),
    ("A", 4, "Tầng 4", _office_row(4)),
    (
        "B",
        1,
        "Tầng 1",
        [
            {
                "code": "B-1-01",
                "name": "Không gian làm việc chung cho doanh nghiệp ươm tạo",
                "kind": "coworking",
                "area_m2": Decimal("320.00"),
                "capacity": 40,
                "monthly_rate_vnd": 1_500_000,
                "plan_polygon": _rect(20, 20, 700, 580),
            },
            {
                "code": "B-1-02",
                "name": "Phòng lab phần cứng",
                "kind": "lab",
                "area_m2": Decimal("60.00"),
                "capacity": 6,
                "monthly_rate_vnd": 18_000_000,
                "plan_polygon": _rect(720, 20, 980, 580),
            },
        ],
    ),
    (
        "B",
        2,
        "Tầng 2",
        [
            *[
                {
                    "code": f"B-2-0{number}",
                    "name": f"Văn phòng khởi nghiệp {number}",
                    "kind": "office",
                    "area_m2": Decimal("25.00"),
                    "capacity": 4,
                    "monthly_rate_vnd": 5_500_000,
                    "plan_polygon": _rect(
                        20 + (number - 1) * 240, 20, 240 + (number - 1) * 240, 270
                    ),
                    # B-2-04 is being refitted: under maintenance, no new leases.
                    "is_active": number != 4,
                }
                for number in range(1, 5)
            ],
            {
                "code": "B-2-05",
                "name": "Phòng họp Ươm tạo",
                "kind": "meeting_room",
                "area_m2": Decimal("35.00"),
                "capacity": 12,
                "monthly_rate_vnd": 6_000_000,
                "plan_polygon": _rect(20, 330, 500, 580),
            },
        ],
    ),
]

# contract, unit, company (short name), start (months from this month), months (None: open),
# desks (pools). Negative starts with short terms are past leases; positive starts, future.
DEMO_LEASES = [
    ("MSP-DEMO-001", "A-2-01", "Sông Hàn Soft", -24, None, None),
    ("MSP-DEMO-002", "A-2-02", "DT Digital", -18, 24, None),
    ("MSP-DEMO-003", "A-2-03", "MyTho Tech", -30, None, None),
    ("MSP-DEMO-004", "A-2-04", "Bến Nghé Media", -12, 14, None),  # ends within 90 days
    ("MSP-DEMO-005", "A-2-05", "Cửu Long IoT", -6, 24, None),
    ("MSP-DEMO-006", "A-2-06", "SG Code Academy", -20, None, None),
    ("MSP-DEMO-007", "A-2-07", "HN BigData", -36, None, None),
    ("MSP-DEMO-008", "A-3-01", "Đà Lạt Cloud", -10, 24, None),
    ("MSP-DEMO-009", "A-3-02", "Huế AI", -8, 10, None),  # ends within 90 days
    ("MSP-DEMO-010", "A-3-03", "CT Accounting", -15, None, None),
    ("MSP-DEMO-011", "A-3-04", "VietDong Games", -4, 24, None),
    ("MSP-DEMO-012", "A-3-05", "Trường Sơn Sec", -14, None, None),
    ("MSP-DEMO-013", "A-3-06", "Tân Thuận Chip", -9, 12, None),  # a suspended tenant
    ("MSP-DEMO-014", "A-3-07", "Sơn Trà Audio", -30, 26, None),  # past: the company left
    ("MSP-DEMO-015", "A-3-08", "PQ Commerce", -3, 24, None),
    ("MSP-DEMO-016", "A-4-01", "NT HealthTech", -16, None, None),
    ("MSP-DEMO-017", "A-4-02", "Hạ Long EdTech", -2, 12, None),
    ("MSP-DEMO-018", "A-4-03", "VT Transform", 1, 12, None),  # future: a prospect moving in
    ("MSP-DEMO-019", "A-4-04", "BD Fintech", -26, None, None),
    ("MSP-DEMO-020", "A-4-06", "Quy Nhơn Studio", -11, None, None),
    ("MSP-DEMO-021", "A-4-07", "TN Maps", -7, None, None),
    ("MSP-DEMO-022", "A-4-08", "HP LogiSoft", -28, 12, None),  # past
    ("MSP-DEMO-023", "A-1-03", "LA Robotics", -5, None, None),
    ("MSP-DEMO-024", "A-1-R1", "Đà Lạt Cloud", -10, None, None),
    ("MSP-DEMO-025", "A-1-R2", "HN BigData", -20, None, None),
    ("MSP-DEMO-026", "A-1-R3", "TĐ Testing", -6, None, None),
    ("MSP-DEMO-027", "B-1-01", "CM Chain", -6, None, 4),
    ("MSP-DEMO-028", "B-1-01", "CG Engineers", -3, 12, 6),
    ("MSP-DEMO-029", "B-1-01", "BT AgriTech", 2, 12, 3),  # future desks for a prospect
    ("MSP-DEMO-030", "B-1-01", "TĐ Testing", -12, 5, 2),  # past desks
    ("MSP-DEMO-031", "B-2-01", "HP LogiSoft", -9, None, None),
    ("MSP-DEMO-032", "B-2-03", "TĐ Testing", -1, 12, None),
    ("MSP-DEMO-033", "A-1-02", "BD Fintech", -2, 1, None),  # a past month of meetings
    ("MSP-DEMO-034", "A-1-01", "SG Code Academy", 1, 1, None),  # next month's course
]


def months_from(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    years, month_index = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month_index + 1, 1)


def _demo_companies() -> dict[str, Company]:
    tax_codes = {demo_tax_code(index, row[2]): row[1] for index, row in enumerate(DEMO_COMPANIES)}
    found = Company.objects.filter(tax_code__in=tax_codes)
    return {tax_codes[company.tax_code]: company for company in found}


def seed_park(actor: User | None, *, today: date | None = None) -> Park:
    """Mekong Software Park with its buildings, floors, units and leases. Run it again and it
    adds only what is missing."""
    today = today or timezone.localdate()
    park = Park.objects.filter(slug=DEMO_PARK["slug"]).first()
    if park is None:
        has_home = Park.objects.filter(is_home=True).exists()
        park = park_create(data={**DEMO_PARK, "is_home": not has_home}, actor=actor)
    buildings = {}
    for code, name, gross, land in DEMO_BUILDINGS:
        buildings[code] = Building.objects.filter(park=park, code=code).first() or (
            building_create(
                park=park,
                data={"code": code, "name": name, "gross_area_m2": gross, "land_area_m2": land},
                actor=actor,
            )
        )
    units = {}
    for building_code, level, floor_name, unit_rows in DEMO_FLOORS:
        building = buildings[building_code]
        floor = Floor.objects.filter(building=building, level=level).first() or floor_create(
            building=building,
            data={
                "level": level,
                "name": floor_name,
                "plan_width": PLAN_WIDTH,
                "plan_height": PLAN_HEIGHT,
            },
            actor=actor,
        )
        for row in unit_rows:
            units[row["code"]] = Unit.objects.filter(park=park, code=row["code"]).first() or (
                unit_create(data={"floor": floor, **row}, actor=actor)
            )
    companies = _demo_companies()
    this_month = months_from(today, 0)
    for contract, unit_code, short_name, start, months, desks in DEMO_LEASES:
        company = companies.get(short_name)
        if company is None or Lease.objects.filter(contract_number=contract).exists():
            continue
        start_date = months_from(this_month, start)
        end_date = None
        if months is not None:
            end_date = months_from(start_date, months) - timedelta(days=1)
        unit = units[unit_code]
        lease_create(
            unit=unit,
            company=company,
            start_date=start_date,
            end_date=end_date,
            desks=desks,
            deposit_vnd=unit.monthly_rate_vnd * 2 * (desks or 1),
            contract_number=contract,
            actor=actor,
        )
    return park

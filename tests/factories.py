"""Plain factory functions: `make_<thing>(**overrides)`, each saving a real row."""

import itertools

from accounts.models import User
from accounts.services import ensure_role_groups, user_create

_numbers = itertools.count(1)
PASSWORD = "a-long-test-password-42"


def make_user(**overrides) -> User:
    number = next(_numbers)
    fields = {
        "email": f"person{number}@example.vn",
        "full_name": f"Người dùng {number}",
        "password": PASSWORD,
        "roles": [],
        "actor": None,
    }
    fields.update(overrides)
    ensure_role_groups()
    return user_create(**fields)


def make_manager(**overrides) -> User:
    return make_user(roles=["manager"], **overrides)


def make_reviewer(**overrides) -> User:
    return make_user(roles=["reviewer"], **overrides)


def make_token(user: User) -> str:
    """A real knox token for `user` (stored hashed; only this return value knows it)."""
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user)
    return token


def make_users(count: int, **overrides) -> list[User]:
    """`count` plain accounts without a password (nothing to hash: quick in bulk)."""
    return [make_user(password=None, **overrides) for _ in range(count)]


# --- tenants ----------------------------------------------------------------------------------

_tax_serials = itertools.count(1000001)


def make_tax_code(*, branch: str | None = None) -> str:
    """A fresh valid MST (check digit by stdnum.vn.mst), formatted as the service stores it."""
    from stdnum.vn import mst

    while True:
        first_nine = f"03{next(_tax_serials):07d}"
        check = mst.calc_check_digit(first_nine)
        if len(check) == 1:  # a remainder of 0 gives "10": no MST has that serial
            return f"{first_nine}{check}" + (f"-{branch}" if branch else "")


def make_company(**overrides):
    from tenants.services import company_create

    number = next(_numbers)
    fields = {
        "legal_name": f"Công ty TNHH Phần mềm Số {number}",
        "tax_code": make_tax_code(),
        "sector": "software",
        "actor": None,
    }
    fields.update(overrides)
    return company_create(**fields)


def make_representative(company=None, **overrides) -> User:
    from tenants.services import member_add

    user = make_user(**overrides)
    member_add(company=company or make_company(), user=user, actor=None)
    return user


def make_contact(company, **overrides):
    from tenants.services import contact_create

    fields = {"name": f"Liên hệ {next(_numbers)}", "actor": None}
    fields.update(overrides)
    return contact_create(company=company, **fields)


def make_report(company, **overrides):
    from tenants.services import report_submit

    fields = {
        "year": 2024,
        "period": "Y",
        "revenue_vnd": 12_000_000_000,
        "export_revenue_usd": 150_000,
        "headcount": 40,
        "it_headcount": 32,
        "rnd_spend_vnd": 800_000_000,
        "actor": None,
    }
    fields.update(overrides)
    return report_submit(company=company, **fields)


# --- park ---------------------------------------------------------------------------------


def make_park(**overrides):
    from park.models import Park

    number = next(_numbers)
    fields = {
        "name": f"Khu công viên phần mềm {number}",
        "slug": f"park-{number}",
        "city": "Mỹ Tho",
        "province": "Tiền Giang",
        "land_area_m2": "10000.00",
    }
    fields.update(overrides)
    return Park.objects.create(**fields)


def make_floor(park=None, **overrides):
    from park.models import Building, Floor

    number = next(_numbers)
    building = overrides.pop("building", None) or Building.objects.create(
        park=park or make_park(),
        code=f"B{number}",
        name=f"Tòa nhà {number}",
        gross_area_m2="2000.00",
        land_area_m2="1500.00",
    )
    fields = {"level": 1, "name": "Tầng 1", "plan_width": 1000, "plan_height": 600}
    fields.update(overrides)
    return Floor.objects.create(building=building, **fields)


def make_unit(**overrides):
    from park.models import Unit

    number = next(_numbers)
    floor = overrides.pop("floor", None) or make_floor(park=overrides.pop("park", None))
    fields = {
        "code": f"A-1-{number:02d}",
        "name": f"Văn phòng {number}",
        "kind": "office",
        "area_m2": "50.00",
        "capacity": 8,
        "monthly_rate_vnd": 15_000_000,
    }
    fields.update(overrides)
    return Unit.objects.create(floor=floor, **fields)


def make_pool(desks: int = 10, **overrides):
    return make_unit(kind="coworking", capacity=desks, monthly_rate_vnd=1_500_000, **overrides)


def make_lease(**overrides):
    from datetime import date

    from park.services import lease_create

    fields = {
        "start_date": date(2027, 1, 1),
        "end_date": date(2027, 12, 31),
        "actor": None,
    }
    fields.update(overrides)
    if "unit" not in fields:
        fields["unit"] = make_unit()
    if "company" not in fields:
        fields["company"] = make_company()
    return lease_create(**fields)

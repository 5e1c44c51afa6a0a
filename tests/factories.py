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
    }
    fields.update(overrides)
    return company_create(data=fields, actor=None)


def make_representative(company=None, **overrides) -> User:
    from tenants.services import member_add

    user = make_user(**overrides)
    member_add(company=company or make_company(), user=user, actor=None)
    return user


def make_contact(company, **overrides):
    from tenants.services import contact_create

    fields = {"name": f"Liên hệ {next(_numbers)}"}
    fields.update(overrides)
    return contact_create(company=company, data=fields, actor=None)


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
    }
    fields.update(overrides)
    today = fields.pop("today", None)
    return report_submit(company=company, data=fields, actor=None, today=today)


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


# --- incubator ----------------------------------------------------------------------------


def make_program(**overrides):
    """A published program, open from a month ago for a month more, with two criteria."""
    from datetime import timedelta

    from django.utils import timezone

    from incubator.services import program_create

    number = next(_numbers)
    now = timezone.now()
    fields = {
        "name": f"Chương trình ươm tạo {number}",
        "slug": f"program-{number}",
        "opens_at": now - timedelta(days=30),
        "closes_at": now + timedelta(days=30),
        "seats": 10,
        "incubation_months": 12,
        "is_published": True,
        "criteria": [
            {"name": "Team", "weight": 2, "max_score": 10, "order": 1},
            {"name": "Market", "weight": 1, "max_score": 5, "order": 2},
        ],
        "actor": None,
    }
    fields.update(overrides)
    criteria, actor = fields.pop("criteria"), fields.pop("actor")
    return program_create(data=fields, criteria=criteria, actor=actor)


# How make_application reaches each state: the moves after the draft, through the services.
_PATHS = {
    "draft": [],
    "submitted": ["submitted"],
    "screening": ["submitted", "screening"],
    "interview": ["submitted", "screening", "interview"],
    "accepted": ["submitted", "screening", "interview", "accepted"],
    "rejected": ["submitted", "screening", "rejected"],
    "waitlisted": ["submitted", "screening", "interview", "waitlisted"],
    "withdrawn": ["submitted", "withdrawn"],
    "incubating": ["submitted", "screening", "interview", "accepted", "incubating"],
    "graduated": ["submitted", "screening", "interview", "accepted", "incubating", "graduated"],
    "discontinued": [
        "submitted",
        "screening",
        "interview",
        "accepted",
        "incubating",
        "discontinued",
    ],
}


def make_application(program=None, applicant=None, state: str = "draft", **overrides):
    """A complete application (ready to submit), walked to `state` through the services."""
    from datetime import date

    from incubator.services import (
        application_create,
        application_onboard,
        application_transition,
    )

    program = program or make_program()
    applicant = applicant or make_user()
    number = next(_numbers)
    fields = {
        "startup_name": f"Khởi nghiệp Số {number}",
        "sector": "software",
        "stage": "mvp",
        "pitch": "Phần mềm quản lý nông trại cho Đồng bằng sông Cửu Long.",
        "website": f"https://startup{number}.vn",
        "team": [{"name": f"Người sáng lập {number}", "email": applicant.email, "role": "CEO"}],
        "requested_desks": 2,
    }
    fields.update(overrides)
    application = application_create(program=program, data=fields, actor=applicant)
    manager = None
    for to in _PATHS[state]:
        if to in {"submitted", "withdrawn"}:
            actor = applicant
        else:
            manager = manager or make_manager()
            actor = manager
        if to == "incubating":
            unit = None if program.workspace_unit_id else make_pool(desks=10)
            application = application_onboard(
                application=application, start_date=date(2027, 1, 1), unit=unit, actor=actor
            )
        else:
            application = application_transition(application=application, to=to, actor=actor)
    return application


def make_assignment(application, reviewer=None):
    from incubator.services import reviewer_assign

    return reviewer_assign(
        application=application, reviewer=reviewer or make_reviewer(), actor=make_manager()
    )


def make_review(application, reviewer=None, **overrides):
    """An assigned reviewer's review (assigns them first when needed)."""
    from incubator.models import ReviewAssignment
    from incubator.services import review_create

    if (
        reviewer is None
        or not ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists()
    ):
        reviewer = make_assignment(application, reviewer).reviewer
    fields = {"scores": {}, "recommendation": "maybe", "comment": ""}
    fields.update(overrides)
    return review_create(application=application, data=fields, actor=reviewer)


def make_pdf(extra: bytes = b"") -> bytes:
    """A small, real PDF (one empty page) that any reader opens."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    body, offsets = b"%PDF-1.4\n" + extra, []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        body += b"%010d 00000 n \n" % offset
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def link_without_after(link: str) -> str:
    """A page link as it reads without its `after` token (api/base/keyset.py), which holds
    the last row's ordering values and a signature."""
    from rest_framework.utils.urls import remove_query_param

    return remove_query_param(link, "after")

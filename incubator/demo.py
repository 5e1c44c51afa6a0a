"""Demo incubator for `manage.py seed_demo`: idempotent (keyed by program slug), through services.

An open program with applications in every state (the founder's among them, assigned to the
demo reviewer), and a closed past program whose startups graduated. Desks come from the home
park's coworking pool when the park demo made one; without it, no one is onboarded.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from core.errors import DomainError
from incubator.models import Application, Program
from incubator.services import (
    application_create,
    application_onboard,
    application_transition,
    program_create,
    program_update,
    review_create,
    reviewer_assign,
)
from park.models import Unit, UnitKind

OPEN_SLUG = "mekong-startup-incubation-2027"
PAST_SLUG = "mekong-startup-incubation-2025"
FOUNDER_EMAIL = "founder@softpark.local"
REVIEWER_EMAIL = "reviewer@softpark.local"
DEMO_APPLICANT_PASSWORD = "startup-demo-2027"  # noqa: S105 - development only

CRITERIA = [
    {"name": "Đội ngũ (Team)", "description": "Năng lực và cam kết", "weight": 3, "max_score": 10},
    {
        "name": "Thị trường (Market)",
        "description": "Quy mô và nhu cầu",
        "weight": 2,
        "max_score": 10,
    },
    {
        "name": "Sản phẩm (Product)",
        "description": "Độ chín của sản phẩm",
        "weight": 2,
        "max_score": 5,
    },
    {"name": "Tác động (Impact)", "description": "Lợi ích cho vùng", "weight": 1, "max_score": 5},
]

# The moves after the draft that reach each state (manager moves unless marked).
PATHS = {
    "draft": [],
    "submitted": ["submitted"],
    "screening": ["submitted", "screening"],
    "interview": ["submitted", "screening", "interview"],
    "accepted": ["submitted", "screening", "interview", "accepted"],
    "rejected": ["submitted", "screening", "rejected"],
    "waitlisted": ["submitted", "screening", "interview", "waitlisted"],
    "withdrawn": ["submitted", "screening", "withdrawn"],
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
APPLICANT_MOVES = {"submitted", "withdrawn"}

# email, full name, startup, sector, stage, state, requested desks
OPEN_APPLICATIONS = [
    (FOUNDER_EMAIL, "Lê Hoàng Phúc", "Nông Trại Số", "software", "mvp", "submitted", 3),
    ("an.nguyen@softpark.local", "Nguyễn Văn An", "Lúa Thông Minh", "hardware", "idea", "draft", 1),
    (
        "binh.tran@softpark.local",
        "Trần Thị Bình",
        "Chợ Nổi Online",
        "software",
        "mvp",
        "screening",
        2,
    ),
    (
        "cuong.le@softpark.local",
        "Lê Quốc Cường",
        "Mekong Logistics AI",
        "software",
        "revenue",
        "interview",
        2,
    ),
    (
        "dung.pham@softpark.local",
        "Phạm Thùy Dung",
        "Học Tiếng Khmer",
        "it_training",
        "prototype",
        "accepted",
        2,
    ),
    (
        "giang.vo@softpark.local",
        "Võ Trường Giang",
        "Cá Tra Truy Xuất",
        "software",
        "mvp",
        "rejected",
        1,
    ),
    (
        "ha.dang@softpark.local",
        "Đặng Thu Hà",
        "Du Lịch Miệt Vườn",
        "digital_content",
        "mvp",
        "waitlisted",
        2,
    ),
    (
        "khoa.bui@softpark.local",
        "Bùi Đăng Khoa",
        "Điện Mặt Trời Số",
        "hardware",
        "prototype",
        "withdrawn",
        1,
    ),
    (
        "lan.ho@softpark.local",
        "Hồ Ngọc Lan",
        "Y Tế Xa Cần Thơ",
        "software",
        "growth",
        "incubating",
        3,
    ),
    (
        "minh.ngo@softpark.local",
        "Ngô Nhật Minh",
        "Sổ Sách Hợp Tác Xã",
        "software",
        "revenue",
        "graduated",
        2,
    ),
    (
        "nam.duong@softpark.local",
        "Dương Hải Nam",
        "Game Đồng Bằng",
        "digital_content",
        "mvp",
        "discontinued",
        1,
    ),
]
PAST_APPLICATIONS = [
    (
        "oanh.ly@softpark.local",
        "Lý Kim Oanh",
        "Mắm Việt Xuất Khẩu",
        "software",
        "revenue",
        "graduated",
        2,
    ),
    (
        "phong.truong@softpark.local",
        "Trương Gia Phong",
        "Kênh Rạch Map",
        "software",
        "mvp",
        "graduated",
        2,
    ),
    (
        "quynh.mai@softpark.local",
        "Mai Như Quỳnh",
        "Gạo Ngon Shop",
        "software",
        "mvp",
        "rejected",
        1,
    ),
]


def _workspace_pool() -> Unit | None:
    return (
        Unit.objects.filter(park__is_home=True, kind=UnitKind.COWORKING, is_active=True)
        .order_by("code")
        .first()
    )


def _applicant(email: str, full_name: str, actor: User | None) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(
            email=email,
            full_name=full_name,
            password=DEMO_APPLICANT_PASSWORD,
            language="vi",
            actor=actor,
        )
    return user


def _walk(application: Application, state: str, *, actor: User, start_date: date, pool) -> None:
    for to in PATHS[state]:
        if to == "incubating":
            if pool is None:
                return  # no desks to give: the startup stays accepted
            try:
                application = application_onboard(
                    application=application, start_date=start_date, actor=actor
                )
            except DomainError:
                return  # the pool is full on those dates: stays accepted
            continue
        mover = application.applicant if to in APPLICANT_MOVES else actor
        application = application_transition(application=application, to=to, actor=mover)


def _seed_program(
    *, slug: str, name: str, rows: list, actor: User, start_date: date, pool, past: bool
) -> Program:
    today = timezone.localtime()
    opens_at = (today - timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)
    closes_at = (today + timedelta(days=120)).replace(hour=17, minute=0, second=0, microsecond=0)
    program = program_create(
        data={
            "name": name,
            "slug": slug,
            "description": "Chương trình ươm tạo khởi nghiệp số cho vùng Đồng bằng sông Cửu Long.",
            "opens_at": opens_at,
            "closes_at": closes_at,
            "seats": 8,
            "incubation_months": 12,
            "workspace_unit": pool,
            "is_published": True,
        },
        criteria=[{**criterion, "order": order} for order, criterion in enumerate(CRITERIA, 1)],
        actor=actor,
    )
    for number, (email, full_name, startup, sector, stage, state, desks) in enumerate(rows, 1):
        applicant = _applicant(email, full_name, actor)
        application = application_create(
            program=program,
            data={
                "startup_name": startup,
                "sector": sector,
                "stage": stage,
                "pitch": f"{startup}: giải pháp số cho nông dân và doanh nghiệp nhỏ miền Tây.",
                "website": f"https://demo-startup-{slug[-4:]}-{number}.vn",
                "team": [{"name": full_name, "email": email, "role": "CEO"}],
                "requested_desks": desks,
            },
            actor=applicant,
        )
        _walk(application, state, actor=actor, start_date=start_date, pool=pool)
    if past:  # the window closes after the submissions it took
        zone = timezone.get_current_timezone()
        program = program_update(
            program=program,
            data={
                "opens_at": datetime(2025, 1, 6, 8, 0, tzinfo=zone),
                "closes_at": datetime(2025, 3, 31, 17, 0, tzinfo=zone),
            },
            actor=actor,
        )
    return program


def _seed_reviews(program: Program, actor: User) -> None:
    reviewer = User.objects.filter(email=REVIEWER_EMAIL).first()
    if reviewer is None:
        return
    under_review = program.applications.filter(
        state__in=["submitted", "screening", "interview"]
    ).order_by("created_at")
    for application in under_review:
        reviewer_assign(application=application, reviewer=reviewer, actor=actor)
    interview = under_review.filter(state="interview").first()
    if interview is not None:
        criteria = list(program.criteria.order_by("order"))
        scores = [8, 7, 4, None]
        review_create(
            application=interview,
            data={
                "scores": {str(c.pk): score for c, score in zip(criteria, scores, strict=True)},
                "comment": "Đội ngũ mạnh, cần làm rõ mô hình doanh thu.",
                "recommendation": "accept",
            },
            actor=reviewer,
        )


def seed_incubator(actor: User) -> list[Program]:
    pool = _workspace_pool()
    programs = []
    with transaction.atomic():
        program = Program.objects.filter(slug=OPEN_SLUG).first()
        if program is None:
            program = _seed_program(
                slug=OPEN_SLUG,
                name="Mekong Startup Incubation 2027",
                rows=OPEN_APPLICATIONS,
                actor=actor,
                start_date=timezone.localdate(),
                pool=pool,
                past=False,
            )
            _seed_reviews(program, actor)
        programs.append(program)
        past = Program.objects.filter(slug=PAST_SLUG).first()
        if past is None:
            past = _seed_program(
                slug=PAST_SLUG,
                name="Mekong Startup Incubation 2025",
                rows=PAST_APPLICATIONS,
                actor=actor,
                start_date=date(2025, 5, 1),
                pool=pool,
                past=True,
            )
        programs.append(past)
    return programs

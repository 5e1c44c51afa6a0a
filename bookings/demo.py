"""Demo bookings: two bookable meeting rooms in the home demo park and a week of bookings by
its tenants; idempotent, like every app's demo (`manage.py seed_demo`)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from bookings.services import booking_create
from core.errors import DomainError
from park.models import Floor, Lease, Park, Unit
from park.services import lease_update, unit_create
from tenants.models import CompanyStatus

DEMO_PARK_SLUG = "mekong-software-park"
DEMO_ROOMS = [
    {
        "code": "A-1-M1",
        "name": "Phòng họp Mỹ Tho",
        "kind": "meeting_room",
        "area_m2": Decimal("24.00"),
        "capacity": 8,
        "hourly_rate_vnd": 150_000,
        "bookable": True,
    },
    {
        "code": "A-1-M2",
        "name": "Phòng họp Cái Bè",
        "kind": "meeting_room",
        "area_m2": Decimal("40.00"),
        "capacity": 16,
        "hourly_rate_vnd": 250_000,
        "bookable": True,
    },
]
# (day offset, room, start hour, start minute, hours, title)
DEMO_BOOKINGS = [
    (1, "A-1-M1", 9, 0, 1, "Họp giao ban tuần"),
    (1, "A-1-M2", 14, 0, 2, "Demo sản phẩm cho khách hàng"),
    (2, "A-1-M1", 10, 30, 1.5, "Phỏng vấn ứng viên"),
    (2, "A-1-M1", 12, 0, 1, "Họp nhóm thiết kế"),
    (3, "A-1-M2", 8, 0, 4, "Đào tạo nội bộ"),
    (4, "A-1-M1", 15, 0, 1, "Sprint review"),
    (5, "A-1-M2", 9, 0, 3, "Hội thảo đối tác"),
    (6, "A-1-M1", 16, 30, 1, "Họp với nhà đầu tư"),
    (7, "A-1-M2", 13, 0, 2, "Retrospective"),
]


def seed_bookings(actor: User | None) -> list[Booking]:
    park = Park.objects.filter(slug=DEMO_PARK_SLUG).first()
    floor = Floor.objects.filter(building__park=park, building__code="A", level=1).first()
    if park is None or floor is None:
        return []
    rooms = {}
    for row in DEMO_ROOMS:
        rooms[row["code"]] = Unit.objects.filter(park=park, code=row["code"]).first() or (
            unit_create(data={"floor": floor, **row}, actor=actor)
        )
    today = timezone.localdate()
    leases = (
        Lease.objects.filter(
            unit__park=park,
            cancelled_at__isnull=True,
            start_date__lte=today,
            company__status=CompanyStatus.ACTIVE,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today + timedelta(days=8)))
        .select_related("company")
        .order_by("company__legal_name", "pk")
    )
    tenants = []
    for lease in leases:
        if lease.meeting_hours_monthly == 0:
            lease_update(lease=lease, data={"meeting_hours_monthly": Decimal(4)}, actor=actor)
        if lease.company not in tenants:
            tenants.append(lease.company)
    if not tenants:
        return []
    made = []
    for index, (offset, code, hour, minute, hours, title) in enumerate(DEMO_BOOKINGS):
        day = today + timedelta(days=offset)
        starts_at = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        room = rooms[code]
        if Booking.objects.filter(unit=room, starts_at=starts_at).exists():
            continue
        try:
            made.append(
                booking_create(
                    unit=room,
                    company=tenants[index % min(len(tenants), 4)],
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=hours),
                    title=title,
                    attendees=min(room.capacity, 2 + index),
                    actor=actor,
                )
            )
        except DomainError:
            continue  # e.g. a park whose hours or horizon an operator changed
    return made

"""Floor maps: a PNG of one floor with each unit coloured by its state on a day (Pillow).

States (design/api.md, "Floor map"): free, partly leased (a coworking pool with some desks
leased), leased, upcoming (no lease today, one starts within UPCOMING_DAYS), inactive (under
maintenance). Each unit's `plan_polygon` is in floor-plan coordinates (`plan_width` x
`plan_height`) and is scaled to the picture; units without a usable polygon are left out.

Two queries whatever the number of units: the floor's units, and their leases that cover the
day or start within the next UPCOMING_DAYS days (with their companies).
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User, is_manager
from park.models import EXCLUSIVE_KINDS, Floor, Lease, Unit
from park.occupancy import tenant_name, tenant_sort_key, tenants_label

UPCOMING_DAYS = 30

FREE, PARTLY_LEASED, LEASED, UPCOMING, INACTIVE = (
    "free",
    "partly_leased",
    "leased",
    "upcoming",
    "inactive",
)
STATE_LABELS = {
    FREE: gettext_lazy("Free"),
    PARTLY_LEASED: gettext_lazy("Partly leased"),
    LEASED: gettext_lazy("Leased"),
    UPCOMING: gettext_lazy("Lease starts within 30 days"),
    INACTIVE: gettext_lazy("Inactive"),
}
# Fill colours, light enough for dark labels to stay readable on them.
STATE_COLOURS = {
    FREE: (200, 230, 201),
    PARTLY_LEASED: (255, 224, 130),
    LEASED: (239, 154, 154),
    UPCOMING: (179, 205, 238),
    INACTIVE: (207, 207, 207),
}
OUTLINE = (55, 71, 79)
TEXT = (33, 33, 33)
BACKGROUND = (250, 250, 250)

# The picture: the plan scaled into PLAN_BOX, a title above and the legend below.
PLAN_BOX = (1200, 800)
MARGIN = 20
TITLE_HEIGHT = 44
LEGEND_HEIGHT = 44

# Fonts that carry Vietnamese diacritics (Đồng Tháp), in order of preference. Pillow's own
# default font (Aileron) lacks them, so it is only the last resort. Debian ships DejaVu
# (fonts-dejavu-core) with most installs and Liberation with Chromium.
FONT_FILES = {
    "regular": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    ],
    "bold": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ],
}


@lru_cache(maxsize=64)
def map_font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    for path in FONT_FILES["bold" if bold else "regular"]:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


@dataclass
class UnitOnMap:
    unit: Unit
    state: str
    tenant: str  # who holds it today (or from the upcoming start), "" when nobody
    leased_desks: int
    starts_on: date | None = None  # the upcoming lease's start, for UPCOMING


def unit_states(*, units: list[Unit], on: date) -> list[UnitOnMap]:
    """Each unit's state on day `on`, with its current (or upcoming) tenant's short name.

    One query: the non-cancelled leases of these units covering `on` or starting within
    UPCOMING_DAYS after it.
    """
    # date.max: a day near the end of the calendar has no "30 days later" to add.
    horizon = min(on, date.max - timedelta(days=UPCOMING_DAYS)) + timedelta(days=UPCOMING_DAYS)
    leases = (
        Lease.objects.filter(unit__in=[unit.pk for unit in units], cancelled_at__isnull=True)
        .filter(start_date__lte=horizon)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("company")
        .order_by("start_date", "pk")
    )
    current: dict = {}
    upcoming: dict = {}
    for lease in leases:
        if lease.start_date <= on:
            current.setdefault(lease.unit_id, []).append(lease)
        else:
            upcoming.setdefault(lease.unit_id, []).append(lease)
    states = []
    for unit in units:
        next_lease = None
        holding = current.get(unit.pk, [])
        desks = sum(lease.desks for lease in holding)
        # Named as on the unit list: park.occupancy's one rule (most desks first, ...).
        by_size = sorted(holding, key=tenant_sort_key)
        named: dict = {}  # one name per company, in that order
        for lease in by_size:
            named.setdefault(lease.company_id, tenant_name(lease.company))
        names = list(named.values())
        if not unit.is_active:
            state = INACTIVE
        elif holding and (unit.kind in EXCLUSIVE_KINDS or desks >= unit.capacity):
            state = LEASED
        elif holding:
            state = PARTLY_LEASED
        elif unit.pk in upcoming:
            state, next_lease = UPCOMING, upcoming[unit.pk][0]
            names = [tenant_name(next_lease.company)]
        else:
            state = FREE
        tenant = tenants_label(names[0] if names else "", len(names))
        states.append(
            UnitOnMap(
                unit=unit,
                state=state,
                tenant=tenant,
                leased_desks=desks,
                starts_on=next_lease.start_date if state == UPCOMING else None,
            )
        )
    return states


def _points(polygon) -> list[tuple[float, float]] | None:
    """The polygon as (x, y) floats, or None when it is not a usable polygon."""
    if not isinstance(polygon, list) or len(polygon) < 3:
        return None
    points = []
    for point in polygon:
        if (
            not isinstance(point, list | tuple)
            or len(point) != 2
            or not all(
                isinstance(value, int | float) and not isinstance(value, bool) for value in point
            )
        ):
            return None
        points.append((float(point[0]), float(point[1])))
    return points


def _fit(draw: ImageDraw.ImageDraw, text: str, *, width: float, sizes, bold=False):
    """The largest font of `sizes` that fits `text` in `width`, else the smallest with the
    text cut short and an ellipsis."""
    for size in sizes:
        font = map_font(size, bold=bold)
        if draw.textlength(text, font=font) <= width:
            return text, font
    font = map_font(sizes[-1], bold=bold)
    while len(text) > 1 and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return (text + "…" if text else text), font


def _label_lines(item: UnitOnMap) -> list[tuple[str, bool]]:
    lines = [(item.unit.code, True)]
    if item.tenant:
        lines.append((item.tenant, False))
    if item.starts_on is not None:
        lines.append((_("from %(day)s") % {"day": item.starts_on.isoformat()}, False))
    elif item.unit.kind not in EXCLUSIVE_KINDS and item.state != INACTIVE:
        lines.append(
            (
                _("%(leased)d/%(capacity)d desks")
                % {
                    "leased": min(item.leased_desks, item.unit.capacity),
                    "capacity": item.unit.capacity,
                },
                False,
            )
        )
    return lines


def _draw_label(draw, item: UnitOnMap, points: list[tuple[float, float]]) -> None:
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    width = max(xs) - min(xs) - 8
    height = max(ys) - min(ys) - 4
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    if width < 10 or height < 10:
        return
    rendered = []
    for text, bold in _label_lines(item):
        sizes = (16, 14, 12, 11, 10, 9) if bold else (14, 13, 12, 11, 10, 9)
        rendered.append(_fit(draw, text, width=width, sizes=sizes, bold=bold))
    line_height = [font.size + 4 for _text, font in rendered]
    while rendered and sum(line_height) > height:  # a small room shows its code only
        rendered.pop()
        line_height.pop()
    top = centre_y - sum(line_height) / 2
    for (text, font), step in zip(rendered, line_height, strict=True):
        draw.text((centre_x, top + step / 2), text, font=font, fill=TEXT, anchor="mm")
        top += step


def _draw_legend(draw, *, left: int, top: int) -> None:
    font = map_font(14)
    x = left
    for state in (FREE, PARTLY_LEASED, LEASED, UPCOMING, INACTIVE):
        draw.rectangle([x, top + 12, x + 20, top + 32], fill=STATE_COLOURS[state], outline=OUTLINE)
        label = str(STATE_LABELS[state])
        draw.text((x + 28, top + 22), label, font=font, fill=TEXT, anchor="lm")
        x += 28 + int(draw.textlength(label, font=font)) + 24


def tenants_named_to(viewer: User | None) -> bool:
    """Tenant names on maps are the managers': a map fetched by anyone signed in must not name
    a company that did not consent to the directory (nor any other)."""
    return is_manager(viewer)


def floor_map_png(*, floor: Floor, on: date, viewer: User | None = None) -> bytes:
    """A PNG of `floor` on day `on`: units coloured by state, labelled, with a legend.

    Units are labelled with their tenants only for a `viewer` who may see them
    (`tenants_named_to`); without a viewer, nobody is named.
    """
    named = tenants_named_to(viewer)
    units = list(
        Unit.objects.filter(floor=floor)
        .only("pk", "code", "kind", "capacity", "is_active", "plan_polygon", "floor_id")
        .order_by("code", "pk")
    )
    drawable = [(unit, _points(unit.plan_polygon)) for unit in units]
    drawable = [(unit, points) for unit, points in drawable if points is not None]
    states = {item.unit.pk: item for item in unit_states(units=[u for u, _p in drawable], on=on)}

    plan_width, plan_height = max(floor.plan_width, 1), max(floor.plan_height, 1)
    scale = min(PLAN_BOX[0] / plan_width, PLAN_BOX[1] / plan_height)
    width = round(plan_width * scale) + 2 * MARGIN
    plan_top = MARGIN + TITLE_HEIGHT
    height = plan_top + round(plan_height * scale) + LEGEND_HEIGHT + MARGIN
    width = max(width, 900)  # room for the legend on a narrow plan

    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title = _("%(building)s · %(floor)s on %(day)s") % {
        "building": floor.building.name or floor.building.code,
        "floor": floor.name or floor.level,
        "day": on.isoformat(),
    }
    title, title_font = _fit(
        draw, title, width=width - 2 * MARGIN, sizes=(22, 20, 18, 16), bold=True
    )
    draw.text(
        (MARGIN, MARGIN + TITLE_HEIGHT / 2 - 4), title, font=title_font, fill=TEXT, anchor="lm"
    )
    draw.rectangle(
        [
            MARGIN,
            plan_top,
            MARGIN + round(plan_width * scale),
            plan_top + round(plan_height * scale),
        ],
        fill=(255, 255, 255),
        outline=(176, 190, 197),
    )
    for unit, points in drawable:
        item = states[unit.pk]
        if not named:
            item.tenant = ""
        scaled = [(MARGIN + x * scale, plan_top + y * scale) for x, y in points]
        draw.polygon(scaled, fill=STATE_COLOURS[item.state], outline=OUTLINE, width=2)
        _draw_label(draw, item, scaled)
    _draw_legend(draw, left=MARGIN, top=plan_top + round(plan_height * scale) + 4)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

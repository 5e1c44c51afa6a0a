"""The park admin in a real browser: headless Chromium (Debian's `chromium` package, driven by
Playwright) against pytest-django's live server.

No browser is downloaded: Playwright launches /usr/bin/chromium, which `.ci/run` installs with
apt-get when it is missing. Without it these tests fail (they are never skipped).

`SOFTPARK_SCREENSHOTS=docs` makes the screenshot test write docs/admin-dashboard.png and
docs/floor-map.png (from the demo park) instead of a temporary folder.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from park.models import Lease
from tests.factories import (
    PASSWORD,
    make_company,
    make_floor,
    make_lease,
    make_manager,
    make_park,
    make_pool,
    make_unit,
)

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); "
            ".ci/run does it before `make test`."
        )
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still synchronous, which Django would otherwise refuse next to a running loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
        # While that loop runs, asgiref gives this thread's ORM calls a connection of their
        # own, which the test database's teardown never sees: close it while we can reach it.
        connections.close_all()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    # Let the last requests (favicon, images) finish, so that no server thread still holds a
    # database connection when the test database is dropped.
    page.wait_for_load_state("networkidle")
    context.close()


def log_in(page, live_server, manager):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", manager.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def choose_company(page, company):
    """The company field is an autocomplete (select2): type, then pick the match."""
    page.click(".field-company .select2-selection")
    page.fill(".select2-search__field", company.legal_name)
    page.click(f".select2-results__option:has-text('{company.legal_name}')")


def test_a_manager_leases_a_free_desk_and_sees_the_conflict_for_a_taken_office(page, live_server):
    manager = make_manager()
    park = make_park(name="Mekong Software Park", is_home=True)
    floor = make_floor(park=park)
    pool = make_pool(floor=floor, code="B-1-CW", desks=10)
    office = make_unit(floor=floor, code="A-3-07")
    holder = make_company(legal_name="Công ty TNHH Phần mềm Mỹ Tho", short_name="Mỹ Tho Soft")
    start = timezone.localdate() + timedelta(days=7)
    held = make_lease(
        unit=office,
        company=holder,
        start_date=start,
        end_date=start + timedelta(days=364),
        contract_number="HĐ-2027-001",
    )
    newcomer = make_company(legal_name="Công ty Cổ phần Đồng Tháp")

    log_in(page, live_server, manager)

    # The unit list's "Lease…" link opens the lease form with the pool filled in.
    page.goto(f"{live_server.url}/admin/park/unit/?q=B-1-CW")
    page.click("td.field-lease_link a")
    choose_company(page, newcomer)
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", (start + timedelta(days=180)).isoformat())
    page.fill("#id_desks", "2")
    page.click("input[name=_save]")
    success = page.locator(".messagelist .success")
    success.wait_for()
    assert "was added successfully" in success.inner_text()
    lease = Lease.objects.get(unit=pool)
    assert (lease.company, lease.desks) == (newcomer, 2)

    # The taken office: the form comes back with the conflicting lease named.
    page.goto(f"{live_server.url}/admin/park/lease/add/?unit={office.pk}")
    choose_company(page, newcomer)
    page.fill("#id_start_date", (start + timedelta(days=30)).isoformat())
    page.fill("#id_end_date", "")
    page.click("input[name=_save]")
    error = page.locator(".errorlist.nonfield")
    error.wait_for()
    text = error.inner_text()
    assert f"Unit A-3-07 is leased from {start}" in text
    assert "Conflicting leases: Mỹ Tho Soft" in text
    assert "contract HĐ-2027-001" in text
    assert page.locator(".errorlist.nonfield a").get_attribute("href") == (
        f"/admin/park/lease/{held.pk}/change/"
    )
    assert Lease.objects.filter(unit=office).count() == 1


def test_the_dashboard_and_a_floor_map_render_in_the_browser(page, live_server, settings, tmp_path):
    from park.demo import seed_park
    from park.maps import unit_states
    from park.models import Floor
    from tenants.demo import seed_tenants

    settings.MEDIA_ROOT = tmp_path / "media"  # the demo's logos
    manager = make_manager()
    seed_tenants(manager)
    park = seed_park(manager)
    folder = DOCS if os.environ.get("SOFTPARK_SCREENSHOTS") == "docs" else tmp_path
    today = timezone.localdate()

    log_in(page, live_server, manager)
    page.click("#park-dashboards a")
    page.wait_for_url("**/admin/park/park/occupancy/")
    assert page.locator("#occupancy-chart svg rect.bar").count() == 12
    page.locator("#content").screenshot(path=str(folder / "admin-dashboard.png"))

    # The floor with the most kinds of state shows the legend at work.
    floors = Floor.objects.filter(building__park=park).order_by("building__code", "level")
    floor = max(
        floors,
        key=lambda floor: len(
            {item.state for item in unit_states(units=list(floor.units.all()), on=today)}
        ),
    )
    page.goto(f"{live_server.url}/admin/park/floor/{floor.pk}/change/")
    image = page.locator(".field-floor_map img")
    image.wait_for()
    assert page.evaluate("img => img.naturalWidth", image.element_handle()) > 0
    # The picture itself, full size, as the page's <img> loaded it (with the session).
    response = page.request.get(f"{live_server.url}{image.get_attribute('src')}")
    assert response.headers["content-type"] == "image/png"
    (folder / "floor-map.png").write_bytes(response.body())
    assert (folder / "admin-dashboard.png").stat().st_size > 10_000


# --- every admin page, in English and Vietnamese, at a manager's 1400 px --------------------

# English that must not show on a Vietnamese page (whole words of the page's visible text,
# select options included): Django's admin chrome and our own actions.
ENGLISH_ON_VIETNAMESE_PAGES = [
    "Please correct the error below",
    "Please correct the errors below",
    "Show counts",
    "Hide counts",
    "History",
    "Add",
    "Save",
    "Delete",
    "Search",
    "Filter",
    "Home",
    "Log out",
    "Go",
    "Today",
    "Model name",
    "Choose a date",
    "Changed by",
    "Move to",
    "Set status to",
    "By building",
    "By floor",
    "Unit",
    "Company",
]


SCROLLS_SIDEWAYS = (
    "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
)
# A list wider than its box scrolls inside it, which hides its last columns ("Lease…").
LIST_CUT_OFF = """() => {
    const results = document.querySelector("#changelist-form .results");
    return results !== null && results.scrollWidth > results.clientWidth + 1;
}"""
# The index's dashboard links were once one letter per line: an inline link's rects are its
# lines.
LINK_SQUEEZED = """() => Array.from(document.querySelectorAll("#content a"))
    .some(link => link.getClientRects().length > 4)"""


def admin_pages(manager) -> list[str]:
    """The changelist, the add page (when the manager may add), and one change page and its
    history of every model registered with the admin."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = manager
    urls = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls.append(base)
        if model_admin.has_add_permission(request):
            urls.append(f"{base}add/")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [f"{base}{first.pk}/change/", f"{base}{first.pk}/history/"]
    return urls


INDEX_LINKS = """() => Array.from(document.querySelectorAll("#content-main a[href^='/admin/']"))
    .map(link => link.pathname)"""


def english_words_on(page) -> list[str]:
    text = page.evaluate(
        "() => document.body.innerText + ' ' + Array.from(document.querySelectorAll('option'))"
        ".map(option => option.textContent).join(' ')"
    )
    return [
        phrase
        for phrase in ENGLISH_ON_VIETNAMESE_PAGES
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
    ]


def test_every_admin_page_fits_1400_px_and_speaks_the_managers_language(
    browser, live_server, transactional_db, settings, tmp_path
):
    from accounts.demo import seed_accounts
    from chain.demo import seed_chain
    from incubator.demo import seed_incubator
    from park.demo import seed_park
    from tenants.demo import seed_tenants

    settings.MEDIA_ROOT = tmp_path / "media"  # the demo's logos
    admin_user = seed_accounts()
    seed_tenants(admin_user)
    seed_park(admin_user)
    seed_chain(admin_user)
    seed_incubator(admin_user)
    manager = make_manager()
    urls = admin_pages(manager)
    problems = []

    for language in ["en", "vi"]:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale=language)
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, live_server, manager)
        # The index's own pages too (the park's dashboards), beside the models' pages.
        urls += [url for url in dict.fromkeys(page.evaluate(INDEX_LINKS)) if url not in urls]
        for url in urls:
            response = page.goto(f"{live_server.url}{url}")
            if response.status >= 500:
                problems.append((language, url, response.status))
                continue
            if page.evaluate(SCROLLS_SIDEWAYS):
                problems.append((language, url, "scrolls sideways"))
            if page.evaluate(LIST_CUT_OFF):
                problems.append((language, url, "a list's last columns are out of sight"))
            if page.evaluate(LINK_SQUEEZED):
                problems.append((language, url, "a link is squeezed to a few letters a line"))
            if language == "vi" and (english := english_words_on(page)):
                problems.append((language, url, english))
        page.wait_for_load_state("networkidle")
        context.close()

    assert problems == []

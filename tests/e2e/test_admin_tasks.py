"""A manager's week in the admin, walked in a real browser (Debian's chromium, Playwright) in
English and in Vietnamese at 1400 px: find space and lease it, renew and terminate the lease,
watch occupancy, keep a company current and export the companies, run the incubator's
reviewers and ranking, sync a partner.

Every task goes through the admin's links, forms and buttons. Every page the walk opens must
answer below 500, must not scroll sideways and, in Vietnamese, must not show an English phrase
of test_admin_browser's list. The browser, the login and those checks come from
test_admin_browser.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.test_admin_browser import (  # noqa: F401 (browser: a fixture)
    SCROLLS_SIDEWAYS,
    browser,
    english_words_on,
    log_in,
)
from tests.factories import make_manager, make_reviewer

pytestmark = pytest.mark.browser


class Walk:
    """The page the manager drives, and what went wrong on each page it showed."""

    def __init__(self, page, live_server, language):
        self.page = page
        self.url = live_server.url
        self.language = language
        self.problems = []

    def look(self, step, response):
        """After a page load: below 500, no sideways scroll, (Vietnamese) no English phrase.
        A 500 stops the walk: the next step would only time out on the error page."""
        assert response.status < 500, (self.language, step, response.url, response.status)
        where = f"{step}: {self.page.url.removeprefix(self.url)}"
        if self.page.evaluate(SCROLLS_SIDEWAYS):
            self.problems.append((self.language, where, "scrolls sideways"))
        if self.language == "vi" and (english := english_words_on(self.page)):
            self.problems.append((self.language, where, english))

    def click(self, selector, step):
        with self.page.expect_navigation() as navigation:
            self.page.click(selector)
        self.look(step, navigation.value)

    def index(self):
        self.look("index", self.page.goto(f"{self.url}/admin/"))

    def success(self, step, level="success"):
        """The page says the task was done (the reviewers' and partner's pages say it as
        information, Django's default level)."""
        message = self.page.locator(f".messagelist .{level}")
        if message.count() != 1:
            errors = self.page.locator(".errorlist, .messagelist .error, .messagelist .warning")
            shown = " | ".join(errors.all_inner_texts())
            self.problems.append((self.language, step, f"no success message ({shown})"))
        return message


@pytest.fixture
def demo_park(transactional_db, settings, tmp_path):
    from accounts.demo import seed_accounts
    from chain.demo import DEMO_PARTNER, seed_chain
    from chain.models import Partner
    from chain.services import partner_update
    from incubator.demo import seed_incubator
    from park.demo import seed_park
    from tenants.demo import seed_tenants

    settings.MEDIA_ROOT = tmp_path / "media"  # the demo's logos
    admin_user = seed_accounts()
    seed_tenants(admin_user)
    seed_park(admin_user)
    seed_chain(admin_user)
    seed_incubator(admin_user)
    # The demo partner is seeded inactive (its address never resolves): active, its sync
    # queues (the database task backend: nothing runs in the test).
    partner = Partner.objects.get(slug=DEMO_PARTNER["slug"])
    partner_update(partner=partner, data={"is_active": True}, actor=admin_user)
    return admin_user


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_manager_walks_the_tasks_of_a_week_at_1400_px(
    browser,  # noqa: F811
    live_server,
    demo_park,
    language,
):
    from chain.models import Partner
    from incubator.models import Application, ReviewAssignment
    from park.models import Lease
    from tenants.models import Company, CompanyStatus

    manager = make_manager()
    newcomer = make_reviewer(email=f"reviewer-{language}@softpark.local")
    company = Company.objects.filter(status=CompanyStatus.ACTIVE).order_by("legal_name").first()
    application = Application.objects.exclude(state="draft").order_by("submitted_at").first()
    program = application.program
    partner = Partner.objects.get()
    start = timezone.localdate() + timedelta(days=400)
    end = start + timedelta(days=179)

    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale=language)
    context.set_default_timeout(15_000)
    page = context.new_page()
    walk = Walk(page, live_server, language)
    log_in(page, live_server, manager)

    # 1. Find space: the units free for a range, then "Lease…" on one of them.
    walk.click("#park-dashboards a[href$='/park/unit/availability/']", "availability")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", end.isoformat())
    walk.click("#availability-form input[type=submit]", "availability results")
    leases_before = set(Lease.objects.values_list("pk", flat=True))
    walk.click("#availability-results a.lease-link >> nth=0", "lease form")
    assert page.input_value("#id_start_date") == start.isoformat()
    # The company's autocomplete (select2): its legal name typed, its label picked.
    page.click(".field-company .select2-selection")
    page.fill(".select2-search__field", company.legal_name)
    page.click(f".select2-results__option:text-is('{company}')")
    walk.click("input[name=_save]", "lease saved")
    walk.success("lease saved")
    (lease,) = Lease.objects.exclude(pk__in=leases_before)
    assert (lease.company, lease.start_date, lease.end_date) == (company, start, end)

    # 2. Renew it, then terminate it earlier, from the lease's page.
    walk.click(".messagelist .success a", "lease page")
    walk.click(".object-tools a[href$='/renew/']", "renew")
    page.fill("#id_end_date", (end + timedelta(days=90)).isoformat())
    walk.click("#content-main input[type=submit]", "renewed")
    walk.success("renewed")
    walk.click(".object-tools a[href$='/terminate/']", "terminate")
    page.fill("#id_end_date", (start + timedelta(days=59)).isoformat())
    walk.click("#content-main input[type=submit]", "terminated")
    walk.success("terminated")
    lease.refresh_from_db()
    assert lease.end_date == start + timedelta(days=59)

    # 3. Watch occupancy: the dashboard and the lease timeline.
    walk.index()
    walk.click("#park-dashboards a[href$='/park/park/occupancy/']", "occupancy")
    assert page.locator("#occupancy-chart svg rect.bar").count() == 12
    walk.index()
    walk.click("#park-dashboards a[href$='/park/unit/timeline/']", "timeline")

    # 4. Keep companies current: a new short name, then the list as CSV.
    walk.index()
    walk.click("#content-main a[href='/admin/tenants/company/']", "companies")
    page.fill("#searchbar", company.legal_name)
    walk.click("#changelist-search input[type=submit]", "companies found")
    walk.click(f"#result_list a[href*='{company.pk}']", "company")
    page.fill("#id_short_name", f"Softpark {language}")
    walk.click("input[name=_save]", "company saved")
    walk.success("company saved")
    company.refresh_from_db()
    assert company.short_name == f"Softpark {language}"
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_csv")
    posted = page.expect_response(lambda response: response.request.method == "POST")
    with posted as answer, page.expect_download() as download:
        page.click("#changelist-form button[name=index]")
    assert answer.value.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.value.suggested_filename == "companies.csv"
    with open(download.value.path(), encoding="utf-8-sig") as csv:
        assert f"Softpark {language}" in csv.read()

    # 5. Incubator: assign a reviewer to an application, then the program's ranking.
    walk.index()
    walk.click("#content-main a[href='/admin/incubator/application/']", "applications")
    walk.click(f"#result_list a[href*='{application.pk}']", "application")
    walk.click(".object-tools a[href$='/reviewers/']", "reviewers")
    page.select_option("#id_reviewer", str(newcomer.pk))
    walk.click("input[name=assign]", "reviewer assigned")
    walk.success("reviewer assigned", "info")
    assert ReviewAssignment.objects.filter(application=application, reviewer=newcomer).exists()
    walk.index()
    walk.click("#content-main a[href='/admin/incubator/program/']", "programs")
    walk.click(f"#result_list a[href*='{program.pk}']", "program")
    walk.click(".object-tools a[href$='/ranking/']", "ranking")

    # 6. Partners: "Sync now" queues the pull and says so.
    walk.index()
    walk.click("#content-main a[href='/admin/chain/partner/']", "partners")
    walk.click(f"#result_list a[href*='{partner.pk}']", "partner")
    walk.click(".object-tools form[action$='/sync/'] button", "sync queued")
    walk.success("sync queued", "info")
    assert page.url.endswith(f"/admin/chain/partner/{partner.pk}/change/")

    page.wait_for_load_state("networkidle")
    context.close()
    assert walk.problems == []

"""The accountant's month in the admin, in a real browser (Debian's chromium, Playwright):
the invoice run's preview, then its drafts; issuing them from the list; recording a payment.
Every page must answer below 500 and not scroll sideways. The browser, the login and those
checks come from test_admin_browser and test_admin_tasks.
"""

from datetime import date

import pytest
from django.utils import timezone

from billing.models import Allocation, Invoice, InvoiceStatus, Payment
from tests.billing.factories import make_billing_settings, make_series
from tests.e2e.test_admin_browser import (  # noqa: F401 (browser, page: fixtures)
    browser,
    choose_company,
    log_in,
    page,
)
from tests.e2e.test_admin_tasks import Walk
from tests.factories import make_company, make_lease, make_manager, make_park, make_unit

pytestmark = pytest.mark.browser


def test_a_manager_runs_the_month_issues_the_drafts_and_records_a_payment(
    page,  # noqa: F811
    live_server,
):
    today = timezone.localdate()
    month = today.replace(day=1)
    manager = make_manager()
    park = make_park(name="Mekong Software Park", is_home=True)
    make_billing_settings(park)
    series = make_series(park, year=today.year)
    companies = [
        make_company(legal_name="Công ty TNHH Phần mềm Mỹ Tho"),
        make_company(legal_name="Công ty Cổ phần Đồng Tháp"),
    ]
    for company, rate in zip(companies, [15_000_000, 9_000_000], strict=True):
        unit = make_unit(park=park, monthly_rate_vnd=rate)
        make_lease(unit=unit, company=company, start_date=date(today.year - 1, 1, 1), end_date=None)
    walk = Walk(page, live_server, "en")
    log_in(page, live_server, manager)

    # 1. The invoice run, from the invoice list: the preview writes nothing.
    walk.index()
    walk.click("#content-main a[href='/admin/billing/invoice/']", "invoices")
    walk.click("#invoice-run-link", "invoice run")
    page.select_option("#id_park", str(park.pk))
    page.fill("#id_month", f"{month:%Y-%m}")
    walk.click("#invoice-run-form input[name=preview]", "preview")
    preview = page.locator("#invoice-run-preview tbody tr")
    assert preview.count() == 2
    assert "Công ty TNHH Phần mềm Mỹ Tho" in page.inner_text("#invoice-run-preview")
    # 15,000,000 + 9,000,000 of rent, VAT 10 %: 26,400,000 đ.
    assert page.inner_text("#invoice-run-total") == "26,400,000 đ"
    assert not Invoice.objects.exists()

    # 2. "Create drafts": the month's drafts, listed.
    walk.click("#invoice-run-create input[name=create]", "drafts created")
    walk.success("drafts created")
    drafts = Invoice.objects.filter(status=InvoiceStatus.DRAFT)
    assert drafts.count() == 2
    assert page.locator("#result_list tbody tr").count() == 2

    # 3. Issue them from the list.
    page.check("#action-toggle")
    page.select_option("select[name=action]", "issue_selected")
    walk.click("#changelist-form button[name=index]", "issued")
    walk.success("issued")
    issued = list(Invoice.objects.filter(status=InvoiceStatus.ISSUED).order_by("number"))
    assert [invoice.number for invoice in issued] == [1, 2]
    assert {invoice.issue_date for invoice in issued} == {today}
    assert f"1{series.symbol}-00000002" in page.inner_text(".messagelist")

    # 4. Record the Mỹ Tho company's bank transfer; it pays its invoice.
    mytho = next(invoice for invoice in issued if invoice.company == companies[0])
    walk.index()
    walk.click("#content-main a[href='/admin/billing/payment/add/']", "payment form")
    page.select_option("#id_park", str(park.pk))
    choose_company(page, companies[0])
    page.fill("#id_amount_vnd", str(mytho.total_vnd))
    page.fill("#id_received_on", today.isoformat())
    page.fill("#id_reference", "UNC-2026-0001")
    walk.click("input[name=_save]", "payment saved")
    walk.success("payment saved")
    payment = Payment.objects.get()
    assert [(a.invoice, a.amount_vnd) for a in Allocation.objects.all()] == [(mytho, 16_500_000)]
    mytho.refresh_from_db()
    assert mytho.balance_vnd == 0

    # 5. The payment's page shows its allocation; the arrears page, the other company.
    walk.click(f"#result_list a[href*='{payment.pk}']", "payment")
    assert mytho.number_display in page.inner_text(".inline-group")
    walk.index()
    walk.click("#park-dashboards a[href$='/billing/invoice/arrears/']", "arrears")
    assert page.locator("#arrears-table tbody tr").count() == 1
    assert "Công ty Cổ phần Đồng Tháp" in page.inner_text("#arrears-table")

    assert walk.problems == []


def test_every_billing_page_of_the_demo_fits_1400_px_and_speaks_the_managers_language(
    browser,  # noqa: F811
    live_server,
    transactional_db,
    settings,
    tmp_path,
):
    """test_admin_browser's walk of every admin page, over the billing pages with the demo's
    months of invoices and payments (that walk runs without them), plus billing's own pages
    with their questions answered, and a draft's page."""
    from accounts.demo import seed_accounts
    from billing.demo import seed_billing
    from billing.services.runs import invoice_run
    from park.demo import seed_park
    from tenants.demo import seed_tenants
    from tests.e2e.test_admin_browser import (
        LINK_SQUEEZED,
        LIST_CUT_OFF,
        SCROLLS_SIDEWAYS,
        admin_pages,
        english_words_on,
    )

    settings.MEDIA_ROOT = tmp_path / "media"  # the demo's logos
    admin_user = seed_accounts()
    seed_tenants(admin_user)
    park = seed_park(admin_user)
    seed_billing(admin_user)
    month = f"{timezone.localdate():%Y-%m}"
    invoice_run(park=park, month=timezone.localdate().replace(day=1), actor=admin_user)
    draft = Invoice.objects.filter(status=InvoiceStatus.DRAFT).order_by("pk").first()
    issued = Invoice.objects.filter(status=InvoiceStatus.ISSUED).order_by("pk").first()
    manager = make_manager()
    urls = [url for url in admin_pages(manager) if url.startswith("/admin/billing/")]
    urls += [
        f"/admin/billing/usage/grid/?park={park.pk}&month={month}",
        f"/admin/billing/invoice/run/?park={park.pk}&month={month}",
        "/admin/billing/invoice/arrears/",
        "/admin/billing/invoice/?overdue=yes",
        f"/admin/billing/invoice/{draft.pk}/change/",
        f"/admin/billing/invoice/{draft.pk}/issue/",
        f"/admin/billing/invoice/{issued.pk}/change/",
        f"/admin/billing/invoice/{issued.pk}/void/",
    ]
    problems = []

    for language in ["en", "vi"]:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale=language)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        log_in(tab, live_server, manager)
        for url in urls:
            response = tab.goto(f"{live_server.url}{url}")
            if response.status >= 500:
                problems.append((language, url, response.status))
                continue
            if tab.evaluate(SCROLLS_SIDEWAYS):
                problems.append((language, url, "scrolls sideways"))
            if tab.evaluate(LIST_CUT_OFF):
                problems.append((language, url, "a list's last columns are out of sight"))
            if tab.evaluate(LINK_SQUEEZED):
                problems.append((language, url, "a link is squeezed to a few letters a line"))
            if language == "vi" and (english := english_words_on(tab)):
                problems.append((language, url, english))
        tab.wait_for_load_state("networkidle")
        context.close()

    assert problems == []

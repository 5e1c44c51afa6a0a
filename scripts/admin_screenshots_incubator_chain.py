"""Redo docs/admin-application.png and docs/admin-partner.png: the demo data in a throwaway
SQLite database, `runserver` on a free port, and Debian's headless chromium (Playwright) at
1400 px signed in as the demo admin (the same harness as scripts/admin_screenshots.py).

    .venv/bin/python scripts/admin_screenshots_incubator_chain.py
"""

from admin_screenshots import CHROMIUM, DOCS, signed_in_page, with_demo_server
from playwright.sync_api import sync_playwright


def main() -> None:
    with_demo_server(shoot)


def shoot(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = signed_in_page(browser, base)
        # The demo application under interview: its team, reviews and scores by criterion.
        page.goto(f"{base}/admin/incubator/application/?state__exact=interview")
        page.click("#result_list tbody tr:first-child th a")
        page.wait_for_selector("#application_form")
        page.screenshot(path=str(DOCS / "admin-application.png"), full_page=True)
        # The demo partner with a key made from its page, then "Sync now" (queued: the page
        # comes back at once).
        page.goto(f"{base}/admin/chain/partner/")
        page.click("#result_list tbody tr:first-child th a")
        page.click("button:has-text('Create a key')")
        page.click("button:has-text('Sync now')")
        page.wait_for_selector("#partner_form")
        page.screenshot(path=str(DOCS / "admin-partner.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()

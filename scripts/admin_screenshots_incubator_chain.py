"""Redo docs/admin-application.png and docs/admin-partner.png: the demo data in a throwaway
SQLite database, `runserver` on a free port, and Debian's headless chromium (Playwright) at
1400 px signed in as the demo admin (the same harness as scripts/admin_screenshots.py).

    .venv/bin/python scripts/admin_screenshots_incubator_chain.py
"""

import os
import subprocess
import sys
import tempfile

from admin_screenshots import CHROMIUM, DOCS, EMAIL, PASSWORD, ROOT, free_port, wait_for
from playwright.sync_api import sync_playwright


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "PRIVATE_MEDIA_ROOT": f"{folder}/private",
        }
        python = [sys.executable, "manage.py"]
        for command in (["migrate", "--no-input"], ["seed_demo"]):
            subprocess.run(  # noqa: S603 - a fixed command line
                [*python, *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 - a fixed command line
            [*python, "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/admin/login/")
            shoot(base)
        finally:
            server.terminate()
            server.wait(timeout=20)


def shoot(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-US")
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", EMAIL)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{base}/admin/")
        # The demo application under interview: its team, reviews and scores by criterion.
        page.goto(f"{base}/admin/incubator/application/?state__exact=interview")
        page.click("#result_list tbody tr:first-child th a")
        page.wait_for_selector("#application_form")
        page.screenshot(path=str(DOCS / "admin-application.png"), full_page=True)
        # The demo partner with a key made from its page, then "Sync now" (it is an inactive
        # example, so the page says so instead of queueing a sync that cannot resolve).
        page.goto(f"{base}/admin/chain/partner/")
        page.click("#result_list tbody tr:first-child th a")
        page.click("button:has-text('Create a key')")
        page.click("button:has-text('Sync now')")
        page.wait_for_selector("#partner_form")
        page.screenshot(path=str(DOCS / "admin-partner.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()

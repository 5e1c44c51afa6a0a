"""Redo docs/admin-timeline.png and docs/admin-availability.png: the demo data in a throwaway
SQLite database, `runserver` on a free port, and Debian's headless chromium (Playwright) at
1400 px signed in as the demo admin.

    .venv/bin/python scripts/admin_screenshots.py
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
EMAIL, PASSWORD = "admin@softpark.local", "softpark-admin"  # accounts.demo's, DEBUG only


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str) -> None:
    for _attempt in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def main() -> None:
    with_demo_server(shoot)


def with_demo_server(shoot_with) -> None:
    """Run `shoot_with(base_url)` against `runserver` on a free port, serving the demo data
    from a throwaway SQLite database."""
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
            shoot_with(base)
        finally:
            server.terminate()
            server.wait(timeout=20)


def signed_in_page(browser, base: str):
    """A 1400 px English page of `browser`, signed in as the demo admin."""
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-US")
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    return page


def shoot(base: str) -> None:
    start = date.today().replace(day=1)  # noqa: DTZ011 - the server's local day is enough here
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = signed_in_page(browser, base)
        page.goto(f"{base}/admin/park/unit/timeline/?start_month={start:%Y-%m}")
        page.screenshot(path=str(DOCS / "admin-timeline.png"), full_page=True)
        until = start + timedelta(days=180)
        page.goto(
            f"{base}/admin/park/unit/availability/?start_date={start}&end_date={until}&desks=4"
        )
        page.screenshot(path=str(DOCS / "admin-availability.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()

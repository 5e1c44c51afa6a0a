"""A manager imports units from a spreadsheet in the admin, in a real browser (Debian's
chromium, Playwright): the list's Import button, the file, the preview (nothing written yet),
the confirm, and the units in the list. The browser, the login and the page checks come from
test_admin_browser and test_admin_tasks."""

import pytest

from imports.models import Import
from park.models import Unit
from tests.e2e.test_admin_browser import (  # noqa: F401 (browser, page: fixtures)
    browser,
    log_in,
    page,
)
from tests.e2e.test_admin_tasks import Walk
from tests.factories import make_manager, make_park

pytestmark = pytest.mark.browser

UNITS = (
    "Khu,Tòa nhà,Tầng,Mã phòng,Loại,Diện tích (m²),Sức chứa,Giá thuê/tháng\n"
    'mekong,A,3,A-301,office,"48,50",8,12.000.000 đ\n'
    'mekong,A,3,A-302,lab,60,10,"15,500,000"\n'
    "mekong,B,1,B-101,meeting_room,30,12,0\n"
)


def test_a_manager_imports_units_with_a_preview_then_a_confirm(page, live_server):  # noqa: F811
    manager = make_manager()
    make_park(name="Mekong Software Park", slug="mekong", is_home=True)
    walk = Walk(page, live_server, "en")
    log_in(page, live_server, manager)

    walk.look("units", page.goto(f"{live_server.url}/admin/park/unit/"))
    walk.click("#import-link", "import form")
    assert page.locator("#import-templates a.import-template-link").count() == 2
    page.set_input_files(
        "#id_import_file",
        files=[{"name": "units.csv", "mimeType": "text/csv", "buffer": UNITS.encode("utf-8")}],
    )
    walk.click("#import-check", "preview")

    rows = page.locator("#import-preview tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("td").all_inner_texts()[:6] == [
        "2",
        "New",
        "mekong",
        "A",
        "3",
        "A-301",
    ]
    assert "3 rows: 3 new, 0 changed, 0 unchanged, 0 skipped." in page.inner_text("#import-summary")
    assert not Unit.objects.exists()  # the preview writes nothing

    walk.click("#import-confirm", "imported")
    message = walk.success("imported")
    assert "3 new" in message.inner_text()
    assert sorted(Unit.objects.values_list("code", flat=True)) == ["A-301", "A-302", "B-101"]
    listed = page.inner_text("#result_list")
    assert all(code in listed for code in ("A-301", "A-302", "B-101"))
    assert Import.objects.get().user == manager
    assert walk.problems == []

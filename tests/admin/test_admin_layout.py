"""Every admin page carries softpark's stylesheet and starts with the navigation sidebar
closed, so that lists get the width of a 1400 px screen (the browser walk in
tests/e2e/test_admin_browser.py measures the result)."""

import pytest
from django.contrib.staticfiles import finders

from tests.factories import make_unit


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize("url", ["/admin/", "/admin/park/unit/", "/admin/park/unit/add/"])
def test_admin_pages_link_softpark_stylesheet_after_djangos(admin_client, url):
    page = admin_client.get(url).content.decode()

    ours = page.index('href="/static/softpark/admin.css"')
    assert ours > page.index('href="/static/admin/css/base.css"')
    if "changelists.css" in page:  # a list: ours comes after it, so that ours wins
        assert ours > page.index('href="/static/admin/css/changelists.css"')
    if "forms.css" in page:
        assert ours > page.index('href="/static/admin/css/forms.css"')


def test_the_stylesheet_is_a_static_file():
    assert finders.find("softpark/admin.css") is not None


def test_the_navigation_sidebar_starts_closed_until_the_manager_opens_it(admin_client):
    unit = make_unit()

    page = admin_client.get(f"/admin/park/unit/{unit.pk}/change/").content.decode()

    assert (
        'if (localStorage.getItem("django.admin.navSidebarIsOpen") === null) {\n'
        '    localStorage.setItem("django.admin.navSidebarIsOpen", "false");'
    ) in page
    # Django's sidebar script is deferred: it reads the key after our inline script set it.
    assert '<script src="/static/admin/js/nav_sidebar.js" defer></script>' in page

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _po_entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of the Vietnamese catalogue, header left out."""

    def joined(block: str) -> str:
        return (
            "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))
            .encode()
            .decode("unicode_escape")
            .encode("latin-1")
            .decode("utf-8")
        )

    entries = []
    pattern = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.MULTILINE)
    for msgid, msgstr in pattern.findall(PO_FILE.read_text(encoding="utf-8")):
        if joined(msgid):
            entries.append((joined(msgid), joined(msgstr)))
    return entries


def test_every_string_we_define_has_a_vietnamese_translation():
    untranslated = [msgid for msgid, msgstr in _po_entries() if not msgstr]
    assert untranslated == []


def test_the_compiled_catalogue_is_in_step_with_the_po_file():
    with translation.override("vi"):
        stale = [msgid for msgid, msgstr in _po_entries() if translation.gettext(msgid) != msgstr]
    assert stale == []


def test_the_admin_speaks_vietnamese_when_the_browser_asks_for_it(client, manager):
    client.force_login(manager)

    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Điều hành khu công viên | softpark</title>" in page
    assert "Quản trị softpark" in page
    assert ">Tài khoản<" in page  # the accounts app's own label


def test_the_language_switch_turns_the_admin_vietnamese(client, manager):
    client.force_login(manager)

    switched = client.post("/i18n/setlang/", {"language": "vi", "next": "/admin/"})
    page = client.get("/admin/").content.decode()

    assert switched.status_code == 302
    assert "Quản trị softpark" in page
    assert 'name="language"' in page  # the switch is on every admin page


def test_the_admin_site_is_titled_softpark_in_english(client, manager):
    client.force_login(manager)

    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<title>Run the park | softpark</title>" in page
    assert "softpark administration" in page

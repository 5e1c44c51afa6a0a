"""`makemessages` finds nothing left to translate: run over the project's sources into a
scratch copy of locale/, it must leave no empty and no fuzzy Vietnamese entry."""

import re
import shutil
from pathlib import Path

from django.core.management import call_command

PROJECT = Path(__file__).resolve().parents[2]
# As the README runs it: the project's sources, not its tests, benchmarks or collected files.
IGNORED = [".venv/*", "tests/*", "bench/*", "var/*", "static/*"]


def untranslated_entries(po_text: str) -> list[str]:
    """The entries, header left out, that are fuzzy or have an empty msgstr (or msgstr[n])."""
    entries = [block for block in po_text.split("\n\n") if re.search(r"^msgid ", block, re.M)]
    left = []
    for block in entries[1:]:  # the first entry is the header
        translations = re.findall(r'^msgstr(?:\[\d+\])? ((?:".*"\n?)+)', block, re.M)
        empty = any(not "".join(re.findall(r'"(.*)"', text)) for text in translations)
        if empty or re.search(r"^#,.*\bfuzzy\b", block, re.M):
            left.append(block)
    return left


def test_makemessages_finds_no_untranslated_string(tmp_path, monkeypatch, settings):
    scratch = tmp_path / "project"
    scratch.mkdir()
    for entry in PROJECT.iterdir():
        if entry.name != "locale" and not entry.name.startswith("."):
            (scratch / entry.name).symlink_to(entry)
    shutil.copytree(PROJECT / "locale", scratch / "locale")
    settings.LOCALE_PATHS = [scratch / "locale"]
    monkeypatch.chdir(scratch)

    call_command(
        "makemessages",
        locale=["vi"],
        symlinks=True,
        ignore_patterns=IGNORED,
        no_obsolete=True,
        verbosity=0,
    )

    po_text = (scratch / "locale" / "vi" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    assert untranslated_entries(po_text) == []


def test_the_committed_catalogue_has_no_empty_or_fuzzy_entry():
    po_text = (PROJECT / "locale" / "vi" / "LC_MESSAGES" / "django.po").read_text("utf-8")

    assert untranslated_entries(po_text) == []

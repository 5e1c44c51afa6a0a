"""The one accent-insensitive normaliser, for stored `search_text` and for search input alike.

It lives in accounts, the lowest app that every domain app may import, so that users,
companies, programs and partners' mirrors are all searched the same way.

`Đồng Tháp`, `dong thap` and `DONG THAP` all become `dong thap`, so a plain `LIKE` on the
indexed `search_text` column behaves the same on SQLite and PostgreSQL (no `unaccent`, no
collations).
"""

import re
import unicodedata

# `đ` is a letter of its own, not `d` plus a mark: Unicode does not decompose it.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """Lower case, no diacritics, `đ` -> `d`, runs of white space as one space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", bare.casefold()).strip()


def search_terms(query: str | None) -> list[str]:
    """The words of a search, normalised; every one must occur in `search_text`."""
    return [term for term in normalise(query).split(" ") if term]

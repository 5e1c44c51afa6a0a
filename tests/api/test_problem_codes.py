"""Each problem code has one title, written once in api/base/problems.py."""

import importlib

from django.apps import apps
from django.conf import settings

from api.base.problems import PROBLEM_TYPES
from core.errors import Conflict, DomainError, Gone, NotAuthenticated, NotPermitted, TooLarge

# Errors that answer with their own status and `code` (a 400's code goes inside `errors`).
OWN_CODE = (Conflict, Gone, NotAuthenticated, NotPermitted, TooLarge)
# The kinds themselves, never raised as they are: each rule raises its own subclass.
KINDS = {Conflict, Gone}


def all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *all_subclasses(sub)}
    return found


def domain_errors() -> set[type]:
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.exceptions")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.exceptions":
                raise
    return all_subclasses(DomainError)


def test_every_error_with_its_own_code_has_one_registered_problem_type():
    errors = domain_errors()
    unregistered = sorted(
        f"{error.__module__}.{error.__name__}: {error.code}"
        for error in errors
        if issubclass(error, OWN_CODE) and error not in KINDS and error.code not in PROBLEM_TYPES
    )

    assert len(errors) > 20
    assert unregistered == []


def test_no_domain_error_carries_a_title_of_its_own():
    titled = sorted(error.__name__ for error in domain_errors() if "title" in vars(error))

    assert titled == []


def test_every_problem_code_is_explained_in_the_users_api_guide():
    guide = (settings.BASE_DIR / "docs" / "api.md").read_text()

    undocumented = sorted(code for code in PROBLEM_TYPES if f"`{code}`" not in guide)

    assert undocumented == []


def test_the_readme_and_docs_never_send_a_reader_outside_the_repository():
    pages = [settings.BASE_DIR / "README.md", *sorted((settings.BASE_DIR / "docs").glob("*"))]

    outside = [
        page.name
        for page in pages
        if page.suffix in {".md", ".yaml"}
        and any(words in page.read_text() for words in ("shared/", "design/"))
    ]

    assert outside == []

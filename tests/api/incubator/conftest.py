from tests.incubator.helpers import (  # noqa: F401 - fixtures, found by name
    _storage_and_mail,
    applicant,
    applicant_client,
    other_applicant_client,
    program,
    reviewer_user,
    second_manager,
)

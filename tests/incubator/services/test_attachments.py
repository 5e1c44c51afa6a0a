"""attachment_add: a pitch deck whose transaction fails leaves no file behind."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection

from incubator.models import Attachment
from incubator.services import attachment_add
from tests.factories import make_application, make_pdf

REFUSE_APPLICATION_UPDATES = {
    # A real database trigger fails the step after the file is stored (the version bump).
    "sqlite": [
        "CREATE TRIGGER refuse_update BEFORE UPDATE ON incubator_application "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
        "CREATE TRIGGER refuse_update BEFORE UPDATE ON incubator_application "
        "FOR EACH ROW EXECUTE FUNCTION refuse_update()",
    ],
}


@pytest.mark.django_db
def test_a_deck_whose_transaction_fails_leaves_no_file_behind(applicant, program):
    application = make_application(program=program, applicant=applicant)
    with connection.cursor() as cursor:
        for statement in REFUSE_APPLICATION_UPDATES[connection.vendor]:
            cursor.execute(statement)  # undone with the test's transaction

    with pytest.raises(DatabaseError, match="refused by the test"):
        attachment_add(
            application=application,
            file=SimpleUploadedFile("deck.pdf", make_pdf()),
            actor=applicant,
        )

    assert Attachment.objects.count() == 0
    private = settings.PRIVATE_MEDIA_ROOT
    assert not private.exists() or not list(private.rglob("*.pdf"))

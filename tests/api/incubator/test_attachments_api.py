"""Pitch decks: PDF by content, at most 10 MB, stored privately, streamed to the few."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from incubator.models import Attachment
from tests.factories import make_application, make_assignment, make_pdf, make_reviewer
from tests.incubator.helpers import client_for


def upload_url(application):
    return f"/api/v1/applications/{application.pk}/attachments/"


def upload(client, application, content, name="deck.pdf"):
    return client.post(
        upload_url(application), {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )


@pytest.mark.django_db
def test_a_pdf_is_stored_outside_the_public_media_root(applicant_client, applicant, program):
    application = make_application(program=program, applicant=applicant)

    response = upload(applicant_client, application, make_pdf(), name="Bản trình bày.pdf")

    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert response.json() == {
        "id": str(attachment.pk),
        "file_name": "Bản trình bày.pdf",
        "size_bytes": len(make_pdf()),
        "created_at": response.json()["created_at"],
        "url": f"http://testserver{upload_url(application)}{attachment.pk}/",
    }
    path = settings.PRIVATE_MEDIA_ROOT / attachment.file.name
    assert path.read_bytes() == make_pdf()
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    assert not list(settings.MEDIA_ROOT.rglob("*.pdf")) if settings.MEDIA_ROOT.exists() else True
    shown = applicant_client.get(f"/api/v1/applications/{application.pk}/").json()
    assert [row["id"] for row in shown["attachments"]] == [str(attachment.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"0" * 100,  # an image named .pdf
        b"%PDF-1.4\nnothing else",  # a header and no body or trailer
        b"Hello, I am text",
        b"",
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused(applicant_client, applicant, program, content):
    application = make_application(program=program, applicant=applicant)
    response = upload(applicant_client, application, content)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert Attachment.objects.count() == 0
    private = settings.PRIVATE_MEDIA_ROOT
    assert not private.exists() or not list(private.rglob("*.pdf"))


@pytest.mark.django_db
def test_a_deck_over_ten_megabytes_is_413(applicant_client, applicant, program):
    application = make_application(program=program, applicant=applicant)
    big = make_pdf(extra=b"%" + b"x" * (10 * 1024 * 1024))
    response = upload(applicant_client, application, big)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_a_deck_cannot_be_added_after_submitting(applicant_client, applicant, program):
    application = make_application(program=program, applicant=applicant, state="submitted")
    response = upload(applicant_client, application, make_pdf())
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_the_deck_streams_to_the_applicant_assigned_reviewers_and_managers(
    applicant_client, applicant, program, manager_client, reviewer_user
):
    application = make_application(program=program, applicant=applicant)
    attachment_id = upload(applicant_client, application, make_pdf()).json()["id"]
    make_assignment(application, reviewer_user)
    path = f"{upload_url(application)}{attachment_id}/"

    for client in [applicant_client, manager_client, client_for(reviewer_user)]:
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == make_pdf()

    unassigned = client_for(make_reviewer())
    assert unassigned.get(path).status_code == 404
    missing = f"{upload_url(application)}00000000-0000-0000-0000-000000000000/"
    assert applicant_client.get(missing).status_code == 404


@pytest.mark.django_db
def test_only_the_applicant_attaches(manager_client, program):
    application = make_application(program=program)
    response = upload(manager_client, application, make_pdf())
    assert response.status_code == 403
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_a_reviewer_who_declared_a_conflict_no_longer_sees_the_application_or_its_deck(
    applicant_client, applicant, program, reviewer_user
):
    application = make_application(program=program, applicant=applicant)
    attachment_id = upload(applicant_client, application, make_pdf()).json()["id"]
    make_assignment(application, reviewer_user)
    reviewer = client_for(reviewer_user)
    detail = f"/api/v1/applications/{application.pk}/"
    paths = [detail, f"{detail}events/", f"{upload_url(application)}{attachment_id}/"]
    assert [reviewer.get(path).status_code for path in paths] == [200, 200, 200]

    declared = reviewer.post(f"{detail}conflict/", {"reason": "Tôi là cố vấn của nhóm."})

    assert declared.status_code == 204
    assert [reviewer.get(path).status_code for path in paths] == [404, 404, 404]
    assert reviewer.get("/api/v1/applications/").json()["results"] == []
    # The declaration stands: a second one finds nothing to declare on.
    assert reviewer.post(f"{detail}conflict/", {"reason": "x"}).status_code == 404

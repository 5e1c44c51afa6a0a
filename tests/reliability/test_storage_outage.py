"""A media folder that cannot be written: 503 storage_unavailable, which tells the operator.

The fault works as root too (root ignores permission bits): the folder's parent is a regular
file, so nothing can be created under it.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incubator.models import Attachment
from tests.factories import make_application, make_company, make_pdf
from tests.tenants.images import image_bytes, upload

PROBLEM = "application/problem+json"


def unavailable(instance: str) -> dict:
    return {
        "type": "/problems/storage-unavailable",
        "title": "Storage unavailable",
        "status": 503,
        "detail": "The file storage cannot be written; the operator has been told. Retry later.",
        "code": "storage_unavailable",
        "instance": instance,
    }


@pytest.fixture
def broken_folder(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    return blocker / "media"


def test_a_logo_upload_into_an_unwritable_media_folder_is_503_storage_unavailable(
    settings, manager_client, broken_folder
):
    settings.MEDIA_ROOT = broken_folder
    company = make_company()
    url = f"/api/v1/companies/{company.pk}/logo/"

    response = manager_client.post(url, {"file": upload(image_bytes(300, 100))}, format="multipart")

    assert (response.status_code, response["Content-Type"]) == (503, PROBLEM)
    assert response["Retry-After"] == "5"
    assert response.json() == unavailable(url)
    company.refresh_from_db()
    assert (company.logo.name, company.version) == ("", 1)


def test_a_pitch_deck_upload_into_an_unwritable_private_folder_is_503_storage_unavailable(
    settings, applicant_client, applicant, program, broken_folder
):
    settings.PRIVATE_MEDIA_ROOT = broken_folder
    application = make_application(program=program, applicant=applicant)
    url = f"/api/v1/applications/{application.pk}/attachments/"

    response = applicant_client.post(
        url, {"file": SimpleUploadedFile("deck.pdf", make_pdf())}, format="multipart"
    )

    assert (response.status_code, response["Content-Type"]) == (503, PROBLEM)
    assert response.json() == unavailable(url)
    assert not Attachment.objects.exists()

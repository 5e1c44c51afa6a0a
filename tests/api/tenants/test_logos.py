import io

import pytest
from PIL import Image

from tenants.models import Company
from tests.tenants.helpers import problem, validation_problem
from tests.tenants.images import image_bytes, jpeg_with_exif, noise_png, png_bomb, upload


def logo_url(company):
    return f"/api/v1/companies/{company.pk}/logo/"


def stored_files(media_root):
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


@pytest.fixture
def company_with_logo(company, manager_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            logo_url(company), {"file": upload(image_bytes(300, 100))}, format="multipart"
        )
    assert response.status_code == 200
    company.refresh_from_db()
    return company


def test_a_png_logo_is_stored_with_a_256_pixel_thumbnail(company, manager_client, media_root):
    response = manager_client.post(
        logo_url(company), {"file": upload(image_bytes(1024, 512))}, format="multipart"
    )
    assert response.status_code == 200
    company.refresh_from_db()
    body = response.json()
    assert body["logo_url"] == f"http://testserver/media/{company.logo.name}"
    assert body["logo_thumbnail_url"] == f"http://testserver/media/{company.logo_thumbnail.name}"
    assert body["version"] == 2
    assert stored_files(media_root) == sorted([company.logo.name, company.logo_thumbnail.name])
    assert company.logo.name.startswith(f"logos/{company.pk}/")
    with Image.open(media_root / company.logo.name) as logo:
        assert (logo.format, logo.size) == ("PNG", (1024, 512))
    with Image.open(media_root / company.logo_thumbnail.name) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("PNG", (256, 128))


def test_the_file_name_is_not_trusted_a_jpeg_named_png_is_stored_as_jpeg(
    company, manager_client, media_root
):
    response = manager_client.post(
        logo_url(company),
        {"file": upload(image_bytes(64, 64, "JPEG"), name="logo.png")},
        format="multipart",
    )
    assert response.status_code == 200
    company.refresh_from_db()
    assert company.logo.name.endswith(".jpg")


def test_exif_is_stripped_from_an_uploaded_jpeg(company, manager_client, media_root):
    with Image.open(io.BytesIO(jpeg_with_exif())) as original:
        assert dict(original.getexif())[0x0110] == "EOS secret camera"
    response = manager_client.post(
        logo_url(company), {"file": upload(jpeg_with_exif(), "photo.jpg")}, format="multipart"
    )
    assert response.status_code == 200
    company.refresh_from_db()
    for name in [company.logo.name, company.logo_thumbnail.name]:
        with Image.open(media_root / name) as stored:
            assert (stored.format, dict(stored.getexif())) == ("JPEG", {})
            assert b"EOS secret camera" not in (media_root / name).read_bytes()


def test_a_webp_logo_is_accepted(company, manager_client):
    response = manager_client.put(
        logo_url(company),
        {"file": upload(image_bytes(50, 50, "WEBP"), "l.webp")},
        format="multipart",
    )
    assert response.status_code == 200
    company.refresh_from_db()
    assert company.logo.name.endswith(".webp")


def test_a_new_logo_replaces_the_old_files(
    company_with_logo, manager_client, media_root, django_capture_on_commit_callbacks
):
    old = sorted([company_with_logo.logo.name, company_with_logo.logo_thumbnail.name])
    assert stored_files(media_root) == old
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            logo_url(company_with_logo), {"file": upload(image_bytes(80, 80))}, format="multipart"
        )
    assert response.status_code == 200
    company_with_logo.refresh_from_db()
    new = sorted([company_with_logo.logo.name, company_with_logo.logo_thumbnail.name])
    assert stored_files(media_root) == new
    assert set(new).isdisjoint(old)


def test_deleting_the_logo_removes_its_files(
    company_with_logo, manager_client, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.delete(logo_url(company_with_logo))
    assert response.status_code == 204
    company_with_logo.refresh_from_db()
    assert (company_with_logo.logo.name, company_with_logo.logo_thumbnail.name) == ("", "")
    assert stored_files(media_root) == []
    detail = manager_client.get(f"/api/v1/companies/{company_with_logo.pk}/").json()
    assert (detail["logo_url"], detail["logo_thumbnail_url"]) == (None, None)


BAD_UPLOADS = {
    "wrong format": (
        lambda: image_bytes(32, 32, "GIF"),
        "logo.gif",
        "unsupported_format",
        "GIF images are not accepted; send a PNG, JPEG or WebP file.",
    ),
    "renamed text file": (
        lambda: b"This is not a picture, it is a text file.\n" * 10,
        "logo.png",
        "invalid_image",
        "The file is not an image; send a PNG, JPEG or WebP file.",
    ),
    "too many pixels": (
        lambda: image_bytes(4097, 16),
        "wide.png",
        "too_many_pixels",
        "The image is 4097 x 16 pixels; logos are at most 4096 x 4096.",
    ),
    "pixel bomb": (
        png_bomb,
        "bomb.png",
        "too_many_pixels",
        "The image has too many pixels; logos are at most 4096 x 4096.",
    ),
    "pixel bomb under Pillow's own limit": (
        lambda: png_bomb(9000, 9000),
        "bomb.png",
        "too_many_pixels",
        "The image is 9000 x 9000 pixels; logos are at most 4096 x 4096.",
    ),
    "truncated file": (
        lambda: noise_png(200, 200)[:60_000],
        "cut.png",
        "invalid_image",
        "The image is truncated or damaged and cannot be decoded.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_and_the_old_logo_stays(
    case, company_with_logo, manager_client, media_root
):
    make_bytes, name, code, message = BAD_UPLOADS[case]
    before = stored_files(media_root)
    response = manager_client.post(
        logo_url(company_with_logo), {"file": upload(make_bytes(), name)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == validation_problem("file", code, message, logo_url(company_with_logo))
    after = Company.objects.get(pk=company_with_logo.pk)
    assert (after.logo.name, after.logo_thumbnail.name, after.version) == (
        company_with_logo.logo.name,
        company_with_logo.logo_thumbnail.name,
        company_with_logo.version,
    )
    assert stored_files(media_root) == before


def test_a_logo_over_2_mb_is_413_and_the_old_logo_stays(
    company_with_logo, manager_client, media_root
):
    big = noise_png(900, 900)
    assert len(big) > 2 * 1024 * 1024
    before = stored_files(media_root)
    response = manager_client.post(
        logo_url(company_with_logo), {"file": upload(big)}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json() == problem(
        413,
        "payload_too_large",
        "Payload too large",
        "Logos are limited to 2 MB.",
        logo_url(company_with_logo),
    )
    after = Company.objects.get(pk=company_with_logo.pk)
    assert (after.logo.name, after.version) == (
        company_with_logo.logo.name,
        company_with_logo.version,
    )
    assert stored_files(media_root) == before


def test_an_upload_without_a_file_is_refused_on_file(company, manager_client):
    response = manager_client.post(logo_url(company), {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "file", "code": "required", "message": "No file was submitted."}
    ]


def test_a_representative_may_upload_their_company_logo(company, representative_client):
    response = representative_client.post(
        logo_url(company), {"file": upload(image_bytes())}, format="multipart"
    )
    assert response.status_code == 200
    company.refresh_from_db()
    assert company.logo.name != ""

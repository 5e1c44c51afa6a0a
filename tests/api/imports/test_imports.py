"""`POST /imports/` (a dry run by default, or a commit), the import log, the templates: the
report's shape, the file's refusals (400 on `file`, 413), large files as a task (202), and
who may call them (managers only)."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from imports.models import Import, ImportStatus
from imports.resources import RESOURCES, resource_for
from imports.services import import_file
from park.models import Unit
from tenants.models import Company
from tests.factories import make_park, make_tax_code

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEM = "application/problem+json"
UNITS_HEADER = "park,building,floor,code,kind,area_m2,capacity,monthly_rate_vnd,is_active\n"


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode("utf-8")
    return SimpleUploadedFile(name, content, content_type="text/csv")


def post(client, **fields):
    return client.post("/api/v1/imports/", fields, format="multipart")


def companies_file(*rows: str) -> SimpleUploadedFile:
    return upload(
        "doanh-nghiep.csv",
        "Mã số thuế;Tên doanh nghiệp;Số nhân viên\n" + "".join(f"{row}\n" for row in rows),
    )


def units_file(park, count: int) -> SimpleUploadedFile:
    rows = "".join(
        f'{park.slug},A,{1 + number // 100},A-{number:05d},office,"48,5",4,12.000.000 đ,có\n'
        for number in range(count)
    )
    return upload("phong.csv", UNITS_HEADER + rows)


def problem_errors(response) -> list[tuple[str, str]]:
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM), response.content
    body = response.json()
    assert body["code"] == "validation_error"
    return [(error["field"], error["code"]) for error in body["errors"]]


# --- who may call --------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/v1/imports/"),
    ("post", "/api/v1/imports/"),
    ("get", "/api/v1/imports/templates/units.xlsx"),
    ("get", "/api/v1/imports/templates/leases.csv"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_callers_get_401(api_client, db, method, url):
    response = getattr(api_client, method)(url)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_signed_in_users_who_are_not_managers_get_403(user_client, method, url):
    response = getattr(user_client, method)(url)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_a_non_manager_cannot_read_an_import_of_the_log(user_client, manager):
    record, _report = import_file(
        resource="companies", data=b"legal_name\nA\n", file_name="a.csv", actor=manager
    )
    response = user_client.get(f"/api/v1/imports/{record.pk}/")
    assert response.status_code == 403


def test_a_non_manager_upload_writes_nothing(user_client):
    response = post(user_client, resource="companies", file=companies_file(",Công ty A,"))
    assert response.status_code == 403
    assert (Company.objects.count(), Import.objects.count()) == (0, 0)


# --- templates ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", RESOURCES)
def test_the_xlsx_template_has_both_languages_and_an_example_row(manager_client, name):
    response = manager_client.get(f"/api/v1/imports/templates/{name}.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="softpark-{name}-template.xlsx"'
    )
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == resource_for(name).template_headers()
    assert len(rows) == 2


def test_the_csv_template_is_utf8_with_a_bom(manager_client):
    response = manager_client.get(
        "/api/v1/imports/templates/units.csv", HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="softpark-units-template.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffKhu / park,Tòa nhà / building,Tầng / floor,Mã phòng / code,")
    assert text.splitlines()[1] == "mekong,A,3,A-301,office,48.50,8,12000000,true"


def test_an_unknown_resources_template_is_404(manager_client):
    response = manager_client.get("/api/v1/imports/templates/tenants.xlsx")
    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)


# --- a dry run, a commit ------------------------------------------------------------------


def test_a_dry_run_answers_the_report_with_the_log_id_and_writes_nothing(manager_client):
    codes = [make_tax_code(), make_tax_code()]
    file = companies_file(
        f"{codes[0]};Công ty TNHH Phần mềm Hậu Giang;12", f"{codes[1]};Công ty B;"
    )

    response = post(manager_client, resource="companies", file=file)

    assert response.status_code == 200
    body = response.json()
    record = Import.objects.get()
    assert body == {
        "id": str(record.pk),
        "resource": "companies",
        "rows": 2,
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "errors": [],
        "committed": False,
    }
    assert Company.objects.count() == 0
    assert (record.commit, record.committed, record.file_name) == (False, False, "doanh-nghiep.csv")


def test_a_commit_writes_every_row_and_the_log_shows_it(manager_client, manager):
    code = make_tax_code()
    file = companies_file(f"{code};Công ty TNHH Phần mềm Hậu Giang;12")

    response = post(manager_client, resource="companies", file=file, commit="true")

    assert response.status_code == 200
    assert (response.json()["new"], response.json()["committed"]) == (1, True)
    company = Company.objects.get(tax_code=code)
    assert company.history.get().history_user == manager

    detail = manager_client.get(f"/api/v1/imports/{response.json()['id']}/")
    assert detail.status_code == 200
    body = detail.json()
    record = Import.objects.get()
    assert body == {
        "id": str(record.pk),
        "resource": "companies",
        "file_name": "doanh-nghiep.csv",
        "sha256": record.sha256,
        "user": str(manager.pk),
        "park": None,
        "commit": True,
        "committed": True,
        "status": "done",
        "progress": {"done": 1, "total": 1},
        "report": {
            "resource": "companies",
            "rows": 1,
            "new": 1,
            "updated": 0,
            "unchanged": 0,
            "skipped": 0,
            "errors": [],
            "committed": True,
        },
        "created_at": body["created_at"],
        "finished_at": body["finished_at"],
    }
    assert len(record.sha256) == 64
    assert body["finished_at"] is not None


def test_a_file_with_a_bad_row_is_a_200_report_saying_why_and_nothing_is_written(
    manager_client,
):
    file = companies_file(
        f"{make_tax_code()};Công ty TNHH Phần mềm Hậu Giang;12",
        "0312345670;Công ty sai mã;",
        f"{make_tax_code()};Công ty C;mười",
    )

    response = post(manager_client, resource="companies", file=file, commit=True)

    assert response.status_code == 200
    body = response.json()
    assert body["committed"] is False
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (3, "Mã số thuế", "invalid_tax_code"),
        (4, "Số nhân viên", "invalid"),
    ]
    assert all(error["message"] for error in body["errors"])
    assert Company.objects.count() == 0
    assert Import.objects.get().committed is False


def test_usage_and_payments_take_the_park_as_a_field(manager_client):
    park = make_park()
    file = upload("bank.csv", "Ngày giao dịch,Số tiền,Số tham chiếu,Nội dung\n")

    response = post(manager_client, resource="payments", file=file)
    assert problem_errors(response) == [("park", "required")]

    file.seek(0)
    response = post(manager_client, resource="payments", file=file, park=str(park.pk))
    assert response.status_code == 200
    assert response.json()["unmatched"] == []
    assert Import.objects.get().park == park


def test_an_xlsx_sheet_is_chosen_by_name(manager_client):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Hướng dẫn"
    sheet = workbook.create_sheet("DN")
    sheet.append(["tax_code", "legal_name"])
    sheet.append([make_tax_code(), "Công ty TNHH Sóc Trăng"])
    buffer = BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("dn.xlsx", buffer.getvalue(), content_type=XLSX)

    response = post(manager_client, resource="companies", file=file, sheet="DN", commit=True)

    assert (response.status_code, response.json()["new"]) == (200, 1)
    assert Company.objects.get().legal_name == "Công ty TNHH Sóc Trăng"


# --- the file refused ------------------------------------------------------------------------


def test_a_file_that_is_not_a_spreadsheet_is_400_unsupported_format_on_file(manager_client):
    file = SimpleUploadedFile("hop-dong.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    response = post(manager_client, resource="companies", file=file)
    assert problem_errors(response) == [("file", "unsupported_format")]
    assert Import.objects.count() == 0


def test_a_missing_required_column_is_400_missing_column_on_file(manager_client):
    response = post(
        manager_client, resource="contacts", file=upload("c.csv", "name,email\nA,a@b.vn\n")
    )
    assert problem_errors(response) == [("file", "missing_column")]
    assert "company" in response.json()["detail"]


def test_an_unknown_resource_is_400_invalid_choice_on_resource(manager_client):
    response = post(manager_client, resource="tenants", file=companies_file(";A;"))
    assert problem_errors(response) == [("resource", "invalid_choice")]


def test_a_missing_file_and_an_unknown_field_are_400_naming_them(manager_client):
    response = post(manager_client, resource="companies")
    assert problem_errors(response) == [("file", "required")]
    response = post(manager_client, resource="companies", file=companies_file(";A;"), dry="1")
    assert problem_errors(response) == [("dry", "unknown")]


def test_json_bodies_are_415(manager_client):
    response = manager_client.post("/api/v1/imports/", {"resource": "companies"}, format="json")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_a_file_over_20_mb_is_413_and_a_15_mb_one_reaches_the_view(manager_client):
    megabyte = 1024 * 1024
    big = SimpleUploadedFile("big.csv", b"legal_name\n" + b"x" * (20 * megabyte))
    response = post(manager_client, resource="companies", file=big)
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
    assert "20 MB" in response.json()["detail"]

    # Over the other uploads' 11 MB: the import's own checks answer, not the size middleware.
    body = b"%PDF-1.4\n" + b"x" * (15 * megabyte)
    response = post(manager_client, resource="companies", file=SimpleUploadedFile("x.pdf", body))
    assert problem_errors(response) == [("file", "unsupported_format")]
    assert Import.objects.count() == 0


def test_a_body_over_21_mb_is_refused_by_its_content_length(manager_client):
    big = SimpleUploadedFile("big.csv", b"x" * (21 * 1024 * 1024 + 1))
    response = post(manager_client, resource="companies", file=big)
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
    assert "KB" in response.json()["detail"]  # the middleware's answer


def test_other_multipart_uploads_keep_their_11_mb_limit(manager_client):
    response = manager_client.generic(
        "POST",
        "/api/v1/companies/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(12 * 1024 * 1024),
    )
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")


# --- large files run as a task ------------------------------------------------------------


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def test_a_file_over_2000_rows_is_queued_202_then_the_log_shows_it_done(
    manager_client, immediate_tasks, django_capture_on_commit_callbacks
):
    park = make_park(slug="can-tho")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(manager_client, resource="units", file=units_file(park, 2001), commit=True)

    assert response.status_code == 202
    record = Import.objects.get()
    assert response.json() == {"id": str(record.pk)}
    assert response["Location"] == f"http://testserver/api/v1/imports/{record.pk}/"
    assert len(callbacks) == 1
    body = manager_client.get(response["Location"]).json()
    assert body["status"] == "done"
    assert body["progress"] == {"done": 2001, "total": 2001}
    assert body["report"]["new"] == 2001
    assert body["report"]["committed"] is True
    assert body["committed"] is True
    assert Unit.objects.filter(park=park).count() == 2001
    assert Unit.objects.get(code="A-00042").area_m2 == pytest.approx(48.5)
    record.refresh_from_db()
    assert record.payload is None  # the file is not kept once it has run


def test_a_queued_import_shows_status_queued_and_no_rows_done_yet(manager_client, manager):
    park = make_park(slug="vinh-long")
    data = units_file(park, 2500).read()

    record, report = import_file(
        resource="units", data=data, file_name="phong.csv", commit=True, actor=manager
    )  # its task is enqueued on commit: in this test, never

    assert report is None
    body = manager_client.get(f"/api/v1/imports/{record.pk}/").json()
    assert (body["status"], body["progress"], body["report"]) == (
        ImportStatus.QUEUED,
        {"done": 0, "total": 2500},
        None,
    )
    assert body["committed"] is False
    assert body["finished_at"] is None


def test_the_api_answers_202_for_a_queued_file_before_it_runs(manager_client):
    park = make_park(slug="ca-mau")
    response = post(manager_client, resource="units", file=units_file(park, 2001))

    assert response.status_code == 202
    body = manager_client.get(response["Location"]).json()
    assert (body["status"], body["progress"]) == ("queued", {"done": 0, "total": 2001})
    assert Unit.objects.count() == 0


# --- the log -----------------------------------------------------------------------------


def test_the_log_is_paged_newest_first(manager_client, manager):
    for name in ("a.csv", "b.csv", "c.csv"):
        import_file(resource="companies", data=b"legal_name\nA\n", file_name=name, actor=manager)

    response = manager_client.get("/api/v1/imports/", {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["next"] is not None
    assert [row["file_name"] for row in body["results"]] == ["c.csv", "b.csv"]


def test_an_unknown_import_is_404(manager_client):
    response = manager_client.get("/api/v1/imports/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_the_log_never_reads_an_uploaded_file(manager_client, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    park = make_park(slug="bac-lieu")
    record, _report = import_file(
        resource="units", data=units_file(park, 2001).read(), actor=manager
    )
    with CaptureQueriesContext(connection) as queries:
        listed = manager_client.get("/api/v1/imports/")
        detail = manager_client.get(f"/api/v1/imports/{record.pk}/")
    assert listed.json()["results"][0]["progress"]["total"] == 2001
    assert detail.json()["progress"]["total"] == 2001
    import_queries = [q["sql"] for q in queries.captured_queries if "imports_import" in q["sql"]]
    assert import_queries
    assert not any("payload" in sql for sql in import_queries)

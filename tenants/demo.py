"""Demo tenants for `manage.py seed_demo`: idempotent (keyed by tax code), through services."""

import io
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from stdnum.vn import mst

from accounts.models import User
from accounts.services import user_create
from tenants.models import Company, CompanyMember, TenantReport
from tenants.services import (
    company_create,
    company_set_directory_visibility,
    company_set_logo,
    company_set_status,
    contact_create,
    member_add,
    report_submit,
)

DEMO_REPRESENTATIVE = ("representative@softpark.local", "Phạm Thu Hà", "dtsoft-profile-2027")

# legal name, short name, province prefix of the MST, sector, status, consent, headcount
DEMO_COMPANIES = [
    ("Công ty Cổ phần Phần mềm Sông Hàn", "Sông Hàn Soft", "04", "software", "active", True, 85),
    ("Công ty TNHH Giải pháp Số Đồng Tháp", "DT Digital", "14", "it_services", "active", True, 32),
    ("Công ty Cổ phần Công nghệ Mỹ Tho", "MyTho Tech", "12", "software", "active", True, 46),
    (
        "Công ty TNHH Nội dung Số Bến Nghé",
        "Bến Nghé Media",
        "03",
        "digital_content",
        "active",
        True,
        27,
    ),
    (
        "Công ty Cổ phần Thiết bị Thông minh Cửu Long",
        "Cửu Long IoT",
        "18",
        "hardware",
        "active",
        False,
        64,
    ),
    (
        "Công ty TNHH Đào tạo Lập trình Sài Gòn",
        "SG Code Academy",
        "03",
        "it_training",
        "active",
        True,
        22,
    ),
    ("Công ty Cổ phần Dữ liệu Lớn Hà Nội", "HN BigData", "01", "software", "active", True, 120),
    (
        "Công ty TNHH Dịch vụ Đám mây Đà Lạt",
        "Đà Lạt Cloud",
        "58",
        "it_services",
        "active",
        True,
        38,
    ),
    ("Công ty Cổ phần Trí tuệ Nhân tạo Huế", "Huế AI", "33", "software", "active", False, 29),
    (
        "Công ty TNHH Phần mềm Kế toán Cần Thơ",
        "CT Accounting",
        "18",
        "software",
        "active",
        True,
        54,
    ),
    (
        "Công ty Cổ phần Game Việt Đông",
        "VietDong Games",
        "03",
        "digital_content",
        "active",
        True,
        73,
    ),
    (
        "Công ty TNHH An ninh Mạng Trường Sơn",
        "Trường Sơn Sec",
        "01",
        "it_services",
        "active",
        True,
        41,
    ),
    (
        "Công ty Cổ phần Vi mạch Tân Thuận",
        "Tân Thuận Chip",
        "03",
        "hardware",
        "suspended",
        False,
        18,
    ),
    (
        "Công ty TNHH Thương mại Điện tử Phú Quốc",
        "PQ Commerce",
        "17",
        "software",
        "active",
        True,
        36,
    ),
    ("Công ty Cổ phần Y tế Số Nha Trang", "NT HealthTech", "42", "software", "active", True, 24),
    (
        "Công ty TNHH Giáo dục Trực tuyến Hạ Long",
        "Hạ Long EdTech",
        "57",
        "it_training",
        "active",
        False,
        15,
    ),
    ("Công ty Cổ phần Tài chính Số Bình Dương", "BD Fintech", "37", "software", "active", True, 92),
    (
        "Công ty TNHH Phim Hoạt hình Quy Nhơn",
        "Quy Nhơn Studio",
        "41",
        "digital_content",
        "active",
        True,
        33,
    ),
    (
        "Công ty Cổ phần Robot Công nghiệp Long An",
        "LA Robotics",
        "11",
        "hardware",
        "active",
        True,
        47,
    ),
    (
        "Công ty TNHH Tư vấn Chuyển đổi Số Vũng Tàu",
        "VT Transform",
        "35",
        "it_services",
        "prospect",
        False,
        9,
    ),
    ("Công ty Cổ phần Bản đồ Số Tây Nguyên", "TN Maps", "60", "software", "active", True, 21),
    (
        "Công ty TNHH Nông nghiệp Thông minh Bến Tre",
        "BT AgriTech",
        "13",
        "software",
        "prospect",
        False,
        7,
    ),
    ("Công ty Cổ phần Logistics Số Hải Phòng", "HP LogiSoft", "02", "software", "active", True, 58),
    (
        "Công ty TNHH Âm thanh Số Sơn Trà",
        "Sơn Trà Audio",
        "04",
        "digital_content",
        "exited",
        False,
        12,
    ),
    (
        "Công ty Cổ phần Kiểm thử Phần mềm Thủ Đức",
        "TĐ Testing",
        "03",
        "it_services",
        "active",
        True,
        66,
    ),
    ("Công ty TNHH Blockchain Cà Mau", "CM Chain", "20", "software", "active", False, 14),
    (
        "Công ty Cổ phần Đào tạo Kỹ sư Cầu Giấy",
        "CG Engineers",
        "01",
        "it_training",
        "active",
        True,
        31,
    ),
]

_PALETTE = [(0, 104, 132), (200, 16, 46), (255, 153, 0), (0, 135, 90), (90, 60, 160)]


def demo_tax_code(index: int, prefix: str) -> str:
    """A valid, stable MST for the index-th demo company (stdnum.vn.mst check digit)."""
    serial = zlib.crc32(f"softpark-{index}".encode()) % 9_000_000 + 1_000_000
    while True:
        first_nine = f"{prefix}{serial:07d}"
        check = mst.calc_check_digit(first_nine)
        if len(check) == 1:  # a remainder of 0 would need a check "digit" of 10
            return mst.format(first_nine + check)
        serial += 1


def demo_logo(short_name: str, index: int) -> SimpleUploadedFile:
    colour = _PALETTE[index % len(_PALETTE)]
    image = Image.new("RGB", (512, 512), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((48, 48, 464, 464), outline=(255, 255, 255), width=24)
    initials = "".join(word[0] for word in short_name.split()[:2]).upper()
    draw.text((256, 256), initials, fill=(255, 255, 255), anchor="mm", font_size=180)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return SimpleUploadedFile("logo.png", output.getvalue(), content_type="image/png")


def _representative(actor: User) -> User:
    email, full_name, password = DEMO_REPRESENTATIVE
    user = User.objects.filter(email=email).first()
    return user or user_create(email=email, full_name=full_name, password=password, actor=actor)


def seed_tenants(actor: User) -> list[Company]:
    """25+ tenant companies with logos, a contact each, and reports for the last two years;
    the first one is represented by DEMO_REPRESENTATIVE. Running it again adds nothing."""
    companies = []
    last_year = timezone.localdate().year - 1
    for index, (legal, short, prefix, sector, status, visible, headcount) in enumerate(
        DEMO_COMPANIES
    ):
        tax_code = demo_tax_code(index, prefix)
        company = Company.objects.filter(tax_code=tax_code).first()
        if company is None:
            founded_on = timezone.localdate().replace(year=2008 + index % 15, month=1, day=1)
            profile = {
                "legal_name": legal,
                "short_name": short,
                "tax_code": tax_code,
                "sector": sector,
                "headcount": headcount,
                "website": f"https://{short.split()[0].lower()}.example.vn",
                "founded_on": founded_on,
                "description": f"{short}: một doanh nghiệp công nghệ trong công viên phần mềm.",
            }
            company = company_create(data=profile, actor=actor)
            company = company_set_logo(company=company, file=demo_logo(short, index), actor=actor)
            contact = {
                "name": f"Giám đốc {short}",
                "role": "Giám đốc",
                "email": f"contact@{short.split()[0].lower()}.example.vn",
                "is_primary": True,
            }
            contact_create(company=company, data=contact, actor=actor)
            if status != "prospect":
                company = company_set_status(company=company, to="active", actor=actor)
            if status in {"suspended", "exited"}:
                company = company_set_status(company=company, to=status, actor=actor)
            if visible:
                company = company_set_directory_visibility(
                    company=company, visible=True, actor=actor
                )
        companies.append(company)
        if status != "prospect":
            _seed_reports(
                company, years=[last_year - 1, last_year], headcount=headcount, actor=actor
            )
    representative = _representative(actor)
    if not CompanyMember.objects.filter(user=representative, company=companies[0]).exists():
        member_add(company=companies[0], user=representative, actor=actor)
    return companies


def _seed_reports(company: Company, *, years: list[int], headcount: int, actor: User) -> None:
    for year in years:
        for period, share in (("H1", 0.45), ("H2", 0.55)):
            if TenantReport.objects.filter(company=company, year=year, period=period).exists():
                continue
            revenue = int(headcount * 600_000_000 * share)
            figures = {
                "year": year,
                "period": period,
                "revenue_vnd": revenue,
                "export_revenue_usd": int(revenue * 0.3 / 25_000),
                "headcount": headcount,
                "it_headcount": int(headcount * 0.8),
                "rnd_spend_vnd": int(revenue * 0.07),
            }
            report_submit(company=company, data=figures, actor=actor)

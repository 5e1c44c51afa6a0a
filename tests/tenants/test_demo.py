from stdnum.vn import mst

from tenants.demo import DEMO_REPRESENTATIVE, seed_tenants
from tenants.models import Company, CompanyMember, Contact, TenantReport


def test_the_demo_tenants_are_valid_and_seeding_twice_adds_nothing(manager, media_root):
    companies = seed_tenants(manager)
    assert len(companies) >= 25
    assert all(mst.is_valid(company.tax_code) for company in companies)
    assert all(company.logo and company.logo_thumbnail for company in companies)
    assert {company.sector for company in companies} == {
        "software",
        "it_services",
        "digital_content",
        "hardware",
        "it_training",
    }
    assert sorted({report.year for report in TenantReport.objects.all()}) == [
        companies[0].created_at.year - 2,
        companies[0].created_at.year - 1,
    ]
    counts = (
        Company.objects.count(),
        Contact.objects.count(),
        TenantReport.objects.count(),
        CompanyMember.objects.count(),
    )
    seed_tenants(manager)
    assert (
        Company.objects.count(),
        Contact.objects.count(),
        TenantReport.objects.count(),
        CompanyMember.objects.count(),
    ) == counts
    member = CompanyMember.objects.get()
    assert (member.user.email, member.company) == (DEMO_REPRESENTATIVE[0], companies[0])

"""Reads of tenants, shaped for the API and the admin, scoped to who asks."""

from django.db.models import Q, QuerySet

from accounts.models import User, is_manager
from accounts.search import search_terms
from tenants.models import Company, CompanyMember, Contact, TenantReport


def companies_visible_to(user: User) -> QuerySet[Company]:
    """Managers see every company; a representative sees the companies they represent."""
    companies = Company.objects.order_by("legal_name", "pk")
    if not is_manager(user):
        mine = CompanyMember.objects.filter(user=user).values("company")
        companies = companies.filter(pk__in=mine)
    return companies


def companies_matching(companies: QuerySet[Company], query: str | None) -> QuerySet[Company]:
    """Accent-insensitive search: every word of `query` occurs in the names or tax code."""
    condition = Q()
    for term in search_terms(query):
        condition &= Q(search_text__contains=term)
    return companies.filter(condition)


def company_for_update(pk) -> Company:
    """The company row, locked until the end of the transaction (SQLite: IMMEDIATE)."""
    return Company.objects.select_for_update().get(pk=pk)


def companies_represented_by(user: User) -> QuerySet[Company]:
    return Company.objects.filter(members__user=user).order_by("legal_name", "pk")


def is_company_representative(user: User, company: Company) -> bool:
    return CompanyMember.objects.filter(user=user, company=company).exists()


def contacts_of(company: Company) -> QuerySet[Contact]:
    return Contact.objects.filter(company=company).order_by("-is_primary", "name", "pk")


def members_of(company: Company) -> QuerySet[CompanyMember]:
    return (
        CompanyMember.objects.filter(company=company)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def reports_of(company: Company) -> QuerySet[TenantReport]:
    return TenantReport.objects.filter(company=company).order_by("-year", "period", "pk")

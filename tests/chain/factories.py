"""What the chain's tests start from (a partner, a listed company) and a secret's key;
shared by tests/chain, tests/api/chain and tests/api/directory."""

import base64

from chain.models import Partner
from chain.services import partner_create
from tenants.models import Company
from tenants.services import company_set_directory_visibility, company_set_status
from tests.factories import make_company


def make_partner(**overrides) -> Partner:
    data = {
        "name": "Công viên Phần mềm Quang Trung",
        "slug": "quang-trung",
        "base_url": "https://qtsc.example/",
        **overrides,
    }
    return partner_create(data=data, actor=None)


def visible_company(**overrides) -> Company:
    """An active company listed in the directory partners read."""
    company = make_company(**overrides)
    company = company_set_status(company=company, to="active", actor=None)
    return company_set_directory_visibility(company=company, visible=True, actor=None)


def key_of(secret: str) -> bytes:
    """The HMAC key of a `whsec_` webhook secret, to check a signature with."""
    return base64.b64decode(secret.removeprefix("whsec_"))

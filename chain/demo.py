"""Demo chain for `manage.py seed_demo`: the Quang Trung Software City chain, our park as a
member and one example partner. Idempotent (keyed by names and slugs), through services.

The partner is an example and says so in its name: its address (`.example`, reserved, RFC
2606) never resolves, so a sync of it fails (queued, never run in the admin's request; the
partner's page shows the error) until a manager sets its real URL and API key. It is active,
so the README's partner walkthrough can read our directory with a key made for it."""

from datetime import date

from accounts.models import User
from chain.models import Chain, Membership, Partner
from chain.services import chain_create, membership_create, partner_create
from park.models import Park

DEMO_CHAIN = "Chuỗi Công viên Phần mềm Quang Trung"
DEMO_COORDINATOR = "Công viên Phần mềm Quang Trung"
DEMO_PARTNER = {
    "name": "Công viên Phần mềm Quang Trung (example)",
    "slug": "quang-trung",
    "base_url": "https://qtsc.example/",
    "province": "Hồ Chí Minh",
}


def seed_chain(actor: User | None) -> Chain:
    chain = Chain.objects.filter(name=DEMO_CHAIN).first() or chain_create(
        data={"name": DEMO_CHAIN, "coordinator": DEMO_COORDINATOR}, actor=actor
    )
    home = Park.objects.filter(is_home=True).first()
    if home is not None and not Membership.objects.filter(chain=chain, park=home).exists():
        membership_create(
            data={
                "chain": chain,
                "park": home,
                "role": "member",
                "joined_on": date(2024, 1, 1),
                "agreement_number": "QTSC-2024-017",
            },
            actor=actor,
        )
    if not Partner.objects.filter(slug=DEMO_PARTNER["slug"]).exists():
        partner_create(data=DEMO_PARTNER, actor=actor)
    return chain

"""`manage.py partner_key create <slug> | list <slug> | revoke <prefix>`.

`create` prints the key alone on its last line (it is shown only once), so scripts can take
it with `tail -n 1`.
"""

from django.core.management.base import BaseCommand, CommandError

from chain.exceptions import KeyNotFound
from chain.models import Partner
from chain.selectors import keys_of
from chain.services import partner_key_create, partner_key_revoke


class Command(BaseCommand):
    help = "Create, list or revoke the keys partners use to read our directory."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a key for a partner (shown once).")
        create.add_argument("slug")
        listing = sub.add_parser("list", help="A partner's keys, by prefix.")
        listing.add_argument("slug")
        revoke = sub.add_parser("revoke", help="Revoke a key by its 8-character prefix.")
        revoke.add_argument("prefix")

    def _partner(self, slug: str) -> Partner:
        partner = Partner.objects.filter(slug=slug).first()
        if partner is None:
            raise CommandError(f"No partner with slug {slug!r}.")
        return partner

    def handle(self, *args, action, **options):
        if action == "create":
            partner = self._partner(options["slug"])
            record, key = partner_key_create(partner=partner, actor=None)
            self.stderr.write(f"Key {record.prefix} for {partner.slug}; it is shown only once:")
            self.stdout.write(key)
        elif action == "list":
            for key in keys_of(self._partner(options["slug"])):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
                self.stdout.write(
                    f"{key.prefix}  {state}  created {key.created_at:%Y-%m-%d}  last used {used}"
                )
        else:
            try:
                partner_key_revoke(prefix=options["prefix"], actor=None)
            except KeyNotFound as error:
                raise CommandError(error.detail) from None
            self.stdout.write(f"Revoked {options['prefix']}.")

"""The managers' admin for the chain. Every save goes through chain/services.py.

Chains, memberships, partners and notes are `core.admin.ServiceAdmin`s: their forms save
through the services (the SSRF guard and the encrypted API key included) and a refusal is a
form error. Keys are listed and revoked; deliveries and mirrored companies are read-only
(the notifier and the import write them). A partner's page queues a sync (never runs one in
the request), shows its keys, webhook secrets and recent deliveries, and makes a key or a
webhook secret, each shown once.
"""

from chain.admin import mirrors, partners, records  # noqa: F401  registers the admins

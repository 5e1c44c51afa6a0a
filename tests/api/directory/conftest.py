# The chain's fixtures (a home park, a partner, its key and a client holding it), shared with
# tests/chain; importing them here registers them for these tests, the autouse one included.
from tests.chain.conftest import (  # noqa: F401
    _private_urls_allowed,
    home_park,
    partner,
    partner_client,
    partner_key,
)

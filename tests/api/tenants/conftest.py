# The tenants fixtures (a throwaway MEDIA_ROOT, a company, its representative) are shared with
# tests/tenants/.
from tests.tenants.conftest import (  # noqa: F401
    company,
    media_root,
    representative,
    representative_client,
)

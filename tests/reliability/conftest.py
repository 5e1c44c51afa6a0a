# The incubator's fixtures, for the pitch deck upload of test_storage_outage.py.
from tests.incubator.helpers import applicant, applicant_client, program  # noqa: F401

"""Sequence order is commit order: a reader polling the feed never misses a change.

Writers hold their transaction open for a random while after taking their seq, so without
the counter's row lock a later seq could commit first and a reader that already moved past
it would never see the earlier one.
"""

import random
import threading
import time

import pytest
from django.db import connection, transaction

from chain.feed import changes_page
from chain.services import partner_create
from tenants.directory import DirectoryChange
from tenants.services import company_update
from tests.chain.factories import visible_company

WRITERS, EDITS_EACH = 6, 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_polling_reader_sees_every_change_once_in_order_while_writers_race():
    partner = partner_create(
        data={"name": "Đối tác", "slug": "doi-tac", "base_url": "https://doitac.example/"},
        actor=None,
    )
    companies = [visible_company() for _ in range(WRITERS)]
    start_together = threading.Barrier(WRITERS + 1)
    writers_done = threading.Event()
    seen, errors = [], []

    def write(company):
        try:
            start_together.wait()
            for edit in range(EDITS_EACH):
                with transaction.atomic():
                    company_update(company=company, data={"short_name": f"v{edit}"}, actor=None)
                    time.sleep(random.uniform(0, 0.02))  # noqa: S311  commit at a random moment
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    def read():
        cursor = None
        try:
            start_together.wait()
            while True:
                finished = writers_done.is_set()  # read once more after the last commit
                page = changes_page(partner=partner, cursor=cursor, limit=7, absolute=str)
                seen.extend(change["seq"] for change in page["changes"])
                cursor = page["next_cursor"]
                if finished and not page["has_more"]:
                    return
                time.sleep(random.uniform(0, 0.005))  # noqa: S311
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(c,)) for c in companies]
    reader = threading.Thread(target=read)
    for thread in [*threads, reader]:
        thread.start()
    for thread in threads:
        thread.join()
    writers_done.set()
    reader.join()
    assert errors == []
    committed = list(DirectoryChange.objects.order_by("seq").values_list("seq", flat=True))
    assert committed == list(range(1, WRITERS * (EDITS_EACH + 1) + 1))
    assert seen == committed

"""Two delivery workers at once: each due webhook is delivered exactly once."""

import threading
from collections import Counter

import pytest
from django.db import connection

from chain.models import DeliveryStatus, WebhookDelivery
from chain.services import partner_create, webhook_secret_add
from chain.webhooks import deliveries_run, partners_notify
from tests.chain.factories import visible_company
from tests.chain.receiver import Receiver

PARTNERS = 12


@pytest.mark.django_db(transaction=True)
def test_two_workers_deliver_each_due_webhook_exactly_once(settings):
    settings.CHAIN_ALLOW_PRIVATE_URLS = True
    with Receiver() as receiver:
        for number in range(PARTNERS):
            partner = partner_create(
                data={
                    "name": f"Đối tác {number}",
                    "slug": f"doi-tac-{number}",
                    "base_url": "https://doitac.example/",
                    "webhook_url": receiver.url,
                },
                actor=None,
            )
            webhook_secret_add(partner=partner, actor=None)
        visible_company()
        assert len(partners_notify()) == PARTNERS
        start_together = threading.Barrier(2)
        sent, errors = [], []

        def work():
            try:
                start_together.wait()
                sent.append(deliveries_run())
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()

        workers = [threading.Thread(target=work) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        hits = Counter(hit["headers"]["webhook-id"] for hit in receiver.hits)
    assert errors == []
    assert sum(sent) == PARTNERS
    assert sorted(hits.values()) == [1] * PARTNERS
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        DeliveryStatus.DELIVERED
    }

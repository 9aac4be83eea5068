"""The audit guard “must run inside the service's transaction” fires where it should.

Ordinary database tests run inside a transaction, so there a service that forgot its own
would still pass; these tests run without one (autocommit, as the server does)."""

import pytest
from django.db import transaction

from cchc.accounts import services as account_services
from cchc.audit.services import audit_record, verify_chain
from cchc.plans import progress
from tests.world import build_world


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused():
    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit_record(actor=None, action="test.write", object_type="t", object_id=1)


@pytest.mark.django_db(transaction=True)
def test_services_open_their_own_transaction():
    """Building a world and working in it calls the services of every app from autocommit:
    one without its own transaction would raise here."""
    world = build_world()
    focal = world.users["focal_a"]
    progress.task_update_post(actor=focal, task=world.tasks["a_soon"], note="Đang làm", progress=40)
    account_services.login_record(user=focal)
    account_services.password_change(actor=focal, new_password="Mot-Mat-Khau-Rat-Dai-2026")
    account_services.sessions_end_all(actor=focal)
    assert verify_chain()[1] is None

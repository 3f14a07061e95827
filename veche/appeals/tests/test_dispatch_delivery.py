"""Delivering a dispatch: the appeal's letter goes to the addressee with its PDF through the
outbox, once, and a failed attempt is retried as the same letter."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from tests.factories import make_problem, make_resident, make_territory
from veche.appeals.models import DISPATCH_KIND, Dispatch
from veche.appeals.services import sign_appeal
from veche.appeals.tasks import deliver_dispatch
from veche.core import outbox
from veche.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_are_queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def dispatch():
    district = make_territory("kazan-vakhitovsky", en="Vakhitovsky District")
    appeal = make_problem(territory=district, threshold=2).current_appeal
    sign_appeal(user=make_resident(district), appeal=appeal)
    return Dispatch.objects.get(appeal=appeal)


def test_the_dispatch_letter_is_stored_with_the_dispatch(dispatch):
    message = dispatch.message
    assert (message.kind, message.state) == (DISPATCH_KIND, OutboxMessage.State.PENDING)
    assert dispatch.status == Dispatch.Status.PENDING


def test_the_appeal_goes_to_the_addressee_with_its_pdf_once(dispatch):
    assert deliver_dispatch.call(dispatch.pk) == "sent"
    assert deliver_dispatch.call(dispatch.pk) == "already handled"
    [letter] = [m for m in mail.outbox if m.to == [dispatch.recipient]]
    [(name, content, mimetype)] = letter.attachments
    assert (name, mimetype) == (f"appeal-{dispatch.appeal_id}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert letter.extra_headers["Message-ID"] == dispatch.message.message_id
    assert dispatch.status == Dispatch.Status.SENT


def test_a_failed_dispatch_is_retried_as_the_same_letter(dispatch, monkeypatch):
    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert deliver_dispatch.call(dispatch.pk) == "failed"
    assert dispatch.status == Dispatch.Status.FAILED
    message = dispatch.message
    assert "mail server down" in message.last_error
    monkeypatch.undo()
    assert outbox.deliver(message.pk, now=message.next_attempt_at) == "sent"
    [letter] = [m for m in mail.outbox if m.to == [dispatch.recipient]]
    assert letter.extra_headers["Message-ID"] == message.message_id
    assert dispatch.message.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_a_dispatchs_state_to_its_outbox_message_and_back():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    district = make_territory("kazan-vakhitovsky", en="Vakhitovsky District")
    appeal = make_problem(territory=district, threshold=2).current_appeal
    sign_appeal(user=make_resident(district), appeal=appeal)
    dispatch = Dispatch.objects.get(appeal=appeal)
    OutboxMessage.objects.filter(kind=DISPATCH_KIND).update(
        state=OutboxMessage.State.FAILED, attempts=3, last_error="SMTPServerDisconnected"
    )
    before = ("appeals", "0006_problem_search_vector")
    after = ("appeals", "0007_dispatch_letter_in_outbox")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps.get_model("appeals", "Dispatch")
        row = old.objects.get(pk=dispatch.pk)
        assert (row.status, row.attempts, row.last_error) == ("failed", 3, "SMTPServerDisconnected")
        assert not OutboxMessage.objects.filter(kind=DISPATCH_KIND).exists()
        old.objects.filter(pk=dispatch.pk).update(status="sending")  # a worker died sending it
    finally:
        # Forward to the latest migrations, not only `after`: the tests that follow need them.
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    message = OutboxMessage.objects.get(kind=DISPATCH_KIND, target_id=dispatch.pk)
    assert (message.state, message.attempts) == (OutboxMessage.State.FAILED, 3)
    assert message.message_id.endswith(">")

"""Parallel signing after the dispatch on PostgreSQL: each doubling sends exactly one list, and
every signature given since reaches the addressee in exactly one of them."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_problem, make_resident, make_territory
from veche.appeals.models import Appeal, Signature, SupplementaryList
from veche.appeals.services import sign_appeal
from veche.core.models import OutboxMessage

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]


def test_parallel_signers_crossing_two_doublings_send_two_lists_with_exactly_their_signatures(
    settings,
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    district = make_territory("kazan-vakhitovsky")
    appeal = make_problem(territory=district, threshold=5).current_appeal
    for _ in range(4):
        sign_appeal(user=make_resident(district), appeal=Appeal.objects.get(pk=appeal.pk))
    # Sent with 5; 15 more at once pass 10 and 20, the two doublings.
    people = [make_resident(district) for _ in range(15)]

    def press(person):
        sign_appeal(user=person, appeal=Appeal.objects.get(pk=appeal.pk))

    assert at_once(press, people, threads=15) == {"done": 15}

    appeal.refresh_from_db()
    assert appeal.signature_count == 20
    first, second = SupplementaryList.objects.filter(appeal=appeal).order_by("number")
    assert (first.count, first.first_number, first.support) == (5, 6, 10)
    assert (second.count, second.first_number, second.support) == (10, 11, 20)
    assert appeal.support_sent == 20
    later = Signature.objects.filter(appeal=appeal, after_dispatch=True)
    assert set(later.values_list("user", flat=True)) == {person.pk for person in people}
    assert not later.filter(supplementary_list__isnull=True).exists()
    assert first.signatures.count() == 5 and second.signatures.count() == 10
    letters = OutboxMessage.objects.filter(kind="appeals.supplementary_list")
    assert sorted(letters.values_list("target_id", flat=True)) == [first.pk, second.pk]

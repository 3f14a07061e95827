"""Signing racing a change of substance, on PostgreSQL: a signature of the text its signatory
read never counts for a text they did not see, and the count stays exactly the signatures that
count (`Signature.objects.counted()`)."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_problem, make_resident, make_territory
from veche.appeals import queries
from veche.appeals.models import Appeal, Dispatch, Signature
from veche.appeals.services import confirm_signature, revise_appeal, sign_appeal

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]

REWRITE = (
    "Просим снести сквер у дома и построить на его месте платную парковку на двести машин "
    "для жильцов соседних кварталов и гостей района."
)


@pytest.fixture(autouse=True)
def _no_background_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_signatures_racing_a_change_of_substance_leave_the_count_exact():
    district = make_territory("kazan-vakhitovsky")
    appeal = make_problem(territory=district, threshold=1000).current_appeal
    author = appeal.problem.author
    # Half read the first text before the race (their page was open), half read whatever is
    # current when they press.
    stale_readers = [make_resident(district) for _ in range(40)]
    fresh_readers = [make_resident(district) for _ in range(40)]
    read = queries.problem_to_sign(appeal.problem_id, fresh=True).current_appeal

    def act(step):
        verb, person = step
        if verb == "revise":
            revise_appeal(
                author=author,
                appeal=Appeal.objects.get(pk=appeal.pk),
                text=REWRITE,
                substantive=False,  # the author leaves it unticked: the share decides
            )
        elif verb == "stale":
            sign_appeal(user=person, appeal=_copy(read))
        else:
            problem = queries.problem_to_sign(appeal.problem_id, fresh=True)
            sign_appeal(user=person, appeal=problem.current_appeal)

    steps = [("stale", p) for p in stale_readers[:20]] + [("fresh", p) for p in fresh_readers[:20]]
    steps += [("revise", None)]
    steps += [("stale", p) for p in stale_readers[20:]] + [("fresh", p) for p in fresh_readers[20:]]
    assert at_once(act, steps, threads=20, refusals=()) == {"done": 81}

    appeal.refresh_from_db()
    assert appeal.signatures_from == 2
    signatures = Signature.objects.filter(appeal=appeal)
    assert signatures.filter(withdrawn_at__isnull=True).count() == 81  # every one kept
    assert appeal.signature_count == signatures.counted().count()
    # Not one signature of the first text counts: the author's moved to the text he wrote.
    assert not signatures.counted().filter(revision__number=1).exists()
    stale = signatures.filter(user__in=stale_readers)
    assert stale.awaiting_confirmation().count() == len(stale_readers)


def test_confirmations_and_signatures_reach_the_threshold_once():
    district = make_territory("kazan-vakhitovsky")
    appeal = make_problem(territory=district, threshold=30).current_appeal
    earlier = [make_resident(district) for _ in range(25)]
    for person in earlier:
        sign_appeal(user=person, appeal=Appeal.objects.get(pk=appeal.pk))
    revise_appeal(
        author=appeal.problem.author,
        appeal=Appeal.objects.get(pk=appeal.pk),
        text=REWRITE,
        substantive=True,
    )
    appeal.refresh_from_db()
    assert appeal.signature_count == 1
    newcomers = [make_resident(district) for _ in range(25)]

    def act(step):
        verb, person = step
        if verb == "confirm":
            confirm_signature(user=person, appeal=Appeal.objects.get(pk=appeal.pk))
        else:
            problem = queries.problem_to_sign(appeal.problem_id, fresh=True)
            sign_appeal(user=person, appeal=problem.current_appeal)

    steps = [
        step
        for pair in zip(earlier, newcomers, strict=True)
        for step in (("confirm", pair[0]), ("sign", pair[1]))
    ]
    outcomes = at_once(act, steps, threads=20)
    appeal.refresh_from_db()
    assert Dispatch.objects.filter(appeal=appeal).count() == 1
    assert appeal.status != Appeal.Status.COLLECTING
    assert appeal.signature_count == Signature.objects.filter(appeal=appeal).counted().count()
    # Whatever came after the threshold went on as support after the dispatch; a confirmation
    # refused by nothing: every step counted.
    assert outcomes == {"done": 50}
    assert appeal.signature_count == 51


def _copy(appeal: Appeal) -> Appeal:
    """The appeal as the person's open page kept it, a copy per signature (each thread its own
    object, as each request is)."""
    copy = Appeal.objects.get(pk=appeal.pk)
    copy.__dict__["_current_revision"] = appeal.current_revision
    copy.signature_count = appeal.signature_count
    return copy

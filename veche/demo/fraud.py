"""The demo's brush with fraud: on the appeal about the lights of the Bauman Street square, four
neighbours sign from their own networks, then a program signs from one network with accounts
opened that day, just enough to reach the threshold, and the appeal is sent. The moderator
invalidates those signatures with a ground: the count goes back, the page says so, the
signatories are told, and so is the addressee, which received an appeal sent on them."""

from django.contrib.auth import get_user_model

from veche.appeals import fraud, services
from veche.appeals.models import Appeal, Problem, SignatureInvalidation
from veche.core.ratelimits import acting_from, client_for
from veche.demo.appeals import _residents

TITLE = "Не горят фонари в сквере на улице Баумана"
# Documentation addresses (RFC 5737), never a real network.
BOTS_NETWORK = "198.51.100.23"
NEIGHBOURS = ("203.0.113.14", "203.0.113.15", "192.0.2.40", "192.0.2.41")
GROUND = (
    "Подписи поставлены программой: учётные записи открыты в один день и подписали обращение "
    "за минуту из одной сети, доведя его до порога"
)


def load_fraud(territories) -> None:
    problem = Problem.objects.filter(title=TITLE).select_related("current_appeal").first()
    if problem is None or SignatureInvalidation.objects.filter(appeal__problem=problem).exists():
        return
    territory = territories["kazan-vakhitovsky"]
    for number, person in enumerate(_residents(territory, len(NEIGHBOURS), start=600)):
        with acting_from(NEIGHBOURS[number]):
            services.sign_appeal(
                user=person, appeal=Appeal.objects.get(pk=problem.current_appeal_id)
            )
    appeal = Appeal.objects.get(pk=problem.current_appeal_id)
    missing = appeal.signature_threshold - appeal.signature_count
    with acting_from(BOTS_NETWORK):
        for person in _residents(territory, missing, start=500):
            services.sign_appeal(user=person, appeal=Appeal.objects.get(pk=appeal.pk))
    fraud.watch()
    fraud.invalidate_signatures(
        moderator=get_user_model().objects.get(email="moderator@demo.veche.example"),
        appeal=appeal,
        ground=GROUND,
        source=client_for(BOTS_NETWORK).network,
    )

"""The panel a signature is answered with, filled from a copy kept with holes: the same bytes as
the template renders, for every count's plural form, every state of the appeal, both languages;
and a token that works with the signatory's own cookie."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from tests.factories import make_problem, make_resident, make_territory
from veche.appeals.models import Appeal, Signature
from veche.appeals.services import sign_appeal
from veche.appeals.views import signed_panel as panel
from veche.appeals.views.problem_page import _signed_box_context

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Every last two digits, the counts where plural forms change (1, 2–4, 5–20, 21, 101, 111),
# and numbers with thousands.
COUNTS = [*range(1, 130), 1001, 1011, 1021, 1104, 12345, 999_999]


@pytest.fixture(autouse=True)
def fresh_panels():
    panel.forget_kept()
    yield
    panel.forget_kept()


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky", en="Vakhitovsky District")


@pytest.fixture
def signed(district):
    problem = make_problem(territory=district, threshold=1_000_000, title="Вернуть трамвай")
    appeal = problem.current_appeal
    person = make_resident(district)
    signature = sign_appeal(user=person, appeal=appeal)
    return problem, Appeal.objects.get(pk=appeal.pk), signature


def request_of(person):
    request = RequestFactory().post("/problems/1/sign/")
    request.user = person
    return request


def rendered(problem, appeal, signature, token) -> str:
    """What the view rendered before the panel was kept: the template, the request's token."""
    context = _signed_box_context(problem, appeal, signature)
    return render_to_string(panel.TEMPLATE, {**context, "csrf_token": token})


def assert_same_panel(request, problem, appeal, signature, *, forms=True):
    kept = panel.signed_panel(request, problem, appeal, signature)
    tokens = TOKEN.findall(kept)
    if not forms:
        assert not tokens
        assert kept == rendered(problem, appeal, signature, "unused")
        return kept
    assert tokens, "the withdrawal form carries the token"
    # Each token is masked anew; all of them unmask to the signatory's own secret.
    secret = _unmask_cipher_token(get_token(request))
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert kept == rendered(problem, appeal, signature, tokens[0])
    return kept


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("resonant_from", [10**9, 50])
def test_the_kept_panel_is_the_rendered_one_for_every_count(
    settings, signed, language, resonant_from
):
    settings.VECHE_RESONANT_SUPPORT = resonant_from
    problem, appeal, signature = signed
    request = request_of(signature.user)
    with translation.override(language):
        for count in COUNTS:
            appeal.signature_count = count
            kept = assert_same_panel(request, problem, appeal, signature)
            assert f'data-count="{count}"' in kept
    # Counts that share their last two digits (and resonance) share a kept copy; a count of one
    # is rendered and not kept.
    shared = {(count >= resonant_from, count % 100) for count in COUNTS if count != 1}
    assert len(panel._kept) == len(shared)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_kept_panel_is_the_rendered_one_after_the_dispatch(settings, signed, language):
    settings.VECHE_RESONANT_SUPPORT = 100
    problem, appeal, signature = signed
    appeal.status = Appeal.Status.SENT
    appeal.sent_at = timezone.now()
    request = request_of(signature.user)
    with translation.override(language):
        for after_dispatch, in_a_list in ((False, False), (True, False), (True, True)):
            signature.after_dispatch = after_dispatch
            signature.supplementary_list_id = 1 if in_a_list else None
            for count in (2, 5, 21, 99, 101, 1234):
                appeal.signature_count = count
                # Withdrawn only while it has not reached the addressee.
                withdrawable = after_dispatch and not in_a_list
                assert_same_panel(request, problem, appeal, signature, forms=withdrawable)
        # An appeal its author took to the addressee takes no signatures: no form is shown.
        appeal.sent_by_author = True
        for count in (7, 1):
            appeal.signature_count = count
            kept = assert_same_panel(request, problem, appeal, signature, forms=False)
            assert "/withdraw/" not in kept


def test_nothing_of_one_signatory_reaches_the_next(signed, district):
    problem, appeal, signature = signed
    appeal.signature_count = 40
    first = panel.signed_panel(request_of(signature.user), problem, appeal, signature)
    other = make_resident(district)
    other_signature = Signature(appeal=appeal, user=other, revision=signature.revision)
    other_request = request_of(other)
    second = panel.signed_panel(other_request, problem, appeal, other_signature)
    assert len(panel._kept) == 1  # the second came from the copy the first left
    first_token, second_token = TOKEN.search(first).group(1), TOKEN.search(second).group(1)
    assert _unmask_cipher_token(second_token) == _unmask_cipher_token(get_token(other_request))
    assert _unmask_cipher_token(first_token) != _unmask_cipher_token(second_token)


def test_a_new_revision_or_threshold_is_not_answered_from_an_old_copy(signed):
    problem, appeal, signature = signed
    request = request_of(signature.user)
    appeal.signature_count = 40
    panel.signed_panel(request, problem, appeal, signature)
    appeal.signature_threshold = 500
    assert "500" in assert_same_panel(request, problem, appeal, signature)
    signature.revision.number = 7
    assert_same_panel(request, problem, appeal, signature)
    assert len(panel._kept) == 3


def test_the_kept_copies_are_bounded(monkeypatch, signed):
    monkeypatch.setattr(panel, "KEPT", 5)
    problem, appeal, signature = signed
    request = request_of(signature.user)
    for count in range(2, 30):
        appeal.signature_count = count
        panel.signed_panel(request, problem, appeal, signature)
    assert len(panel._kept) == 5


def test_signing_with_htmx_answers_with_the_kept_panel(client, signed, district):
    problem, _appeal, _signature = signed
    for n in range(3):
        person = make_resident(district, email=f"signer{n}@example.org")
        client.force_login(person)
        response = client.post(
            f"/problems/{problem.pk}/sign/", {"agree": "on"}, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        # The author's signature, the fixture's and this one (the one before was withdrawn).
        assert 'data-count="3"' in html
        token = TOKEN.search(html).group(1)
        # The token in the panel withdraws the signature with this signatory's cookie.
        client.handler.enforce_csrf_checks = True
        withdrawn = client.post(f"/problems/{problem.pk}/withdraw/", {"csrfmiddlewaretoken": token})
        client.handler.enforce_csrf_checks = False
        assert withdrawn.status_code == 302
        assert not Signature.objects.filter(
            user=person, appeal=problem.current_appeal, withdrawn_at__isnull=True
        ).exists()

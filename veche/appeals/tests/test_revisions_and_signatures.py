"""A signature attaches to a revision: it is kept through minor edits, and stops counting after a
change of substance until its signatory confirms the new text. Whether a change is minor is
decided by the share of words it changes, not by the author's tick alone."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction

from tests.factories import APPEAL_TEXT, make_problem, make_resident, make_staff, make_territory
from veche.api.tests.conftest import bearer, issue, token_for
from veche.appeals import queries
from veche.appeals.diff import changed_share, is_minor
from veche.appeals.documents import appeal_pdf
from veche.appeals.models import Appeal, Dispatch, Signature, SupplementaryList
from veche.appeals.services import (
    confirm_signature,
    revise_appeal,
    send_appeal_now,
    sign_appeal,
    withdraw_signature,
)
from veche.appeals.services.supplementary import make_supplementary_list
from veche.cabinet.queries import appeal_file
from veche.core.models import AuditEvent
from veche.documents.tests.reading import pdf_text
from veche.notifications.models import Notification
from veche.organizations.models import Membership
from veche.settings import env_share

pytestmark = pytest.mark.django_db

# "Fix the potholes" turned into "demolish the park": nearly every word changed.
REWRITE = (
    "Просим снести сквер у дома и построить на его месте платную парковку на двести машин "
    "для жильцов соседних кварталов и гостей района."
)
# One word of 21 changed (about 5 %): a minor edit by the default limit of 10 %.
SMALL_EDIT = APPEAL_TEXT.replace("20", "30")


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky", en="Vakhitovsky District")


@pytest.fixture
def appeal(district):
    return make_problem(territory=district, threshold=1000).current_appeal


def sign(appeal, district, **name) -> Signature:
    return sign_appeal(user=make_resident(district, **name), appeal=fresh(appeal))


def fresh(appeal) -> Appeal:
    return Appeal.objects.select_related("problem").get(pk=appeal.pk)


def revise(appeal, text: str, *, substantive: bool):
    return revise_appeal(
        author=appeal.problem.author, appeal=fresh(appeal), text=text, substantive=substantive
    )


def count(appeal) -> int:
    return fresh(appeal).signature_count


def counted_users(appeal) -> set[int]:
    return set(Signature.objects.filter(appeal=appeal).counted().values_list("user_id", flat=True))


# --- How much a revision changes ------------------------------------------------------------


def test_the_share_of_changed_words():
    assert changed_share("fix the potholes now", "fix the potholes now") == 0
    assert changed_share("fix the potholes now", "fix the holes now") == 0.25
    assert changed_share("fix the potholes", "demolish the park") == pytest.approx(2 / 3)
    # Line breaks and spacing are not words.
    assert changed_share("fix the\npotholes", "fix  the potholes") == 0


def test_the_share_of_empty_texts():
    assert changed_share("", "") == 0
    assert changed_share("", "fix the potholes") == 1
    assert changed_share("fix the potholes", "   ") == 1


def test_a_longer_text_is_measured_by_its_new_words():
    assert changed_share("fix it", "fix it " + "and more " * 10) == pytest.approx(20 / 22)


def test_is_minor_follows_the_setting(settings):
    assert is_minor(APPEAL_TEXT, SMALL_EDIT)
    assert not is_minor(APPEAL_TEXT, REWRITE)
    settings.VECHE_MINOR_EDIT_MAX_SHARE = 0.01
    assert not is_minor(APPEAL_TEXT, SMALL_EDIT)


@pytest.mark.parametrize("raw", ["0", "1", "1.5", "-0.1", "ten", ""])
def test_the_share_setting_refuses_values_outside_zero_to_one(monkeypatch, raw):
    monkeypatch.setenv("VECHE_SOME_SHARE", raw)
    with pytest.raises(ImproperlyConfigured, match="VECHE_SOME_SHARE"):
        env_share("VECHE_SOME_SHARE", 0.1)


def test_the_share_setting_reads_a_share(monkeypatch):
    assert env_share("VECHE_SOME_SHARE", 0.1) == 0.1
    monkeypatch.setenv("VECHE_SOME_SHARE", "0.25")
    assert env_share("VECHE_SOME_SHARE", 0.1) == 0.25


# --- Minor or substantive -------------------------------------------------------------------


def test_an_unticked_rewrite_is_a_change_of_substance(appeal, district):
    resident = sign(appeal, district).user
    revision = revise(appeal, REWRITE, substantive=False)
    assert revision.substantive
    assert revision.changed_share > 0.5
    appeal = fresh(appeal)
    assert appeal.signatures_from == 2
    assert appeal.signature_count == 1  # the author's only
    assert counted_users(appeal) == {appeal.problem.author_id}
    assert Signature.objects.get(user=resident).revision.number == 1
    event = AuditEvent.objects.get(action="appeal.revised")
    assert event.data["substantive"] is True
    assert event.data["ticked_substantive"] is False
    assert event.data["changed_share"] == pytest.approx(revision.changed_share, abs=1e-4)
    assert (event.data["count_before"], event.data["count_after"]) == (2, 1)


def test_a_small_unticked_change_keeps_every_signature(appeal, district):
    sign(appeal, district)
    revision = revise(appeal, SMALL_EDIT, substantive=False)
    assert not revision.substantive
    assert 0 < revision.changed_share <= 0.1
    assert fresh(appeal).signatures_from == 1
    assert count(appeal) == 2
    assert not Signature.objects.filter(appeal=appeal).awaiting_confirmation().exists()


def test_small_edits_do_not_add_up_to_a_rewrite_the_signatories_never_saw(appeal, district):
    """Each edit changes one word of 21 (under 5%), under the share; the third takes the text
    over 14% away from the one the signatures were given to, and is a change of substance."""
    sign(appeal, district)
    words = APPEAL_TEXT.split()
    assert len(words) == 21
    kept = []
    for number in range(3):
        words[number * 5] = f"правка{number}"
        kept.append(revise(appeal, " ".join(words), substantive=False))
    assert [revision.substantive for revision in kept] == [False, False, True]
    assert all(revision.changed_share <= 0.1 for revision in kept)  # each alone is small
    assert fresh(appeal).signatures_from == kept[-1].number
    assert count(appeal) == 1  # the author's own, moved to the text he wrote


def test_a_small_change_the_author_ticks_is_a_change_of_substance(appeal, district):
    sign(appeal, district)
    revision = revise(appeal, SMALL_EDIT, substantive=True)
    assert revision.substantive
    assert fresh(appeal).signatures_from == 2
    assert count(appeal) == 1


def test_the_author_s_signature_moves_to_the_text_he_wrote(appeal):
    revise(appeal, REWRITE, substantive=False)
    mine = Signature.objects.get(appeal=appeal, user=appeal.problem.author)
    assert mine.revision.number == 2
    assert count(appeal) == 1


# --- Confirming, withdrawing, erasing -------------------------------------------------------


def test_the_count_drops_and_comes_back_as_signatories_confirm(appeal, district):
    first, second = sign(appeal, district).user, sign(appeal, district).user
    revise(appeal, REWRITE, substantive=False)
    assert count(appeal) == 1
    confirm_signature(user=first, appeal=fresh(appeal))
    assert count(appeal) == 2
    confirm_signature(user=second, appeal=fresh(appeal))
    assert count(appeal) == 3
    # A second confirmation counts nothing twice.
    confirm_signature(user=second, appeal=fresh(appeal))
    assert count(appeal) == 3
    assert counted_users(appeal) == {appeal.problem.author_id, first.pk, second.pk}


def test_confirmations_that_reach_the_threshold_send_the_appeal(district):
    appeal = make_problem(territory=district, threshold=3).current_appeal
    signatory = sign(appeal, district).user
    revise(appeal, REWRITE, substantive=False)
    sign(appeal, district)  # a newcomer signs the new text: 2 of 3
    assert fresh(appeal).status == Appeal.Status.COLLECTING
    confirm_signature(user=signatory, appeal=fresh(appeal))
    appeal = fresh(appeal)
    assert appeal.status == Appeal.Status.SENT
    assert appeal.signature_count == appeal.support_sent == 3
    assert Dispatch.objects.filter(appeal=appeal).count() == 1


def test_withdrawing_a_signature_awaiting_confirmation_leaves_the_count(appeal, district):
    signatory = sign(appeal, district).user
    sign(appeal, district)
    revise(appeal, REWRITE, substantive=False)
    newcomer = sign(appeal, district).user
    assert count(appeal) == 2
    withdraw_signature(user=signatory, appeal=fresh(appeal))
    assert count(appeal) == 2
    event = AuditEvent.objects.filter(action="appeal.signature_withdrawn").get()
    assert event.data["counted"] is False
    withdraw_signature(user=newcomer, appeal=fresh(appeal))
    assert count(appeal) == 1


def test_after_the_dispatch_an_unconfirmed_signature_may_still_be_withdrawn(appeal, district):
    signatory = sign(appeal, district).user
    revise(appeal, REWRITE, substantive=False)
    send_appeal_now(author=appeal.problem.author, appeal=fresh(appeal))
    withdraw_signature(user=signatory, appeal=fresh(appeal))
    assert not Signature.objects.filter(user=signatory, withdrawn_at__isnull=True).exists()
    assert count(appeal) == 1


def test_confirming_after_the_dispatch_sends_the_signature_in_a_supplementary_list(
    appeal, district
):
    signatory = sign(appeal, district).user
    revise(appeal, REWRITE, substantive=False)
    send_appeal_now(author=appeal.problem.author, appeal=fresh(appeal))
    assert fresh(appeal).support_sent == 1  # the author's: the unconfirmed one did not go
    signature = confirm_signature(user=signatory, appeal=fresh(appeal))
    assert signature.after_dispatch
    assert count(appeal) == 2
    # The support doubled over what the addressee received: the list goes at once.
    supplementary = SupplementaryList.objects.get(appeal=appeal)
    assert list(supplementary.signatures.values_list("user_id", flat=True)) == [signatory.pk]


def test_erasing_an_account_withdraws_its_unconfirmed_signature_without_counting_it_out(
    appeal, district
):
    from veche.accounts.services import erase_account

    signatory = sign(appeal, district).user
    revise(appeal, REWRITE, substantive=False)
    sign(appeal, district)
    erase_account(user=signatory)
    assert count(appeal) == 2
    assert not Signature.objects.filter(user=signatory, withdrawn_at__isnull=True).exists()


def test_erasing_an_account_withdraws_an_unconfirmed_signature_of_a_sent_appeal(appeal, district):
    from veche.accounts.services import erase_account

    signatory = sign(appeal, district).user
    stays = sign(appeal, district).user
    revise(appeal, REWRITE, substantive=False)
    confirm_signature(user=stays, appeal=fresh(appeal))
    send_appeal_now(author=appeal.problem.author, appeal=fresh(appeal))
    erase_account(user=signatory)
    assert count(appeal) == 2
    assert not Signature.objects.filter(user=signatory, withdrawn_at__isnull=True).exists()


# --- The signature of a text changed while it was on its way --------------------------------


def test_a_signature_of_a_text_changed_meanwhile_is_kept_but_not_counted(appeal, district):
    """The person read revision 1 (the appeal kept for signing names it); the author's change
    of substance commits before the signature reaches the count."""
    read = queries.problem_to_sign(appeal.problem_id, fresh=True).current_appeal
    revise(appeal, REWRITE, substantive=False)
    person = make_resident(district)
    signature = sign_appeal(user=person, appeal=read)
    assert signature.counted is False
    assert signature.revision.number == 1
    assert count(appeal) == 1
    assert Signature.objects.filter(appeal=appeal).awaiting_confirmation().get().user == person
    confirm_signature(user=person, appeal=fresh(appeal))
    assert count(appeal) == 2


def test_the_page_tells_a_person_whose_signature_was_kept_uncounted(client, appeal, district):
    read = queries.problem_to_sign(appeal.problem_id, fresh=True).current_appeal
    revise(appeal, REWRITE, substantive=False)
    person = make_resident(district)
    signature = sign_appeal(user=person, appeal=read)
    client.force_login(person)
    html = client.get(appeal.problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()
    assert signature.counted is False
    assert "Your signature awaits your confirmation of the new text" in html
    assert f'action="/problems/{appeal.problem_id}/confirm/"' in html


@pytest.mark.parametrize("htmx", [True, False])
def test_the_sign_button_answers_a_signature_kept_uncounted_with_the_confirm_prompt(
    client, monkeypatch, appeal, district, htmx
):
    """The appeal kept for signing (a few seconds old at most) still names revision 1 when the
    person presses "sign" after the author's change of substance committed."""
    kept = queries.problem_to_sign(appeal.problem_id, fresh=True)
    revise(appeal, REWRITE, substantive=False)
    read_fresh = queries.problem_to_sign
    monkeypatch.setattr(
        queries,
        "problem_to_sign",
        lambda pk, *, fresh=False: read_fresh(pk, fresh=True) if fresh else kept,
    )
    person = make_resident(district)
    client.force_login(person)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(
        f"/problems/{appeal.problem_id}/sign/",
        {"agree": "on"},
        follow=not htmx,
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    html = response.content.decode()
    assert "changed the text of the appeal in substance while you were signing" in html
    assert f'action="/problems/{appeal.problem_id}/confirm/"' in html
    assert "You have signed the appeal. Thank you!" not in html
    assert Signature.objects.get(user=person).revision.number == 1
    assert count(appeal) == 1


# --- Only counted signatures go anywhere ----------------------------------------------------


@pytest.fixture
def office(district):
    from tests.factories import make_organization

    return make_organization("district-office", jurisdiction=[district], en="District Office")


@pytest.fixture
def revised(office, district):
    """Sent with the author's signature and a newcomer's; a signatory of the first text never
    confirmed the rewrite."""
    appeal = make_problem(organization=office, territory=district, threshold=1000).current_appeal
    sign(appeal, district, last_name="Забытов", first_name="Пётр")
    revise(appeal, REWRITE, substantive=False)
    sign(appeal, district, last_name="Новикова", first_name="Анна")
    send_appeal_now(author=appeal.problem.author, appeal=fresh(appeal))
    return fresh(appeal)


def unconfirmed(appeal) -> Signature:
    return Signature.objects.filter(appeal=appeal).awaiting_confirmation().get()


def test_the_addressee_s_document_names_only_counted_signatories(revised):
    text = pdf_text(appeal_pdf(revised, for_addressee=True))
    assert "Новикова Анна" in text
    assert "Забытов" not in text
    assert revised.signature_count == 2


def test_the_public_document_and_list_leave_out_unconfirmed_signatures(revised):
    shown = queries.signatories(revised.pk).items
    assert {s.user_id for s in shown} == counted_users(revised)
    assert unconfirmed(revised).user_id not in {s.user_id for s in shown}


def test_the_cabinet_s_file_lists_only_counted_signatures(revised):
    listed = appeal_file(revised).signatures
    assert {s.user_id for s in listed} == counted_users(revised)
    assert len(listed) == revised.signature_count == 2


def test_the_api_full_copy_carries_only_counted_signatories(client, office, revised):
    head = make_staff(office, Membership.Role.HEAD)
    token = token_for(client, *issue(office, head=head))
    copy = client.get(f"/api/v1/inbox/{revised.pk}/", **bearer(token)).json()
    emails = {row["email"] for row in copy["signatories"]}
    assert unconfirmed(revised).email not in emails
    assert len(copy["signatories"]) == 2


def test_a_supplementary_list_leaves_out_unconfirmed_signatures(revised, district):
    later = sign(revised, district)  # counted, after the dispatch
    # One of a text changed since, marked as given after the dispatch (as a forwarding may
    # leave it), must not go either.
    Signature.objects.filter(pk=unconfirmed(revised).pk).update(after_dispatch=True)
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update().select_related("organization").get(pk=revised.pk)
        )
        supplementary = make_supplementary_list(appeal, reason=SupplementaryList.Reason.GROWTH)
    assert list(supplementary.signatures.values_list("pk", flat=True)) == [later.pk]


def test_an_invalidation_recounts_only_counted_signatures(appeal, district):
    from tests.factories import make_organization
    from veche.appeals.fraud import invalidate_signatures

    moderator = make_staff(make_organization("executive-committee"), Membership.Role.MODERATOR)
    sign(appeal, district)
    revise(appeal, REWRITE, substantive=False)
    bot = sign(appeal, district)
    invalidate_signatures(
        moderator=moderator,
        appeal=fresh(appeal),
        signature=bot,
        ground="One network signed a hundred times in a minute.",
    )
    assert count(appeal) == 1


# --- What people are told -------------------------------------------------------------------


def test_only_signatories_of_the_earlier_text_are_asked_to_confirm(appeal, district, settings):
    from veche.core import outbox
    from veche.core.models import OutboxMessage
    from veche.notifications.services import EVENT_KIND

    earlier = sign(appeal, district).user
    revise(appeal, REWRITE, substantive=False)
    later = sign(appeal, district).user
    for message in OutboxMessage.objects.filter(kind=EVENT_KIND):
        outbox.deliver(message.pk)
    notice = Notification.objects.get(kind="appeal_revised")
    assert notice.user_id == earlier.pk
    assert not Notification.objects.filter(kind="appeal_revised", user=later).exists()
    assert "не учитывается" in notice.body or "does not count" in notice.body


def test_the_edit_form_says_how_much_change_is_minor(client, appeal):
    client.force_login(appeal.problem.author)
    html = client.get(f"/problems/{appeal.problem_id}/edit/", HTTP_ACCEPT_LANGUAGE="en")
    assert "A change of more than 10% of the words is one of substance" in html.content.decode()


def test_the_author_is_told_why_an_unticked_rewrite_counts_as_substantive(client, appeal):
    client.force_login(appeal.problem.author)
    response = client.post(
        f"/problems/{appeal.problem_id}/edit/",
        {"text": REWRITE},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert "more than a minor edit may (10%)" in html
    assert fresh(appeal).signatures_from == 2


def test_the_revision_history_shows_substance_and_share(client, appeal):
    revise(appeal, SMALL_EDIT, substantive=False)
    revise(appeal, REWRITE, substantive=False)
    html = client.get(
        f"/problems/{appeal.problem_id}/revisions/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "minor" in html
    assert "change of substance" in html
    assert "4.8% of the words changed" in html


def test_confirming_is_refused_to_a_person_who_may_no_longer_sign(appeal, district):
    signatory = sign(appeal, district).user
    revise(appeal, REWRITE, substantive=False)
    for verification in signatory.verifications.all():  # the person moved out, say
        verification.revoked_at = appeal.created_at
        verification.save()
    signatory = type(signatory).objects.get(pk=signatory.pk)
    with pytest.raises(PermissionDenied):
        confirm_signature(user=signatory, appeal=fresh(appeal))
    assert count(appeal) == 1

"""A change of substance, lived in Chromium: the author rewrites the appeal and leaves
"substantive" unticked; the rewrite changes most of the words, so it is one all the same. A
neighbour who signed the first text opens the page: the panel says their signature awaits their
confirmation of the new text and does not count until then, and the count no longer holds it.
The neighbour reads the new text, confirms, and the count takes the signature back.
"""

from playwright.sync_api import expect

from tests.browser.test_appeal_lifecycle import expect_success, signed_in
from tests.browser.test_escalation_and_contact import in_russian
from tests.factories import make_problem, make_resident
from veche.appeals.models import Appeal, Signature
from veche.appeals.services import revise_appeal, sign_appeal

REWRITE = (
    "Просим снести сквер у дома и построить на его месте платную парковку на двести машин "
    "для жильцов соседних кварталов и гостей района."
)


def test_a_signatory_confirms_the_new_text_after_a_change_of_substance(
    new_context, live_server, axe, transactional_db
):
    problem = make_problem(threshold=100, title="Ямы во дворе на улице Гоголя")
    appeal = problem.current_appeal
    neighbour = make_resident(problem.territory)
    sign_appeal(user=neighbour, appeal=appeal)
    revise_appeal(
        author=problem.author,
        appeal=Appeal.objects.get(pk=appeal.pk),
        text=REWRITE,
        substantive=False,
    )

    page = signed_in(new_context, neighbour.email)
    page.goto(problem.get_absolute_url())
    box = page.locator("#sign-box")
    expect(box).to_contain_text(
        in_russian(
            "The text changed in substance since you signed. Your signature awaits your "
            "confirmation of the new text: until then it does not count and does not go to the "
            "addressee. Do you support the new text?"
        )
    )
    expect(box.locator("#signature-count")).to_have_attribute("data-count", "1")
    expect(page.locator("main")).to_contain_text("платную парковку")
    axe(page, "a signature awaiting the confirmation of a changed text")

    box.locator('form[action$="/confirm/"] button[type="submit"]').click()
    expect_success(page)
    expect(page.locator("#sign-box form[action$='/confirm/']")).to_have_count(0)
    expect(page.locator("#signature-count")).to_have_attribute("data-count", "2")
    signature = Signature.objects.get(appeal=appeal, user=neighbour, withdrawn_at__isnull=True)
    assert signature.revision.number == 2
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 2

    # The history says which revision changed the substance, and how much.
    page.goto(f"/problems/{problem.pk}/revisions/")
    expect(page.locator(".revision-list")).to_contain_text(
        in_russian("change of substance: signatures of earlier texts count once confirmed")
    )

"""Two residents debate a proposal in the browser during the intake: one replies, the other
supports it, and the counts show both; a resident of another district sees why they cannot
take part. The pages are checked with axe, on a phone and on a desktop."""

from playwright.sync_api import expect

from tests.browser.conftest import language_cookie, save_screenshot, sign_in
from tests.factories import make_discussion, make_resident, make_territory
from veche.discussions import services

PROPOSAL = "Сохранить липы вдоль улицы Пушкина и сдвинуть проезд на три метра."
PHONE = {"width": 375, "height": 812}


def signed_in(new_context, live_server, email: str, **options):
    context = new_context(**options)
    context.add_cookies([language_cookie(live_server, "en")])
    return sign_in(context.new_page(), email)


def test_two_residents_debate_a_proposal(new_context, live_server, axe, transactional_db):
    discussion = make_discussion(stage="intake")
    author = make_resident(discussion.territory, email="author@example.org")
    proposal = services.submit(user=author, discussion=discussion, kind="proposal", text=PROPOSAL)
    replier = make_resident(discussion.territory, email="replier@example.org")
    supporter = make_resident(discussion.territory, email="supporter@example.org")
    elsewhere = make_territory(code="sovetsky", ru="Советский район", en="Sovetsky District")
    stranger = make_resident(elsewhere, email="stranger@example.org")

    # One resident replies, in Markdown, on a phone.
    page = signed_in(new_context, live_server, replier.email, viewport=PHONE)
    page.goto(proposal.get_absolute_url())
    page.locator('#reply-form textarea[name="text"]').fill("**Согласна**: липам полвека.")
    page.locator('#reply-form button[type="submit"]').click()
    reply = page.locator(".debate-reply").first
    expect(reply.locator("strong", has_text="Согласна")).to_be_visible()
    expect(page.locator(".debate-marks__counts")).to_contain_text("Replies: 1")
    axe(page, "the submission page with a reply, on a phone")
    save_screenshot(page, "debate-submission-phone")

    # The other supports it from the list of proposals, on a desktop (htmx swaps the counts).
    page = signed_in(new_context, live_server, supporter.email)
    page.goto(f"/discussions/{discussion.pk}/proposals/")
    marks = page.locator(f"#marks-{proposal.pk}")
    marks.get_by_role("button", name="Support").click()
    expect(marks.get_by_role("button", name="✓ I support")).to_be_visible()
    expect(marks.locator(".debate-marks__counts")).to_contain_text("Support: 1")
    expect(marks.locator(".debate-marks__counts")).to_contain_text("Objections: 0")
    expect(marks.locator(".debate-marks__counts")).to_contain_text("Replies: 1")
    axe(page, "the list of proposals")
    save_screenshot(page, "debate-list-desktop")
    page.goto(proposal.get_absolute_url())
    expect(page.locator(".debate-marks__counts")).to_contain_text("Support: 1")
    save_screenshot(page, "debate-submission-desktop")

    # A resident of another district sees why, and no buttons.
    page = signed_in(new_context, live_server, stranger.email, viewport=PHONE)
    page.goto(proposal.get_absolute_url())
    refusal = page.locator("#debate .notice")
    expect(refusal).to_contain_text("You cannot reply or mark yet")
    expect(refusal).to_contain_text("Sovetsky District")
    expect(page.get_by_role("button", name="Support")).to_have_count(0)
    expect(page.locator("#reply-form")).to_have_count(0)
    axe(page, "the submission page refused")
    save_screenshot(page, "debate-refused-phone")

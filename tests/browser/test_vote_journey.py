"""Advisory votes in the browser: an eligible resident votes on a phone and changes the ballot;
a resident of another district sees why they cannot vote; after the close everyone sees the
results. The pages are checked with axe, on a phone and on a desktop."""

from playwright.sync_api import expect

from tests.browser.conftest import language_cookie, save_screenshot, sign_in
from tests.factories import discussion_dates, make_resident, make_territory
from veche.discussions import services
from veche.discussions.models import Discussion
from veche.discussions.tests.votes_cast import close, make_voting, options, question

PHONE = {"width": 375, "height": 812}


def signed_in(new_context, live_server, email: str, **options):
    context = new_context(**options)
    context.add_cookies([language_cookie(live_server, "en")])
    return sign_in(context.new_page(), email)


def test_residents_vote_and_see_the_results_after_the_close(
    new_context, live_server, axe, transactional_db
):
    discussion = make_voting()
    voter = make_resident(discussion.territory, email="voter@example.org")
    elsewhere = make_territory(code="sovetsky", ru="Советский район", en="Sovetsky District")
    stranger = make_resident(elsewhere, email="stranger@example.org")
    single = question(discussion, "single")
    for number in range(5):  # neighbours who voted before
        services.cast_vote(
            user=make_resident(discussion.territory),
            question=single,
            answer=options(single)[number % 2 : number % 2 + 1],
        )

    # The eligible resident finds the vote on the discussion's page, on a phone.
    page = signed_in(new_context, live_server, voter.email, viewport=PHONE)
    page.goto(discussion.get_absolute_url())
    page.locator("#votes").get_by_role("link", name="Vote").click()
    first = page.locator(f"#question-{single.pk}")
    first.get_by_label("Да").check()
    first.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_text("Your ballot is counted.")).to_be_visible()
    first = page.locator(f"#question-{single.pk}")
    expect(first.get_by_label("Да")).to_be_checked()
    # A ranking without JavaScript's help: a place for each option.
    rank = question(discussion, "rank")
    ranked = page.locator(f"#question-{rank.pk}")
    for place, label in enumerate(["Парк", "Школу", "Поликлинику"], start=1):
        ranked.get_by_label(label).select_option(str(place))
    ranked.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_text("Your ballot is counted.")).to_be_visible()
    axe(page, "the vote page with a ballot cast, on a phone")
    save_screenshot(page, "vote-ballot-phone")

    # They change their mind on a desktop: the ballot is changed, not added.
    page = signed_in(new_context, live_server, voter.email)
    page.goto(f"/discussions/{discussion.pk}/votes/")
    first = page.locator(f"#question-{single.pk}")
    first.get_by_label("Нет").check()
    first.get_by_role("button", name="Change my ballot").click()
    expect(page.get_by_text("Your ballot is changed.")).to_be_visible()
    axe(page, "the vote page, on a desktop")
    save_screenshot(page, "vote-page-desktop")

    # A resident of another district sees why, and no ballot.
    page = signed_in(new_context, live_server, stranger.email, viewport=PHONE)
    page.goto(f"/discussions/{discussion.pk}/votes/")
    refusal = page.locator(".notice", has_text="You cannot vote")
    expect(refusal).to_contain_text("Sovetsky District")
    expect(page.get_by_role("button", name="Cast my ballot")).to_have_count(0)
    axe(page, "the vote page refused")
    save_screenshot(page, "vote-refused-phone")

    # The voting closes: everyone sees the results, with the turnout.
    close(discussion)
    for viewport, name in ((None, "vote-results-desktop"), (PHONE, "vote-results-phone")):
        context = new_context(**({"viewport": viewport} if viewport else {}))
        context.add_cookies([language_cookie(live_server, "en")])
        page = context.new_page()
        page.goto(f"/discussions/{discussion.pk}/votes/")
        results = page.locator(f"#question-{single.pk}")
        expect(results).to_contain_text("6 people voted")
        expect(results.locator("tbody tr").first).to_contain_text("Да")
        expect(page.get_by_role("button", name="Cast my ballot")).to_have_count(0)
        page.locator(f"#question-{single.pk} summary").click()
        expect(results).to_contain_text("By age on the day of voting")
        axe(page, f"the results ({name})")
        save_screenshot(page, name)


def test_the_organizer_sets_a_question_and_sees_the_turnout_only(
    new_context, live_server, axe, transactional_db
):
    from tests.sign_in import with_second_factor

    discussion = make_voting(stage="announced", questions=())
    organizer = discussion.created_by
    with_second_factor(organizer)
    context = new_context()
    context.add_cookies([language_cookie(live_server, "ru")])
    page = sign_in(context.new_page(), organizer.email, second_factor=True)
    page.goto(f"/discussions/{discussion.pk}/vote-questions/")
    form = page.locator("form", has=page.get_by_role("button", name="Добавить вопрос"))
    form.locator('[name="kind"]').select_option("rank")
    form.locator('[name="text"]').fill("Что строить сначала?")
    form.locator('[name="options"]').fill("Детский сад\nСквер\nПроезды")
    form.get_by_role("button", name="Добавить вопрос").click()
    expect(page.get_by_text("Вопрос добавлен.")).to_be_visible()
    expect(page.locator("article", has_text="Что строить сначала?")).to_contain_text("Сквер")

    # Voting runs: the organizer sees how many voted, not what they chose.
    Discussion.objects.filter(pk=discussion.pk).update(**discussion_dates("intake"))
    discussion.refresh_from_db()
    rank = discussion.vote_questions.get()
    rank.discussion = discussion
    services.cast_vote(
        user=make_resident(discussion.territory), question=rank, answer=options(rank)[::-1]
    )
    page.goto(f"/discussions/{discussion.pk}/vote-questions/")
    article = page.locator("article", has_text="Что строить сначала?")
    expect(article).to_contain_text("1 человек уже проголосовал")
    expect(page.get_by_text("Баллы")).to_have_count(0)
    axe(page, "the organizer's questions, during voting")
    save_screenshot(page, "vote-questions-ru-desktop")

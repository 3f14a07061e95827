"""Atom feeds of what is new in public: problems (by territory, with the places inside it, and
by category), organizations' answers (by territory or organization) and discussions (by
territory). They read the same public querysets as the pages, so whatever the pages hide
(drafts, hidden by a moderator, not yet announced) the feeds hide too; they name no resident."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from veche.appeals.models import Answer, Category
from veche.appeals.queries import PUBLIC_ANSWER_KINDS, filtered_problems, public_problems
from veche.core.forms import parse_id
from veche.discussions.queries import public_discussions
from veche.organizations.queries import public_organizations
from veche.territories.models import Territory

SUMMARY_WORDS = 60


@dataclass(frozen=True)
class Filters:
    territory: Territory | None = None
    category: Category | None = None
    organization: object = None

    def query(self) -> str:
        parts = []
        if self.territory:
            parts.append(f"territory={self.territory.code}")
        if self.category:
            parts.append(f"category={self.category.slug}")
        if self.organization:
            parts.append(f"organization={self.organization.slug}")
        return "&".join(parts)

    def place(self) -> str:
        named = [x.title for x in (self.territory, self.category, self.organization) if x]
        return f" — {', '.join(named)}" if named else ""


def _territory(value: str) -> Territory | None:
    """A territory by its number or its code; an unknown one names nothing: 404."""
    if not value:
        return None
    pk = parse_id(value)
    found = Territory.objects.filter(pk=pk).first() if pk else None
    found = found or Territory.objects.filter(code=value).first()
    if found is None:
        raise Http404
    return found


def _one(queryset, **lookup):
    if not next(iter(lookup.values())):
        return None
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def _inside(territory: Territory | None, field: str) -> dict:
    return {f"{field}__path__startswith": territory.path} if territory else {}


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class PublicFeed(Feed):
    feed_type = Atom1Feed
    list_url = ""  # the page the feed follows
    url_name = ""  # the feed's own

    def author_name(self) -> str:
        return _("Veche")

    def feed_url(self, filters: Filters) -> str:
        url = reverse(self.url_name)
        return f"{url}?{filters.query()}" if filters.query() else url

    def link(self, filters: Filters) -> str:
        url = reverse(self.list_url)
        return f"{url}?{filters.query()}" if filters.query() else url

    def item_link(self, item) -> str:
        return item.get_absolute_url()

    def item_updateddate(self, item):
        # Atom requires every entry's <updated>; an entry is written once, when it appears.
        return self.item_pubdate(item)


class ProblemsFeed(PublicFeed):
    url_name = "opendata:problems_feed"
    list_url = "appeals:list"

    def get_object(self, request):
        return Filters(
            territory=_territory(request.GET.get("territory", "")),
            category=_one(Category.objects, slug=request.GET.get("category", "")),
        )

    def title(self, filters: Filters) -> str:
        return _("New problems") + filters.place()

    def subtitle(self, filters: Filters) -> str:
        return _("Problems residents published, newest first.")

    def items(self, filters: Filters):
        return (
            filtered_problems(
                territory=filters.territory.code if filters.territory else "",
                category=filters.category.slug if filters.category else "",
            )
            .select_related("category", "territory")
            .order_by("-published_at", "-id")[: settings.VECHE_FEED_ITEMS]
        )

    def item_title(self, problem) -> str:
        return problem.title

    def item_description(self, problem) -> str:
        return Truncator(problem.description).words(SUMMARY_WORDS)

    def item_pubdate(self, problem):
        return problem.published_at

    def item_categories(self, problem):
        return [problem.category.title, problem.territory.title]


class AnswersFeed(PublicFeed):
    url_name = "opendata:answers_feed"
    list_url = "appeals:list"

    def get_object(self, request):
        return Filters(
            territory=_territory(request.GET.get("territory", "")),
            organization=_one(public_organizations(), slug=request.GET.get("organization", "")),
        )

    def title(self, filters: Filters) -> str:
        return _("Answers of organizations") + filters.place()

    def subtitle(self, filters: Filters) -> str:
        return _("Interim and final answers to collective appeals, newest first.")

    def items(self, filters: Filters):
        answers = Answer.objects.filter(
            kind__in=PUBLIC_ANSWER_KINDS,
            appeal__problem__in=public_problems(),
            **_inside(filters.territory, "appeal__problem__territory"),
        )
        if filters.organization:
            answers = answers.filter(organization=filters.organization)
        return answers.select_related("organization", "appeal__problem").order_by(
            "-created_at", "-id"
        )[: settings.VECHE_FEED_ITEMS]

    def item_title(self, answer) -> str:
        return _("%(organization)s: %(kind)s on “%(problem)s”") % {
            "organization": answer.organization.title,
            "kind": answer.get_kind_display(),
            "problem": answer.appeal.problem.title,
        }

    def item_description(self, answer) -> str:
        return Truncator(answer.text).words(SUMMARY_WORDS)

    def item_link(self, answer) -> str:
        # The problem's page shows its answers; the fragment tells the entries apart.
        return f"{answer.appeal.get_absolute_url()}#answer-{answer.pk}"

    def item_pubdate(self, answer):
        return answer.created_at


class DiscussionsFeed(PublicFeed):
    url_name = "opendata:discussions_feed"
    list_url = "discussions:list"

    def get_object(self, request):
        return Filters(territory=_territory(request.GET.get("territory", "")))

    def link(self, filters: Filters) -> str:
        return reverse(self.list_url)

    def title(self, filters: Filters) -> str:
        return _("Public discussions and hearings") + filters.place()

    def subtitle(self, filters: Filters) -> str:
        return _("Discussions and hearings as they are announced, newest first.")

    def items(self, filters: Filters):
        announced = (
            public_discussions()
            .filter(**_inside(filters.territory, "territory"))
            .order_by("-notice_date", "-id")
        )
        # Whether a discussion is public depends on its dates; a notice still to come is not.
        found = []
        for discussion in announced.iterator(chunk_size=200):
            if discussion.is_public:
                found.append(discussion)
                if len(found) == settings.VECHE_FEED_ITEMS:
                    break
        return found

    def item_title(self, discussion) -> str:
        return discussion.title

    def item_description(self, discussion) -> str:
        dates = _("%(stage)s. Submissions from %(start)s to %(end)s.") % {
            "stage": capfirst(discussion.stage_label),
            "start": discussion.intake_start.isoformat(),
            "end": discussion.intake_end.isoformat(),
        }
        return f"{dates} {Truncator(discussion.description).words(SUMMARY_WORDS)}"

    def item_pubdate(self, discussion):
        return discussion.published_at or _day_start(discussion.notice_date)

    def item_categories(self, discussion):
        return [
            capfirst(discussion.get_kind_display()),
            discussion.territory.title,
            capfirst(discussion.get_subject_display()),
        ]

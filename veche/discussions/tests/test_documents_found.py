"""Every document of a discussion that exists can be found: at each stage, with every document the
organizer may prepare built as the worker builds it, every document address its organizer may
open is linked from the organizer's pages, every public one from the public page, a
participant's extract from their submission's page; and no document link there answers 403 or
404. The addresses are those of the documents' views (`views/records.py`), so a new document is
held to it too."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from tests.factories import discussion_dates, make_discussion, make_resident
from tests.sign_in import enter
from veche.discussions import queries, services
from veche.discussions.models import Discussion, RecordBuild, Stage, Submission
from veche.discussions.tests.building import run_builds
from veche.discussions.views import records
from veche.discussions.views.organizer._common import tabs_for

pytestmark = pytest.mark.django_db

DOCUMENT_TYPES = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DOCUMENT_VIEWS = {pattern.name for pattern in records.patterns}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def update(discussion: Discussion, **fields) -> Discussion:
    Discussion.objects.filter(pk=discussion.pk).update(**fields)
    discussion.refresh_from_db()
    return discussion


def at(stage: str) -> tuple[Discussion, Submission | None]:
    """A discussion standing at `stage`, with a participant's proposal once proposals are taken."""
    if stage == Stage.DRAFT:
        return make_discussion(stage="scheduled", publish=False), None
    if stage in (Stage.SCHEDULED, Stage.ANNOUNCED, Stage.EXPOSITION):
        return make_discussion(stage=stage), None
    discussion = make_discussion(stage="intake")
    organizer = discussion.created_by
    submission = services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind=Submission.Kind.PROPOSAL,
        text="Сохранить липы вдоль улицы Баумана при реконструкции.",
    )
    if stage == Stage.INTAKE:
        return discussion, submission
    if stage == Stage.CANCELLED:
        services.cancel_discussion(user=organizer, discussion=discussion, reason="Проект отозван.")
        discussion.refresh_from_db()
        return discussion, submission
    update(discussion, **discussion_dates("review"))
    services.recommend(
        user=organizer,
        submission=submission,
        recommendation=Submission.Recommendation.ACCEPTED,
        reason="Учтено: проект изменён.",
    )
    if stage == Stage.REVIEW:
        return discussion, submission
    services.sign_protocol(user=organizer, discussion=discussion)
    run_builds()
    discussion.refresh_from_db()
    if stage == Stage.PROTOCOL:
        return discussion, submission
    services.publish_conclusion(
        user=organizer, discussion=discussion, text="Обсуждения состоялись; проект одобрен."
    )
    run_builds()
    discussion.refresh_from_db()
    if stage == Stage.ARCHIVE:
        update(discussion, conclusion_published_at=timezone.now() - datetime.timedelta(days=400))
    return discussion, submission


class Reader:
    """One person reading pages and documents, each address fetched once."""

    def __init__(self, person=None):
        self.client = Client()
        if person is not None:
            enter(self.client, person)
        self.answers: dict[str, tuple[int, str, str]] = {}
        self.pages: dict[str, str] = {}

    def get(self, url: str) -> tuple[int, str, str]:
        """The answer's status and type, and the address it ended at after redirects."""
        if url not in self.answers:
            response = self.client.get(url, follow=True)
            content_type = response.get("Content-Type", "").split(";")[0]
            chain = response.redirect_chain
            final = urlsplit(chain[-1][0]).path if chain else url
            self.answers[url] = (response.status_code, content_type, final)
            if content_type == "text/html":
                self.pages[url] = response.content.decode()
        return self.answers[url]

    def opened(self, url: str) -> str | None:
        """Where the document at `url` is read (its own address, or the one it sends to), if
        this person may open it."""
        status, content_type, final = self.get(url)
        return final if status == 200 and content_type in DOCUMENT_TYPES else None

    def document_links(self, page_urls: list[str]) -> set[str]:
        """The addresses of the documents' views that these pages link to."""
        found = set()
        for page_url in page_urls:
            status, _type, _final = self.get(page_url)
            if status != 200:
                continue
            for href in re.findall(r'href="([^"]+)"', self.pages[page_url]):
                path = urlsplit(href.replace("&amp;", "&")).path
                try:
                    match = resolve(path)
                except Resolver404:
                    continue
                if match.namespace == "discussions" and match.url_name in DOCUMENT_VIEWS:
                    found.add(path)
        return found


def prepare_everything(discussion: Discussion) -> None:
    """The organizer asks for every document they may have built, and the worker builds it."""
    for kind in RecordBuild.Kind.values:
        if queries.may_build(discussion, kind):
            services.request_record(user=discussion.created_by, discussion=discussion, kind=kind)
    run_builds()


def document_urls(discussion: Discussion) -> list[str]:
    return [reverse(f"discussions:{name}", args=[discussion.pk]) for name in DOCUMENT_VIEWS]


@pytest.mark.parametrize("stage", Stage.values)
def test_every_document_that_opens_is_linked_and_every_link_opens(stage):
    discussion, submission = at(stage)
    assert discussion.stage == stage
    prepare_everything(discussion)
    readers = {
        "organizer": (
            Reader(discussion.created_by),
            [discussion.get_absolute_url()] + [tab["url"] for tab in tabs_for(discussion)],
        ),
        "the public": (Reader(), [discussion.get_absolute_url()]),
    }
    if submission is not None:
        readers["participant"] = (
            Reader(submission.author),
            [discussion.get_absolute_url(), submission.get_absolute_url()],
        )

    problems, opened_by = [], {}
    for who, (reader, pages) in readers.items():
        links = reader.document_links(pages)
        reached = {reader.get(url)[2] for url in links}
        opened = opened_by[who] = {reader.opened(url) for url in document_urls(discussion)} - {None}
        problems += [f"{who}: {url} opens but is linked nowhere" for url in opened - reached]
        problems += [
            f"{who}: the link {url} answers {reader.get(url)[0]}"
            for url in links
            if reader.get(url)[0] != 200
        ]
    assert problems == []
    # Not vacuous: the organizer has documents at every stage after the draft.
    assert bool(opened_by["organizer"]) == (stage != Stage.DRAFT)

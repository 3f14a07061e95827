"""The kinds of notice the product apps send, registered in their `AppConfig.ready()`.

Notifications knows no appeal or discussion: an app registers its *subject* (the model whose
events people hear of), the events that can happen to it, and for each event the notice kinds
it causes, in order: a person who would hear several of them hears only the first (an official
who also follows the problem gets "a new appeal arrived", not also "your appeal was sent").

    registry.register_subject(
        Appeal.objects.select_related("problem", "organization"),
        events={"sent": (AppealArrived(), AppealSent()), ...},
    )

A notice kind is a small class (`Notice`): who hears it, who caused it (and is not told), its
title (a translatable phrase), its text template and its link. Jobs that run once a day and
send notices of their own (overdue appeals) register with `register_daily`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model, QuerySet


class Notice:
    """One kind of notice about a subject. Subclasses say who hears it and what it says."""

    kind = ""
    # Formatted with title_params() in the recipient's language.
    title = ""

    def load(self, subject, context: dict) -> dict:
        """Objects the text needs, loaded once for all recipients (language-independent)."""
        return {}

    def audience(self, subject, context: dict, extra: dict) -> set[int]:
        """The ids of the people who hear of it."""
        raise NotImplementedError

    def actor_id(self, subject, context: dict, extra: dict) -> int | None:
        """Who caused the event, when known: they are not told about their own act."""
        return context.get("actor")

    def url(self, subject, extra: dict) -> str:
        return subject.get_absolute_url()

    def title_params(self, subject, extra: dict) -> dict:
        return {}

    def heading(self, subject, extra: dict) -> str:
        """The notice's title in the active language. A kind whose title depends on its subject
        (a recommendation on a question is not one on a proposal) says so here."""
        return str(self.title) % self.title_params(subject, extra)

    def template_context(self, subject, extra: dict) -> dict:
        return {"subject": subject} | extra

    @property
    def template_name(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Subject:
    """A model whose events people hear of, with the notices of each event."""

    queryset: QuerySet
    events: dict[str, tuple[Notice, ...]]

    @property
    def label(self) -> str:
        return self.queryset.model._meta.label_lower


@dataclass(frozen=True)
class DailyRound:
    """A job of the daily round (`veche notify_daily`): returns the notices it created."""

    label: str
    run: Callable[..., Iterable]


SUBJECTS: dict[str, Subject] = {}
# Called with (subject, event, context) by every `announce`, in the transaction of the change:
# an app that carries events further (the API's webhooks) listens here instead of each service.
LISTENERS: list[Callable[..., None]] = []
KINDS: dict[str, Notice] = {}
DAILY: dict[str, DailyRound] = {}


def register_subject(queryset: QuerySet, *, events: dict[str, tuple[Notice, ...]]) -> None:
    """Register the events of the queryset's model. The queryset loads the subject once per
    event, with what the notices read (`select_related`)."""
    subject = Subject(queryset=queryset, events=events)
    SUBJECTS[subject.label] = subject
    for notices in events.values():
        register_kind(*notices)


def register_kind(*notices: Notice) -> None:
    """Register kinds of notice that no event causes (sent by a job, say)."""
    for notice in notices:
        KINDS[notice.kind] = notice


def listen(callback: Callable[..., None]) -> None:
    """`callback(subject=, event=, context=)` is called in the transaction of each announced
    event; it must only store things (an outbox message), never send."""
    if callback not in LISTENERS:
        LISTENERS.append(callback)


def register_daily(name: str, *, label: str, run: Callable[..., Iterable]) -> None:
    """`run(today)` is called once a day by `veche notify_daily`; it must be idempotent."""
    DAILY[name] = DailyRound(label=label, run=run)


def subject_for(model: type[Model] | str) -> Subject | None:
    label = model if isinstance(model, str) else model._meta.label_lower
    return SUBJECTS.get(label)


def notices_of(model: type[Model] | str, event: str) -> tuple[Notice, ...] | None:
    """The notices of `event` on `model`, or None if there is no such event."""
    subject = subject_for(model)
    return subject.events.get(event) if subject else None

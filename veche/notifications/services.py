"""Use cases of notifications: telling people what happened, mailing it, reading, unsubscribing.

An app says what happened to its subject with `announce`, in the transaction of the change: the
event is stored with an outbox message (kind ``EVENT_KIND``), and the worker that claims the
message tells the people concerned (`tell_of_event`), so that no web request computes an
audience or stores thousands of notices. Who hears what is in `veche.notifications.registry`,
filled by the product apps.

Notices are rows; an e-mail at once is an outbox letter (kind ``NOTICE_KIND``, sent by
``mail_notice``) stored with the notice, or the notice is collected by the daily digest.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from veche.core import outbox
from veche.notifications import emails, registry
from veche.notifications.emails import language_of
from veche.notifications.links import unsubscribe_token as unsubscribe_token  # re-exported
from veche.notifications.links import user_for_unsubscribe_token
from veche.notifications.models import Event, Notification, NotificationPreference
from veche.notifications.queries import unread_changed
from veche.notifications.registry import Notice

logger = logging.getLogger(__name__)

# The outbox kind of an event whose notices are still to be made.
EVENT_KIND = "notifications.event"
# The outbox kind of the e-mail that carries one notice at once.
NOTICE_KIND = "notifications.notice"

EmailMode = NotificationPreference.EmailMode


# --- Events ---------------------------------------------------------------------------------


def announce(
    *, subject: Model, event: str, context: dict | None = None, key: str = ""
) -> Event | None:
    """Record that `event` happened to `subject` (an appeal, a discussion…), in the caller's
    transaction. The people concerned are told in the background once it commits; each hears of
    the event once, and never of their own act. `context` holds what the notices need, as JSON
    (ids of the answer, the message; "actor", who is not told). With a `key`, the event is
    stored at most once (a job that runs every few minutes): None if it was already."""
    if registry.notices_of(type(subject), event) is None:
        label = subject._meta.label_lower
        logger.warning("no notices for event %r of %s", event, label, extra={"event": event})
        return None
    if key and Event.objects.filter(key=key).exists():
        return None  # the usual case of a job's second run; the constraint settles a race
    try:
        with transaction.atomic():
            stored = Event.objects.create(
                subject_type=ContentType.objects.get_for_model(subject),
                subject_id=subject.pk,
                name=event,
                context=context or {},
                key=key,
            )
            outbox.put(kind=EVENT_KIND, target_id=stored.pk)
            for listener in registry.LISTENERS:
                listener(subject=subject, event=event, context=context or {})
    except IntegrityError:
        if not key:
            raise
        return None  # announced at the same moment by another run
    return stored


def tell_of_event(message) -> None:
    """The outbox's sender for EVENT_KIND: make the notices of one event. The event is locked and
    marked told in the same transaction as its notices, so a second delivery of the message (a
    worker whose lease ran out, a sweep) tells no one twice."""
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=message.target_id).first()
        if event is None:
            raise outbox.NothingToSend("gone")
        if event.notified_at is not None:
            raise outbox.NothingToSend("already told")
        tell(event)
        Event.objects.filter(pk=event.pk).update(notified_at=timezone.now())


def tell(event: Event) -> list[Notification]:
    """Tell everyone concerned of one event, by its registered notices in order: a person who
    would hear several hears only the first; the actor is not told."""
    subject_type = ContentType.objects.get_for_id(event.subject_type_id)
    registered = registry.subject_for(f"{subject_type.app_label}.{subject_type.model}")
    notices = registered.events.get(event.name) if registered else None
    if notices is None:
        logger.warning("no notices for event %r", event.name, extra={"event": event.pk})
        return []
    subject = registered.queryset.filter(pk=event.subject_id).first()
    if subject is None:
        return []
    context = event.context or {}
    created: list[Notification] = []
    told: set[int] = set()
    for notice in notices:
        extra = notice.load(subject, context)
        recipients = notice.audience(subject, context, extra) - told
        recipients.discard(notice.actor_id(subject, context, extra))
        told |= recipients
        created += notify(notice, subject=subject, extra=extra, user_ids=recipients)
    return created


# --- Creating notices -----------------------------------------------------------------------


def notify(
    notice: Notice, *, subject: Model, extra: dict, user_ids: Iterable[int], key: str = ""
) -> list[Notification]:
    """Give these people a notice of a registered kind about `subject`, each in their language,
    at most once per `key` (the daily jobs' notices)."""

    def render() -> tuple[str, str]:
        title = notice.heading(subject, extra)
        body = render_to_string(notice.template_name, notice.template_context(subject, extra))
        return title, body

    return _create(
        kind=notice.kind,
        user_ids=user_ids,
        render=render,
        url=notice.url(subject, extra),
        key=key,
        subject=subject,
    )


def email_modes(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's e-mail mode; a person who never chose has the default."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "email_mode"
        )
    )
    return defaultdict(lambda: EmailMode.IMMEDIATE, chosen)


def _create(
    *,
    kind: str,
    user_ids: Iterable[int],
    render: Callable[[], tuple[str, str]],
    url: str,
    key: str,
    subject: Model | None,
) -> list[Notification]:
    user_ids = set(user_ids)
    if not user_ids:
        return []
    users = _recipients(user_ids, key)
    modes = email_modes(user.pk for user in users)
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    texts: dict[str, tuple[str, str]] = {}  # rendered once per language, not per person
    rows = []
    for user in users:
        language = language_of(user)
        if language not in texts:
            with translation.override(language):
                title, body = render()
            texts[language] = (title[:300], body.strip())
        title, body = texts[language]
        rows.append(
            Notification(
                user_id=user.pk,
                kind=kind,
                subject_type=subject_type,
                subject_id=subject.pk if subject is not None else None,
                title=title,
                body=body,
                url=url,
                key=key,
                digest=modes[user.pk] == EmailMode.DIGEST,
            )
        )
    return _store(rows, modes)


def _recipients(user_ids: set[int], key: str) -> list:
    """The active people among `user_ids`, less those who already have the notice `key`."""
    users = list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .only("id", "preferred_language")
        .order_by("id")
    )
    if key:
        already = set(
            Notification.objects.filter(key=key, user_id__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        users = [user for user in users if user.pk not in already]
    return users


def _store(rows: list[Notification], modes) -> list[Notification]:
    """Save the notices; those to be mailed at once are queued when the transaction commits."""
    with transaction.atomic():
        created = _save(rows)
        unread_changed(row.user_id for row in created)
        immediate = [row.pk for row in created if modes[row.user_id] == EmailMode.IMMEDIATE]
        # The letters are stored with the notices and queued once they commit.
        outbox.put_many(kind=NOTICE_KIND, target_ids=immediate)
    return created


def _save(rows: list[Notification]) -> list[Notification]:
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        # A concurrent run created some of the same keyed notices: keep the others.
        saved = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
            saved.append(row)
        return saved


# --- E-mail ---------------------------------------------------------------------------------


def mail_notice(message) -> None:
    """The outbox's sender for NOTICE_KIND: mail one notice, unless the person no longer wants
    it by e-mail."""
    notification = Notification.objects.select_related("user").filter(pk=message.target_id).first()
    if notification is None:
        raise outbox.NothingToSend("gone")
    user = notification.user
    if not user.is_active or email_modes([user.pk])[user.pk] != EmailMode.IMMEDIATE:
        raise outbox.NothingToSend("not wanted")  # the person chose otherwise after it was queued
    if notification.digest:
        raise outbox.NothingToSend("in the digest")
    email = emails.notice_email(notification)
    email.extra_headers["Message-ID"] = message.message_id
    email.send()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def send_daily_digests(now: datetime.datetime | None = None) -> int:
    """One e-mail per person with every notice that waits for the digest; returns how many
    e-mails went out. Notices are claimed before sending, so a second run sends nothing."""
    now = now or timezone.now()
    user_ids = list(
        Notification.objects.filter(
            digest=True, emailed_at__isnull=True, created_at__lte=now, user__is_active=True
        )
        .exclude(user__notification_preference__email_mode=EmailMode.OFF)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(_send_digest(user_id, now) for user_id in user_ids)


def _send_digest(user_id: int, now: datetime.datetime) -> bool:
    with transaction.atomic():
        items = list(
            Notification.objects.select_for_update()
            .filter(user_id=user_id, digest=True, emailed_at__isnull=True, created_at__lte=now)
            .order_by("created_at", "id")
        )
        if not items:
            return False
        ids = [item.pk for item in items]
        Notification.objects.filter(pk__in=ids).update(emailed_at=now)
    user = get_user_model().objects.get(pk=user_id)
    try:
        emails.digest_email(user, items).send()
    except Exception:
        logger.exception("digest for user %s failed", user_id, extra={"user": user_id})
        # Back to waiting: tomorrow's digest carries them.
        Notification.objects.filter(pk__in=ids, emailed_at=now).update(emailed_at=None)
        return False
    return True


# --- Reading --------------------------------------------------------------------------------


def mark_read(*, user, ids: Iterable[int]) -> int:
    """Mark some of the person's own notices read; ids of other people's notices do nothing."""
    marked = Notification.objects.filter(user=user, pk__in=list(ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )
    unread_changed([user.pk])
    return marked


def mark_all_read(*, user) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    unread_changed([user.pk])
    return marked


# --- Preferences and unsubscribing ----------------------------------------------------------


def preference_for(user) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


@transaction.atomic
def set_email_mode(*, user, email_mode: str) -> NotificationPreference:
    if email_mode not in EmailMode.values:
        raise ValidationError(_("Choose how to receive e-mail."))
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_mode": email_mode}
    )
    return preference


def unsubscribe(*, token: str) -> NotificationPreference:
    """Turn off all e-mail for the person the link was made for."""
    return set_email_mode(user=user_for_unsubscribe_token(token), email_mode=EmailMode.OFF)


# --- Erasure --------------------------------------------------------------------------------


def erase_personal_data(user) -> None:
    """On erasure of the account: the person's notices and e-mail choice go."""
    Notification.objects.filter(user=user).delete()
    unread_changed([user.pk])
    NotificationPreference.objects.filter(user=user).delete()

"""Use cases of notifications: telling people what happened, mailing it, reading, unsubscribing.

Notices are rows; an e-mail at once is an outbox letter (kind ``NOTICE_KIND``, sent by
``mail_notice``) stored with the notice, or the notice is collected by the daily digest.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from veche.appeals.models import Appeal
from veche.appeals.rules import OFFICIAL_ROLES
from veche.core import outbox
from veche.notifications import emails
from veche.notifications.models import Notification, NotificationPreference
from veche.notifications.notices import APPEAL_EVENTS, OVERDUE, Notice
from veche.organizations.models import Membership

logger = logging.getLogger(__name__)

# The outbox kind of the e-mail that carries one notice at once.
NOTICE_KIND = "notifications.notice"

EmailMode = NotificationPreference.EmailMode
UNSUBSCRIBE_SALT = "veche.notifications.unsubscribe"


# --- Creating notices -----------------------------------------------------------------------


def notify_appeal_event(
    *, event: str, appeal_id: int, context: dict | None = None
) -> list[Notification]:
    """Tell everyone concerned that something happened to an appeal. Called after the change
    commits; each person hears of one event once, and never of their own act (the actor is
    found from the answer, message or revision in the context, else from context["actor"])."""
    notices = APPEAL_EVENTS.get(event)
    if notices is None:
        logger.warning("no notices for appeal event %r", event, extra={"appeal": appeal_id})
        return []
    appeal = Appeal.objects.select_related("problem", "organization").filter(pk=appeal_id).first()
    if appeal is None:
        return []
    context = context or {}
    created: list[Notification] = []
    told: set[int] = set()
    for notice in notices:
        extra = notice.load(appeal, context)
        recipients = notice.audience(appeal, context, extra) - told
        recipients.discard(notice.actor_id(appeal, context, extra))
        told |= recipients
        created += _deliver(notice, appeal=appeal, extra=extra, user_ids=recipients)
    return created


def notify_overdue_appeals(today: datetime.date | None = None) -> list[Notification]:
    """Officials of the addressee hear of each appeal left unanswered past its due date, once a
    day: a second run on the same day creates nothing."""
    today = today or timezone.localdate()
    appeals = list(
        Appeal.objects.filter(
            status__in=(Appeal.Status.SENT, Appeal.Status.REGISTERED), due_date__lt=today
        ).select_related("problem", "organization")
    )
    staff: dict[int, set[int]] = defaultdict(set)
    for organization_id, user_id in Membership.objects.filter(
        organization_id__in={appeal.organization_id for appeal in appeals},
        role__in=OFFICIAL_ROLES,
    ).values_list("organization_id", "user_id"):
        staff[organization_id].add(user_id)
    created: list[Notification] = []
    for appeal in appeals:
        created += _deliver(
            OVERDUE,
            appeal=appeal,
            extra=OVERDUE.load(appeal, {"today": today}),
            user_ids=staff[appeal.organization_id],
            key=f"{OVERDUE.kind}:{appeal.pk}:{today.isoformat()}",
        )
    return created


def language_of(user) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def _render(notice: Notice, appeal: Appeal, extra: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        title = str(notice.title) % notice.title_params(appeal, extra)
        body = render_to_string(
            notice.template_name,
            {"appeal": appeal, "problem": appeal.problem, "organization": appeal.organization}
            | extra,
        ).strip()
    return title[:300], body


def email_modes(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's e-mail mode; a person who never chose has the default."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "email_mode"
        )
    )
    return defaultdict(lambda: EmailMode.IMMEDIATE, chosen)


def _deliver(
    notice: Notice, *, appeal: Appeal, extra: dict, user_ids: set[int], key: str = ""
) -> list[Notification]:
    if not user_ids:
        return []
    users = _recipients(user_ids, key)
    modes = email_modes(user.pk for user in users)
    url = notice.url(appeal, extra)
    texts: dict[str, tuple[str, str]] = {}  # rendered once per language, not per person
    rows = []
    for user in users:
        language = language_of(user)
        if language not in texts:
            texts[language] = _render(notice, appeal, extra, language)
        title, body = texts[language]
        rows.append(
            Notification(
                user_id=user.pk,
                kind=notice.kind,
                problem_id=appeal.problem_id,
                appeal_id=appeal.pk,
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
    return Notification.objects.filter(user=user, pk__in=list(ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences and unsubscribing ----------------------------------------------------------


class InvalidUnsubscribeLink(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "This unsubscribe link is not valid: it may have been cut or changed. "
                "Open the link from the e-mail again, or sign in and choose in your "
                "notification settings."
            )
        )


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


def unsubscribe_token(user) -> str:
    """A link that turns the person's e-mail off; it does not expire, as old e-mails live on."""
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe_token(token: str):
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)["user"]
    except (signing.BadSignature, KeyError, TypeError):
        raise InvalidUnsubscribeLink from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidUnsubscribeLink
    return user


def unsubscribe(*, token: str) -> NotificationPreference:
    """Turn off all e-mail for the person the link was made for."""
    return set_email_mode(user=user_for_unsubscribe_token(token), email_mode=EmailMode.OFF)


# --- Notices about anything else (discussions…) --------------------------------------------


def notify_people(
    *,
    kind: str,
    user_ids: Iterable[int],
    title: str,
    title_params: dict | None = None,
    template_name: str,
    context: dict,
    url: str,
    key: str = "",
) -> list[Notification]:
    """Tell these people something not tied to an appeal, each in their language, at most once
    per `key`. `title` is a translatable phrase (gettext_lazy) with %-style `title_params`."""
    user_ids = set(user_ids)
    if not user_ids:
        return []
    users = _recipients(user_ids, key)
    modes = email_modes(user.pk for user in users)
    texts: dict[str, tuple[str, str]] = {}
    rows = []
    for user in users:
        language = language_of(user)
        if language not in texts:
            with translation.override(language):
                texts[language] = (
                    (str(title) % (title_params or {}))[:300],
                    render_to_string(template_name, context).strip(),
                )
        rows.append(
            Notification(
                user_id=user.pk,
                kind=kind,
                title=texts[language][0],
                body=texts[language][1],
                url=url,
                key=key,
                digest=modes[user.pk] == EmailMode.DIGEST,
            )
        )
    return _store(rows, modes)


def erase_personal_data(user) -> None:
    """On erasure of the account: the person's notices and e-mail choice go."""
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()

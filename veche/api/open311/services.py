"""Open311 keys (issued and revoked by the resident, audited) and filing a service request:
a problem published through the appeals service the web form uses, in the key holder's name."""

import hashlib
import secrets

import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veche.api.models import Open311Key
from veche.appeals.models import Problem
from veche.appeals.services import publish_problem
from veche.core.audit import acting_through, record_event
from veche.core.forms import normalize_line

# Keys start with this, so that a leaked one is easy to recognize (and to search for).
KEY_PREFIX = "o311_"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_key(*, user, name: str) -> tuple[Open311Key, str]:
    """A new key for an app, shown this once and kept only hashed."""
    if not rules.has_perm("api.hold_open311_keys", user):
        raise PermissionDenied
    # One person's keys are counted under a lock on the person, so two tabs cannot pass the cap.
    get_user_model().objects.select_for_update().get(pk=user.pk)
    name = normalize_line(name)
    if not name:
        raise ValidationError({"name": _("Name the app that will use the key.")})
    active = Open311Key.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= settings.VECHE_OPEN311_KEYS_PER_PERSON:
        raise ValidationError(
            ngettext(
                "You already have %(count)d key. Revoke one you no longer use first.",
                "You already have %(count)d keys. Revoke one you no longer use first.",
                active,
            )
            % {"count": active}
        )
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = Open311Key.objects.create(
        user=user, name=name[:100], key_hash=hash_key(raw), prefix=raw[: len(KEY_PREFIX) + 6]
    )
    record_event(
        actor=user, action="api.open311_key_issued", target=key, data={"prefix": key.prefix}
    )
    return key, raw


@transaction.atomic
def revoke_key(*, user, key: Open311Key) -> Open311Key:
    """The app stops being able to file at once; what it filed stays the person's."""
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    if key.user_id != user.pk:
        raise PermissionDenied
    if key.revoked_at is not None:
        raise ValidationError(_("This key has already been revoked."))
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    record_event(
        actor=user, action="api.open311_key_revoked", target=key, data={"prefix": key.prefix}
    )
    return key


def key_for(raw: str) -> Open311Key | None:
    """The active key with this value, of an active person; None for any other string."""
    if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 200:
        return None
    key = (
        Open311Key.objects.select_related("user")
        .filter(key_hash=hash_key(raw), revoked_at__isnull=True)
        .first()
    )
    if key is None or not key.user.is_active:
        return None
    return key


@transaction.atomic
def file_request(*, key: Open311Key, **problem) -> Problem:
    """Publish the problem as the key's holder, exactly as the web form does (rate limit,
    eligibility, the point inside the territory, screening, the author's signature), and record
    which app filed it."""
    with acting_through(key.channel):  # every audit row of the publishing names the app's key
        published = publish_problem(author=key.user, **problem)
        record_event(
            actor=key.user,
            action="api.open311_request_filed",
            target=published,
            data={"prefix": key.prefix},
        )
    Open311Key.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return published


def export_keys(user) -> dict:
    """The person's keys for the export of their data (never the keys themselves)."""
    return {
        "open311_keys": [
            {
                "app": key.name,
                "begins_with": key.prefix,
                "issued": key.created_at.isoformat(),
                "last_used": key.last_used_at.isoformat() if key.last_used_at else None,
                "revoked": key.revoked_at.isoformat() if key.revoked_at else None,
            }
            for key in Open311Key.objects.filter(user=user)
        ]
    }


def erase_keys(user) -> None:
    """An erased account's apps can file nothing more; the names the person gave them go."""
    Open311Key.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    Open311Key.objects.filter(user=user).update(name="")

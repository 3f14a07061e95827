"""Veche's data for the benchmark: the appeal, the crowd that signs it, and the checks that every
acknowledged signature is stored and counted."""

import os
import re
import secrets
import sys
import time
from pathlib import Path

from surge.base import ROOT
from surge.load import Run
from surge.services import fetch


def django_setup(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "veche.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_appeal():
    """A district, its organization and a problem whose appeal collects signatures. The
    threshold is out of reach, so that every signature of the run counts on a collecting appeal."""
    from veche.appeals.models import AppealPolicy, Category
    from veche.appeals.services import publish_problem
    from veche.organizations.models import Organization
    from veche.territories.models import Territory

    city = Territory.objects.create(
        code="surge-city", kind=Territory.Kind.CITY, name={"ru": "Город", "en": "City"}
    )
    district = Territory.objects.create(
        code="surge-district",
        parent=city,
        kind=Territory.Kind.DISTRICT,
        name={"ru": "Центральный район", "en": "Central District"},
    )
    organization = Organization.objects.create(
        slug="surge-administration",
        kind=Organization.Kind.AUTHORITY,
        name={"ru": "Администрация района", "en": "District administration"},
        dispatch_email="administration@example.org",
        postal_address="ул. Центральная, 1",
    )
    organization.jurisdiction.set([district])
    AppealPolicy.objects.create(organization=organization, signature_threshold=10_000_000)
    category, _created = Category.objects.get_or_create(
        slug="roads", defaults={"name": {"ru": "Дороги", "en": "Roads"}}
    )
    author = crowd(district, 1, prefix="author")[0][0]
    problem = publish_problem(
        author=author,
        title="Вернуть трамвай на центральную улицу",
        description="Трамвайную линию разобрали без обсуждения с жителями. " * 8,
        category=category,
        territory=district,
        organization=organization,
        appeal_text="Просим восстановить трамвайную линию по центральной улице. " * 12,
    )
    return problem, district


_crowd_counter = 0


def crowd(district, count: int, *, prefix: str = "p") -> list[tuple]:
    """`count` residents of `district`, verified through the census, with a confirmed e-mail,
    a consent to processing and a signed-in session as the site leaves it once the person has
    opened a page (the load's scripts send the account's cookie with it, `veche_account`, the
    person's id). Returns (user, session key, CSRF secret) for each."""
    global _crowd_counter
    import datetime

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    from veche.accounts.middleware import CONSENT_KEY, LAST_SEEN_KEY
    from veche.accounts.models import Consent, User
    from veche.identity.models import Level, Verification

    now = timezone.now()
    batch = _crowd_counter
    _crowd_counter += 1
    users = [
        User(
            email=f"{prefix}{batch}-{n}@surge.example",
            first_name="Житель",
            last_name=f"Номер{n}",
            password="!" + secrets.token_urlsafe(20),  # unusable: they are signed in already
        )
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=2000,
    )
    Consent.objects.bulk_create(
        [
            Consent(
                user=u,
                kind=Consent.Kind.PROCESSING,
                text_version=settings.VECHE_PRIVACY_POLICY_VERSION,
                given_at=now,
            )
            for u in users
        ],
        batch_size=2000,
    )
    Verification.objects.bulk_create(
        [
            Verification(
                user=u,
                level=Level.CENSUS,
                source=Verification.Source.CENSUS,
                source_reference="surge",
                verified_claims={
                    "verification": {"trust_framework": "surge", "time": now.isoformat()},
                    "claims": {"family_name": u.last_name, "given_name": u.first_name},
                },
                birthdate=datetime.date(1980, 1, 1),
                territory=district,
                verified_at=now,
            )
            for u in users
        ],
        batch_size=2000,
    )
    store = SessionStore()
    seen = int(time.time())
    sessions, people = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "veche.accounts.backends.AuthenticationBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
            LAST_SEEN_KEY: seen,
            CONSENT_KEY: f"{user.pk}:{settings.VECHE_PRIVACY_POLICY_VERSION}",
        }
        sessions.append(
            Session(
                session_key=key,
                session_data=store.encode(data),
                expire_date=now + datetime.timedelta(days=14),
            )
        )
        people.append((user, key, _get_new_csrf_string()))
    Session.objects.bulk_create(sessions, batch_size=2000)
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        # A page opened once leaves the session in the shared cache too, where requests read it.
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX
        from django.core.cache import caches

        caches[settings.SESSION_CACHE_ALIAS].set_many(
            {KEY_PREFIX + s.session_key: store.decode(s.session_data) for s in sessions},
            timeout=settings.SESSION_COOKIE_AGE,
        )
    # And the page leaves the account and what eligibility reads of the person (verifications,
    # blocks) there too.
    from veche.accounts.backends import keep_accounts
    from veche.identity.eligibility import keep_records
    from veche.moderation.blocks import keep_blocks

    for start in range(0, len(users), 2000):
        ids = [user.pk for user in users[start : start + 2000]]
        keep_records(ids)
        keep_accounts(ids)
        keep_blocks(ids)
    return people


def write_people(path: Path, people: list[tuple]) -> None:
    path.write_text("".join(f"{user.pk} {key} {csrf}\n" for user, key, csrf in people))


def stored_signatures(appeal_id: int) -> tuple[int, int]:
    """(active signatures stored, the appeal's counter)."""
    from veche.appeals.models import Appeal, Signature

    active = Signature.objects.filter(appeal_id=appeal_id, withdrawn_at__isnull=True).count()
    return active, Appeal.objects.get(pk=appeal_id).signature_count


def check_acknowledged(appeal_id: int, run: Run, people: list[tuple]) -> dict:
    """Every person answered "signed" is stored exactly once; who else is stored (answers lost
    with a killed worker or a dropped connection) is counted apart."""
    from django.db.models import Count

    from veche.appeals.models import Signature

    asked = [user.pk for user, _key, _csrf in people]
    stored = dict(
        Signature.objects.filter(appeal_id=appeal_id, user_id__in=asked, withdrawn_at__isnull=True)
        .values_list("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    acked = set(run.signed)
    return {
        "acknowledged": len(acked),
        "acknowledged_stored_once": sum(1 for pk in acked if stored.get(pk) == 1),
        "lost": sum(1 for pk in acked if pk not in stored),
        "doubled": sum(1 for n in stored.values() if n > 1),
        "stored_unacknowledged": sum(1 for pk in stored if pk not in acked),
    }


def displayed_count(base: str, problem_id: int) -> int | None:
    status, body = fetch(f"{base}/problems/{problem_id}/count/")
    found = re.search(r'data-count="(\d+)"', body) if status == 200 else None
    return int(found.group(1)) if found else None


def count_agreement(base: str, problem_id: int, appeal_id: int, finished: float) -> dict:
    """The count the page shows against the signatures stored, right after the last one;
    polled until they agree (at most 5 s)."""
    while True:
        shown = displayed_count(base, problem_id)
        stored, counter = stored_signatures(appeal_id)
        waited = time.monotonic() - finished
        if shown == stored == counter or waited > 5:
            return {"shown": shown, "stored": stored, "counter": counter, "after_s": waited}
        time.sleep(0.05)

"""Changes to a person's own account."""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from veche.accounts import personal_data
from veche.accounts.models import Consent, User
from veche.accounts.sessions import END_SESSIONS_KIND
from veche.core import outbox
from veche.core.audit import record_event
from veche.organizations.rules import forget_roles


@transaction.atomic
def update_profile(
    *,
    user: User,
    last_name: str,
    first_name: str,
    patronymic: str,
    name_publication: str,
    preferred_language: str,
) -> User:
    # Compare with what is stored: a bound form may already have changed the instance in memory.
    stored = User.objects.select_for_update().get(pk=user.pk)
    if name_publication != stored.name_publication:
        user.name_publication_changed_at = timezone.now()
        record_publication_consent(user=user, name_publication=name_publication)
    user.last_name = last_name.strip()
    user.first_name = first_name.strip()
    user.patronymic = patronymic.strip()
    user.name_publication = name_publication
    user.preferred_language = preferred_language
    # Only the profile's own fields: the rest of `user` (the request's copy) may be older than
    # the stored row, and must not be written back over it.
    user.save(update_fields=[*PROFILE_FIELDS, "name_publication_changed_at"])
    return user


PROFILE_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "name_publication",
    "preferred_language",
)


@transaction.atomic
def ensure_account(
    *,
    email: str,
    password: str | None,
    last_name: str = "",
    first_name: str = "",
    patronymic: str = "",
    name_publication: str = User.NamePublication.NONE,
    is_staff: bool = False,
    is_superuser: bool = False,
    email_verified: bool = True,
    processing_consent: bool = False,
) -> tuple[User, bool]:
    """Create the account if absent (for operators and the demo); an existing one is updated.

    `processing_consent` records the person's consent to processing (the demo's people, who
    signed up in the story); without it the person is asked at their first sign-in."""
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    user, created = User.objects.get_or_create(email=email)
    user.last_name, user.first_name, user.patronymic = last_name, first_name, patronymic
    user.name_publication = name_publication
    user.is_staff, user.is_superuser = is_staff, is_superuser
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": email_verified, "primary": True}
    )
    if processing_consent:
        from veche.accounts.queries import has_current_processing_consent

        if not has_current_processing_consent(user):
            consent_to_processing(user=user)
    return user, created


def record_consent(*, user: User, kind: str, categories: list[str] | None = None) -> Consent:
    """Keep a consent to the current text version; an earlier one of the kind is withdrawn."""
    now = timezone.now()
    Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).update(withdrawn_at=now)
    return Consent.objects.create(
        user=user,
        kind=kind,
        categories=categories or [],
        text_version=settings.VECHE_PRIVACY_POLICY_VERSION,
        given_at=now,
    )


@transaction.atomic
def consent_to_processing(*, user: User) -> Consent:
    """The person agrees to the processing of their personal data under the current policy,
    whatever way they came in (the sign-up form, an identity provider, an operator's account)."""
    consent = record_consent(user=user, kind=Consent.Kind.PROCESSING)
    record_event(
        actor=user,
        action="consent.processing_given",
        target=user,
        data={"text_version": consent.text_version},
    )
    return consent


def record_publication_consent(*, user: User, name_publication: str) -> None:
    """The separate consent to publication: given for the chosen name form, or withdrawn."""
    if name_publication == User.NamePublication.NONE:
        Consent.objects.filter(
            user=user, kind=Consent.Kind.PUBLICATION, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
    else:
        record_consent(
            user=user, kind=Consent.Kind.PUBLICATION, categories=[f"name:{name_publication}"]
        )


def export_personal_data(*, user: User) -> dict:
    """Everything Veche holds about the person, as one JSON-ready document: their own data
    only; other people's contributions they took part in appear as numbers, never as text.
    The account's own data come first, then every section the apps registered
    (`veche.accounts.personal_data`)."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    document = {
        "format": "veche-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "last_name": user.last_name,
            "first_name": user.first_name,
            "patronymic": user.patronymic,
            "name_publication": user.name_publication,
            "public_name": str(user.public_name),
            "preferred_language": user.preferred_language,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "consents": [
            {
                "kind": c.kind,
                "text_version": c.text_version,
                "categories": c.categories,
                "given_at": _when(c.given_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in user.consents.all()
        ],
        "linked_identity_providers": [
            {"provider": a.provider, "uid": a.uid, "date_joined": _when(a.date_joined)}
            for a in SocialAccount.objects.filter(user=user)
        ],
        "staff_roles": [
            {"organization": m.organization.slug, "role": m.role}
            for m in user.memberships.select_related("organization")
        ],
    }
    for section in personal_data.sections():
        if section.export is None:
            continue
        part = section.export(user)
        if clash := document.keys() & part.keys():
            raise ImproperlyConfigured(
                f"The personal-data section {section.name!r} repeats {sorted(clash)}."
            )
        document.update(part)
    return document


def _when(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def erase_account(*, user: User) -> None:
    """Erase the person: every registered section first erases or anonymises what its app
    holds (README, "Personal data"), then the account's own data go; the row stays, anonymous,
    so that what must remain (a signature counted on a sent appeal, a registered proposal in a
    protocol) keeps a participant number and nothing else."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    User.objects.select_for_update().filter(pk=user.pk).first()  # one erasure at a time
    for section in personal_data.sections():
        if section.erase is not None:
            section.erase(user)
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.memberships.all().delete()
    forget_roles(user)
    user.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    user.email = personal_data.erased_email(user)
    user.last_name = user.first_name = user.patronymic = ""
    user.name_publication = User.NamePublication.NONE
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    # The person's other devices: their sessions go too, with the e-mail they hold.
    outbox.put(kind=END_SESSIONS_KIND, target_id=user.pk)
    record_event(actor=user, action="account.erased", target=user)

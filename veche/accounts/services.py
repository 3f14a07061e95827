"""Changes to a person's own account."""

from django.db import transaction
from django.utils import timezone

from veche.accounts.models import User


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
    user.last_name = last_name.strip()
    user.first_name = first_name.strip()
    user.patronymic = patronymic.strip()
    user.name_publication = name_publication
    user.preferred_language = preferred_language
    user.save()
    return user


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
) -> tuple[User, bool]:
    """Create the account if absent (for operators and the demo); an existing one is updated."""
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
    return user, created

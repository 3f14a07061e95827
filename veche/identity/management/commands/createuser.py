"""`veche createuser`: an account with a given verification and roles, for operators and tests.

    veche createuser resident@example.org --password secret --level provider \
        --birthdate 1990-04-12 --territory kazan-vakhitovsky --name "Сафина Алсу Ринатовна"
    veche createuser official@example.org --role kazan-admin-sovetsky:official
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from veche.accounts.services import ensure_account
from veche.identity.models import Level, Verification
from veche.identity.services import record_verification
from veche.organizations.models import Membership, Organization
from veche.territories.models import Territory

LEVELS = {
    "email": Level.EMAIL,
    "phone": Level.PHONE,
    "census": Level.CENSUS,
    "provider": Level.PROVIDER,
}
SOURCES = {
    Level.PHONE: Verification.Source.PHONE,
    Level.CENSUS: Verification.Source.CENSUS,
    Level.PROVIDER: Verification.Source.PROVIDER,
}


class Command(BaseCommand):
    help = (
        "Create (or update) an account with a verification level, birth date, territory and roles."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--password", help="Without it the account cannot sign in by password.")
        parser.add_argument("--name", default="", help="Surname, given name and patronymic.")
        parser.add_argument("--level", choices=sorted(LEVELS), default="email")
        parser.add_argument("--birthdate", type=datetime.date.fromisoformat)
        parser.add_argument("--territory", help="Code of the territory of residence.")
        parser.add_argument("--publish-name", choices=["none", "initials", "full"], default="none")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            help="organization-code:role, e.g. kazan-admin-sovetsky:official. May be repeated.",
        )
        parser.add_argument("--superuser", action="store_true")

    @transaction.atomic
    def handle(
        self,
        *args,
        email,
        password,
        name,
        level,
        birthdate,
        territory,
        publish_name,
        role,
        superuser,
        **options,
    ):
        names = name.split()
        roles = [self._role(spec) for spec in role]
        place = None
        if territory:
            place = Territory.objects.filter(code=territory).first()
            if place is None:
                raise CommandError(f"No territory with the code {territory!r}.")
        if (birthdate or place) and LEVELS[level] < Level.PHONE:
            raise CommandError("A birth date or territory needs --level phone, census or provider.")
        user, created = ensure_account(
            email=email,
            password=password,
            last_name=names[0] if names else "",
            first_name=names[1] if len(names) > 1 else "",
            patronymic=" ".join(names[2:]),
            name_publication=publish_name,
            is_staff=superuser,
            is_superuser=superuser,
        )
        if LEVELS[level] > Level.EMAIL:
            record_verification(
                user=user,
                level=LEVELS[level],
                source=SOURCES[LEVELS[level]],
                source_reference="createuser",
                trust_framework="operator",
                claims={
                    key: value
                    for key, value in {
                        "family_name": user.last_name,
                        "given_name": user.first_name,
                        "middle_name": user.patronymic,
                        "birthdate": birthdate.isoformat() if birthdate else None,
                    }.items()
                    if value
                },
                birthdate=birthdate,
                territory=place,
            )
        for organization, role_name in roles:
            Membership.objects.get_or_create(user=user, organization=organization, role=role_name)
        self.stdout.write(f"{'Created' if created else 'Updated'} {user.email} (id {user.pk})")

    def _role(self, spec: str) -> tuple[Organization, str]:
        slug, _sep, role = spec.partition(":")
        if role not in Membership.Role.values:
            raise CommandError(f"Role must be one of {', '.join(Membership.Role.values)}: {spec!r}")
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization with the code {slug!r}.")
        return organization, role

"""Claims of one census entry or one provider account at the same moment, on PostgreSQL: one
account wins, every other is refused."""

import pytest
from django.contrib.auth.models import Permission

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_territory, make_user
from veche.identity.models import IdentityProvider, Verification
from veche.identity.services import import_census, verify_by_census, verify_with_provider

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]

CLAIMANTS = 12


def test_parallel_claims_of_one_census_entry_verify_one_account():
    operator = make_user(is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="add_censusimport"))
    import_census(
        territory=make_territory("kazan"),
        file_name="census.csv",
        content=b"identifier,birthdate\n9204 123456,1990-04-12\n",
        uploaded_by=operator,
    )
    people = [make_user() for _ in range(CLAIMANTS)]

    outcomes = at_once(
        lambda person: verify_by_census(
            user=person, identifier="9204 123456", birthdate="12.04.1990"
        ),
        people,
        threads=CLAIMANTS,
    )

    assert outcomes == {"done": 1, "refused": CLAIMANTS - 1}
    assert (
        Verification.objects.filter(
            source=Verification.Source.CENSUS, revoked_at__isnull=True
        ).count()
        == 1
    )


def test_parallel_claims_of_one_provider_account_verify_one_account():
    provider = IdentityProvider.objects.create(
        slug="esia", name={"en": "Gosuslugi"}, issuer="https://esia.example.org", client_id="x"
    )
    people = [make_user() for _ in range(CLAIMANTS)]

    outcomes = at_once(
        lambda person: verify_with_provider(
            user=person, provider=provider, data={"sub": "1000321", "family_name": "Сафина"}
        ),
        people,
        threads=CLAIMANTS,
    )

    assert outcomes == {"done": 1, "refused": CLAIMANTS - 1}
    assert Verification.objects.filter(subject="esia:1000321", revoked_at__isnull=True).count() == 1

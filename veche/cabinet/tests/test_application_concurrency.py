"""An application approved from many tabs, or by two administrators at once, is approved once:
one organization, one head, one audit event; every other press is refused. On PostgreSQL the
presses race in threads, so the application's row lock is what keeps it right."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from veche.cabinet import services
from veche.cabinet.tests.registration import file_application, make_reviewer
from veche.core.models import AuditEvent
from veche.organizations.models import CabinetApplication, Membership, Organization

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]


@pytest.fixture(autouse=True)
def _quiet(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_application_approved_twelve_times_at_once_is_approved_once():
    application = file_application()
    reviewers = [make_reviewer() for _ in range(3)]

    def approve(number):
        services.approve_application(
            user=reviewers[number % 3],
            application=CabinetApplication.objects.get(pk=application.pk),
            slug=f"vodokanal-{number}",
        )

    assert at_once(approve, range(12)) == {"done": 1, "refused": 11}
    assert Organization.objects.count() == 1
    assert Membership.objects.filter(user=application.applicant, role="head").count() == 1
    assert AuditEvent.objects.filter(action="organization.application_approved").count() == 1
    application.refresh_from_db()
    assert application.status == CabinetApplication.Status.APPROVED


def test_approving_and_refusing_at_once_leave_one_decision():
    application = file_application()
    reviewer = make_reviewer()

    def decide(number):
        target = CabinetApplication.objects.get(pk=application.pk)
        if number % 2:
            services.refuse_application(user=reviewer, application=target, reason="Нет печати.")
        else:
            services.approve_application(user=reviewer, application=target, slug=f"org-{number}")

    assert at_once(decide, range(12)) == {"done": 1, "refused": 11}
    application.refresh_from_db()
    decided = AuditEvent.objects.filter(
        action__in=["organization.application_approved", "organization.application_refused"]
    )
    assert decided.count() == 1
    assert Organization.objects.count() == (application.status == "approved")


def test_one_ogrn_filed_by_many_people_at_once_waits_once():
    from tests.factories import make_resident, make_territory
    from veche.cabinet.tests.registration import valid_ogrn

    territory = make_territory()
    people = [make_resident(territory) for _ in range(12)]
    ogrn = valid_ogrn()

    def file(person):
        file_application(person, territory=territory, ogrn=ogrn)

    assert at_once(file, people) == {"done": 1, "refused": 11}
    assert CabinetApplication.objects.filter(ogrn=ogrn).count() == 1

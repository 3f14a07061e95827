"""The operators' pages of routing (categories, responsibilities, "who answers", appeal
policies, dispatches): refused to residents, officials and staff without the permission, open to
an operator, and every change they make leaves an audit row naming who and what."""

import pytest

from tests.factories import make_category, make_organization, make_territory
from tests.sign_in import enter
from veche.appeals.models import AppealPolicy, Category, Responsibility
from veche.appeals.tests.operator_cast import make_dispatch, make_operator, people
from veche.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ADMIN = "/admin/appeals"


@pytest.fixture(autouse=True)
def _tasks_are_queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def cast():
    return people()


@pytest.fixture
def routing():
    """A category declared in a district, a policy and a dispatch: something on every page."""
    district = make_territory("kazan-sovetsky", en="Sovetsky District")
    office = make_organization("sovetsky-office", jurisdiction=[district])
    category = make_category("roads")
    responsibility = Responsibility.objects.create(
        organization=office, category=category, territory=district
    )
    dispatch = make_dispatch(district=district, organization=office)
    policy = AppealPolicy.objects.get(organization=office)  # the dispatch's threshold of 2
    policy.answer_days, policy.signature_threshold = 20, None
    policy.save()
    return {
        "category": category,
        "responsibility": responsibility,
        "policy": policy,
        "dispatch": dispatch,
        "district": district,
        "office": office,
    }


def pages(routing) -> list[str]:
    dispatch = routing["dispatch"].pk
    return [
        f"{ADMIN}/category/",
        f"{ADMIN}/category/{routing['category'].pk}/change/",
        f"{ADMIN}/responsibility/",
        f"{ADMIN}/responsibility/{routing['responsibility'].pk}/change/",
        f"{ADMIN}/responsibility/who-answers/?category=roads&territory=kazan-sovetsky",
        f"{ADMIN}/appealpolicy/",
        f"{ADMIN}/appealpolicy/{routing['policy'].pk}/change/",
        f"{ADMIN}/dispatch/",
        f"{ADMIN}/dispatch/{dispatch}/change/",
        f"{ADMIN}/dispatch/{dispatch}/resend/",
        f"{ADMIN}/dispatch/{dispatch}/recipient/",
    ]


@pytest.mark.parametrize("who", ["resident", "official", "head"])
def test_people_who_are_not_staff_are_sent_to_sign_in_as_staff(client, cast, routing, who):
    enter(client, cast[who])
    for page in pages(routing):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/admin/login/"), page


def test_staff_without_the_permission_are_refused(client, cast, routing):
    enter(client, cast["staff_without_powers"])
    for page in pages(routing):
        assert client.get(page).status_code == 403, page


def test_an_operator_opens_every_page(client, cast, routing):
    enter(client, cast["operator"])
    for page in pages(routing):
        assert client.get(page, HTTP_ACCEPT_LANGUAGE="en").status_code == 200, page


def test_an_operator_who_may_only_view_dispatches_cannot_act_on_them(client, routing):
    enter(client, make_operator("view_dispatch"))
    dispatch = routing["dispatch"].pk
    page = client.get(f"{ADMIN}/dispatch/{dispatch}/change/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "Send again" not in page
    assert client.get(f"{ADMIN}/dispatch/{dispatch}/resend/").status_code == 403
    assert client.post(f"{ADMIN}/dispatch/{dispatch}/recipient/").status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="dispatch.").exists()


# --- Every change is on record -----------------------------------------------------------------


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_adding_changing_and_deleting_a_category_is_recorded(client, cast):
    operator = cast["operator"]
    enter(client, operator)
    response = client.post(
        f"{ADMIN}/category/add/",
        {"slug": "parks", "name": '{"ru": "Парки", "en": "Parks"}', "position": "3"},
    )
    assert response.status_code == 302
    category = Category.objects.get(slug="parks")
    [created] = events("category.created")
    assert (created.actor, created.object_id) == (operator, str(category.pk))
    assert created.data["name"] == {"ru": "Парки", "en": "Parks"}

    client.post(
        f"{ADMIN}/category/{category.pk}/change/",
        {"slug": "parks", "name": '{"ru": "Парки и скверы", "en": "Parks"}', "position": "3"},
    )
    [changed] = events("category.changed")
    assert changed.data == {
        "name": [{"ru": "Парки", "en": "Parks"}, {"ru": "Парки и скверы", "en": "Parks"}]
    }

    client.post(f"{ADMIN}/category/{category.pk}/delete/", {"post": "yes"})
    assert not Category.objects.filter(slug="parks").exists()
    [deleted] = events("category.deleted")
    assert (deleted.actor, deleted.object_id, deleted.data["slug"]) == (
        operator,
        str(category.pk),
        "parks",
    )


def test_a_category_problems_are_filed_under_is_not_deleted(client, cast, routing):
    enter(client, cast["operator"])
    category = routing["category"]
    client.post(f"{ADMIN}/category/{category.pk}/delete/", {"post": "yes"})
    assert Category.objects.filter(pk=category.pk).exists()
    assert not events("category.deleted")


def test_deleting_a_category_records_each_responsibility_deleted_with_it(client, cast, routing):
    operator = cast["operator"]
    enter(client, operator)
    parks = make_category("parks")
    declared = [
        Responsibility.objects.create(
            organization=routing["office"], category=parks, territory=territory
        )
        for territory in (routing["district"], make_territory("kazan-privolzhsky"))
    ]
    response = client.post(f"{ADMIN}/category/{parks.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Responsibility.objects.filter(category_id=parks.pk).exists()
    deleted = sorted(events("responsibility.deleted"), key=lambda event: int(event.object_id))
    assert [(event.actor, event.object_id) for event in deleted] == [
        (operator, str(responsibility.pk)) for responsibility in declared
    ]
    # As when a responsibility is withdrawn by itself: what it was made of.
    assert deleted[0].data == {
        "organization_id": routing["office"].pk,
        "category_id": parks.pk,
        "territory_id": routing["district"].pk,
    }
    [category_deleted] = events("category.deleted")
    assert category_deleted.object_id == str(parks.pk)


def test_a_category_is_not_deleted_with_its_responsibilities_by_who_may_not_delete_them(routing):
    from django.core.exceptions import PermissionDenied

    from veche.appeals import operators

    parks = make_category("parks")
    Responsibility.objects.create(
        organization=routing["office"], category=parks, territory=routing["district"]
    )
    operator = make_operator("view_category", "delete_category")
    with pytest.raises(PermissionDenied):
        operators.delete_category(actor=operator, category=parks)
    assert Category.objects.filter(pk=parks.pk).exists()
    assert not AuditEvent.objects.filter(action__endswith=".deleted").exists()


def test_declaring_and_withdrawing_a_responsibility_is_recorded(client, cast, routing):
    operator = cast["operator"]
    enter(client, operator)
    water = make_organization("vodokanal")
    response = client.post(
        f"{ADMIN}/responsibility/add/",
        {
            "organization": water.pk,
            "category": make_category("water").pk,
            "territory": routing["district"].pk,
        },
    )
    assert response.status_code == 302
    declared = Responsibility.objects.get(organization=water)
    [created] = events("responsibility.created")
    assert created.actor == operator
    assert created.data["organization_id"] == water.pk

    response = client.post(
        f"{ADMIN}/responsibility/",
        {"action": "delete_selected", "post": "yes", "_selected_action": [declared.pk]},
    )
    assert response.status_code == 302
    assert not Responsibility.objects.filter(pk=declared.pk).exists()
    [deleted] = events("responsibility.deleted")
    assert (deleted.actor, deleted.object_id) == (operator, str(declared.pk))


def test_a_duplicate_responsibility_is_a_form_error_not_a_record(client, cast, routing):
    enter(client, cast["operator"])
    existing = routing["responsibility"]
    response = client.post(
        f"{ADMIN}/responsibility/add/",
        {
            "organization": existing.organization_id,
            "category": existing.category_id,
            "territory": existing.territory_id,
        },
    )
    assert response.status_code == 200
    assert not events("responsibility.created")


def test_an_appeal_policy_shows_the_defaults_and_its_changes_are_recorded(
    client, cast, routing, settings
):
    settings.VECHE_SIGNATURE_THRESHOLD = 50
    operator = cast["operator"]
    enter(client, operator)
    policy = routing["policy"]
    listing = client.get(f"{ADMIN}/appealpolicy/", HTTP_ACCEPT_LANGUAGE="en").text
    assert '50 <span class="quiet">(default)</span>' in listing
    form = client.get(f"{ADMIN}/appealpolicy/{policy.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Empty: the site's default, 50." in form.text
    client.post(
        f"{ADMIN}/appealpolicy/{policy.pk}/change/",
        {"organization": policy.organization_id, "signature_threshold": "20", "answer_days": "20"},
    )
    policy.refresh_from_db()
    assert policy.signature_threshold == 20
    [changed] = events("appeal_policy.changed")
    assert changed.actor == operator
    assert changed.data == {"signature_threshold": [None, 20]}

    client.post(f"{ADMIN}/appealpolicy/{policy.pk}/delete/", {"post": "yes"})
    assert not AppealPolicy.objects.filter(pk=policy.pk).exists()
    assert events("appeal_policy.deleted")[0].actor == operator


def test_a_save_that_changes_nothing_records_nothing(client, cast, routing):
    enter(client, cast["operator"])
    policy = routing["policy"]
    client.post(
        f"{ADMIN}/appealpolicy/{policy.pk}/change/",
        {"organization": policy.organization_id, "answer_days": "20"},
    )
    assert not events("appeal_policy.changed")


def test_the_dispatch_list_shows_each_letters_state_attempts_and_error(
    client, cast, routing, django_assert_max_num_queries
):
    from veche.core.models import OutboxMessage

    OutboxMessage.objects.filter(target_id=routing["dispatch"].pk).update(
        state="gave_up", attempts=8, last_error="SMTPRecipientsRefused: 550 mailbox unavailable"
    )
    for _ in range(5):
        make_dispatch(district=routing["district"], organization=routing["office"])
    enter(client, cast["operator"])
    with django_assert_max_num_queries(14):
        page = client.get(f"{ADMIN}/dispatch/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "SMTPRecipientsRefused: 550 mailbox unavailable" in page
    assert page.count("waiting to be sent") >= 5
    failed = client.get(f"{ADMIN}/dispatch/", {"state": "gave_up"}, HTTP_ACCEPT_LANGUAGE="en")
    assert failed.text.count('class="action-select"') == 1

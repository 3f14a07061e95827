"""Operators see each day's dump in the admin, with its state and the last line of its error,
without a shell; nobody changes or deletes those records there."""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import make_user
from tests.sign_in import enter
from veche.opendata import dumps
from veche.opendata.models import DumpRun

pytestmark = pytest.mark.django_db

LIST = "/admin/opendata/dumprun/"


def operator(*codenames: str):
    user = make_user(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="opendata", codename__in=codenames)
    )
    return user


def test_an_operator_sees_a_failed_days_error(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.VECHE_OPEN_DATA_DIR = blocker
    dumps.dump_day()
    page = enter(client, operator("view_dumprun")).get(LIST).content.decode()
    assert DumpRun.objects.get().state == DumpRun.State.FAILED
    assert "FileExistsError: [Errno 17] File exists" in page


def test_staff_without_the_permission_does_not_see_the_dumps(client):
    assert enter(client, operator()).get(LIST).status_code == 403


def test_the_records_cannot_be_changed_or_deleted_in_the_admin(client):
    dumps.dump_day()
    run = DumpRun.objects.get()
    admin = enter(client, operator("view_dumprun", "change_dumprun", "delete_dumprun"))
    assert admin.post(f"{LIST}{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin.get(f"{LIST}add/").status_code == 403
    assert DumpRun.objects.filter(pk=run.pk, state=DumpRun.State.DONE).exists()

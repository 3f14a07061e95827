"""The admin names the libraries' parts in the operator's language: Django OAuth Toolkit,
django-tasks and allauth's authenticators have English names only of their own
(veche.api.apps.OAuthToolkitConfig, veche.core.apps.TaskQueueConfig, veche.accounts.apps, and
the Russian of their msgids in Veche's catalogue)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.factories import make_user
from tests.sign_in import enter

pytestmark = pytest.mark.django_db


def administrator(language: str) -> Client:
    user = make_user(is_staff=True, is_superuser=True)
    return enter(Client(HTTP_ACCEPT_LANGUAGE=language), user)


@pytest.mark.parametrize(
    "language, names, not_shown",
    [
        (
            "ru",
            [
                "Доступ к API (OAuth 2.0)",
                "Токены доступа",
                "Токены обновления",
                "ID-токены",
                "Коды авторизации",
                "Приложения",
                "Очередь задач",
                "Фоновые задачи",
                "Аутентификаторы",
            ],
            [
                "Django OAuth Toolkit",
                "Tasks Database Backend",
                "Access tokens",
                "Task Results",
                "Authenticators",
            ],
        ),
        (
            "en",
            [
                "API access (OAuth 2.0)",
                "Access tokens",
                "Refresh tokens",
                "ID tokens",
                "Authorization grants",
                "Applications",
                "Task queue",
                "Task Results",
            ],
            ["Django OAuth Toolkit", "Tasks Database Backend"],
        ),
    ],
)
def test_the_admin_index_names_the_libraries_parts_in_the_operators_language(
    language, names, not_shown
):
    page = administrator(language).get("/admin/").content.decode()
    for name in names:
        assert name in page, name
    for name in not_shown:
        assert name not in page, name


def test_a_background_tasks_page_reads_in_russian():
    now = timezone.now()
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.SUCCESSFUL,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="veche.core.outbox.sweep_outbox",
        backend_name="default",
        run_after=now,
        finished_at=now,
    )
    client = administrator("ru")
    table = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert "Выполнена" in table.content.decode()  # its status
    assert ">Задача<" in table.content.decode()  # a column
    page = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[task.pk])
    ).content.decode()
    for label in ("Поставлена в очередь", "Завершена", "Выполнить не раньше", "Трассировка"):
        assert label in page, label
    assert "Enqueued at" not in page and "Run after" not in page


def test_allauths_sign_in_apps_are_kept_by_identity_providers_not_in_their_own_table():
    """Made from an identity provider (its checks, audit rows, a secret never shown): allauth's
    own table of them would go around all that, and its tokens are never stored."""
    client = administrator("en")
    index = client.get("/admin/").content.decode()
    assert "Social applications" not in index and "Social application tokens" not in index
    assert "Social accounts" in index  # who signed in through which provider: still shown
    for table in ("socialapp", "socialtoken"):
        assert client.get(f"/admin/socialaccount/{table}/").status_code == 404

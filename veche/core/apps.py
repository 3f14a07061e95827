from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    default = True  # the application's own, beside a library's renamed below
    name = "veche.core"
    verbose_name = _("Site operations")
    label = "core"


class TaskQueueConfig(TasksAppConfig):
    """django-tasks' database backend, under a name an operator can read (the library's is
    English only); its rows are the queue of background work and what became of each task."""

    verbose_name = _("Task queue")

    def ready(self) -> None:
        super().ready()
        # The admin (installed before this application) has found the library's table by now.
        from django.contrib import admin

        from veche.core.admin import TaskResultAdmin

        model = self.get_model("DBTaskResult")
        admin.site.unregister(model)
        admin.site.register(model, TaskResultAdmin)

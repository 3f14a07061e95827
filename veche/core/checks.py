"""System checks of settings whose values come from a fixed set (run by `veche check`, and
before `migrate` and `runserver`): a value outside the set is reported with the setting's name
and the values it may hold. Each app checks the settings it reads, against its own choices,
registered in its AppConfig.ready(). (The settings module already refuses a typo in the
environment; a check also sees a value set in code, and the choices the apps really have.)"""

from collections.abc import Iterable

from django.conf import settings
from django.core import checks


def outside_choices(name: str, choices: Iterable[str], *, id: str) -> list[checks.Error]:
    """An error when setting `name`, one value or a list of them, holds one not in `choices`."""
    choices = list(choices)
    value = getattr(settings, name)
    values = [value] if isinstance(value, str) else list(value)
    unknown = [item for item in values if item not in choices]
    if not unknown:
        return []
    return [
        checks.Error(
            f"{name} holds {'an unknown value' if len(unknown) == 1 else 'unknown values'}: "
            f"{', '.join(repr(item) for item in unknown)}.",
            hint=f"{name} may hold only: {', '.join(choices)}.",
            id=id,
        )
    ]

"""What the residents' pages of appeals share: errors put into messages and one action on a
problem."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from veche.appeals.models import Problem


def _flash_errors(request, error: Exception) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _act(request, problem: Problem, action, success: str):
    """Run a service for a POSTed button; refusals become messages, nothing else changes."""
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        _flash_errors(request, error)
    else:
        messages.success(request, success)
    return redirect(problem.get_absolute_url())

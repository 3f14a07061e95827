"""The signing panel a signature is answered with, kept in each process with holes for what
changes from one signature to the next.

A surge answers thousands of signatures with the same panel but for its count, the count's
percentage of the threshold and the signatory's CSRF token, and rendering it took about a fifth
of a signature's CPU (0.9 of 4.7 ms, measured in-process). So the panel is rendered once for
everything else it shows (`_key`), with marker numbers where the count and the percentage go and
a marker for the token, and each signature fills them in. The output is the template's, byte for
byte (the tests compare the two for counts and states of the appeal, in both languages).

The count selects plural forms ("1 подпись", "2 подписи", "5 подписей"), so the marker count
ends in the same two digits as the real one: every plural rule of Veche's languages (Russian,
English) depends on the count only through its last two digits and whether it is one, and a
count of one is rendered in full. A language whose rule looks further (Arabic's, at 0–2 and
above 100) must be keyed further before it is added.

The panel is rendered without the request: nothing of the person who signed (their name, their
messages) may be kept and handed to the next signatory. A template change that read the
request's context would render differently from the page's panel and fail the tests.
"""

import threading
from collections import OrderedDict

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from veche.appeals.models import Appeal, Problem, Signature

from .problem_page import _signed_box_context

TEMPLATE = "appeals/_sign_box.html"
# Markers no panel shows otherwise: numbers far above any count or threshold, and a token in
# letters, which escaping leaves as it is.
COUNT_MARKER_BASE = 731_415_900
PERCENT_MARKER = 271_828_182
CSRF_MARKER = "vecheSignedPanelCsrfMarker"
# Panels kept per process: one per appeal and state and last two digits of the count in each
# language, so a handful of appeals signed at once fit many times over.
KEPT = 2048

_kept: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


class _Marked:
    """The appeal as the template reads it, with the markers for its count and percentage; all
    else (its resonance too, which the real count decides) is the appeal's own."""

    def __init__(self, appeal: Appeal, count: int, percent: int):
        self._appeal = appeal
        self.signature_count = count
        self.progress_percent = percent

    def __getattr__(self, name):
        return getattr(self._appeal, name)


def signed_panel(request, problem: Problem, appeal: Appeal, signature: Signature) -> str:
    """The panel `render(request, TEMPLATE, _signed_box_context(…))` gives, from a kept copy."""
    count = appeal.signature_count
    token = get_token(request)
    if count == 1:
        return _render(problem, appeal, signature, token)
    marker = COUNT_MARKER_BASE + count % 100  # same plural forms as the count
    key = _key(problem, appeal, signature)
    with _lock:
        shell = _kept.get(key)
        if shell is not None:
            _kept.move_to_end(key)
    if shell is None:
        shell = _render(problem, _Marked(appeal, marker, PERCENT_MARKER), signature, CSRF_MARKER)
        with _lock:
            _kept[key] = shell
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
    return (
        shell.replace(_shown(marker), _shown(count))
        .replace(_shown(PERCENT_MARKER), _shown(appeal.progress_percent))
        .replace(CSRF_MARKER, conditional_escape(token))
    )


def _key(problem: Problem, appeal: Appeal, signature: Signature) -> tuple:
    """Everything the panel shows but the count, its percentage and the token."""
    return (
        get_language(),
        problem.pk,
        appeal.pk,
        appeal.status,
        appeal.sent_by_author,
        appeal.sent_at,
        appeal.signature_threshold,
        appeal.resonant,
        appeal.signature_count % 100,
        signature.revision.number,
        signature.after_dispatch,
        signature.supplementary_list_id is None,
    )


def _render(problem: Problem, appeal, signature: Signature, token: str) -> str:
    context = _signed_box_context(problem, appeal, signature)
    return render_to_string(TEMPLATE, {**context, "csrf_token": token})


def _shown(number: int) -> str:
    """A number as the template shows it (localized, escaped)."""
    return str(conditional_escape(localize(number)))


def forget_kept() -> None:
    """Drop every kept panel (for tests)."""
    with _lock:
        _kept.clear()

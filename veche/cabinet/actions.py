"""What an official does to an appeal from the cabinet: a registry of small actions, each with
its form, the permission that offers it, and the one service it calls."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from veche.appeals import services
from veche.appeals.models import Answer, Appeal
from veche.appeals.policy import policy_for
from veche.cabinet.forms import (
    AnswerForm,
    ControlForm,
    ExtensionForm,
    ForwardForm,
    MessageForm,
    RegisterForm,
    SignatoriesMessageForm,
)


def _appeal_url(appeal: Appeal, anchor: str = "") -> str:
    return reverse("cabinet:appeal", args=[appeal.pk]) + (f"#{anchor}" if anchor else "")


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


@dataclass(frozen=True)
class Action:
    key: str
    # Asked before anything else: who may attempt the action at all (refused with 403).
    gate: str
    # Whether to offer the form now: the role and the appeal's state.
    permission: str
    form_class: type[forms.Form]
    # Calls one service and says what happened.
    perform: Callable[[Any, Appeal, dict], str]
    form_kwargs: Callable[[Appeal], dict] = field(default=lambda appeal: {})
    next_url: Callable[[Appeal], str] = field(default=lambda appeal: _appeal_url(appeal, "history"))

    def form(self, appeal: Appeal, data=None, files=None) -> forms.Form:
        return self.form_class(data, files, prefix=self.key, **self.form_kwargs(appeal))


def _due_if_registered_today(appeal: Appeal):
    return policy_for(appeal.organization).due_date(timezone.localdate())


def _register(user, appeal: Appeal, data: dict) -> str:
    appeal = services.register_appeal(
        official=user,
        appeal=appeal,
        registration_number=data["registration_number"],
        registered_on=data.get("registered_on"),
    )
    return gettext("Registered under No. %(number)s. The answer is due on %(due)s.") % {
        "number": appeal.registration_number,
        "due": _date(appeal.due_date),
    }


def _message(user, appeal: Appeal, data: dict) -> str:
    services.send_message(sender=user, appeal=appeal, text=data["text"])
    return gettext("Your message has been sent to the author.")


def _message_signatories(user, appeal: Appeal, data: dict) -> str:
    services.message_signatories(
        official=user, appeal=appeal, text=data["text"], public=data["public"]
    )
    if data["public"]:
        return gettext("Your message has been sent to the signatories and published.")
    return gettext("Your message has been sent to the signatories.")


def _answer(kind: str) -> Callable[[Any, Appeal, dict], str]:
    def perform(user, appeal: Appeal, data: dict) -> str:
        services.answer_appeal(
            official=user,
            appeal=appeal,
            kind=kind,
            text=data["text"],
            attachments=data["attachments"],
            on_letterhead=data["on_letterhead"],
        )
        if kind == Answer.Kind.FINAL:
            appeal.refresh_from_db()
            return gettext(
                "The final answer has been sent. Signatories can rate it until %(until)s."
            ) % {"until": _date(appeal.rating_until)}
        return gettext("The interim answer has been sent.")

    return perform


def _extend(user, appeal: Appeal, data: dict) -> str:
    services.answer_appeal(
        official=user, appeal=appeal, kind=Answer.Kind.EXTENSION, text=data["reason"]
    )
    appeal.refresh_from_db()
    return gettext("The deadline has been extended to %(due)s.") % {"due": _date(appeal.due_date)}


def _forward(user, appeal: Appeal, data: dict) -> str:
    services.forward_appeal(
        official=user, appeal=appeal, organization=data["organization"], reason=data["reason"]
    )
    return gettext("The appeal has been forwarded to %(organization)s.") % {
        "organization": data["organization"].title
    }


def _control(user, appeal: Appeal, data: dict) -> str:
    services.set_under_control(head=user, appeal=appeal, under_control=data["under_control"])
    if data["under_control"]:
        return gettext("The appeal is under your control.")
    return gettext("Control over the appeal has been lifted.")


ACTIONS: dict[str, Action] = {
    action.key: action
    for action in (
        Action(
            "register",
            gate="cabinet.act_on_appeal",
            permission="cabinet.register_appeal",
            form_class=RegisterForm,
            perform=_register,
            form_kwargs=lambda appeal: {
                "due_date": _due_if_registered_today(appeal),
                "appeal": appeal,
            },
        ),
        Action(
            "interim",
            gate="cabinet.act_on_appeal",
            permission="cabinet.answer_appeal",
            form_class=AnswerForm,
            perform=_answer(Answer.Kind.INTERIM),
        ),
        Action(
            "final",
            gate="cabinet.act_on_appeal",
            permission="cabinet.answer_appeal",
            form_class=AnswerForm,
            perform=_answer(Answer.Kind.FINAL),
        ),
        Action(
            "extension",
            gate="cabinet.act_on_appeal",
            permission="cabinet.extend_deadline",
            form_class=ExtensionForm,
            perform=_extend,
        ),
        Action(
            "message",
            gate="cabinet.act_on_appeal",
            permission="cabinet.message_author",
            form_class=MessageForm,
            perform=_message,
        ),
        Action(
            "signatories",
            gate="cabinet.act_on_appeal",
            permission="cabinet.message_signatories",
            form_class=SignatoriesMessageForm,
            perform=_message_signatories,
        ),
        Action(
            "forward",
            gate="cabinet.act_on_appeal",
            permission="cabinet.forward_appeal",
            form_class=ForwardForm,
            perform=_forward,
            form_kwargs=lambda appeal: {"current": appeal.organization},
            # The appeal leaves this organization's cabinet: back to its inbox.
            next_url=lambda appeal: (
                reverse("cabinet:home")
                + "?"
                + urlencode({"organization": appeal.organization.slug})
            ),
        ),
        Action(
            "control",
            gate="cabinet.take_under_control",
            permission="cabinet.take_under_control",
            form_class=ControlForm,
            perform=_control,
            form_kwargs=lambda appeal: {"initial": {"under_control": not appeal.under_control}},
            next_url=lambda appeal: _appeal_url(appeal),
        ),
    )
}

"""Sending text messages: a small backend interface, like Django's email backends.

``STEWARD_SMS_BACKEND`` names a class with ``send(to, body)``. Development
prints a redacted line (never the number or the text: a console is a log);
tests collect messages in ``outbox``; production plugs in its gateway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("steward.sms")


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsBackend(Protocol):
    def send(self, to: str, body: str) -> None: ...


outbox: list[TextMessage] = []


class LocmemBackend:
    """Keeps messages in ``steward.core.sms.outbox`` (tests)."""

    def send(self, to: str, body: str) -> None:
        outbox.append(TextMessage(to, body))


class ConsoleBackend:
    """Logs that a message was sent, to whom only by the last two digits (development)."""

    def send(self, to: str, body: str) -> None:
        logger.info(
            "SMS to …%s (%d characters) not really sent: development backend", to[-2:], len(body)
        )


def send_sms(to: str, body: str) -> None:
    backend: SmsBackend = import_string(settings.STEWARD_SMS_BACKEND)()
    backend.send(to, body)

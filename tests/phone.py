"""Text messages in tests: what the memory gateway was given (the `sms_outbox` fixture of the
root conftest.py sets it up)."""

import re

from veche.identity import sms


def sent_code(index: int = -1) -> str:
    """The six-digit code in a text message sent (the last one unless told)."""
    return re.search(r"\b(\d{6})\b", sms.outbox[index].text).group(1)

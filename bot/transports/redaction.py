"""The bot token never reaches any output. Telegram puts it in every request URL, so it turns up
in httpx's request logs, in python-telegram-bot's InvalidToken message and in tracebacks: a
logging filter blanks it out of every record, and start-up failures print one redacted line."""

from __future__ import annotations

import logging
from urllib.parse import quote

SHOWN_AS = "<TELEGRAM_BOT_TOKEN>"
SECRET_SHOWN_AS = "***"


class Redactor:
    """Replaces a secret in text: the whole token (as typed and percent-encoded) and, for a Bot API
    token ``<bot id>:<secret>``, the secret half on its own."""

    def __init__(self, token: str) -> None:
        token = token.strip()
        self.forms = sorted({token, quote(token, safe="")} - {""}, key=len, reverse=True)
        _, _, secret = token.partition(":")
        self.secret = secret if len(secret) >= 8 else ""  # a short half would blank common words

    @property
    def shown(self) -> str:
        """The token as it may be printed: the bot's id, the secret hidden (``123456:***``)."""
        bot_id = self.forms[-1].partition(":")[0] if self.secret else ""
        return f"{bot_id}:{SECRET_SHOWN_AS}" if bot_id else SHOWN_AS

    def __call__(self, text: str) -> str:
        for form in self.forms:
            text = text.replace(form, SHOWN_AS)
        if self.secret:
            text = text.replace(self.secret, SECRET_SHOWN_AS)
        return text


class RedactingFilter(logging.Filter):
    """A handler filter: the record's message, exception text and stack as they will be printed,
    each with the token blanked out."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_redaction(token: str, logger: logging.Logger | None = None) -> Redactor:
    """Put the filter on every handler of ``logger`` (default: the root logger, where every
    record ends up); call it once the handlers exist."""
    redact = Redactor(token)
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(redact))
    return redact

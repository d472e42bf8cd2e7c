"""The bot token never appears in any output: `coach run` against a Bot API that rejects the token
or cannot be reached prints one redacted line and exits non-zero; log records are redacted."""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys

import pytest

from bot.transports.redaction import RedactingFilter, Redactor, install_redaction
from tests.conftest import REPO
from tests.support.fake_bot_api import FakeBotAPI

WRONG = "987654321:AAH-wrong-secret_Zq8xT3"


def _coach_run(tmp_path, token: str, base_url: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        COACH_HOME=str(tmp_path),
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=base_url,
        PYTHONUNBUFFERED="1",
    )
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: nothing listens there


def test_a_rejected_token_is_said_in_one_line_without_the_token(tmp_path):
    with FakeBotAPI() as fake:  # it answers 401 to any token but its own
        done = _coach_run(tmp_path, WRONG, f"http://127.0.0.1:{fake.port}")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert WRONG not in output and WRONG.split(":")[1] not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines[-1] == "Telegram 拒绝了机器人令牌 987654321:***：请检查 TELEGRAM_BOT_TOKEN。", output
    assert "Traceback" not in output


def test_an_unreachable_bot_api_is_said_in_one_line_without_the_token(tmp_path):
    done = _coach_run(tmp_path, WRONG, f"http://127.0.0.1:{_closed_port()}")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert WRONG.split(":")[1] not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines[-1].startswith("连不上 Telegram Bot API（NetworkError") and "Traceback" not in output, output


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("test-redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def test_log_records_never_print_the_token(captured):
    logger, stream = captured
    redact = install_redaction(WRONG, logger)
    install_redaction(WRONG, logger)  # twice: still one filter per handler
    assert sum(isinstance(f, RedactingFilter) for f in logger.handlers[0].filters) == 1
    url = f"http://127.0.0.1/bot{WRONG}/getMe"
    logging.getLogger("test-redaction").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)  # as httpx logs
    logger.warning("file %s", f"/file/bot{WRONG.replace(':', '%3A')}/photos/1.jpg")  # percent-encoded
    try:
        raise RuntimeError(f"The token `{WRONG}` was rejected by the server.")
    except RuntimeError:
        logger.exception("start failed")
    printed = stream.getvalue()
    assert WRONG not in printed and WRONG.split(":")[1] not in printed, printed
    assert "POST http://127.0.0.1/bot<TELEGRAM_BOT_TOKEN>/getMe" in printed
    assert "/file/bot<TELEGRAM_BOT_TOKEN>/photos/1.jpg" in printed
    assert "RuntimeError: The token `<TELEGRAM_BOT_TOKEN>` was rejected" in printed
    assert redact.shown == "987654321:***"


def test_a_short_secret_is_redacted_whole_only():
    redact = Redactor("1:abc")
    assert redact("token 1:abc, word abc") == "token <TELEGRAM_BOT_TOKEN>, word abc"
    assert redact.shown == "<TELEGRAM_BOT_TOKEN>"

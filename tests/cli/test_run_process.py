"""`coach run` as a process: long polling and webhook mode against the fake Bot API, and SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import MODELS_DIR, REPO
from tests.support.fake_bot_api import FakeBotAPI

REP = 4242


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def home(settings, embedder, corpus):
    """A COACH_HOME whose index already holds the small test corpus, so start-up skips indexing
    the 45-card starter playbook (minutes on a busy 2-core machine)."""
    from knowledge.service import open_knowledge_base

    open_knowledge_base(settings, embedder=embedder).ingestor.ingest([corpus])
    return settings.coach_home


def _start(tmp_path, fake: FakeBotAPI, **extra: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        COACH_HOME=str(tmp_path),
        COACH_MODELS_DIR=str(MODELS_DIR),
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{fake.port}",
        **extra,
    )
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "users", "add", "--telegram-id", str(REP), "--name", "小李"],
        env=env, cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    log = (tmp_path / "bot.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"], env=env, cwd=REPO, stdout=log, stderr=log
    )


def _wait_listening(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def _stop(process: subprocess.Popen) -> float:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    return time.monotonic() - started


@pytest.fixture
def fake():
    with FakeBotAPI() as api:
        yield api


def test_long_polling_answers_and_sigterm_stops_cleanly(home, fake):
    tmp_path = home
    process = _start(tmp_path, fake)
    try:
        fake.wait_for_calls("getUpdates", pending=True, timeout=180)
        # the model and the index were loaded before polling began
        assert "model and index loaded" in (tmp_path / "bot.log").read_text()
        fake.push_message(REP, "/whoami")
        assert "小李" in fake.wait_for_reply(REP, timeout=30).text
        fake.push_message(999, "你好")
        assert "邀请码" in fake.wait_for_reply(999, timeout=30).text
    finally:
        seconds = _stop(process)
    log = (tmp_path / "bot.log").read_text()
    assert process.returncode == 0, log
    assert seconds < 10
    assert fake.token not in log  # the token never reaches the logs


def test_webhook_mode_checks_the_secret(home, fake):
    tmp_path = home
    port = _free_port()
    process = _start(
        tmp_path,
        fake,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}",
        TELEGRAM_WEBHOOK_SECRET="s3cret-token",
        TELEGRAM_LISTEN="127.0.0.1",
        TELEGRAM_PORT=str(port),
    )
    try:
        [hook] = fake.wait_for_calls("setWebhook", timeout=180)
        assert hook.params["url"] == f"http://127.0.0.1:{port}/telegram"
        assert hook.params["secret_token"] == "s3cret-token"
        _wait_listening(port)  # PTB registers the webhook as its listener comes up
        forged = fake.message_update(REP, "/whoami")
        assert fake.deliver_webhook(hook.params["url"], forged, "wrong") == 403
        fake.push_message(REP, "/whoami")  # delivered by the fake with the right secret
        assert "小李" in fake.wait_for_reply(REP, timeout=30).text
    finally:
        _stop(process)
    assert process.returncode == 0, (tmp_path / "bot.log").read_text()

"""A real `chroma run` server on a free port, for the tests of several processes sharing one
knowledge base (skipped, with the reason, where the server cannot start), and the knowledge base
one such process opens on it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip(f"no chroma CLI beside {sys.executable}")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"`chroma run` did not start: {(tmp_path / 'chroma.log').read_text()[-300:]}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def process_kb(home: Path, url: str, embedder):
    """The knowledge base of one bot process on the server at ``url`` (its own cache and BM25)."""
    from config import load_settings
    from knowledge.service import open_knowledge_base
    from tests.conftest import MODELS_DIR

    settings = load_settings(coach_home=home, coach_models_dir=MODELS_DIR, chroma_url=url)
    return open_knowledge_base(settings, embedder=embedder, composer=None)

"""A local OpenAI-compatible chat-completions server for tests of the LLM path.

It can play what a real server (llama.cpp with a small model) was seen to do: each request takes the
next :class:`Play` of its script (the last one repeats), or the plain `reply`/`delay_s`/`status`.
Like a real server it honours ``max_tokens`` (one character = one token here: a longer reply is cut
and ends with ``finish_reason: "length"``) and takes ``token_s`` seconds per token it generates.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Play:
    content: str = ""
    status: int = 200
    delay_s: float = 0.0  # before answering (a hang when longer than the client's timeout)
    token_s: float = 0.0  # per generated token
    fields: dict | None = None  # structured reply: tool call arguments, or JSON content
    body: str | None = None  # a raw body instead of a chat completion (HTML …)
    content_type: str = "application/json"

    @classmethod
    def html(cls) -> Play:
        page = "<!DOCTYPE html><html><head><title>Gateway</title></head><body>login required</body></html>"
        return cls(body=page, content_type="text/html; charset=utf-8")

    @classmethod
    def error(cls, status: int, kind: str = "server_error") -> Play:
        body = json.dumps({"error": {"message": "details the client must not log", "type": kind}})
        return cls(status=status, body=body)

    @classmethod
    def hang(cls, seconds: float = 30.0) -> Play:
        return cls(content="太迟了 [1]", delay_s=seconds)


class OpenAIStub:
    def __init__(
        self, reply: str = "", delay_s: float = 0.0, status: int = 200, script: list[Play] | None = None
    ) -> None:
        self.script = list(script) if script else [Play(reply, status=status, delay_s=delay_s)]
        if status != 200 and not script:
            self.script = [Play.error(status)]
        self.requests: list[dict] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with stub._lock:
                    stub.requests.append(
                        {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                    )
                    play = stub.script.pop(0) if len(stub.script) > 1 else stub.script[0]
                status, content_type, data, seconds = stub._respond(play, body)
                if stub._stop.wait(seconds):
                    return
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _respond(self, play: Play, request: dict) -> tuple[int, str, bytes, float]:
        if play.body is not None:
            return play.status, play.content_type, play.body.encode(), play.delay_s
        message: dict = {"role": "assistant", "content": play.content}
        content = play.content
        if play.fields is not None:
            arguments = json.dumps(play.fields, ensure_ascii=False)
            if request.get("tools"):
                content = ""
                message = {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call-1",
                            "type": "function",
                            "function": {
                                "name": request["tools"][0]["function"]["name"],
                                "arguments": arguments,
                            },
                        }
                    ],
                }
            else:
                content = arguments
        limit = request.get("max_tokens")
        finish = "stop"
        if limit is not None and len(content) > limit:
            content, finish = content[:limit], "length"
        if "tool_calls" not in message:
            message["content"] = content
        payload = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "stub"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": 1,
                "completion_tokens": len(content),
                "total_tokens": 1 + len(content),
            },
        }
        data = json.dumps(payload, ensure_ascii=False).encode()
        return play.status, "application/json", data, play.delay_s + play.token_s * len(content)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> OpenAIStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

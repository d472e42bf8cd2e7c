"""A local fake of the Telegram Bot API, for end-to-end tests of the real python-telegram-bot stack.

The server is a plain :class:`http.server.ThreadingHTTPServer` on ``127.0.0.1`` (ephemeral port) that
runs in a background thread, so it serves a bot running in the test's own event loop as well as a bot
running in a subprocess.  Point PTB at it with::

    with FakeBotAPI() as fake:
        app = (
            ApplicationBuilder()
            .token(fake.token)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .build()
        )
        fake.push_message(42, "/start")
        ...
        reply = await fake.await_reply(42)

Protocol facts this fake mirrors (measured against PTB 22.x):

* requests arrive as ``POST /bot{token}/{method}``, form-urlencoded, or multipart/form-data when
  a file is uploaded; scalars are plain strings and nested values (reply_markup, entities, commands,
  scope, ...) are JSON strings.
* every answer is ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description":
  ..., ["parameters": {...}]}`` with the matching HTTP status; PTB maps 429+retry_after to
  ``RetryAfter``, 400 to ``BadRequest``, 403 to ``Forbidden``, 401/404 to ``InvalidToken``, 409 to
  ``Conflict`` and everything else (502, ...) to ``NetworkError``.
* ``getUpdates`` long-polls: it is held until an update arrives or its ``timeout`` passes.
* a webhook listener only accepts ``Content-Type: application/json`` (exactly, no charset) and
  answers 403 when ``X-Telegram-Bot-Api-Secret-Token`` is missing or wrong.

Blocking helpers (``wait_for_*``, ``deliver_webhook``) must not be called from the event loop the bot
runs in: use the ``await_*`` / ``adeliver_webhook`` variants there.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Call", "FakeBotAPI", "Fault"]

DEFAULT_TOKEN = "123456789:TEST-fake-bot-api-token"
#: getFile refuses files bigger than this, as the real Bot API does for bots ("file is too big").
BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024

# A 1x1 transparent PNG: what push_photo() "uploads" unless given other bytes.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e5273fde0000000049454e44ae426082"
)

# Parameters whose values PTB sends as JSON strings; Call.params holds them decoded.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
        "media",
        "results",
        "options",
        "prices",
        "message_ids",
        "reaction",
    }
)
# Free-text parameters that must never be coerced (a text "123" stays a string).
_TEXT_PARAMS = frozenset(
    {"text", "caption", "data", "description", "short_description", "name", "title", "query"}
)
_INT_RE = re.compile(r"-?\d+")
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")

# Methods whose successful result is a message the bot put into a chat.
_SENT_METHODS = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText")


def _utf16_len(text: str) -> int:
    """Telegram measures entity offsets/lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _decode_params(raw: dict[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in raw.items():
        decoded: Any = value
        if key not in _TEXT_PARAMS:
            if key in _JSON_PARAMS or value[:1] in ("{", "["):
                with contextlib.suppress(ValueError):
                    decoded = json.loads(value)
            elif _INT_RE.fullmatch(value):
                decoded = int(value)
            elif value in ("true", "false"):
                decoded = value == "true"
        params[key] = decoded
    return params


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """Minimal multipart/form-data parser (the stdlib `cgi` module is deprecated)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise ValueError("multipart body without boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part.removeprefix(b"\r\n")
        head, _, data = part.partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        disposition = ""
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-disposition":
                disposition = value
        name_m = re.search(r'\bname="([^"]*)"', disposition)
        if not name_m:
            continue
        filename_m = re.search(r'\bfilename="([^"]*)"', disposition)
        if filename_m:
            files[name_m.group(1)] = (urllib.parse.unquote(filename_m.group(1)), data)
        else:
            fields[name_m.group(1)] = data.decode("utf-8")
    return fields, files


@dataclass
class Call:
    """One request the bot made.  ``params`` are decoded (JSON fields parsed, integer/bool-looking
    non-text values converted); ``raw_params`` are the strings as sent.  ``status`` and ``result``
    are filled in once the fake has answered (``status`` 0 while a long poll is still held)."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes]
    at: float
    filenames: dict[str, str] = field(default_factory=dict)
    raw_params: dict[str, str] = field(default_factory=dict)
    status: int = 0
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """``text`` (sendMessage/editMessageText) or ``caption`` (sendPhoto/sendDocument)."""
        value = self.params.get("text", self.params.get("caption"))
        return None if value is None else str(value)

    @property
    def reply_markup(self) -> Any:
        return self.params.get("reply_markup")


@dataclass
class Fault:
    """A scheduled failure for the next ``times`` calls of ``method``."""

    method: str
    status: int = 429
    times: int = 1
    retry_after: int | None = 1
    description: str | None = None
    drop: bool = False

    def body(self) -> dict[str, Any]:
        if self.status == 429:
            retry = self.retry_after if self.retry_after is not None else 1
            out: dict[str, Any] = {
                "ok": False,
                "error_code": 429,
                "description": self.description or f"Too Many Requests: retry after {retry}",
                "parameters": {"retry_after": retry},
            }
            return out
        default = {
            400: "Bad Request: fake failure",
            401: "Unauthorized",
            403: "Forbidden: bot was blocked by the user",
            404: "Not Found",
            409: "Conflict: terminated by other getUpdates request",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }.get(self.status, "Fake failure")
        return {"ok": False, "error_code": self.status, "description": self.description or default}


class _APIError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # we track and join our own connection threads

    def __init__(self, fake: FakeBotAPI) -> None:
        self.fake = fake
        self.conn_lock = threading.Lock()
        self.conn_threads: set[threading.Thread] = set()
        self.conns: set[socket.socket] = set()
        self._counter = itertools.count(1)
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"FakeBotAPI-conn-{next(self._counter)}",
            daemon=True,
        )
        with self.conn_lock:
            self.conn_threads.add(thread)
            self.conns.add(request)
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self.conn_lock:
                self.conn_threads.discard(threading.current_thread())
                self.conns.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hang up on long polls all the time (PTB cancels them on stop); stay quiet.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections are closed after this many seconds
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send_json(self, status: int, payload: Any) -> None:
        # \uXXXX escapes (as Telegram sends them): a lone surrogate in a message stays encodable.
        body = json.dumps(payload).encode("ascii")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def _drop(self) -> None:
        """Close the socket without answering: httpx sees 'Server disconnected'."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_GET(self) -> None:
        fake = self.server.fake
        path, _, query = self.path.partition("?")
        # PTB percent-encodes the whole file URL path, so the token's ':' arrives as '%3A'.
        path = urllib.parse.unquote(path)
        file_prefix = f"/file/bot{fake.token}/"
        if path.startswith(file_prefix):
            blob = fake._file_by_path(path[len(file_prefix) :])
            if blob is None:
                self._send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(blob)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(blob)
            return
        raw = {k: v[-1] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        self._api(path, raw, {})

    def do_POST(self) -> None:
        body = self._read_body()
        path = urllib.parse.unquote(self.path.partition("?")[0])
        content_type = self.headers.get("Content-Type") or ""
        files: dict[str, tuple[str, bytes]] = {}
        if content_type.startswith("multipart/form-data"):
            raw, files = _parse_multipart(body, content_type)
        elif content_type.startswith("application/json"):
            data = json.loads(body or b"{}")
            raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
        else:
            parsed = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
            raw = {k: v[-1] for k, v in parsed.items()}
        self._api(path, raw, files)

    def _api(self, path: str, raw: dict[str, str], files: dict[str, tuple[str, bytes]]) -> None:
        fake = self.server.fake
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z_]+)", path)
        if not match:
            self._send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        if match.group(1) != fake.token:
            self._send_json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        outcome = fake._handle_call(match.group(2), raw, files)
        if outcome is None:
            self._drop()
        else:
            self._send_json(*outcome)


class FakeBotAPI:
    """A fake Telegram Bot API server.  Thread-safe; see the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "salescoach_test_bot",
        bot_first_name: str = "SalesCoach Test",
    ) -> None:
        self._token = token
        head = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(head) if head.isdigit() else 123456789,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._cond = threading.Condition()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._delivery_thread: threading.Thread | None = None
        self._stopping = False
        self._reset_state()

    def _reset_state(self) -> None:
        self._calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []  # pending, not yet confirmed via offset
        self._next_update_id = 1
        self._message_ids: dict[Any, int] = {}
        self._chats: dict[Any, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[Any, int], dict[str, Any]] = {}  # (chat_id, message_id) -> message
        self._files: dict[str, dict[str, Any]] = {}  # file_id -> {"data", "file_path", ...}
        self._file_counter = itertools.count(1)
        self._downloads: list[str] = []
        self._callback_counter = itertools.count(1)
        self._faults: list[Fault] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self._webhook_queue: list[dict[str, Any]] = []
        self._reply_cursors: dict[Any, int] = {}

    # ------------------------------------------------------------------ lifecycle
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeBotAPI is not started")
        return self._server.server_address[1]

    @property
    def token(self) -> str:
        return self._token

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``: PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> FakeBotAPI:
        if self._server is not None:
            raise RuntimeError("FakeBotAPI already started")
        self._stopping = False
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeBotAPI-server"
        )
        self._thread.daemon = True
        self._thread.start()
        self._delivery_thread = threading.Thread(
            target=self._delivery_loop, name="FakeBotAPI-webhook-delivery", daemon=True
        )
        self._delivery_thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, release held long polls, close client connections and join every thread."""
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        server.shutdown()
        if thread is not None:
            thread.join(timeout)
        with server.conn_lock:
            conns = list(server.conns)
            threads = list(server.conn_threads)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        if self._delivery_thread is not None:
            self._delivery_thread.join(max(0.0, deadline - time.monotonic()))
        server.server_close()
        self._server = self._thread = self._delivery_thread = None

    def threads(self) -> list[threading.Thread]:
        """Threads this fake owns that are still alive (empty after stop())."""
        return [t for t in threading.enumerate() if t.name.startswith("FakeBotAPI-")]

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> FakeBotAPI:
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

    # ------------------------------------------------------------------ recording
    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method.lower() == method.lower()]

    def sent_messages(self, chat_id: Any = None) -> list[Call]:
        """Successful sendMessage/sendPhoto/sendDocument/editMessageText calls, in order."""
        wanted = {m.lower() for m in _SENT_METHODS}
        with self._cond:
            return [
                c
                for c in self._calls
                if c.method.lower() in wanted
                and c.status == 200
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
            ]

    def clear(self) -> None:
        """Forget recorded calls (and reply cursors); chats, messages and pending updates stay."""
        with self._cond:
            self._calls.clear()
            self._reply_cursors.clear()

    def reset(self) -> None:
        """Forget everything: calls, pending updates, messages, faults, webhook, commands."""
        with self._cond:
            self._reset_state()
            self._cond.notify_all()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        with self._cond:
            return copy.deepcopy(self._updates)

    # ------------------------------------------------------------------ waiting
    def wait_for_calls(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10,
        predicate: Callable[[Call], bool] | None = None,
        *,
        pending: bool = False,
    ) -> list[Call]:
        """Block until at least ``count`` answered calls of ``method`` (matching ``predicate``) are
        recorded; returns all of them.  ``pending=True`` also counts calls still being answered (a
        held getUpdates long poll: "the bot is polling now").  Raises TimeoutError.  Blocking: not
        for use inside the bot's own event loop (use ``await_calls``)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = self._matching(method, predicate, pending)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{method}: wanted {count} call(s), got {len(found)} in {timeout}s")
                self._cond.wait(remaining)

    async def await_calls(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10,
        predicate: Callable[[Call], bool] | None = None,
        *,
        pending: bool = False,
    ) -> list[Call]:
        """Async wait_for_calls: polls without blocking the event loop."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                found = self._matching(method, predicate, pending)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{method}: wanted {count} call(s), got {len(found)} in {timeout}s")
            await asyncio.sleep(0.01)

    def _matching(
        self, method: str, predicate: Callable[[Call], bool] | None, pending: bool = False
    ) -> list[Call]:
        return [
            c
            for c in self._calls
            if c.method.lower() == method.lower()
            and (pending or c.status != 0)
            and (predicate is None or predicate(c))
        ]

    def _reply_at(self, chat_id: Any, after: int | None) -> tuple[int, Call | None]:
        index = self._reply_cursors.get(str(chat_id), 0) if after is None else after
        sent = [
            c
            for c in self._calls
            if c.method.lower() in {m.lower() for m in _SENT_METHODS}
            and c.status == 200
            and str(c.params.get("chat_id")) == str(chat_id)
        ]
        return index, (sent[index] if len(sent) > index else None)

    def wait_for_reply(self, chat_id: Any, timeout: float = 10, after: int | None = None) -> Call:
        """The message the bot sent to ``chat_id`` at position ``after`` of ``sent_messages(chat_id)``.
        Without ``after`` a per-chat cursor is used and advanced, so successive calls return
        successive replies.  Raises TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                index, call = self._reply_at(chat_id, after)
                if call is not None:
                    if after is None:
                        self._reply_cursors[str(chat_id)] = index + 1
                    return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no reply #{index} to chat {chat_id} within {timeout}s")
                self._cond.wait(remaining)

    async def await_reply(self, chat_id: Any, timeout: float = 10, after: int | None = None) -> Call:
        """Async wait_for_reply: polls without blocking the event loop."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                index, call = self._reply_at(chat_id, after)
                if call is not None:
                    if after is None:
                        self._reply_cursors[str(chat_id)] = index + 1
                    return call
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no reply #{index} to chat {chat_id} within {timeout}s")
            await asyncio.sleep(0.01)

    def reply_count(self, chat_id: Any) -> int:
        """len(sent_messages(chat_id)): take it before pushing, pass it as ``after=``."""
        return len(self.sent_messages(chat_id))

    # ------------------------------------------------------------------ faults
    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        description: str | None = None,
        drop: bool = False,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail: 429 with ``retry_after`` (PTB raises
        RetryAfter), any other status with Telegram's error shape (502 -> NetworkError), or, with
        ``drop=True``, a socket closed without any response (NetworkError as well)."""
        with self._cond:
            self._faults.append(
                Fault(
                    method,
                    status=status,
                    times=times,
                    retry_after=retry_after,
                    description=description,
                    drop=drop,
                )
            )

    def drop_next(self, method: str, *, times: int = 1) -> None:
        self.fail_next(method, times=times, drop=True)

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.method.lower() == method.lower() and fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------------ injecting updates
    def _user(self, user_id: int, first_name: str = "Test", username: str | None = None) -> dict[str, Any]:
        user = self._users.get(user_id)
        if user is None or first_name != "Test" or username is not None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}
            if username:
                user["username"] = username
            self._users[user_id] = user
        return user

    def _chat(self, chat_id: Any, user: dict[str, Any] | None = None) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is None:
            if isinstance(chat_id, int) and chat_id > 0:
                chat = {"id": chat_id, "type": "private"}
                if user is not None and user["id"] == chat_id:
                    chat["first_name"] = user["first_name"]
                    if "username" in user:
                        chat["username"] = user["username"]
            elif isinstance(chat_id, int) and str(chat_id).startswith("-100"):
                chat = {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
            elif isinstance(chat_id, int):
                chat = {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
            else:  # "@channelusername"
                chat = {"id": -1000000000000 - abs(hash(chat_id)) % 10**9, "type": "channel"}
                chat["username"] = str(chat_id).lstrip("@")
            self._chats[chat_id] = chat
        return chat

    def _new_message_id(self, chat_id: Any) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _user_message(
        self, user_id: int, chat_id: int | None, first_name: str, username: str | None
    ) -> dict[str, Any]:
        user = self._user(user_id, first_name, username)
        cid = user_id if chat_id is None else chat_id
        chat = self._chat(cid, user)
        message = {
            "message_id": self._new_message_id(cid),
            "date": int(time.time()),
            "chat": dict(chat),
            "from": dict(user),
        }
        return message

    def _enqueue(self, update: dict[str, Any]) -> dict[str, Any]:
        if "update_id" not in update:
            update = {"update_id": self._next_update_id, **update}
        self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        if self.webhook is not None:
            self._webhook_queue.append(update)
        else:
            self._updates.append(update)
        self._cond.notify_all()
        return update

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (``update_id`` is assigned unless present).  With a webhook set (via the
        bot's setWebhook) it is POSTed to that webhook instead of being offered to getUpdates."""
        with self._cond:
            return self._enqueue(copy.deepcopy(update))

    def message_update(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Test",
        username: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Build (without queueing) a text-message update; ``update_id`` is reserved."""
        with self._cond:
            message = self._user_message(user_id, chat_id, first_name, username)
            message["text"] = text
            command = _COMMAND_RE.match(text)
            if command:
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}
                ]
            self._messages[(message["chat"]["id"], message["message_id"])] = message
            update = {"update_id": self._next_update_id, "message": message}
            self._next_update_id += 1
            return copy.deepcopy(update)

    def push_message(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Test",
        username: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """A text message from ``user_id`` (private chat unless ``chat_id``); a leading /command
        gets its ``bot_command`` entity.  Returns the update."""
        update = self.message_update(user_id, text, first_name=first_name, username=username, chat_id=chat_id)
        return self.push_update(update)

    def push_callback(
        self, user_id: int, data: str, message_id: int, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """A button press on message ``message_id`` that the bot sent to ``chat_id`` (default: the
        user's private chat).  The current state of that message is embedded so PTB can edit it."""
        cid = user_id if chat_id is None else chat_id
        with self._cond:
            message = self._messages.get((cid, message_id))
            if message is None:
                raise LookupError(f"no message {message_id} in chat {cid}; send it through the bot first")
            user = self._user(user_id)
            update = {
                "callback_query": {
                    "id": f"{user_id}{next(self._callback_counter):06d}",
                    "from": dict(user),
                    "message": copy.deepcopy(message),
                    "chat_instance": f"ci-{cid}",
                    "data": data,
                }
            }
            return self._enqueue(update)

    def push_sticker(self, user_id: int, *, emoji: str = "👍", chat_id: int | None = None) -> dict[str, Any]:
        with self._cond:
            message = self._user_message(user_id, chat_id, "Test", None)
            file_id = self._store_file(b"RIFF-fake-webp", "stickers", ".webp", "sticker.webp", "image/webp")
            message["sticker"] = {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "file_size": 14,
            }
            return self._enqueue({"message": message})

    def push_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        data: bytes = TINY_PNG,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """A photo message; ``data`` is downloadable through getFile + base_file_url."""
        with self._cond:
            message = self._user_message(user_id, chat_id, "Test", None)
            file_id = self._store_file(data, "photos", ".jpg", "photo.jpg", "image/jpeg")
            message["photo"] = [
                {
                    "file_id": file_id,
                    "file_unique_id": f"u{file_id}",
                    "width": 1,
                    "height": 1,
                    "file_size": len(data),
                }
            ]
            if caption is not None:
                message["caption"] = caption
            return self._enqueue({"message": message})

    def push_document(
        self,
        user_id: int,
        file_name: str | None,
        data: bytes,
        *,
        mime_type: str = "application/octet-stream",
        file_size: int | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """A document message; ``data`` is downloadable through getFile + base_file_url.
        ``file_size`` declares another size than ``len(data)`` (a 25 MB file without 25 MB of
        bytes: getFile then refuses it as the real server does past 20 MB)."""
        with self._cond:
            message = self._user_message(user_id, chat_id, "Test", None)
            file_id = self._store_file(data, "documents", "", file_name or "", mime_type)
            if file_size is not None:
                self._files[file_id]["declared_size"] = file_size
            document: dict[str, Any] = {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "mime_type": mime_type,
                "file_size": len(data) if file_size is None else file_size,
            }
            if file_name is not None:
                document["file_name"] = file_name
            message["document"] = document
            if caption is not None:
                message["caption"] = caption
            return self._enqueue({"message": message})

    def downloads(self) -> list[str]:
        """file_paths the bot downloaded through base_file_url, in order."""
        with self._cond:
            return list(self._downloads)

    # ------------------------------------------------------------------ files
    def _store_file(self, data: bytes, folder: str, suffix: str, filename: str, mime: str) -> str:
        n = next(self._file_counter)
        file_id = f"FAKEFILE{n:06d}"
        self._files[file_id] = {
            "data": data,
            "file_path": f"{folder}/file_{n}{suffix}",
            "filename": filename,
            "mime_type": mime,
        }
        return file_id

    def file_bytes(self, file_id: str) -> bytes:
        with self._cond:
            return self._files[file_id]["data"]

    def _file_by_path(self, file_path: str) -> bytes | None:
        with self._cond:
            for info in self._files.values():
                if info["file_path"] == file_path:
                    self._downloads.append(file_path)
                    return info["data"]
        return None

    # ------------------------------------------------------------------ webhook
    def deliver_webhook(
        self, url: str, update: dict[str, Any], secret_token: str | None = None, timeout: float = 10
    ) -> int:
        """POST ``update`` as JSON to a bot's webhook listener; returns the HTTP status (403 for a
        missing/wrong secret).  Blocking: from the bot's own loop use ``adeliver_webhook``."""
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        request = urllib.request.Request(
            url, data=json.dumps(update).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    async def adeliver_webhook(
        self, url: str, update: dict[str, Any], secret_token: str | None = None, timeout: float = 10
    ) -> int:
        return await asyncio.to_thread(self.deliver_webhook, url, update, secret_token, timeout)

    def _delivery_loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not (self._webhook_queue and self.webhook):
                    self._cond.wait()
                if self._stopping:
                    return
                update = self._webhook_queue.pop(0)
                hook = dict(self.webhook or {})
            try:
                status = self.deliver_webhook(hook["url"], update, hook.get("secret_token"), timeout=5)
            except OSError:
                status = 0
            with self._cond:
                self.webhook_deliveries.append((update["update_id"], status))
                self._cond.notify_all()

    # ------------------------------------------------------------------ dispatch
    def _handle_call(
        self, method: str, raw: dict[str, str], uploads: dict[str, tuple[str, bytes]]
    ) -> tuple[int, dict[str, Any]] | None:
        """Returns (HTTP status, JSON body), or None to drop the connection."""
        call = Call(
            method=method,
            params=_decode_params(raw),
            files={k: v[1] for k, v in uploads.items()},
            at=time.time(),
            filenames={k: v[0] for k, v in uploads.items()},
            raw_params=dict(raw),
        )
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
            fault = self._take_fault(method)
        if fault is not None:
            outcome = None if fault.drop else (fault.status, fault.body())
        else:
            handler = getattr(self, f"_m_{method.lower()}", None)
            try:
                if handler is None:
                    raise _APIError(404, "Not Found: method not found")
                result = handler(call.params, uploads)
                outcome = (200, {"ok": True, "result": result})
            except _APIError as exc:
                outcome = (
                    exc.status,
                    {"ok": False, "error_code": exc.status, "description": exc.description},
                )
        with self._cond:
            if outcome is None:
                call.status = -1  # dropped without a response
            else:
                call.status = outcome[0]
                call.result = outcome[1]["result"] if outcome[0] == 200 else outcome[1]
            self._cond.notify_all()
        return outcome

    # Method implementations: called without the lock held; take it themselves.
    def _m_getme(self, p: dict[str, Any], f: Any) -> Any:
        return dict(self.bot_user)

    def _m_logout(self, p: dict[str, Any], f: Any) -> Any:
        return True

    _m_close = _m_logout

    def _m_setwebhook(self, p: dict[str, Any], f: Any) -> Any:
        with self._cond:
            url = str(p.get("url") or "")
            if p.get("drop_pending_updates"):
                self._updates.clear()
            if url:
                self.webhook = {
                    "url": url,
                    "secret_token": p.get("secret_token"),
                    "allowed_updates": p.get("allowed_updates"),
                    "max_connections": p.get("max_connections", 40),
                }
                # Updates waiting for getUpdates now go to the webhook.
                self._webhook_queue.extend(self._updates)
                self._updates.clear()
            else:
                self.webhook = None
            self._cond.notify_all()
        return True

    def _m_deletewebhook(self, p: dict[str, Any], f: Any) -> Any:
        with self._cond:
            if self.webhook is not None:
                self._updates.extend(self._webhook_queue)
                self._webhook_queue.clear()
            self.webhook = None
            if p.get("drop_pending_updates"):
                self._updates.clear()
            self._cond.notify_all()
        return True

    def _m_getwebhookinfo(self, p: dict[str, Any], f: Any) -> Any:
        with self._cond:
            hook = self.webhook or {}
            return {
                "url": hook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._webhook_queue if hook else self._updates),
                "max_connections": hook.get("max_connections", 40),
            }

    def _m_getupdates(self, p: dict[str, Any], f: Any) -> Any:
        offset = int(p.get("offset") or 0)
        limit = max(1, min(100, int(p.get("limit") or 100)))
        timeout = float(p.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._cond:
            if self.webhook is not None:
                raise _APIError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
                )
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            while not self._updates and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return copy.deepcopy(self._updates[:limit])

    def _chat_for(self, p: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        if "chat_id" not in p or p["chat_id"] in ("", None):
            raise _APIError(400, "Bad Request: chat_id is empty")
        chat_id = p["chat_id"]
        chat = self._chat(chat_id)
        return chat["id"], chat

    def _bot_message(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_key, chat = self._chat_for(p)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_key),
            "from": dict(self.bot_user),
            "chat": dict(chat),
            "date": int(time.time()),
        }
        if p.get("reply_markup") is not None:
            message["reply_markup"] = p["reply_markup"]
        for key in ("message_thread_id",):
            if key in p:
                message[key] = p[key]
        reply = p.get("reply_parameters") or (
            {"message_id": p["reply_to_message_id"]} if "reply_to_message_id" in p else None
        )
        if isinstance(reply, dict) and (chat_key, reply.get("message_id")) in self._messages:
            message["reply_to_message"] = copy.deepcopy(self._messages[(chat_key, reply["message_id"])])
            message["reply_to_message"].pop("reply_to_message", None)
        return message

    def _remember(self, message: dict[str, Any]) -> dict[str, Any]:
        self._messages[(message["chat"]["id"], message["message_id"])] = message
        return copy.deepcopy(message)

    def _m_sendmessage(self, p: dict[str, Any], f: Any) -> Any:
        text = p.get("text")
        if text is None or str(text) == "":
            raise _APIError(400, "Bad Request: message text is empty")
        with self._cond:
            message = self._bot_message(p)
            message["text"] = str(text)
            if p.get("entities"):
                message["entities"] = p["entities"]
            return self._remember(message)

    def _file_param(
        self, p: dict[str, Any], uploads: dict[str, tuple[str, bytes]], name: str, folder: str, suffix: str
    ) -> tuple[str, dict[str, Any]]:
        value = p.get(name)
        upload = uploads.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
        if upload is not None:
            filename, data = upload
            file_id = self._store_file(data, folder, suffix, filename, "application/octet-stream")
            return file_id, self._files[file_id]
        if isinstance(value, str) and value in self._files:
            return value, self._files[value]
        if isinstance(value, str) and value:  # a URL or an unknown file_id: pretend it worked
            file_id = self._store_file(
                b"", folder, suffix, value.rsplit("/", 1)[-1], "application/octet-stream"
            )
            return file_id, self._files[file_id]
        raise _APIError(400, f"Bad Request: there is no {name} in the request")

    def _caption(self, message: dict[str, Any], p: dict[str, Any]) -> None:
        if p.get("caption") is not None:
            message["caption"] = str(p["caption"])
            if p.get("caption_entities"):
                message["caption_entities"] = p["caption_entities"]

    def _m_sendphoto(self, p: dict[str, Any], uploads: dict[str, tuple[str, bytes]]) -> Any:
        with self._cond:
            file_id, info = self._file_param(p, uploads, "photo", "photos", ".jpg")
            message = self._bot_message(p)
            message["photo"] = [
                {
                    "file_id": file_id,
                    "file_unique_id": f"u{file_id}",
                    "width": 90,
                    "height": 90,
                    "file_size": len(info["data"]),
                },
                {
                    "file_id": file_id,
                    "file_unique_id": f"u{file_id}",
                    "width": 800,
                    "height": 800,
                    "file_size": len(info["data"]),
                },
            ]
            self._caption(message, p)
            return self._remember(message)

    def _m_senddocument(self, p: dict[str, Any], uploads: dict[str, tuple[str, bytes]]) -> Any:
        with self._cond:
            file_id, info = self._file_param(p, uploads, "document", "documents", "")
            message = self._bot_message(p)
            message["document"] = {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": info["filename"],
                "mime_type": info["mime_type"],
                "file_size": len(info["data"]),
            }
            self._caption(message, p)
            return self._remember(message)

    def _m_getfile(self, p: dict[str, Any], f: Any) -> Any:
        with self._cond:
            info = self._files.get(str(p.get("file_id")))
            if info is None:
                raise _APIError(400, "Bad Request: invalid file_id")
            size = info.get("declared_size") or len(info["data"])
            if size > BOT_DOWNLOAD_LIMIT:
                raise _APIError(400, "Bad Request: file is too big")
            return {
                "file_id": p["file_id"],
                "file_unique_id": f"u{p['file_id']}",
                "file_size": size,
                "file_path": info["file_path"],
            }

    def _edit_target(self, p: dict[str, Any]) -> dict[str, Any] | None:
        if p.get("inline_message_id"):
            return None
        chat_key, _ = self._chat_for(p)
        message = self._messages.get((chat_key, p.get("message_id")))
        if message is None:
            raise _APIError(400, "Bad Request: message to edit not found")
        return message

    def _finish_edit(self, message: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
        if message == before:
            raise _APIError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message",
            )
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    def _m_editmessagetext(self, p: dict[str, Any], f: Any) -> Any:
        if not p.get("text"):
            raise _APIError(400, "Bad Request: message text is empty")
        with self._cond:
            message = self._edit_target(p)
            if message is None:
                return True
            before = copy.deepcopy(message)
            if "text" not in message:
                raise _APIError(400, "Bad Request: there is no text in the message to edit")
            message["text"] = str(p["text"])
            message.pop("entities", None)
            if p.get("entities"):
                message["entities"] = p["entities"]
            message.pop("reply_markup", None)
            if p.get("reply_markup"):
                message["reply_markup"] = p["reply_markup"]
            return self._finish_edit(message, before)

    def _m_editmessagereplymarkup(self, p: dict[str, Any], f: Any) -> Any:
        with self._cond:
            message = self._edit_target(p)
            if message is None:
                return True
            before = copy.deepcopy(message)
            message.pop("reply_markup", None)
            if p.get("reply_markup"):
                message["reply_markup"] = p["reply_markup"]
            return self._finish_edit(message, before)

    def _m_deletemessage(self, p: dict[str, Any], f: Any) -> Any:
        with self._cond:
            chat_key, _ = self._chat_for(p)
            if self._messages.pop((chat_key, p.get("message_id")), None) is None:
                raise _APIError(400, "Bad Request: message to delete not found")
        return True

    def _m_answercallbackquery(self, p: dict[str, Any], f: Any) -> Any:
        if not p.get("callback_query_id"):
            raise _APIError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        return True

    def _m_sendchataction(self, p: dict[str, Any], f: Any) -> Any:
        with self._cond:
            self._chat_for(p)
        if not p.get("action"):
            raise _APIError(400, "Bad Request: wrong parameter action in request")
        return True

    @staticmethod
    def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    def _m_setmycommands(self, p: dict[str, Any], f: Any) -> Any:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise _APIError(400, "Bad Request: can't parse commands JSON object")
        with self._cond:
            self.commands[self._commands_key(p)] = commands
        return True

    def _m_getmycommands(self, p: dict[str, Any], f: Any) -> Any:
        with self._cond:
            return copy.deepcopy(self.commands.get(self._commands_key(p), []))

    def _m_deletemycommands(self, p: dict[str, Any], f: Any) -> Any:
        with self._cond:
            self.commands.pop(self._commands_key(p), None)
        return True

    def my_commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """Commands the bot registered for ``scope`` (default scope when None)."""
        with self._cond:
            return copy.deepcopy(
                self.commands.get(self._commands_key({"scope": scope, "language_code": language_code}), [])
            )

    def bot_messages(self, chat_id: Any) -> list[dict[str, Any]]:
        """Current state of the messages the bot has in ``chat_id`` (after edits/deletes)."""
        with self._cond:
            key = self._chat(chat_id)["id"]
            return [
                copy.deepcopy(m)
                for (cid, _), m in sorted(self._messages.items(), key=lambda kv: kv[0][1])
                if cid == key and m.get("from", {}).get("id") == self.bot_user["id"]
            ]

"""End-to-end tests of the real python-telegram-bot stack against tests/fake_bot_api.FakeBotAPI."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, EndPointNotFound, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

try:
    from tests.support.fake_bot_api import TINY_PNG, FakeBotAPI
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from fake_bot_api import TINY_PNG, FakeBotAPI

USER = 4242


@dataclass
class Recorder:
    errors: list[BaseException] = field(default_factory=list)
    photos: list[bytes] = field(default_factory=list)


def build_app(fake: FakeBotAPI, rec: Recorder) -> Application:
    app = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
        await update.effective_message.reply_text("Welcome!", reply_markup=keyboard)

    async def doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_document(b"visit log\n", filename="visits.txt", caption="log")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_chat.send_action("typing")
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("ok")
        await query.edit_message_text(f"pressed {query.data}")

    async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        tg_file = await update.effective_message.photo[-1].get_file()
        data = bytes(await tg_file.download_as_bytearray())
        rec.photos.append(data)
        await update.effective_message.reply_photo(data[::-1], caption="flipped")

    async def sticker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("nice sticker")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        rec.errors.append(context.error)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("doc", doc))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(MessageHandler(filters.PHOTO, photo))
    app.add_handler(MessageHandler(filters.Sticker.ALL, sticker))
    app.add_handler(CallbackQueryHandler(button))
    app.add_error_handler(on_error)
    return app


@contextlib.asynccontextmanager
async def polling_bot(fake: FakeBotAPI) -> AsyncIterator[tuple[Application, Recorder]]:
    rec = Recorder()
    app = build_app(fake, rec)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await fake.await_calls("getUpdates", pending=True)  # start_polling returns before the first poll
    try:
        yield app, rec
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@contextlib.contextmanager
def fake_api():
    fake = FakeBotAPI()
    with fake:
        yield fake
    assert fake.threads() == [], "FakeBotAPI left threads running"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seconds(value: int | float | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def raw_call(fake: FakeBotAPI, method: str, token: str | None = None, **params: object) -> tuple[int, dict]:
    """A bare HTTP call, the way Telegram clients other than PTB would make it."""
    body = urllib.parse.urlencode(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    ).encode()
    url = f"{fake.base_url}{token or fake.token}/{method}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# --------------------------------------------------------------------------- polling, real PTB


async def test_polling_start_sequence_and_echo_round_trip() -> None:
    with fake_api() as fake:
        async with polling_bot(fake) as (app, _):
            assert [c.method for c in fake.calls()][:3] == ["getMe", "deleteWebhook", "getUpdates"]
            assert app.bot.username == fake.bot_user["username"]
            fake.push_message(USER, "hello coach", first_name="Li", username="li_sales")
            reply = await fake.await_reply(USER)
            assert reply.method == "sendMessage"
            assert reply.text == "echo: hello coach"
            assert reply.params["chat_id"] == USER
            assert reply.result["chat"] == {
                "id": USER,
                "type": "private",
                "first_name": "Li",
                "username": "li_sales",
            }
            action = (await fake.await_calls("sendChatAction"))[0]
            assert action.params == {"chat_id": USER, "action": "typing"}

            # Offsets: the next long poll confirms the handled update, so nothing is redelivered.
            await fake.await_calls(
                "getUpdates", predicate=lambda c: c.params.get("offset") == 2, pending=True
            )
            assert fake.pending_updates == []
            fake.push_message(USER, "second")
            assert (await fake.await_reply(USER)).text == "echo: second"
            assert [m.text for m in fake.sent_messages(USER)] == ["echo: hello coach", "echo: second"]
        stop_poll = fake.calls("getUpdates")[-1]
        assert stop_poll.params["timeout"] == 0 and stop_poll.params["offset"] == 3


async def test_command_needs_entity_and_gets_keyboard() -> None:
    with fake_api() as fake:
        update = fake.push_message(USER, "/start now")
        assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
        async with polling_bot(fake):
            reply = await fake.await_reply(USER, after=0)
            assert reply.text == "Welcome!"
            assert reply.reply_markup == {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
            assert reply.result["reply_markup"] == reply.reply_markup

            # Without the bot_command entity CommandHandler ignores it and the echo handler takes it.
            fake.push_update(
                {"message": {**fake.message_update(USER, "x")["message"], "text": "/start", "entities": []}}
            )
            assert (await fake.await_reply(USER, after=1)).text == "echo: /start"


async def test_callback_answers_and_edits_the_bot_message() -> None:
    with fake_api() as fake:
        async with polling_bot(fake):
            fake.push_message(USER, "/start")
            welcome = await fake.await_reply(USER)
            message_id = welcome.result["message_id"]
            fake.push_callback(USER, "go", message_id)
            answer = (await fake.await_calls("answerCallbackQuery"))[0]
            assert answer.params["text"] == "ok" and answer.ok
            edit = await fake.await_reply(USER)
            assert edit.method == "editMessageText"
            assert edit.params["message_id"] == message_id
            assert edit.result["text"] == "pressed go" and "edit_date" in edit.result
            assert [m["text"] for m in fake.bot_messages(USER)] == ["pressed go"]
        with pytest.raises(LookupError):
            fake.push_callback(USER, "go", 999)


async def test_photo_download_and_upload_bytes_and_document() -> None:
    with fake_api() as fake:
        async with polling_bot(fake) as (_, rec):
            fake.push_photo(USER, caption="shelf")
            reply = await fake.await_reply(USER)
            assert rec.photos == [TINY_PNG]  # getFile + GET base_file_url worked
            assert reply.method == "sendPhoto"
            assert reply.files["photo"] == TINY_PNG[::-1]  # multipart upload arrived intact
            assert reply.text == "flipped"
            file_id = reply.result["photo"][-1]["file_id"]
            assert fake.file_bytes(file_id) == TINY_PNG[::-1]

            fake.push_message(USER, "/doc")
            doc = await fake.await_reply(USER)
            assert doc.method == "sendDocument"
            assert doc.files == {"document": b"visit log\n"} and doc.filenames == {"document": "visits.txt"}
            assert doc.result["document"]["file_name"] == "visits.txt"

            fake.push_sticker(USER)
            assert (await fake.await_reply(USER)).text == "nice sticker"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_surfaces_as_retry_after_then_recovers() -> None:
    with fake_api() as fake:
        async with polling_bot(fake) as (_, rec):
            fake.fail_next("sendMessage", status=429, retry_after=1)
            fake.push_message(USER, "first")
            await fake.await_calls("sendMessage")
            deadline = time.monotonic() + 5
            while not rec.errors and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            assert len(rec.errors) == 1 and isinstance(rec.errors[0], RetryAfter)
            assert seconds(rec.errors[0].retry_after) == 1  # int now, timedelta with PTB_TIMEDELTA=1
            failed = fake.calls("sendMessage")[0]
            assert failed.status == 429
            assert failed.result == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            assert fake.sent_messages(USER) == []  # failed sends are not "sent"
            fake.push_message(USER, "second")
            assert (await fake.await_reply(USER)).text == "echo: second"


async def test_502_drop_unknown_method_and_not_modified() -> None:
    with fake_api() as fake:
        async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot:
            fake.fail_next("sendMessage", status=502)
            with pytest.raises(NetworkError, match="Bad Gateway"):
                await bot.send_message(USER, "x")
            fake.drop_next("sendMessage")
            with pytest.raises(NetworkError, match="disconnected"):
                await bot.send_message(USER, "x")
            assert [c.status for c in fake.calls("sendMessage")] == [502, -1]
            msg = await bot.send_message(USER, "works again")
            assert msg.text == "works again" and msg.from_user.is_bot

            with pytest.raises(EndPointNotFound):
                await bot.do_api_request("frobnicate", api_kwargs={"x": 1})
            unknown = fake.calls("frobnicate")[0]
            assert unknown.status == 404 and unknown.params == {"x": 1}

            await bot.edit_message_text("edited", chat_id=USER, message_id=msg.message_id)
            with pytest.raises(BadRequest, match="not modified"):
                await bot.edit_message_text("edited", chat_id=USER, message_id=msg.message_id)
            with pytest.raises(BadRequest, match="not found"):
                await bot.edit_message_text("x", chat_id=USER, message_id=999)
            kb = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
            edited = await bot.edit_message_reply_markup(
                chat_id=USER, message_id=msg.message_id, reply_markup=kb
            )
            assert edited.reply_markup == kb
            assert await bot.delete_message(USER, msg.message_id)
            assert fake.bot_messages(USER) == []

            await bot.set_my_commands([("start", "Start"), ("help", "Help")])
            await bot.set_my_commands([("admin", "Admin")], scope={"type": "all_chat_administrators"})
            assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
            assert fake.my_commands({"type": "all_chat_administrators"}) == [
                {"command": "admin", "description": "Admin"}
            ]
            assert await bot.log_out() and await bot.close()


def test_raw_protocol_offsets_long_poll_and_token() -> None:
    with fake_api() as fake:
        assert raw_call(fake, "getMe", token="1:wrong")[0] == 401
        fake.push_message(1, "a")
        fake.push_message(1, "b")
        status, body = raw_call(fake, "getUpdates", timeout=0)
        assert status == 200 and [u["update_id"] for u in body["result"]] == [1, 2]
        _, body = raw_call(fake, "getUpdates", offset=2, timeout=0)  # confirms update 1
        assert [u["update_id"] for u in body["result"]] == [2]
        _, body = raw_call(fake, "getUpdates", offset=3, timeout=0)
        assert body["result"] == []
        started = time.monotonic()
        _, body = raw_call(fake, "getUpdates", offset=3, timeout=0.3)
        assert body["result"] == [] and time.monotonic() - started >= 0.28  # held for the timeout
        status, body = raw_call(fake, "nope")
        assert (status, body) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
        )
        fake.clear()
        assert fake.calls() == []
        with pytest.raises(TimeoutError):
            fake.wait_for_calls("sendMessage", timeout=0.05)


async def test_stop_releases_a_held_long_poll() -> None:
    fake = FakeBotAPI().start()
    task = asyncio.create_task(asyncio.to_thread(raw_call, fake, "getUpdates", timeout=30))
    while not fake.calls("getUpdates"):
        await asyncio.sleep(0.01)
    started = time.monotonic()
    await asyncio.to_thread(fake.stop)
    assert time.monotonic() - started < 2
    with contextlib.suppress(Exception):
        await task
    assert fake.threads() == []


# --------------------------------------------------------------------------- webhook mode


async def test_webhook_secret_and_auto_delivery() -> None:
    with fake_api() as fake:
        rec = Recorder()
        app = build_app(fake, rec)
        port = free_port()
        hook_url = f"http://127.0.0.1:{port}/hook"
        await app.initialize()
        await app.start()
        await app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="hook", webhook_url=hook_url, secret_token="s3cret"
        )
        try:
            set_hook = fake.calls("setWebhook")[0]
            assert set_hook.params["url"] == hook_url and set_hook.params["secret_token"] == "s3cret"
            assert fake.webhook is not None

            update = fake.message_update(USER, "via hook")
            assert await fake.adeliver_webhook(hook_url, update, "wrong") == 403
            assert await fake.adeliver_webhook(hook_url, update, None) == 403
            assert fake.sent_messages() == []
            assert await fake.adeliver_webhook(hook_url, update, "s3cret") == 200
            assert (await fake.await_reply(USER)).text == "echo: via hook"

            # With a webhook set, pushed updates are POSTed to it (with the secret from setWebhook).
            pushed = fake.push_message(USER, "/start")
            assert (await fake.await_reply(USER)).text == "Welcome!"
            assert (pushed["update_id"], 200) in fake.webhook_deliveries
            assert raw_call(fake, "getUpdates")[0] == 409  # Telegram refuses polling while a hook is set
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()


# --------------------------------------------------------------------------- a bot in another process

BOT_SCRIPT = textwrap.dedent(
    """
    import sys
    from telegram import BotCommand
    from telegram.ext import ApplicationBuilder, CommandHandler

    token, base_url, base_file_url = sys.argv[1:4]

    async def post_init(app):
        await app.bot.set_my_commands([BotCommand("quit", "stop the bot")])

    async def quit_(update, context):
        await update.effective_message.reply_text("bye")
        context.application.stop_running()

    app = (
        ApplicationBuilder().token(token).base_url(base_url).base_file_url(base_file_url)
        .post_init(post_init).build()
    )
    app.add_handler(CommandHandler("quit", quit_))
    app.run_polling(poll_interval=0, timeout=1, stop_signals=None)
    """
)


def test_subprocess_bot_with_run_polling(tmp_path: Path) -> None:
    script = tmp_path / "bot_main.py"
    script.write_text(BOT_SCRIPT)
    with fake_api() as fake:
        proc = subprocess.Popen([sys.executable, str(script), fake.token, fake.base_url, fake.base_file_url])
        try:
            fake.wait_for_calls("getUpdates", timeout=15, pending=True)
            assert fake.my_commands() == [{"command": "quit", "description": "stop the bot"}]  # post_init ran
            fake.push_message(USER, "/quit")
            assert fake.wait_for_reply(USER).text == "bye"
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

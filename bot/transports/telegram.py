"""The Telegram transport: python-telegram-bot updates in, engine replies out. Thin on purpose."""

from __future__ import annotations

import asyncio
import logging
import signal
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import ChatAction, MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.engine.core import Engine
from bot.engine.messages import Attachment, Incoming, Outgoing, Reply
from config import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
SEND_ATTEMPTS = 4
TICK_SECONDS = 30
CAPTION_LIMIT = 1024
DOWNLOAD_TIMEOUT = 120  # seconds to read a sent file of up to 20 MB from the Bot API server
_UNSUPPORTED = (
    ("sticker", "贴纸"),
    ("photo", "图片"),
    ("voice", "语音"),
    ("audio", "音频"),
    ("video", "视频"),
    ("video_note", "视频消息"),
    ("document", "文件"),
    ("location", "位置"),
    ("contact", "名片"),
    ("animation", "动图"),
)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Pieces under Telegram's limit, cut at paragraph, then line, then hard boundaries."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit))
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    return [*pieces, text] if text or not pieces else pieces


def to_incoming(update: Update) -> Incoming | None:
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    name = user.full_name or user.username or str(user.id)
    if update.callback_query is not None:
        return Incoming(user.id, name, "button", update.callback_query.data or "")
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        return Incoming(user.id, name, "text", message.text)
    if (document := message.document) is not None:
        attachment = Attachment(
            document.file_id, document.file_name or "", document.file_size, document.mime_type or ""
        )
        return Incoming(
            user.id, name, "document", message.caption or "", unsupported="文件", attachment=attachment
        )
    what = next((label for attr, label in _UNSUPPORTED if getattr(message, attr, None)), "这类消息")
    return Incoming(user.id, name, "unsupported", message.caption or "", unsupported=what)


async def with_retry(call: Callable[[], Awaitable[T]]) -> T | None:
    """Telegram's 429 answers are waited out; network faults are retried with backoff."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = exc.retry_after
            delay = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            log.warning("Telegram asked to wait %ss", delay)
            await asyncio.sleep(delay)
        except Forbidden:
            log.info("the user blocked the bot; message dropped")
            return None
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc, BadRequest) or attempt == SEND_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
    return None


def bot_api_urls(base: str) -> tuple[str, str]:
    """PTB's (base_url, base_file_url) from TELEGRAM_API_BASE_URL, which may be the Bot API
    server's root (http://localhost:8081) or PTB's own form ending in /bot (…:8081/bot). Files
    are downloaded from /file/bot<token>/<path> on the same server."""
    root = base.strip().rstrip("/")
    root = root.removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


async def check_bot_api(settings: Settings) -> None:
    """Ask the Bot API who the bot is (getMe) before the slow part of a start, so that a rejected
    token (telegram.error.InvalidToken) or an unreachable server (NetworkError, TimedOut) is said
    at once rather than after the model has loaded."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    urls: dict[str, str] = {}
    if settings.telegram_api_base_url:
        urls["base_url"], urls["base_file_url"] = bot_api_urls(settings.telegram_api_base_url)
    async with Bot(settings.telegram_bot_token.get_secret_value(), **urls):
        pass


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    )


async def deliver(bot, chat_id: int, reply: Reply, pressed_message=None) -> None:
    markup = _markup(reply)
    if reply.photo is not None:
        await with_retry(
            lambda: bot.send_photo(chat_id, reply.photo, caption=reply.text[:CAPTION_LIMIT] or None)
        )
        return
    if reply.document is not None:
        name, content = reply.document
        await with_retry(
            lambda: bot.send_document(
                chat_id, InputFile(content, filename=name), caption=reply.text[:CAPTION_LIMIT] or None
            )
        )
        return
    pieces = split_text(reply.text)
    if reply.replace_pressed and pressed_message is not None and len(pieces) == 1:
        try:
            await with_retry(lambda: pressed_message.edit_text(pieces[0], reply_markup=markup))
            return
        except BadRequest:  # too old to edit, or unchanged: send it as a new message instead
            pass
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        await with_retry(
            lambda p=piece, m=markup if last else None: bot.send_message(chat_id, p, reply_markup=m)
        )


class TelegramFiles:
    """The engine's FileFetcher: getFile, then a download from the same Bot API server
    (PTB's base_file_url), straight to disk."""

    def __init__(self, bot) -> None:
        self.bot = bot

    async def fetch(self, attachment: Attachment, target: Path) -> None:
        file = await with_retry(lambda: self.bot.get_file(attachment.file_id))
        if file is None:
            raise OSError("the file could not be fetched")
        await file.download_to_drive(target, read_timeout=DOWNLOAD_TIMEOUT)


class TelegramChannel:
    """The engine's Channel for one chat: a progress message sent now and edited later."""

    def __init__(self, bot, chat_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id

    async def send(self, reply: Reply) -> Message | None:
        return await with_retry(lambda: self.bot.send_message(self.chat_id, reply.text[:4096]))

    async def edit(self, handle: object, reply: Reply) -> None:
        if not isinstance(handle, Message):
            return
        try:
            await with_retry(lambda: handle.edit_text(reply.text[:4096], reply_markup=_markup(reply)))
        except BadRequest as exc:  # unchanged text, or a message too old to edit: progress only
            log.info("progress message not edited: %s", exc.message)


class TelegramTransport:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._menus_set: set[int] = set()  # users whose role menu this process has registered

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update)
        if incoming is None or update.effective_chat is None:
            return
        chat_id = update.effective_chat.id
        pressed = None
        if update.callback_query is not None:
            pressed = update.callback_query.message
            await with_retry(update.callback_query.answer)
        elif incoming.kind == "text" and not incoming.command:
            await with_retry(lambda: context.bot.send_chat_action(chat_id, ChatAction.TYPING))
        result = await self.engine.handle(incoming, TelegramChannel(context.bot, chat_id))
        for reply in result.replies:
            await deliver(context.bot, chat_id, reply, pressed)
        await self.send_all(context.bot, result.notify)
        if incoming.sender_id not in self._menus_set or incoming.command == "start":
            await self.set_menu_for(context.bot, incoming.sender_id)

    async def send_all(self, bot, outgoing: list[Outgoing]) -> list[Outgoing]:
        """Deliver each message; returns those that could not be delivered."""
        failed = []
        for item in outgoing:
            try:
                await deliver(bot, item.recipient_id, item.reply)
            except Exception:
                log.exception("could not deliver a message to %s", item.recipient_id)
                failed.append(item)
        return failed

    async def run_tick(self, bot) -> None:
        """The engine's scheduled messages, sent; the engine hears which failed (to retry them)."""
        outgoing = await self.engine.tick()
        await self.engine.delivered(outgoing, await self.send_all(bot, outgoing))

    async def tick(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.run_tick(context.bot)

    async def set_menu_for(self, bot, telegram_id: int) -> None:
        role = await self.engine.role_of(telegram_id)
        if role is None:
            return
        self._menus_set.add(telegram_id)
        if role != "rep":
            await with_retry(
                lambda: bot.set_my_commands(self._commands(role), scope=BotCommandScopeChat(telegram_id))
            )

    def _commands(self, role: str) -> list[BotCommand]:
        return [BotCommand(name, description) for name, description in self.engine.menu_for(role)]

    async def post_init(self, application: Application) -> None:
        bot = application.bot
        await with_retry(lambda: bot.set_my_commands(self._commands("rep")))
        for telegram_id, role in await self.engine.leaders():
            self._menus_set.add(telegram_id)
            await with_retry(
                lambda t=telegram_id, r=role: bot.set_my_commands(
                    self._commands(r), scope=BotCommandScopeChat(t)
                )
            )

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update failed: %s", type(context.error).__name__, exc_info=context.error)


def build_application(
    settings: Settings, engine: Engine, *, tick_seconds: float | None = TICK_SECONDS
) -> Application:
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    transport = TelegramTransport(engine)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .concurrent_updates(True)
        .post_init(transport.post_init)
    )
    if settings.telegram_api_base_url:
        base_url, base_file_url = bot_api_urls(settings.telegram_api_base_url)
        builder = builder.base_url(base_url).base_file_url(base_file_url)
    application = builder.build()
    engine.files = TelegramFiles(application.bot)
    application.add_handler(CallbackQueryHandler(transport.on_update))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, transport.on_update))
    application.add_error_handler(transport.on_error)
    if tick_seconds and application.job_queue is not None:
        application.job_queue.run_repeating(transport.tick, interval=tick_seconds, first=tick_seconds)
    application.bot_data["transport"] = transport
    return application


async def serve(settings: Settings, engine: Engine) -> None:
    """Run until SIGTERM or SIGINT: long polling, or webhook mode when TELEGRAM_WEBHOOK_URL is set.

    The Application is driven by hand (initialize/start/stop) inside our own event loop, so the
    engine, its database pool and the bot share one loop from start to finish."""
    application = build_application(settings, engine)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        await application.bot_data["transport"].post_init(application)
        await application.start()
        if settings.telegram_webhook_url:
            secret = settings.telegram_webhook_secret
            await application.updater.start_webhook(
                listen=settings.telegram_listen,
                port=settings.telegram_port,
                url_path="telegram",
                webhook_url=f"{settings.telegram_webhook_url}/telegram",
                secret_token=secret.get_secret_value() if secret else None,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        log.info("bot running (%s)", "webhook" if settings.telegram_webhook_url else "long polling")
        await stop.wait()
        log.info("stopping")
        await application.updater.stop()
        await application.stop()

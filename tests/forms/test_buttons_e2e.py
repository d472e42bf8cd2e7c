"""Forged, stale, malformed and out-of-range button data, for every prefix of the route table
(read from bot/routes.py itself), end to end through the real PTB stack: each gets 这个按钮已失效,
never an exception; so does data naming another user's record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.engine.messages import Incoming
from bot.forms.buttons import (
    MAX_ID,
    StaleButton,
    ident,
    integer,
    parse,
    parse_action,
    press_of,
    pressed_number,
)
from bot.routes import build_routes
from config import load_settings
from prompts import text
from store import conversations, customers, users
from store.access import Viewer
from store.models import Customer, User, VisitDraft
from tests.conftest import MODELS_DIR
from tests.support.telegram_harness import running_bot

REP, REP2, MANAGER = 4001, 4002, 4003
ROUTES = build_routes()
PREFIXES = sorted({*ROUTES.buttons, *ROUTES.flows})
FORGED = (
    "",
    ":",
    ":x:y",
    ":abc",
    ":99999999999999999999",
    f":{MAX_ID + 1}",
    ":-1",
    ":1:2:3:4:5:6:7",
    ":\x00",
    ":１２",
    ":x" * 30,
)
FLOW_STEPS = {  # a plausible place in each flow, so that its own button reading is reached
    "ask": ("question", {}),
    "task": ("review", {}),
    "task_reason": ("reason", {"status_id": 1}),
    "teach": ("title", {"question": "", "questions": []}),
    "drill": ("answer", {"key": "pb:price-asked-early", "turn": 0, "line": "多少钱？"}),
}
EXPIRED = text("button_expired")
ENV = ("DATABASE_URL", "CHROMA_URL", "LLM_BASE_URL", "LLM_API_KEY", "LLM_MODEL", "TELEGRAM_BOT_TOKEN")


@pytest.fixture(scope="module")
async def forge(tmp_path_factory, migrated_db, module_kb):
    with pytest.MonkeyPatch.context() as env:
        for name in ENV:
            env.delenv(name, raising=False)
        settings = load_settings(coach_home=tmp_path_factory.mktemp("home"), coach_models_dir=MODELS_DIR)
    async with running_bot(settings, migrated_db.url, module_kb) as bot:
        await bot.add_user(REP, "小李", "rep", "华东")
        await bot.add_user(REP2, "小张", "rep", "华东")
        await bot.add_user(MANAGER, "王经理", "manager", "华东")
        anchors = {uid: (await bot.say(uid, "/help"))[0] for uid in (REP, REP2, MANAGER)}
        yield bot, anchors


async def _user_id(bot, telegram_id: int) -> int:
    async with bot.engine.db.transaction() as session:
        return (await session.scalars(select(User.id).where(User.telegram_id == telegram_id))).one()


def test_every_prefix_is_covered():
    assert set(FLOW_STEPS) == set(ROUTES.flows)
    assert {"vote", "td", "tn", "cust", "vd", "grade", "logc"} <= set(ROUTES.buttons)


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_forged_data_for_every_prefix_says_the_button_expired(forge, prefix):
    bot, anchors = forge
    route = ROUTES.buttons.get(prefix) or ROUTES.flows[prefix]
    who = MANAGER if route.min_role != "rep" else REP
    user_id = await _user_id(bot, who)
    for suffix in FORGED:
        if prefix in ROUTES.flows:  # the flow is open, so its handler reads the data
            step, data = FLOW_STEPS[prefix]
            async with bot.engine.db.transaction() as session:
                await conversations.clear_state(session, user_id)
                await conversations.save_state(session, user_id, prefix, step, data, None)
        [reply] = await bot.press(who, anchors[who], prefix + suffix)
        assert reply.text == EXPIRED, (prefix + suffix, reply.text)
    async with bot.engine.db.transaction() as session:
        await conversations.clear_state(session, user_id)


async def test_buttons_naming_another_users_records_say_the_button_expired(forge):
    bot, anchors = forge
    [card] = await bot.say(REP2, "今天去了青松电气，见了王总，挺感兴趣")
    async with bot.engine.db.transaction() as session:
        draft_id = (await session.scalars(select(VisitDraft.id).order_by(VisitDraft.id.desc()))).first()
        rep2 = await users.get_user_by_telegram_id(session, REP2)
        customer, _ = await customers.get_or_create_customer(session, Viewer.of(rep2), "白桦机械")
    for data in (
        f"vd:{draft_id}:save",
        f"vd:{draft_id}:cancel",
        f"cust:{customer.id}",
        f"logc:{customer.id}",
    ):
        [reply] = await bot.press(REP, anchors[REP], data)
        assert reply.text == EXPIRED, data
    saved, _ = await bot.press(REP2, card, f"vd:{draft_id}:save", replies=2)  # still the owner's
    assert "已保存：青松电气" in saved.text
    async with bot.engine.db.transaction() as session:
        assert await session.scalar(select(Customer.owner_id).where(Customer.name == "青松电气")) == rep2.id


def test_the_parser_types_and_ranges():
    assert parse("td:12", "td", ident) == (12,)
    assert parse_action("g:s:5:3", "g", {"s": (ident, integer(1, 5))}) == ("s", (5, 3))
    for data in ("td:", "td:0", "td:1:2", "tn:12", "td:99999999999999999999", "td:٣", "td: 1"):
        with pytest.raises(StaleButton):
            parse(data, "td", ident)
    with pytest.raises(StaleButton):
        parse_action("g:zz:1", "g", {"s": (ident,)})
    huge = press_of(Incoming(1, "u", "button", "cust:99999999999999999999"))
    assert huge is not None and huge.number() is None  # never reaches SQLite
    assert pressed_number(Incoming(1, "u", "button", f"cust:{MAX_ID}")) == MAX_ID

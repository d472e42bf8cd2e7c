"""Questions answered from the playbooks: plain text, /ask, and the 👍/👎 buttons under answers."""

from __future__ import annotations

from dataclasses import asdict

from bot.engine.core import Context
from bot.engine.messages import Button, Reply
from bot.forms import buttons
from bot.forms.buttons import button_data
from bot.sales.knowledge_usage.data import record_answer_sources
from knowledge.answer import Answer
from prompts import text
from store import knowledge

FLOW = "ask"
VOTE = "vote"  # vote:<feedback id>:<1|-1>, under an answer
MAX_SOURCES_SHOWN = 3


def render_answer(answer: Answer, feedback_id: int | None) -> Reply:
    body = answer.answer
    if answer.sources:
        labels = [
            f"[{i}] {s.title} · {s.source}" for i, s in enumerate(answer.sources[:MAX_SOURCES_SHOWN], 1)
        ]
        body += "\n\n" + text("answer_sources", sources="\n".join(labels))
    buttons = ()
    if feedback_id is not None:
        buttons = (
            (
                Button(text("vote_up"), button_data(VOTE, feedback_id, 1)),
                Button(text("vote_down"), button_data(VOTE, feedback_id, -1)),
            ),
        )
    return Reply(body, buttons=buttons)


async def answer_question(ctx: Context, question: str) -> list[Reply]:
    answer = await ctx.engine.kb.answerer.answer(question, team_id=ctx.user.team_id)
    if answer.hint:  # emoji, punctuation, a lone character: a typing hint, not a knowledge gap
        return [Reply(answer.answer)]
    feedback_id = None
    async with ctx.db.transaction() as session:
        if answer.abstained:
            await knowledge.record_gap(session, ctx.user.id, ctx.user.team_id, question, "abstained")
        elif not answer.refused:
            sources = [asdict(s) | {"text": s.text[:300]} for s in answer.sources]
            feedback = await knowledge.record_answer(
                session, ctx.user.id, question, answer.answer, sources, team_id=ctx.user.team_id
            )
            await record_answer_sources(session, feedback, answer.sources[:MAX_SOURCES_SHOWN])
            feedback_id = feedback.id
    return [render_answer(answer, feedback_id)]


async def on_text(ctx: Context) -> list[Reply]:
    return await answer_question(ctx, ctx.incoming.text.strip())


async def ask_command(ctx: Context) -> list[Reply]:
    if ctx.incoming.args:
        return await answer_question(ctx, ctx.incoming.args)
    await ctx.save_state(FLOW, "question", {})
    return [Reply(text("ask_prompt"))]


async def ask_flow(ctx: Context) -> list[Reply]:
    if ctx.incoming.kind == "button":  # the question flow has no buttons: this one is forged
        raise buttons.StaleButton(ctx.incoming.text)
    question = ctx.incoming.text.strip()
    if not question:
        return [Reply(text("ask_prompt"))]
    await ctx.clear_state()
    return await answer_question(ctx, question)


async def on_vote(ctx: Context) -> list[Reply]:
    feedback_id, vote = buttons.parse(ctx.incoming.text, VOTE, buttons.ident, buttons.integer(-1, 1))
    if vote == 0:
        raise buttons.StaleButton(ctx.incoming.text)
    async with ctx.db.transaction() as session:
        feedback = await knowledge.set_vote(session, feedback_id, ctx.user.id, vote)
        if feedback is not None and vote < 0:
            await knowledge.record_gap(session, ctx.user.id, ctx.user.team_id, feedback.question, "downvoted")
    if feedback is None:
        return [Reply(text("button_expired"))]
    return [Reply(text("vote_thanks_up" if vote > 0 else "vote_thanks_down"))]

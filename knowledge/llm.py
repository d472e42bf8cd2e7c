"""Answer composition through any OpenAI-compatible endpoint, via langchain."""

from __future__ import annotations

import asyncio
import re

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from knowledge.answer import Source
from prompts import prompt

NO_ANSWER = "NO_ANSWER"
_CITATION = re.compile(r"\[(\d+)\]")


def chat_model(base_url: str, api_key: str | None, model: str, timeout_s: float) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=base_url,
        api_key=api_key or "not-needed",
        model=model,
        timeout=timeout_s,
        max_retries=0,
        temperature=0.2,
    )


class LLMComposer:
    def __init__(self, model: BaseChatModel, timeout_s: float) -> None:
        template = ChatPromptTemplate.from_messages(
            [("system", prompt("answer_system")), ("human", prompt("answer_user"))]
        )
        self._chain = template | model | StrOutputParser()
        self._timeout_s = timeout_s

    async def compose(self, question: str, sources: list[Source]) -> str | None:
        context = "\n\n".join(f"[{i}] {s.title}\n{s.text}" for i, s in enumerate(sources, 1))
        reply = await asyncio.wait_for(
            self._chain.ainvoke({"context": context, "question": question}), timeout=self._timeout_s
        )
        reply = reply.strip()
        if not reply or NO_ANSWER in reply:
            return None
        cited = {int(n) for n in _CITATION.findall(reply)}
        if not cited or not cited <= set(range(1, len(sources) + 1)):
            raise ValueError("answer cites no source or an unknown one")
        return reply

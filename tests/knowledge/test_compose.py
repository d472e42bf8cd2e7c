"""Composed answers are never worse than extractive ones: the answerer against the stub playing what a
real small model did (no [n], NO_ANSWER on answerable questions, 270-token answers, title-only or
off-source answers, HTML, 401, 500, hangs)."""

import time

import pytest

from knowledge.answer import Answerer, Source
from knowledge.compose import GroundingRule, LLMComposer, ground
from knowledge.llm import ChatClient, LLMConfig
from tests.support.openai_stub import OpenAIStub, Play

PRICE = "客户一上来就问多少钱"
ANSWERABLE = [PRICE, "客户说要再考虑考虑怎么办", "新人第一次拜访带什么"]
GROUNDED = (
    "价格一定给您一个清楚的数，我先了解一下咱们的情况。先问需求再报价，报价前确认人数、模块和上线时间。"
)
STRAY = "可以先送他一张购物卡，周末再约他去打高尔夫球。关系到位了，价格自然好谈。"
RULE = GroundingRule.load()
CARD = Source(
    text="## 话术\n“价格一定给您一个清楚的数，不过每家企业用的模块和人数不一样，我先了解一下咱们的情况。”\n"
    "## 要点\n- 先问需求再报价，避免一个数字把天聊死。\n- 报价前确认人数、模块和上线时间。",
    source="price-card.md",
    title="客户一见面就问价格",
    score=1.0,
)
OTHER = Source(
    text="C类客户以电话跟进为主，每季度联系一次即可。", source="grading.txt", title="跟进节奏", score=0.5
)


def composer(stub: OpenAIStub, **overrides) -> LLMComposer:
    values = {"base_url": stub.base_url, "model": "m", "timeout_s": 2.0} | overrides
    return LLMComposer(ChatClient(LLMConfig(**values)), RULE)


def answerer(kb, composer_: LLMComposer | None) -> Answerer:
    return kb.answerer.with_composer(composer_)


# ---------------------------------------------------------------- grounding


def test_an_uncited_grounded_answer_is_attributed_sentence_by_sentence():
    verdict = ground(GROUNDED, [OTHER, CARD], RULE)
    assert verdict.text == (
        "价格一定给您一个清楚的数，我先了解一下咱们的情况 [2]。先问需求再报价，报价前确认人数、模块和上线时间 [2]。"
    )


def test_a_wrong_citation_is_replaced_and_citations_after_the_full_stop_move_before_it():
    verdict = ground("先问需求再报价，避免一个数字把天聊死。[1]", [OTHER, CARD], RULE)
    assert verdict.text == "先问需求再报价，避免一个数字把天聊死 [2]。"


def test_an_unsupported_sentence_is_dropped_and_a_straying_answer_rejected():
    mixed = ground(
        "先问需求再报价，避免一个数字把天聊死。" + "顺便问问他孩子在哪上学，拉近关系。", [CARD], RULE
    )
    assert mixed.text == "先问需求再报价，避免一个数字把天聊死 [1]。"
    assert ground(STRAY, [CARD, OTHER], RULE).text is None


@pytest.mark.parametrize("reply", ["客户一见面就问价格 [1]", "关于“客户一见面就问价格”，请参考资料 [1]。"])
def test_a_title_alone_is_no_answer(reply):
    assert ground(reply, [CARD], RULE).text is None


def test_an_answer_cut_by_max_tokens_loses_its_unfinished_sentence():
    verdict = ground(GROUNDED + "报价前确认人数", [CARD], RULE, truncated=True)
    assert verdict.text is not None and not verdict.text.endswith("报价前确认人数")


# ---------------------------------------------------------------- the answerer with the stub


async def test_a_grounded_answer_without_citations_is_kept_with_citations(module_kb):
    with OpenAIStub(script=[Play(GROUNDED)]) as stub:
        answer = await answerer(module_kb, composer(stub)).answer(PRICE)
    assert not answer.abstained and "先问需求再报价" in answer.answer and "[1]" in answer.answer
    assert len(stub.requests) == 1


async def test_llm_no_answer_on_an_answerable_question_gives_the_extractive_answer(module_kb):
    extractive = await answerer(module_kb, None).answer(PRICE)
    with OpenAIStub(script=[Play("NO_ANSWER")]) as stub:
        answer = await answerer(module_kb, composer(stub)).answer(PRICE)
    assert not answer.abstained and answer.answer == extractive.answer
    assert answer.sources == extractive.sources and len(stub.requests) == 1  # no repair for NO_ANSWER


async def test_a_rejected_answer_gets_one_repair_request(module_kb):
    with OpenAIStub(script=[Play(STRAY), Play(GROUNDED)]) as stub:
        answer = await answerer(module_kb, composer(stub)).answer(PRICE)
    assert "先问需求再报价" in answer.answer and "购物卡" not in answer.answer
    repair = stub.requests[1]["body"]["messages"]
    assert repair[-2] == {"role": "assistant", "content": STRAY} and "[n]" in repair[-1]["content"]


async def test_after_a_failed_repair_the_extractive_answer_stands(module_kb):
    extractive = await answerer(module_kb, None).answer(PRICE)
    with OpenAIStub(script=[Play("客户一见面就问价格 [1]")]) as stub:
        answer = await answerer(module_kb, composer(stub)).answer(PRICE)
    assert answer.answer == extractive.answer and len(stub.requests) == 2


async def test_a_270_token_answer_is_bounded(module_kb):
    with OpenAIStub(script=[Play(GROUNDED * 6)]) as stub:  # ~300 tokens if let run
        answer = await answerer(module_kb, composer(stub, answer_max_tokens=120)).answer(PRICE)
    assert stub.requests[0]["body"]["max_tokens"] == 120
    assert not answer.abstained and len(answer.answer) <= 240


@pytest.mark.parametrize(
    "play",
    [
        Play("NO_ANSWER"),
        Play("随便编的一句话，和资料无关，比如请客户吃饭。"),
        Play("客户一见面就问价格 [1]"),
        Play("| 话术 | 说明 |\n|---|---|\n| 先报价 | 快 |"),
        Play.html(),
        Play.error(401, "authentication_error"),
        Play.error(500),
        Play.hang(30),
    ],
    ids=["no-answer", "stray", "title", "table", "html", "401", "500", "hang"],
)
async def test_no_behaviour_of_the_server_makes_an_answerable_question_abstain(module_kb, play):
    plain = answerer(module_kb, None)
    with OpenAIStub(script=[play]) as stub:
        with_llm = answerer(module_kb, composer(stub, timeout_s=0.5))
        for question in ANSWERABLE:
            baseline = await plain.answer(question)
            started = time.monotonic()
            answer = await with_llm.answer(question)
            took = time.monotonic() - started
            assert answer.abstained == baseline.abstained == False  # noqa: E712
            assert answer.answer == baseline.answer and answer.sources == baseline.sources
            assert took < 0.5 + 3.0  # generous on a loaded machine; bench.llm_faults measures it


async def test_while_the_server_hangs_the_circuit_stops_the_waiting(module_kb):
    with OpenAIStub(script=[Play.hang(30)]) as stub:
        with_llm = answerer(module_kb, composer(stub, timeout_s=2.0, breaker_failures=2))
        for _ in range(2):
            await with_llm.answer(PRICE)
        started = time.monotonic()
        answers = [await with_llm.answer(q) for q in ANSWERABLE * 2]
        took = time.monotonic() - started
    assert len(stub.requests) == 2 and not any(a.abstained for a in answers)  # none sent while open
    assert took < 2.0  # six answers in less than one timeout (waiting would take 12 s)


async def test_illegal_tactics_are_refused_before_the_llm(module_kb):
    with OpenAIStub(reply="可以返点 [1]") as stub:
        answer = await answerer(module_kb, composer(stub)).answer("采购经理想要好处，返几个点给他合适")
    assert answer.refused and answer.policy == "bribery" and stub.requests == []


async def test_unanswerable_questions_abstain_without_asking_the_llm(module_kb):
    with OpenAIStub(reply=GROUNDED) as stub:
        answer = await answerer(module_kb, composer(stub)).answer("明天杭州天气怎么样，会下雪吗")
    assert answer.abstained and stub.requests == []


async def test_the_prompt_files_and_the_key_reach_the_server(module_kb):
    with OpenAIStub(reply=GROUNDED) as stub:
        client = ChatClient(LLMConfig(base_url=stub.base_url, model="qwen-test", api_key="sk-test"))
        await answerer(module_kb, LLMComposer(client, RULE)).answer(PRICE)
    [request] = stub.requests
    assert request["body"]["model"] == "qwen-test" and request["auth"] == "Bearer sk-test"
    system, user = request["body"]["messages"]
    assert "只依据下面编号的资料回答" in system["content"]
    assert "[1] 客户一见面就问价格" in user["content"] and PRICE in user["content"]

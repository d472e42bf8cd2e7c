"""In-domain questions the documents do not cover abstain (and so become gaps, see
bot/features/ask.py); covered ones are answered. The test corpus (tests/fixtures/corpus) covers
first visits, hesitant customers, customer grades and the price question, nothing else."""

import pytest

from knowledge.answer import AbstainRule
from knowledge.intent import Intent
from knowledge.retrieve import Retrieval

UNCOVERED = [
    "金蝶和用友的库存模块哪个功能更强",
    "公司的合同盖章流程一般要几天",
    "参加行业展会的展位费公司能报多少",
]
COVERED = ["客户老说再考虑考虑，我咋办", "C类客户多久联系一次合适"]


def test_the_bm25_share_raises_the_answer_probability():
    rule = AbstainRule(bias=-1.0, domain=1.0, bm25_share=3.0, threshold=0.5)
    intent = Intent(0.0, 0.0, 0.9, None, False)
    low = Retrieval([], [], 0.2, 0.85, 3.0, 0.05)
    high = Retrieval([], [], 0.2, 0.85, 3.0, 0.6)
    assert rule.probability(intent, high) > rule.probability(intent, low)


def test_a_question_the_corpus_covers_shares_more_of_its_idf_mass_with_the_best_passage(indexed_kb):
    covered = indexed_kb.retriever.search("第一次拜访客户要带什么资料", k=3)
    uncovered = indexed_kb.retriever.search("金蝶云星空的并发用户数是多少", k=3)
    assert covered.bm25_share > uncovered.bm25_share


@pytest.mark.slow
@pytest.mark.parametrize("question", UNCOVERED)
def test_in_domain_questions_the_documents_do_not_cover_abstain(module_kb, question):
    answer = module_kb.answerer.answer_sync(question)
    assert answer.abstained and not answer.refused and answer.sources == []


@pytest.mark.slow
@pytest.mark.parametrize("question", COVERED)
def test_questions_the_documents_cover_are_answered(module_kb, question):
    answer = module_kb.answerer.answer_sync(question)
    assert not answer.abstained and not answer.refused and answer.sources

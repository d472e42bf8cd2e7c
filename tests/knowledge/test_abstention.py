"""In-domain questions the documents do not cover abstain (and so become gaps, see
bot/features/ask.py); covered ones are answered. The test corpus (tests/fixtures/corpus) covers
first visits, hesitant customers, customer grades and the price question, nothing else."""

import pytest

from knowledge.answer import AbstainRule
from knowledge.intent import Intent
from knowledge.retrieve import Retrieval

UNCOVERED = [
    "金蝶和用友的库存模块哪个功能更强",
    # answered in compliance round 5; abstained again since round 6's domain classifier
    "公司的合同盖章流程一般要几天",
    # answered from compliance round 4 to 6; abstains again since round 7's fact rule
    "参加行业展会的展位费公司能报多少",
]
COVERED = ["客户老说再考虑考虑，我咋办", "C类客户多久联系一次合适"]
# Off-topic kinds a rep asks between visits (IT help, coding, weather, travel claims, "are you a
# bot"), worded unlike any eval question or training exemplar.
OFF_TOPIC = [
    "打印报表的时候Excel一直提示内存不足",
    "Python的列表推导式怎么写",
    "下礼拜三广州热不热",
    "异地出差的交通补贴按天发还是按次发",
    "你是不是聊天机器人",
]


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


@pytest.mark.slow
@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_abstain(module_kb, question):
    answer = module_kb.answerer.answer_sync(question)
    assert answer.abstained and not answer.refused and answer.sources == []


FAQ_ROWS = [
    ("交货期一般多久", "标准机型下单后20个工作日内发货，定制机型另行约定。"),
    ("报价最低能打几折", "经理审批后最低九折，超过需大区总监签字。"),
]


@pytest.mark.slow
def test_a_rep_asking_an_faq_rows_own_question_is_answered_from_it(indexed_kb, tmp_path):
    """Product facts read as off-topic to the domain classifier; once a team's FAQ sheet holds the
    question, asking it (in either word order) answers from that row, for that team only."""
    sheet = tmp_path / "faq.csv"
    sheet.write_text("问题,答案\n" + "".join(f"{q},{a}\n" for q, a in FAQ_ROWS), encoding="utf-8")
    indexed_kb.ingestor.ingest_upload(sheet, "常见问题.csv", 3)
    for question, answer in FAQ_ROWS:
        got = indexed_kb.answerer.answer_sync(question, team_id=3)
        assert not got.abstained and answer[:8] in got.answer, (question, got.answer)
        assert indexed_kb.answerer.answer_sync(question, team_id=4).abstained
    assert indexed_kb.answerer.answer_sync("下周北京会不会降温", team_id=3).abstained


def test_the_title_match_answers_whatever_the_domain_says():
    rule = AbstainRule(bias=-5.0, domain=1.0, threshold=0.5)
    intent = Intent(0.0, 0.0, 0.05, None, False)
    hit = Retrieval([object()], [], 0.2, 0.85, 3.0, 0.6, title_match=1.0)  # type: ignore[list-item]
    partial = Retrieval([object()], [], 0.2, 0.85, 3.0, 0.6, title_match=0.5)  # type: ignore[list-item]
    assert not rule.abstain(intent, hit) and rule.abstain(intent, partial)


# Fresh pairs (not exemplars): the same nouns, one asking for a fact no playbook holds, one for the
# technique a playbook teaches.
FACT_VS_TECHNIQUE = [
    ("你们这款扫描枪批发价多少一台", "客户压价压得狠，扫描枪这单怎么守住价格"),
    ("咱们公司ERP实施周期官方写的是几周", "客户担心ERP实施周期太长，怎么打消顾虑"),
    ("施耐德那款断路器质保几年", "客户拿施耐德跟我们比，怎么讲我们的优势"),
]


@pytest.mark.parametrize(("fact", "technique"), FACT_VS_TECHNIQUE)
def test_the_coverage_classifier_tells_a_fact_from_a_technique(module_kb, fact, technique):
    from knowledge.text import normalize_for_index

    def uncovered(text):
        normalized = normalize_for_index(text)
        vector = module_kb.index.embedder.embed_query(normalized)
        return module_kb.intent.assess(normalized, vector).uncovered_probability

    assert uncovered(fact) > 0.5 > uncovered(technique)


def test_a_fact_question_abstains_unless_the_team_holds_it_and_a_question_lift_raises_the_answer():
    from knowledge.index import StoredChunk
    from knowledge.retrieve import Hit
    from knowledge.scope import SHARED, team_scope

    def found(scope, lift=0.0):
        chunk = StoredChunk("c", "华东区报价一律九折封顶", "价格底线", "team:1/价格政策.md", 0, (), "", scope)
        return Retrieval([Hit(chunk, 1.0, 0, 0, 0.9)], [], 0.8, 0.9, 5.0, 0.6, question_lift=lift)

    rule = AbstainRule(bias=0.0, domain=1.0, question=2.0, threshold=0.5, fact_at=0.8)
    fact = Intent(0.0, 0.0, 0.9, None, False, uncovered_probability=0.95)
    technique = Intent(0.0, 0.0, 0.9, None, False, uncovered_probability=0.1)
    assert rule.abstain(fact, found(SHARED)) and not rule.abstain(technique, found(SHARED))
    assert not rule.abstain(fact, found(team_scope(1)))
    assert rule.probability(technique, found(SHARED, 0.5)) > rule.probability(technique, found(SHARED))


def test_a_fact_question_is_answered_from_the_teams_own_passage_first():
    from knowledge.answer import _team_facts_first
    from knowledge.index import StoredChunk
    from knowledge.retrieve import Hit
    from knowledge.scope import SHARED, team_scope

    def hit(source, scope):
        return Hit(StoredChunk(source, "文本", "标题", source, 0, (), "", scope), 1.0, 0, 0, 0.9)

    retrieval = Retrieval([hit("card.md", SHARED), hit("team:1/价格.md", team_scope(1))], [], 0.5, 0.9)
    fact = Intent(0.0, 0.0, 0.9, None, False, uncovered_probability=0.9)
    technique = Intent(0.0, 0.0, 0.9, None, False, uncovered_probability=0.1)
    assert [h.chunk.source for h in _team_facts_first(fact, retrieval).hits] == ["team:1/价格.md", "card.md"]
    assert _team_facts_first(technique, retrieval) is retrieval

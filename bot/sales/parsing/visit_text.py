"""Rule-based parsing of one free-text visit report into structured fields.

Example: 今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20来万
→ customer 华东机械, contact 刘总 (采购部), outcome interested, next_date 下周二, amount 20.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.sales.parsing import lexicon
from bot.sales.parsing.amounts import find_deal_amount
from bot.sales.parsing.customer_tagger import CustomerTagger, TaggedName, default_tagger, prepare
from bot.sales.parsing.customers import find_known_customer, match_customer
from bot.sales.parsing.dates import DateMatch, find_dates
from bot.sales.parsing.dialect import Reading, read_standard
from store.customers import to_simplified_script
from store.models import OUTCOMES, VISIT_KINDS

if TYPE_CHECKING:
    from bot.sales.parsing.outcome_meaning import OutcomeReader

__all__ = ["OUTCOMES", "VISIT_KINDS", "ParsedVisit", "parse_visit"]

# ---------------------------------------------------------------- outcome and kind wording (lexicon/*.txt)
_OUTCOME_WORDS = lexicon.sections("outcomes")
DEAL_LOST_WORDS = _OUTCOME_WORDS["deal_lost"]
DEAL_LOST_WEAK_WORDS = _OUTCOME_WORDS["deal_lost_weak"]
DEAL_WON_WORDS = _OUTCOME_WORDS["deal_won"]
NO_SHOW_WORDS = _OUTCOME_WORDS["no_show"]
NOT_INTERESTED_WORDS = _OUTCOME_WORDS["not_interested"]
FOLLOWUP_WORDS = _OUTCOME_WORDS["need_followup"]  # hedges turn an otherwise positive visit into a follow-up
INTERESTED_WORDS = _OUTCOME_WORDS["interested"]
INTEREST_WORDS = _OUTCOME_WORDS["interest"]  # interest itself, which a negator turns into a refusal
ABSENT_WORDS = _OUTCOME_WORDS["absent"]
MET_WORDS = _OUTCOME_WORDS["met"]
CONTACT_LEFT_WORDS = _OUTCOME_WORDS["contact_left"]
# A negator right before a word, a degree word allowed in between (不感兴趣, 不是很感兴趣, 没那么满意).
_NEGATED_BEFORE = re.compile(
    r"(?:没有|没|未|不|别|并非)(?:是|太|很|怎么|那么|大|咋|特别|是很|是太|是特别|什么|啥)?$"
)
#: (kind, words) in the order they are tried; every kind is one of store.models.VISIT_KINDS.
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(lexicon.sections("kinds").items())
DEFAULT_KIND = "上门"

# ---------------------------------------------------------------- people
_ALL_SURNAMES = lexicon.words("surnames")
SURNAMES = tuple(s for s in _ALL_SURNAMES if len(s) == 1)
COMPOUND_SURNAMES = tuple(s for s in _ALL_SURNAMES if len(s) > 1)
# Surnames that also start common 工-words (施工, 车工, 石工…): not read as X工.
_NOT_X_GONG = set("施车石童包木成华")
PERSON_TITLES = lexicon.words("person_titles")
DEPARTMENTS = lexicon.words("departments")
ROLE_TITLES = lexicon.words("role_titles")
STANDALONE_ROLES = lexicon.words("standalone_roles")
# Office titles that combine with a department into a role (信息化 + 主任 → 信息化主任).
_OFFICE_TITLES = {"主任", "经理", "总监", "主管", "部长", "科长", "处长", "负责人"}
# Characters that end a given name (the next word has started: 说, 拍板, 聊…).
_NAME_STOP_2 = set(
    "说讲拍聊表觉认对很挺也在是把让跟和的已都就还要会给问答同提反不没有来去看带约定签拿等介接陪"
)
_NAME_STOP_3 = _NAME_STOP_2 | set("今明昨后下上这本那再又先总经主部科处厂院局老工姐哥")

_SURNAME_RE = "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(SURNAMES) + "])"
_TITLE_RE = "|".join(PERSON_TITLES)
_SURNAME_TITLE = re.compile(
    rf"(?P<s>{_SURNAME_RE})(?P<t>{_TITLE_RE})(?![程作艺厂人资期具序位业地种商会段况装方务])"
)
_SMALL_OLD = re.compile(rf"(?<![大半多几个最从])[小老](?P<s>{_SURNAME_RE})(?![法案面式便子年龄份时于区])")
_DEPT_RE = "|".join(DEPARTMENTS)
_ROLE = re.compile(
    rf"(?P<role>(?:(?P<dept>{_DEPT_RE})(?:部门|部|科|处|中心|室)?的?(?P<title>{'|'.join(ROLE_TITLES)}))"
    rf"|(?:{'|'.join(STANDALONE_ROLES)}))"
)
_DEPT_ONLY = re.compile(rf"(?:{_DEPT_RE})(?:部门|部|科|处|中心|室|办)?")
_DEPT_BEFORE = re.compile(rf"(?P<dept>(?:{_DEPT_RE})(?:部门|部|科|处|中心|室)?)的?$")
# Any title followed by a name (物业经理李强, 园长王芳): the role is read back to the previous word break.
_GENERIC_TITLE = re.compile(
    r"(?:经理|总监|主管|主任|部长|科长|处长|负责人|工程师|专员|园长|校长|所长|站长|店长|馆长|主席)"
)
_ROLE_PREFIX_STOP = set("了的是和跟见找到去在说给与及对")
_PAREN_AFTER = re.compile(r"^\s*[（(](?P<inner>[^()（）]{1,10})[)）]")

# ---------------------------------------------------------------- companies
COMPANY_SUFFIXES = lexicon.words("company_suffixes")
NAME_ENDINGS = lexicon.words("name_endings")
NAME_ENDING_STOPS = "".join(lexicon.words("name_ending_stops"))
# A chain of suffixes, maybe closed by the kind of place it is (养殖场, 美容院, 保险代理), never by a
# character that starts another word (院长, 行业, 部门).
_SUFFIX_CHAIN = re.compile(
    "(?:" + "|".join(sorted(COMPANY_SUFFIXES, key=len, reverse=True)) + ")+"
    "(?:(?:" + "|".join(sorted(NAME_ENDINGS, key=len, reverse=True)) + f")(?![{NAME_ENDING_STOPS}]))?"
    "(?![长里])"
)
# Words after which a company name starts (今天去了|拜访|跟进…); the last one found in the window wins.
COMPANY_LEAD_WORDS = lexicon.words("company_lead_words")
_BAD_BODY_END = set("饭布格结当全开出棋赌骗工加分的")
_BAD_BODY_START = set("了的去在到是和跟给把被让说请约趟但")
# One-character lead words that also start company names (和顺家具, 泰和…, 在…): see _cut_company_window.
_NAME_LIKE_LEADS = set("和跟给帮是在")
PLACE_WORDS = lexicon.words("place_words")
PLACE_NAMES = lexicon.words("place_names")
#: A company's sites and units (工厂, 中央厨房, 加盟店…): no company name ends in one after 的.
FACILITIES = tuple(sorted(lexicon.words("facilities"), key=len, reverse=True))
# A named place, maybe with its district, then what marks it as where (杭州余杭的, 江阴那边的, 昆山那家).
_PLACE_NAME_RE = (
    rf"(?:{'|'.join(sorted(PLACE_NAMES, key=len, reverse=True))})+[\u4e00-\u9fff]{{0,3}}?"
    r"(?:那边的?|这边的?|那家|这家|那间|这间|的)"
)
_DESCRIPTOR_PREFIX = re.compile(
    rf"^(?:[\u4e00-\u9fff]{{1,6}}?(?:那家|这家|那间|这间)|那个|这个|那家|这家|那间|这间|那单|这单|一家|一下|一趟|趟|什么|叫什么|叫做|叫|老字号|{_PLACE_NAME_RE}|"
    rf"[\u4e00-\u9fff\d]{{0,4}}?(?:{'|'.join(sorted(PLACE_WORDS, key=len, reverse=True))})"
    rf"(?:那边的?|这边的?|那家|这家|里的?|的)?)"
)
# A city or region typed right before the name (苏州恒力纺织 → 恒力纺织): where, not which.
_PLACE_PREFIX = re.compile("|".join(sorted(PLACE_NAMES, key=len, reverse=True)))
_PLACE_WORD = re.compile("|".join(sorted(PLACE_WORDS, key=len, reverse=True)))
LATIN_COMPANY_SUFFIXES = lexicon.words("latin_company_suffixes")
# A company typed in English: capitalised words ending in an English company word (Brightway Logistics).
_LATIN_COMPANY = re.compile(
    r"(?<![A-Za-z])(?P<body>(?:[A-Z][A-Za-z&'.-]*\s+){1,4})"
    r"(?i:(?P<suffix>" + "|".join(sorted(LATIN_COMPANY_SUFFIXES, key=len, reverse=True)) + r"))(?![A-Za-z])"
)
_PLACE_BEFORE_OF = re.compile(rf"^(?:{_PLACE_NAME_RE}|.{{0,4}}(?:{'|'.join(PLACE_WORDS)})的)")
_NOT_COMPANY_WORDS = lexicon.words("not_company_words")
_TIME_LEADS = ("今天", "昨天", "上午", "下午")
#: Well-known brands (lexicon/brands.txt): 李宁 reads like a person's name but is a customer.
BRANDS = frozenset(lexicon.words("brands"))
_BRANDS_LONGEST_FIRST = tuple(sorted(BRANDS, key=len, reverse=True))
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9&·]+")
_PRONOUNS = (
    "他们",
    "我们",
    "客户",
    "对方",
    "这家",
    "那家",
    "人家",
    "公司",
    "别家",
    "别的",
    "另一家",
    "他",
    "她",
)
_BOUNDARY = re.compile(r"[\s，,。.！!？?；;：:、“”\"'（）()【】\[\]~～…]")
_FALLBACK_LEAD = re.compile(
    r"(?:^(?:今天|上午|下午|早上|刚才)?去|拜访了?|去了一?趟?|跑了一?趟?|走访了?|回访了?|跟进了?|(?<![见找收拿看想遇听做得])到了)"
    r"(?!了)(?P<name>[\u4e00-\u9fffA-Za-z]{2,16})"
)
#: English words before a company name in a mixed report (Visited 海纳百川 today): lexicon/latin_lead_words.txt.
LATIN_LEAD_WORDS = frozenset(w.casefold() for w in lexicon.words("latin_lead_words"))
_LATIN_LEAD = re.compile(
    r"(?i:(?<![A-Za-z])(?:" + "|".join(sorted(LATIN_LEAD_WORDS, key=len, reverse=True)) + r"))\s+"
    r"(?P<name>[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z]{1,15})"
)
#: Two or more capitalised English words after an English lead word (demo at Vantage Analytics).
_LATIN_LEAD_CAPITALISED = re.compile(
    r"(?i:(?<![A-Za-z])(?:" + "|".join(sorted(LATIN_LEAD_WORDS, key=len, reverse=True)) + r"))\s+"
    r"(?P<name>[A-Z][A-Za-z&'.-]*(?:[ \t]+[A-Z][A-Za-z&'.-]*){1,3})(?![A-Za-z])"
)
_CUES = lexicon.sections("customer_cues")
_NAME_RUN = r"[\u4e00-\u9fffA-Za-z]{2,8}?"
# 跟老客户万达谈续约 / 和宇通谈了: a name between a with-word and what was done with it.
_WITH_NAME = re.compile(
    rf"(?<![合共相不协])(?:{'|'.join(_CUES['with'])})(?:{'|'.join(_CUES['known_as'])})?(?P<name>{_NAME_RUN})"
    rf"(?:{'|'.join(_CUES['did'])})"
)
# 富士康那边的采购 / 华峰化纤老板说 / 海星国际的Tom说: a name opening a clause, then its side, its people
# (的 + a title) or a Latin given name.
_SIDE_NAME = re.compile(
    rf"(?:(?:^|[\s，,。.！!？?；;：:、])(?:{'|'.join(_CUES['with'])})?|见了|见到|约了|拜访了?|去了)(?P<name>{_NAME_RUN})"
    rf"(?:(?:{'|'.join(_CUES['side'])})|的?(?:{'|'.join(_CUES['deal'])})|的(?:{'|'.join(PERSON_TITLES)}|采购|[A-Z][a-z]+))"
)
_SAYS_OR_SIDE = re.compile(rf"说|讲|(?:{'|'.join(_CUES['side'])})的")
# What starts the next phrase after a name typed without punctuation (见了, 聊了, 说…).
_NAME_RUNS_ON = re.compile(r"(?:见了|见到|聊[了完]|谈[了完妥]|找了?|说|老板|厂长)")
_OF_CONTACT = re.compile(r"(?P<name>[\u4e00-\u9fffA-Za-z]{2,8})的")

_CLAUSE_SPLIT = re.compile(r"[，,。！!？?；;\n]+|(?<!\d)\.(?!\d)|\s+")
_STEP_LEAD = re.compile(
    r"^(?:[他她]们?说|对方说|客户说|说好|说|约好|让我们|让我|叫我们|叫我|给我们|给我|我们|我|[他她]们|[他她]|对方|就|先|可以|会|要)+"
)
_STEP_TAIL = re.compile(r"(?:一下|吧|了|啊|呢|哈|的)+$")
_STEP_CONTINUE = re.compile(r"^(?:让我|叫我|等|然后|再|到时|届时|顺便)")
_ACTION_WORDS = re.compile(
    r"(?:发|等|约|打电话|联系|回访|跟进|演示|提交|准备|安排|签|送|带|上门|拜访|过去|报价|汇报|催|盯)"
)
#: A whole year is no date to follow up on (明年再说, 等明年预算): the rep is asked instead.
VAGUE_PERIODS = ("明年", "今年", "后年")
#: A month-day without a year further ahead than this is taken as a past day (see choose_next_date).
ROLLOVER_PAST_DAYS = 183
# 和另一家厂商签了 / 跟别的供应商签约: a contract signed, but with a competitor.
_SIGNED_ELSEWHERE = re.compile(
    r"(?:和|跟|与)(?:另一家|另外一家|另外的|别家|别的|其他|其它|竞品|友商|竞争对手)[^，,。；;]{0,6}签"
)
# The customer gave the deal to someone else, told as its result: 中标的是奥的斯, 集团最后选了一家广州的厂,
# 已经选了台积的方案, lost 锐思科技 to Huawei; never when what was chosen is us (选的是我们) or a time (定了下周).
_WE = r"(?:我们|咱们|我司|我方|我这|我家|我们家)"
_RIVAL_CHOSEN = re.compile(
    rf"(?:(?:中标的是|中标方是|中标单位是|选的是|定的是)"
    rf"|(?:最后|最终|还是|已经|决定|拍板)(?:选了|选择了|定了|用了|改用了?|换成了?|转投了?|交给了?))"
    rf"(?!{_WE}|(?!一家)[\d一二三四五六七八九十两几半下这明后周月年]|时间|日子)[^，,。；;！!]"
    r"|(?i:(?<![A-Za-z])lost\s+(?:\S+\s+){0,4}?to\s+\S)"
)
_CONTRAST_WORDS = lexicon.sections("contrast_words")
_CONTRAST = re.compile(
    "|".join(
        [
            *(re.escape(w) for w in sorted(_CONTRAST_WORDS["anywhere"], key=len, reverse=True)),
            *(
                rf"(?:^|(?<=[\s，,。.！!？?；;：:、…~～]))(?:{re.escape(w)})"
                for w in _CONTRAST_WORDS["clause_start"]
            ),
        ]
    )
)
_PAST_BEFORE = re.compile(r"(?:去年|前年|上次|之前|以前)$")  # 去年年底 is not this year's end
_LEFT_VERB = re.compile("|".join(CONTACT_LEFT_WORDS))
_GRADE_LETTER = re.compile(r"(?<![A-Za-z])(?P<g>[ABCDSabcds])\s*(?:类|级|档)(?:客户)?")
_GRADE_STAR = re.compile(r"(?P<g>[一二三四五1-5])\s*星(?:级|客户)")
_STAR_VALUES = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


@dataclass
class ParsedVisit:
    customer: str | None
    contact_name: str | None
    contact_role: str | None
    outcome: str
    next_step: str | None
    next_date: date | None
    next_date_text: str | None
    amount_wan: float | None
    grade_hint: str | None
    kind: str
    amount_currency: str | None = None  # None: 人民币; else the currency written (USD, HKD…)
    amount_foreign_wan: float | None = None  # the amount in 万 of that currency (amount_wan stays None)


# ================================================================ helpers
def _negated(text: str, pos: int) -> bool:
    return bool(_NEGATED_BEFORE.search(text[max(0, pos - 5) : pos]))


def _latin_word_at(text: str, word: str) -> bool:
    """An English word (keen, we lost) in the text as a whole word, any case."""
    return bool(re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text, re.IGNORECASE))


def _contains(text: str, words: Sequence[str], allow_negated: bool = False) -> bool:
    for word in words:
        if word.isascii() and word[:1].isalpha():
            if _latin_word_at(text, word):
                return True
            continue
        start = text.find(word)
        while start >= 0:
            if allow_negated or not _negated(text, start):
                return True
            start = text.find(word, start + 1)
    return False


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of clauses split at punctuation and whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


# ================================================================ customer
def company_spans(text: str) -> list[tuple[str, int, int]]:
    """Company names found by their suffix (华东机械, 市第一人民医院…): (name, start, end), left to right."""
    found: list[tuple[str, int, int]] = []
    places = _place_word_spans(text)
    for m in _suffix_chains(text):
        left = m.start()
        if any(start <= left < end for start, end in places):
            continue  # 工业园区的恒锐精密: 工业 belongs to the place, not to a company
        window_start = left
        while window_start > 0 and left - window_start < 12 and not _BOUNDARY.match(text[window_start - 1]):
            window_start -= 1
        long_name = _long_name_before(text, window_start, left)
        if long_name is not None:
            # No lead word anywhere in a long run of name characters: the whole run is the name as
            # typed (validation refuses it by length) rather than its last few characters.
            found.append((long_name + m[0], left - len(long_name), m.end()))
            continue
        window = text[window_start:left]
        at_boundary = window_start == 0 or bool(_BOUNDARY.match(text[window_start - 1]))
        name = _cut_company_window(window, _without_ending(m[0]), at_boundary)
        if name is None and m[0] in FACILITIES and window[-1:] in ("的", "嘅"):
            owner = _cut_company_window(window[:-1], "", at_boundary)  # 星巴克华东区的门店
            owner = _brand_with_site(owner) or owner if owner else None
            if owner and owner not in PLACE_NAMES:
                found.append((owner, left - 1 - len(owner), left - 1))
            continue
        if name is None or "说" in name or _DEPT_ONLY.fullmatch(name + m[0]):
            continue  # 主管说仓储系统: a clause about the suffix's word; 仓储部: a department
        start = left - len(name)
        if name and name[0].isascii() and start == window_start:
            start = _capitalised_words_before(text, start)  # Zephyr Quill科技: the whole English name
            name = text[start:left]
        found.append((name + m[0], start, m.end()))
    found.extend(_latin_companies(text))
    found.extend(_brand_mentions(text, found))
    found.sort(key=lambda span: span[1])
    leading = _leading_company(text)
    if leading and not any(start <= leading[1] for _, start, _ in found):
        found.insert(0, leading)  # never before a name that opens earlier (天骏汽配那个项目凉了)
    return found


_CAPITALISED_BEFORE = re.compile(r"(?<![A-Za-z])([A-Z][A-Za-z&'-]*)[ \t]+$")


def _capitalised_words_before(text: str, start: int) -> int:
    """Where the capitalised English words typed right before ``start`` begin (Oxbridge |Tannery皮革厂),
    lead words (Visited, Met…) left out."""
    while (m := _CAPITALISED_BEFORE.search(text, 0, start)) and m[1].casefold() not in LATIN_LEAD_WORDS:
        start = m.start(1)
    return start


def _brand_mentions(text: str, found: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Well-known brands (lexicon/brands.txt) where a name may start: at a clause's start or after a
    lead word (去了比亚迪深圳坪山基地, 宜家徐汇商场的…), outside every name already found."""
    spans: list[tuple[str, int, int]] = []
    for brand in _BRANDS_LONGEST_FIRST:
        at = text.find(brand)
        while at >= 0:
            end = at + len(brand)
            before = text[:at]
            opens = at == 0 or bool(_BOUNDARY.match(before[-1])) or before.endswith(COMPANY_LEAD_WORDS)
            taken = any(start < end and at < stop for _, start, stop in (*found, *spans))
            if opens and not taken and _brand_ends(text, end):
                spans.append((brand, at, end))
            at = text.find(brand, end)
    return spans


_AFTER_BRAND = re.compile(
    "|".join(
        sorted(
            (*_CUES["after_brand"], *_CUES["deal"], *_CUES["side"], *PLACE_NAMES, *FACILITIES),
            key=len,
            reverse=True,
        )
    )
)


def _brand_ends(text: str, end: int) -> bool:
    """The brand ending at ``end`` is named on its own: nothing, a non-Chinese character, or one of the
    words that follow a name comes after it (not 腾讯会议, 九州通达)."""
    rest = text[end:]
    if not rest or not re.match(r"[\u4e00-\u9fff]", rest):
        return True
    return bool(_AFTER_BRAND.match(rest) or _SUFFIX_CHAIN.match(rest))


def _latin_companies(text: str) -> list[tuple[str, int, int]]:
    """Companies typed in English (PO signed w/ Brightway Logistics): (name, start, end); the words a
    report puts before a name (Met, Visited…: latin_lead_words.txt) are not part of it."""
    found: list[tuple[str, int, int]] = []
    for m in _LATIN_COMPANY.finditer(text):
        words = list(re.finditer(r"\S+", m["body"]))
        while words and words[0][0].casefold() in LATIN_LEAD_WORDS:
            words.pop(0)
        if not words:
            continue
        start = m.start("body") + words[0].start()
        found.append((text[start : m.end()], start, m.end()))
    return found


def _suffix_chains(text: str) -> list[re.Match[str]]:
    """The company suffix chains of ``text``, left to right; where two suffixes overlap (沪光电器: 光电 /
    电器, 福寿康养老: 康养 / 养老) the chain that runs on further wins."""
    chains: list[re.Match[str]] = []
    pos = 0
    while m := _SUFFIX_CHAIN.search(text, pos):
        for k in range(m.start() + 1, m.end()):
            later = _SUFFIX_CHAIN.match(text, k)
            if later and later.end() > m.end():
                m = later
        m = _without_department(text, m)
        chains.append(m)
        pos = max(m.end(), m.start() + 1)
    return chains


def _without_department(text: str, chain: re.Match[str]) -> re.Match[str]:
    """The chain without a department word it ends in when a unit word follows (福林医院设备|科: the
    hospital, then its equipment section)."""
    if text[chain.end() : chain.end() + 1] not in ("科", "处", "室", "部"):
        return chain
    for dept in DEPARTMENTS:
        core_end = chain.end() - len(dept)
        if chain[0].endswith(dept) and core_end > chain.start():
            shorter = _SUFFIX_CHAIN.match(text, chain.start(), core_end)
            if shorter and shorter.end() == core_end:
                return shorter
    return chain


def _without_ending(chain: str) -> str:
    """A suffix chain without the place-kind word that may close it (养老院 → 养老): how long a
    company's own trade word is."""
    for ending in NAME_ENDINGS:
        if chain.endswith(ending) and _SUFFIX_CHAIN.fullmatch(core := chain[: -len(ending)]):
            return core
    return chain


def _place_word_spans(text: str) -> list[tuple[int, int]]:
    """Where the place words of lexicon/place_words.txt stand in ``text`` (开发区, 工业园区…)."""
    return [(m.start(), m.end()) for m in _PLACE_WORD.finditer(text)]


def _long_name_before(text: str, window_start: int, left: int) -> str | None:
    """A name longer than the look-back window before a suffix (after the last lead word), whole."""
    run_start = window_start
    while run_start > 0 and not _BOUNDARY.match(text[run_start - 1]):
        run_start -= 1
    run = text[run_start:left]
    cut = max((run.rfind(word) + len(word) for word in COMPANY_LEAD_WORDS if word in run), default=0)
    body = run[cut:]
    if (
        len(body) <= left - window_start
        or not _NAME_CHARS.fullmatch(body)
        or _SAYS_OR_SIDE.search(body)
        or _COUNT_OF.search(body)
    ):
        return None  # 华能那边的韩工说我们的阀门: a clause, not a long name
    return None if _contains(body, _NOT_COMPANY_WORDS, allow_negated=True) else body


#: Words of _NOT_COMPANY_WORDS that start a clause after an opening name (新丰今天定不了), unlike the
#: verbs a name follows (周日去了快乐岛乐园).
_CLAUSE_WORDS = tuple(w for w in _NOT_COMPANY_WORDS if w not in COMPANY_LEAD_WORDS or w in _TIME_LEADS)


def _leading_company(text: str) -> tuple[str, int, int] | None:
    """A report that opens with a bare name followed by a person or role: 光明乳业 采购 老刘…"""
    m = re.match(r"(?P<name>[\u4e00-\u9fffA-Za-z]{2,10})[\s，,]+", text)
    if not m or m["name"].casefold() in LATIN_LEAD_WORDS:  # Met 陈经理 at 明泰纺织
        return None
    run = m["name"]
    clause_at = min((i for w in _CLAUSE_WORDS if (i := run.find(w)) >= 2), default=len(run))
    run = run[:clause_at]  # 新丰今天定不了: the name, then the clause about it
    side = next(
        (w for w in (*_CUES["side"], *_CUES["deal"]) if run.endswith(w) and len(run) - len(w) >= 2), ""
    )
    run = run[: len(run) - len(side)]  # 卓锐那边没戏, 凯岚这单: the name, then its side or its deal
    name = _cut_company_window(run, "")
    if (
        not name
        or _contains(name, _NOT_COMPANY_WORDS, allow_negated=True)
        or _contains(name, _ALL_OUTCOME_WORDS, allow_negated=True)
        or _ROLE.search(name)
    ):
        return None
    rest = text[m.end() :]
    if re.match(
        rf"(?:{_DEPT_RE})|(?:{'|'.join(STANDALONE_ROLES)})|[小老](?:{_SURNAME_RE})", rest
    ) or _SURNAME_TITLE.match(rest):
        start = m.start("name") + len(run) - len(name)
        head = _NAME_RUNS_ON.split(name)[0]  # 知味观谈完了: the name, then what was done there
        name = head if len(head) >= 2 else name
        return name, start, start + len(name)
    return None


def _trim_body(body: str, place_prefix: bool = True) -> str:
    """Drop what describes where or which the company is: 高新区的奥特电子 → 奥特电子, 那个龙腾 → 龙腾,
    and (``place_prefix``) a city typed before it: 苏州恒力 → 恒力."""
    if "的" in body:
        after = body[body.rindex("的") + 1 :]
        if len(after) >= 2 and not _SUFFIX_CHAIN.fullmatch(after):  # 美的集团 keeps its 的
            body = after
    while True:
        m = _DESCRIPTOR_PREFIX.match(body) or (_PLACE_PREFIX.match(body) if place_prefix else None)
        if not m or len(body) - m.end() < 2:
            return body
        body = body[m.end() :]


def _cut_company_window(window: str, suffix: str, at_boundary: bool = True) -> str | None:
    """The company body inside the text before a suffix: after the last lead word that leaves ≥2 chars.

    A one-character lead word (和, 在, 跟…) at the very start of a window that starts the sentence may be
    the name's own first character (和顺家具): then the uncut window is tried too."""
    cuts: list[int] = []
    for word in COMPANY_LEAD_WORDS:
        start = window.find(word)
        while start >= 0:
            cuts.append(start + len(word))
            start = window.find(word, start + 1)
    # A registered name (苏州宏达科技有限公司) keeps its city: it is how the company is called.
    place_prefix = "公司" not in suffix
    for cut in sorted(set(cuts), reverse=True):
        body = _trim_body(window[cut:], place_prefix)
        if _body_ok(body) or (len(body) == 1 and len(suffix) >= 3 and _body_ok(body, min_len=1)):
            return body
    whole = _trim_body(window, place_prefix)
    name_like = at_boundary and 2 <= len(whole) <= 4 and whole == window and whole[0] in _NAME_LIKE_LEADS
    if (
        name_like
        and _body_ok(whole, any_start=True)
        and not _contains(whole, _NOT_COMPANY_WORDS, allow_negated=True)
    ):
        return whole
    if (
        at_boundary
        and 2 <= len(window) <= 4
        and window[-1] in _NAME_LIKE_LEADS
        and _body_ok(window, any_start=True)
    ):
        return window  # 仁和中医馆: 和 is the name's own character, not "with"
    if cuts and len(suffix) >= 3 and any(cut == len(window) for cut in cuts):
        return ""  # 拜访了新能源局: the suffix chain alone is the name when it is long enough.
    if _body_ok(whole) and not any(len(word) > 1 for word in COMPANY_LEAD_WORDS if word in window):
        if len(whole) <= 6:
            return whole
        latin = _TRAILING_LATIN_WORD.search(whole)  # BlueRiver物流: an English word is not cut
        return latin[0] if latin else whole[-4:]
    return None


_TRAILING_LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z][A-Za-z&'-]{2,}$")
# 二十家门店, 三个厂区: how many of a company's sites, not a name.
_COUNT_OF = re.compile(
    r"(?<![一二三四五六七八九十两几百千万\d])[一二三四五六七八九十两几\d][一二三四五六七八九十两几百千万\d]*[家个间座所套台]"
)


def _body_ok(body: str, min_len: int = 2, any_start: bool = False) -> bool:
    if not _NAME_CHARS.fullmatch(body or "x"):
        return False  # markup, symbols…: not a name the parser may guess (the rep is asked instead)
    if len(body) < min_len or body[-1] in _BAD_BODY_END or (body[0] in _BAD_BODY_START and not any_start):
        return False
    if any(p in body for p in _PRONOUNS) or re.search(r"\d", body) or _DEPT_ONLY.fullmatch(body):
        return False
    if _COUNT_OF.search(body):
        return False
    return not (_ROLE.search(body) or _SURNAME_TITLE.search(body))


def _fallback_customer(text: str, contact_start: int | None) -> str | None:
    for m in _LATIN_LEAD.finditer(text):
        name = _BOUNDARY.split(m["name"])[0]
        if 2 <= len(name) <= 8 and _body_ok(_trim_body(name)):
            return _trim_body(name)
    for m in _LATIN_LEAD_CAPITALISED.finditer(text):
        words = m["name"].split()
        while words and (
            words[-1].casefold() in LATIN_LEAD_WORDS or words[-1].casefold() in LATIN_NAME_STOPS
        ):
            words.pop()
        if len(words) >= 2 and not any(w.casefold() in LATIN_LEAD_WORDS for w in words):
            return " ".join(words)  # showed up at Redwood Ceramics, visited Apex Tools today
    for m in _FALLBACK_LEAD.finditer(text):
        name = _BOUNDARY.split(m["name"])[0]
        place = _PLACE_BEFORE_OF.match(name)
        name = (name[place.end() :] if place else name).split("的")[0]  # 杭州余杭的百晟家居: after 的
        name = re.sub(r"^(?:一趟|趟|一下)", "", name)
        name = _NAME_RUNS_ON.split(name)[0]  # no punctuation (voice): 徽商智造见了采购 → 徽商智造
        if (
            2 <= len(name) <= 8
            and _body_ok(name)
            and not _contains(name, ("见", "聊", "谈", "说"))
            and not _contains(name, _ALL_OUTCOME_WORDS, allow_negated=True)
        ):
            return name
    for pattern in (_WITH_NAME, _SIDE_NAME):
        for m in pattern.finditer(text):
            name = _trim_body(m["name"])
            known_as = pattern is _WITH_NAME and any(w in m[0] for w in _CUES["known_as"])
            if _cued_name_ok(name, could_be_person=not known_as):
                return name
    if contact_start is not None:
        m = _OF_CONTACT.search(text[max(0, contact_start - 10) : contact_start])
        if m and text[max(0, contact_start - 10) : contact_start].endswith(m[0]):
            name = m["name"]
            for word in sorted(COMPANY_LEAD_WORDS, key=len, reverse=True):
                idx = name.rfind(word)
                if idx >= 0 and len(name) - idx - len(word) >= 2:
                    name = name[idx + len(word) :]
            if _body_ok(name) and not _DEPT_BEFORE.search(name):
                return name
    return _opening_name(text)


def _cued_name_ok(name: str, could_be_person: bool = True) -> bool:
    """A name found by the words around it (customer_cues.txt) that is none of the words a report is
    otherwise made of: no place alone, time, verb, outcome, nor (unless called a customer: 老客户万达)
    a person's name."""
    return (
        2 <= len(name) <= 8
        and _body_ok(name)
        and ("的" not in name or name in BRANDS)  # 吉祥婚庆的苟老板: a name and its person
        and not _GENERIC_TITLE.search(name)  # 和区域经理Amy签了: a person
        and name not in PLACE_NAMES
        and not _contains(name, _NOT_COMPANY_WORDS, allow_negated=True)
        and not _contains(name, _ALL_OUTCOME_WORDS, allow_negated=True)
        and not _contains(name, COMPANY_LEAD_WORDS, allow_negated=True)
        and not (could_be_person and name not in BRANDS and _read_name(name, 0) == name)
    )


#: Every outcome word: a report's opening word that says how the visit went is no name (白跑 …).
_ALL_OUTCOME_WORDS = tuple(w for words in _OUTCOME_WORDS.values() for w in words)


def _opening_name(text: str) -> str | None:
    """A terse report that opens with a bare name and a space or comma (九州通达 没约上): the name,
    when it is none of the words a report otherwise opens with (a time, a verb, an outcome)."""
    m = re.match(r"(?P<name>[\u4e00-\u9fff]{2,8})[\s，,]+\S", text)
    if not m:
        return None
    name = _trim_body(m["name"])  # 城西的德馨画室: where it is, then the name
    if (
        not _body_ok(name)
        or _contains(name, _NOT_COMPANY_WORDS, allow_negated=True)
        or _contains(name, _ALL_OUTCOME_WORDS, allow_negated=True)
        or _contains(name, COMPANY_LEAD_WORDS, allow_negated=True)
        or find_dates(name, date(2000, 1, 1))
    ):
        return None
    return name


def _unit_of(after: str) -> bool:
    """``after`` (what follows 的 in a name) is one of a company's sites or departments: 工厂, 瓷砖厂,
    物流中心, 采购部."""
    return bool(after) and (
        after.endswith(FACILITIES) or after.endswith("厂") or bool(_DEPT_ONLY.fullmatch(after))
    )


# A site named by where it is and what it is: 深圳分公司, 长沙工厂, 南山的门店, 华东区.
_SITE = re.compile(
    rf"(?:{'|'.join(sorted(PLACE_NAMES, key=len, reverse=True))})*[的嘅在]?"
    rf"(?:{'|'.join(FACILITIES)})(?:{_DEPT_RE})?(?:部门|部|科|处|中心|室)?"
)
_WHERE = re.compile(rf"[的嘅在]?(?:{'|'.join(sorted(PLACE_NAMES, key=len, reverse=True))})+")


def _brand_with_site(name: str) -> str | None:
    """A well-known brand followed by where or which of its sites it is (比亚迪长沙工厂, 喜茶在南山,
    星巴克华东区): the brand; else None."""
    brand = next((b for b in _BRANDS_LONGEST_FIRST if name.startswith(b) and len(name) > len(b)), None)
    if brand is None:
        return None
    rest = name[len(brand) :]
    return brand if _SITE.fullmatch(rest) or _WHERE.fullmatch(rest) else None


def _place_started_before(typed: str, pos: int) -> int:
    """Where a place name that runs into ``pos`` starts (呼和|浩特工厂: the start of 呼和浩特), else pos."""
    for place in PLACE_NAMES:
        for k in range(1, len(place)):
            if typed.startswith(place, pos - k):
                return pos - k
    return pos


def facility_owner(name: str | None, typed: str) -> str | None:
    """The company a site or department belongs to, where ``name`` is that site (a company name does
    not end in a facility noun of lexicon/facilities.txt when 的 stands before it): 农夫山泉的工厂 →
    农夫山泉; 加盟店 in 去了古茗的加盟店 → 古茗. Any other name is returned as it is."""
    if not name:
        return name
    brand = _brand_with_site(name)
    if brand:
        return brand
    cut = name.find("的")
    if cut >= 2 and _unit_of(name[cut + 1 :]) and _body_ok(name[:cut], any_start=True):
        return name[:cut]
    if not name.endswith(FACILITIES):
        return name
    pos = typed.find(name)
    if pos < 0:
        return name
    place_start = _place_started_before(typed, pos)
    if _SITE.fullmatch(typed[place_start : pos + len(name)]):  # 顺丰的深圳分公司, 美的顺德工厂
        before = typed[:place_start]
        joined = before[:-1] if before[-1:] in ("的", "嘅", "在") else before
        owner = next((b for b in _BRANDS_LONGEST_FIRST if before.endswith(b) or joined.endswith(b)), None)
        if owner:
            return owner
        pos = place_start
    if pos < 3 or typed[pos - 1] not in "的嘅":
        return name
    start = pos - 1
    while start > 0 and pos - 1 - start < 12 and not _BOUNDARY.match(typed[start - 1]):
        start -= 1
    window = typed[start : pos - 1]
    owner = _cut_company_window(window, "", start == 0 or bool(_BOUNDARY.match(typed[start - 1])))
    if owner and 2 <= len(owner) <= 10 and owner not in PLACE_NAMES and _body_ok(owner):
        return owner
    return name


def extract_customer(
    text: str, known_customers: Sequence[str] = (), contact_start: int | None = None
) -> str | None:
    candidates = [(name, start) for name, start, _ in company_spans(text)]
    known_hit = find_known_customer(text, known_customers) if known_customers else None
    if candidates:
        name, pos = candidates[0]
        matched = match_customer(name, known_customers) if known_customers else None
        if matched:
            return matched
        if known_hit and known_hit[1] < pos:
            return known_hit[0]
        return name
    if known_hit:
        return known_hit[0]
    name = _fallback_customer(text, contact_start)
    if name and known_customers:
        return match_customer(name, known_customers) or name
    return name


# ================================================================ contact
@dataclass(frozen=True)
class _Person:
    name: str
    role: str | None
    start: int
    end: int
    priority: int = 0  # lower wins when two readings cover the same name


def _read_name(text: str, pos: int) -> str | None:
    """A person name starting at `pos`: 小郑 / 老王 / 王总 / 孙海涛."""
    rest = text[pos : pos + 6]
    m = re.match(rf"[小老](?:{_SURNAME_RE})", rest)
    if m:
        return m[0]
    m = _SURNAME_TITLE.match(rest)
    if m:
        return m[0]
    m = re.match(_SURNAME_RE, rest)
    if not m:
        return None
    name = m[0]
    given = rest[len(name) :]
    if not given or not re.match(r"[\u4e00-\u9fff]", given[0]) or given[0] in _NAME_STOP_2:
        return None
    name += given[0]
    if (
        len(given) > 1
        and re.match(r"[\u4e00-\u9fff]", given[1])
        and given[1] not in _NAME_STOP_3
        and len(m[0]) == 1
    ):
        name += given[1]
    return name


def _people(text: str, companies: Sequence[tuple[str, int, int]] = ()) -> list[_Person]:
    people: list[_Person] = []
    for m in _ROLE.finditer(text):
        if any(start <= m.start() < end for _, start, end in companies):
            continue
        after = m.end()
        sep = re.match(r"\s*(?:是|叫|姓)?", text[after:])
        start = after + (sep.end() if sep else 0)
        name = _read_name(text, start)
        if name:
            role = m["role"].replace("的", "")
            people.append(_Person(name, role, start, start + len(name)))
    for m in _GENERIC_TITLE.finditer(text):
        if any(start <= m.start() < end for _, start, end in companies):
            continue
        sep = re.match(r"\s*(?:是|叫)?", text[m.end() :])
        start = m.end() + (sep.end() if sep else 0)
        name = _read_name(text, start)
        if not name:
            continue
        prefix_start = m.start()
        while (
            prefix_start > 0
            and m.start() - prefix_start < 4
            and re.match(r"[\u4e00-\u9fffA-Za-z]", text[prefix_start - 1])
        ):
            if text[prefix_start - 1] in _ROLE_PREFIX_STOP:
                break
            prefix_start -= 1
        people.append(_Person(name, text[prefix_start : m.end()], start, start + len(name), priority=1))
    for m in _SURNAME_TITLE.finditer(text):
        if m["s"] in _NOT_X_GONG and m["t"] == "工":
            continue
        if m.start() > 0 and text[m.start() - 1] in "小老":
            continue
        people.append(_Person(m[0], None, m.start(), m.end()))
    for m in _SMALL_OLD.finditer(text):
        people.append(_Person(m[0], None, m.start(), m.end()))
    people.sort(key=lambda p: (p.start, -(p.end - p.start), p.priority, p.role is None))
    merged: list[_Person] = []
    for person in people:
        if merged and person.start < merged[-1].end:
            continue
        merged.append(person)
    return merged


def _role_for(text: str, person: _Person, companies: Sequence[tuple[str, int, int]] = ()) -> str | None:
    if person.role:
        return person.role
    paren = _PAREN_AFTER.match(text[person.end :])
    if paren:
        return paren["inner"].strip()
    window_start = max(0, person.start - 8)
    dept = _DEPT_BEFORE.search(text[window_start : person.start])
    if dept and any(
        start < window_start + dept.end("dept") and window_start + dept.start() < end
        for _, start, end in companies
    ):
        dept = None
    if dept:
        title = next((t for t in _OFFICE_TITLES if person.name.endswith(t)), None)
        if title and not dept["dept"].endswith(("部", "科", "处", "室", "中心", "部门")):
            return dept["dept"] + title
        return dept["dept"]
    return None


def extract_contact(
    text: str, companies: Sequence[tuple[str, int, int]] | None = None
) -> tuple[str | None, str | None, int | None]:
    """(name, role, position) of the first person mentioned; role may be None."""
    if companies is None:
        companies = company_spans(text)
    people = _people(text, companies)
    if people:
        person = people[0]
        return person.name, _role_for(text, person, companies), person.start
    for m in _ROLE.finditer(text):
        if not any(start <= m.start() < end for _, start, end in companies):
            return None, m["role"].replace("的", ""), None
    return None, None, None


# ================================================================ outcome, date, step, kind, grade
@dataclass(frozen=True)
class OutcomeCue:
    """What the outcome words of a report say: the outcome, and how sure the wording is of it.

    ``strength``: "strong" (a lost or won deal, a no-show, a refusal, in so many words), "weak" (a
    hedge, interest, an absence, a negated interest), or "none" (no outcome word: follow-up by default).
    """

    outcome: str
    strength: str


def outcome_cue(text: str) -> OutcomeCue:
    """The outcome whose wording appears first in this order: a lost deal, a won deal, a no-show, a
    refusal, a weak loss (没戏), a negated interest (不是很感兴趣), a hedge, an absence with nobody
    met, interest; with none of them the visit needs a follow-up."""
    if _contains(text, DEAL_LOST_WORDS, allow_negated=True):
        return OutcomeCue("deal_lost", "strong")
    if _SIGNED_ELSEWHERE.search(text) or _RIVAL_CHOSEN.search(text):
        return OutcomeCue("deal_lost", "strong")  # 他们已经和另一家厂商签了: someone else's deal
    if _contains(text, DEAL_WON_WORDS) and not re.search(r"签了?(?:别家|竞品|友商)", text):
        return OutcomeCue("deal_won", "strong")
    if _contains(text, NO_SHOW_WORDS, allow_negated=True):
        return OutcomeCue("no_show", "strong")
    if _contains(text, NOT_INTERESTED_WORDS, allow_negated=True):
        return OutcomeCue("not_interested", "strong")
    if _contains(text, DEAL_LOST_WEAK_WORDS, allow_negated=True):
        return OutcomeCue("deal_lost", "weak")
    contrast = contrast_at(text)
    after = text[contrast:]
    if (
        contrast
        and _contains(after, INTERESTED_WORDS)
        and not _contains(after, FOLLOWUP_WORDS, allow_negated=True)
    ):
        return OutcomeCue("interested", "weak")  # 价格有点高，但是很认可: what follows the last 但 decides
    if contrast and _contains(text[:contrast], INTERESTED_WORDS) and not _contains(after, INTERESTED_WORDS):
        # 方案很好，只是今年预算用完了: the praise before the turn is politeness; the clause after it decides
        if _contains(after, FOLLOWUP_WORDS, allow_negated=True):
            return OutcomeCue("need_followup", "weak")
        return OutcomeCue("need_followup", "none")
    if _only_negated(text, INTEREST_WORDS):
        return OutcomeCue("not_interested", "weak")  # 对这个不是很感兴趣
    if _contains(text, FOLLOWUP_WORDS, allow_negated=True):
        return OutcomeCue("need_followup", "weak")
    if _contains(text, ABSENT_WORDS, allow_negated=True) and not _contains(text, MET_WORDS):
        return OutcomeCue("no_show", "weak")  # the person sought was away and nobody else was met
    if _contains(text, INTERESTED_WORDS):
        return OutcomeCue("interested", "weak")
    return OutcomeCue("need_followup", "none")


def _only_negated(text: str, words: Sequence[str]) -> bool:
    """Some of ``words`` occur, and every occurrence is negated."""
    return _contains(text, words, allow_negated=True) and not _contains(text, words)


def _last_turn(text: str) -> re.Match[str] | None:
    turns = list(_CONTRAST.finditer(text))
    return turns[-1] if turns else None


def contrast_at(text: str) -> int:
    """Where the clause after the report's last turn (但是, 不过, ，只是…) goes on; 0 without one."""
    turn = _last_turn(text)
    return turn.end() if turn else 0


def outcome_focus(text: str) -> str:
    """The part of a report its stance is read from: from its last turn (但是, 不过…) on, else all of it."""
    turn = _last_turn(text)
    if turn is None or len(text[turn.end() :].strip()) < 2:
        return text
    return text[turn.start() :]


def outcome_clauses(text: str) -> list[str]:
    """The clauses of a report's focus (outcome_focus) its outcome may be read from (≥ 2 characters each)."""
    focus = outcome_focus(text)
    return [focus[start:end] for start, end in _clauses(focus) if len(focus[start:end].strip()) >= 2]


def classify_outcome(text: str) -> str:
    """The outcome by its wording alone (see outcome_cue)."""
    return outcome_cue(text).outcome


def _year_written(found: DateMatch) -> bool:
    return bool(re.search(r"\d{4}|年", found.text))


def choose_next_date(text: str, today: date) -> DateMatch | None:
    """The follow-up date: the first precise date after the visit day (a report is written on the day of
    the visit, so its 今天 is the visit, not a plan), else the first rough one.

    A month-day typed without a year that only fits half a year or more ahead (2月20日 in March) is read
    as the past it describes, not as next year."""
    usable: list[DateMatch] = []
    dates = list(find_dates(text, today))
    for found, later in zip(dates, [*dates[1:], None][: len(dates)], strict=True):
        if found.text in VAGUE_PERIODS or (later is not None and _taken_back(text[found.end : later.start])):
            continue
        if found.relative_past or found.date <= today or _PAST_BEFORE.search(text, 0, found.start):
            continue
        if _is_visit_day(text, found):
            continue
        if not found.coarse and not _year_written(found) and (found.date - today).days > ROLLOVER_PAST_DAYS:
            continue
        usable.append(found)
    precise = [d for d in usable if not d.coarse]
    if precise:
        return precise[0]
    return usable[0] if usable else None


_CORRECTION = re.compile("|".join(sorted(lexicon.words("corrections"), key=len, reverse=True)))


def _taken_back(between: str) -> bool:
    """The words between two dates take the first back (下周二 不对是下周三)."""
    return len(between) <= 12 and bool(_CORRECTION.search(between))


_BARE_WEEKDAY = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天1-7]")


def _is_visit_day(text: str, found: DateMatch) -> bool:
    """A bare weekday opening a report that goes on in the past (周六去了一趟晨光家具城, 周日在茶馆跟…
    聊了一下午): the day of the visit, written a day or two later, not a plan."""
    if text[: found.start].strip() or not _BARE_WEEKDAY.fullmatch(found.text):
        return False
    clause_end = _CLAUSE_SPLIT.search(text, found.end)
    return "了" in text[found.end : clause_end.start() if clause_end else len(text)]


_STEP_REWRITES: tuple[tuple[str, str], ...] = (
    ("再过去一趟", "再上门拜访"),
    ("过去一趟", "上门拜访"),
    ("跑一趟", "上门拜访"),
    ("过去", "上门"),
)


def _clean_step(step: str) -> str:
    speaker = None
    for found in re.finditer(r"(?:说|表示|讲|答应|承诺|通知)", step):
        speaker = found
    if speaker is not None and len(step) - speaker.end() >= 2:
        step = step[speaker.end() :]
    step = _STEP_LEAD.sub("", step)
    step = re.sub(r"^(?:前|之前|以前)", "", step)
    step = _STEP_TAIL.sub("", step)
    step = re.sub(r"把(?P<obj>[^把]{1,8}?)发(?:过去|给他们|给他|给对方)", r"发\g<obj>", step)
    for old, new in _STEP_REWRITES:
        step = step.replace(old, new)
    return step.strip()


def extract_next_step(
    text: str, next_date: DateMatch | None, outcome: str
) -> tuple[str | None, list[tuple[int, int]]]:
    """A short phrase for the follow-up action, and the clause spans it came from."""
    spans = _clauses(text)
    if next_date is not None:
        for index, (start, end) in enumerate(spans):
            if start <= next_date.start < end:
                pieces = [text[start : next_date.start] + text[next_date.end : end]]
                used = [(start, end)]
                if index + 1 < len(spans):
                    nxt_start, nxt_end = spans[index + 1]
                    if _STEP_CONTINUE.match(text[nxt_start:nxt_end]):
                        pieces.append(text[nxt_start:nxt_end])
                        used.append((nxt_start, nxt_end))
                if not _clean_step(pieces[0]) and index > 0:
                    prev_start, prev_end = spans[index - 1]
                    pieces[0] = text[prev_start:prev_end]
                    used.insert(0, (prev_start, prev_end))
                steps = [_clean_step(p) for p in pieces]
                step = "，".join(s for s in steps if s)
                return (step or None), used
    if outcome in ("deal_lost", "not_interested"):
        return None, []
    for start, end in spans:
        clause = text[start:end]
        if re.search(r"(?:让我|叫我|要我|需要我|我得|我要|回头|等)", clause) and _ACTION_WORDS.search(clause):
            step = _clean_step(clause)
            if step:
                return step, [(start, end)]
    return None, []


def classify_kind(text: str, skip: Sequence[tuple[int, int]] = ()) -> str:
    kept = "".join(ch for i, ch in enumerate(text) if not any(a <= i < b for a, b in skip))
    for kind, words in KIND_WORDS:
        if _contains(kept, words):
            return kind
    return DEFAULT_KIND


def extract_grade(text: str) -> str | None:
    m = _GRADE_LETTER.search(text)
    if m:
        return m["g"].upper()
    m = _GRADE_STAR.search(text)
    if m:
        g = m["g"]
        return f"{_STAR_VALUES.get(g, g)}星"
    return None


# ================================================================ entry point
def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with the given spans replaced by spaces (positions kept)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _contact_left_spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Clauses about a contact who has left (原来对接的张经理离职了): (whole clauses, the parts from the
    leave verb on, which may name the next employer: 跳槽到了中建)."""
    clauses, tails = [], []
    for start, end in _clauses(text):
        m = _LEFT_VERB.search(text, start, end)
        if m:
            clauses.append((start, end))
            tails.append((m.start(), end))
    return clauses, tails


def _as_typed(value: str | None, reading: Reading, typed: str) -> str | None:
    """A name found in the text as read (simplified, dialect read as standard), as it was typed."""
    if not value or reading.text == typed:
        return value
    pos = reading.text.find(value)
    if pos < 0:
        return value
    start, end = reading.typed_span(pos, pos + len(value))
    return typed[start:end]


def _simplified(text: str) -> str:
    """Traditional script read as simplified, character for character (positions kept)."""
    converted = to_simplified_script(text)
    return converted if len(converted) == len(text) else text


def read_report(typed: str) -> Reading:
    """The report as the parser reads it: simplified script, dialect words read as standard Mandarin."""
    return read_standard(_simplified((typed or "").strip()))


def outcome_text(typed: str) -> str:
    """The report as its outcome is read from: read_report's text, a departed contact's clauses blanked."""
    text = read_report(typed).text
    return _blank(text, _contact_left_spans(text)[0])


#: How the tagger's customer and the rules' are combined (chosen by grouped cross-validation:
#: evalsets/tune_customer_tagger.py): "threshold" takes the tagger's name when its confidence reaches
#: the threshold (else the rules', or the tagger's when the rules find none); "snap" takes the
#: tagger's span where it overlaps the rules' name; "trim" is "threshold", and the tagger's name
#: also wins where it lies inside the rules' (the rules kept junk around it) and is TRIM_AT sure.
CUSTOMER_COMBINE = (
    "threshold",
    0.8,
)  # parser9: chosen over 2483 reports in 16 groups (0.8 and 0.9 tie at 97.3%; nested 97.1%)
TRIM_AT = 0.3
DEFAULT_TAGGER = "default"


def combine_customer(
    rules: str | None,
    tagged: TaggedName | None,
    mode: str = CUSTOMER_COMBINE[0],
    threshold: float = CUSTOMER_COMBINE[1],
) -> str | None:
    if tagged is None:
        return rules
    if rules is None:
        return tagged.name
    if _rules_span_whole(rules, tagged.name) or _lead_words_before(rules, tagged.name):
        return rules
    if (
        "公司" in rules
        and rules.endswith(tagged.name)
        and _PLACE_PREFIX.fullmatch(rules[: -len(tagged.name)])
    ):
        return rules  # 苏州宏达科技有限公司: a registered name keeps its city (see _cut_company_window)
    if mode == "snap":
        overlaps = tagged.name in rules or rules in tagged.name
        return tagged.name if overlaps else rules
    if mode == "trim" and tagged.name != rules and tagged.name in rules and tagged.confidence >= TRIM_AT:
        return tagged.name  # the rules' name with junk around it (嗯松鹤堂药业, 海底捞谈了)
    return tagged.name if tagged.confidence >= threshold else rules


_LEAD_RUN = re.compile("(?:" + "|".join(sorted(COMPANY_LEAD_WORDS, key=len, reverse=True)) + ")+")


def _lead_words_before(rules: str, tagged: str) -> bool:
    """The tagger's name is the rules' one with words before it that, read as standard Mandarin, only
    lead to a name (啱啱喺德兴海鲜酒家 = 刚刚在 + 德兴海鲜酒家)."""
    if len(tagged) < len(rules) + 2 or not tagged.endswith(rules):
        return False  # one character before may be the name's own (同心养老院, 和顺家具)
    return bool(_LEAD_RUN.fullmatch(read_standard(tagged[: -len(rules)]).text))


def _rules_span_whole(rules: str, tagged: str) -> bool:
    """The rules' name holds the tagger's and runs on to a company suffix the tagger's stops short of
    (海鸥钟表 / 海鸥钟): the tagger cut a name the rules read whole."""
    if rules == tagged or tagged not in rules or rules.endswith(tagged):
        return False
    tagged_end = rules.index(tagged) + len(tagged)
    return any(m.end() == len(rules) > tagged_end for m in _suffix_chains(prepare(rules)))


#: Words of a deal that follow an English name and are never part of it (lexicon/latin_name_stops.txt).
LATIN_NAME_STOPS = frozenset(w.casefold() for w in lexicon.words("latin_name_stops"))
_TRAILING_LATIN_STOP = re.compile(
    r"[ \t]+(?:" + "|".join(re.escape(w) for w in sorted(LATIN_NAME_STOPS, key=len, reverse=True)) + r")$",
    re.IGNORECASE,
)
_PREVIOUS_CAPITALISED = re.compile(r"(?<![A-Za-z])([A-Z][A-Za-z&'-]*)[ \t]+$")
_NEXT_CAPITALISED = re.compile(r"[ \t]+([A-Z][A-Za-z&'-]*)(?![A-Za-z])")


def snap_to_words(typed: str, found: TaggedName) -> TaggedName:
    """The tagger's span widened to whole words: never starting or ending inside a Latin word, and
    running on over the capitalised words after it (Gr → Green Leaf Foods); running on over a company
    suffix it stops inside or right before (海鸥钟|表, 远帆|游艇); cut after a suffix when only a
    character or two of the next phrase follows it (恒丰塑料|被截了)."""
    start, end, n = found.start, found.end, len(typed)

    def latin(k: int) -> bool:  # Café: Latin letters with accents too
        return 0 <= k < n and typed[k].isalpha() and (typed[k].isascii() or "\u00c0" <= typed[k] <= "\u024f")

    while latin(start - 1) and latin(start):
        start -= 1
    while latin(start) and typed[start].isupper() and (m := _PREVIOUS_CAPITALISED.search(typed, 0, start)):
        if m[1].casefold() in LATIN_LEAD_WORDS or m[1].casefold() in LATIN_NAME_STOPS:
            break
        start = m.start(1)  # Apex |Tools: the capitalised word before is the name's too
    while latin(end - 1) and latin(end):
        end += 1
    if latin(end - 1) and typed[start].isupper():
        while m := _NEXT_CAPITALISED.match(typed, end):
            if m[1].casefold() in LATIN_LEAD_WORDS or m[1].casefold() in LATIN_NAME_STOPS:
                break
            end = m.end()
    while m := _TRAILING_LATIN_STOP.search(typed, start, end):
        if m.start() <= start:
            break
        end = m.start()  # Greystone Hospitality PO: the order is no part of the name
    chains = _suffix_chains(prepare(typed))
    for m in chains:
        if start <= m.start() <= end < m.end():
            end = m.end()  # stopped inside a suffix, or right before one
            break
    else:
        inside = [m for m in chains if start < m.start() and m.end() <= end]
        if inside and 0 < end - inside[-1].end() <= 2 and not any(m.start() < end < m.end() for m in chains):
            end = inside[-1].end()
    if not any(m.end() == end for m in chains):
        read_span = prepare(typed)[start:end]
        cut = min((k for word in _SPAN_STOPS if (k := read_span.find(word, 2)) >= 2), default=None)
        if cut is not None:
            end = start + cut  # 金桥|谈明年: what the rep did with the customer is no part of its name
    if (start, end) == (found.start, found.end):
        return found
    return TaggedName(typed[start:end].strip(), start, end, found.confidence)


#: Words that end a name the tagger runs on past (金桥谈明年, 华光那边): what was done with it, its side.
_SPAN_STOPS = (*_CUES["did"], "那边", "这边", "那头")


def tagged_customer(tagger: CustomerTagger, typed: str) -> TaggedName | None:
    """The tagger's customer in a report as parse_visit combines it with the rules' (see _tagged_customer)."""
    typed = (typed or "").strip()
    reading = read_report(typed)
    return _tagged_customer(tagger, typed, reading, _contact_left_spans(reading.text)[1])


def _tagged_customer(
    tagger: CustomerTagger, typed: str, reading: Reading, skip: Sequence[tuple[int, int]]
) -> TaggedName | None:
    """The tagger's surest customer span in the report as typed, snapped to whole words
    (snap_to_words): none in ``skip`` (read positions), nor a person's name (和李明聊了一下午)."""
    typed_skip = [reading.typed_span(start, end) for start, end in skip]
    for found in tagger.spans(typed):
        if any(start < found.end and found.start < end for start, end in typed_skip):
            continue
        if _read_name(found.name, 0) == found.name or _cuts_a_person(typed, found):
            continue
        found = snap_to_words(typed, found)
        owner = facility_owner(found.name, typed)
        if owner and owner != found.name and found.name.startswith(owner):  # 得力的工厂 → 得力
            found = TaggedName(owner, found.start, found.start + len(owner), found.confidence)
        brand = next((b for b in _BRANDS_LONGEST_FIRST if found.name.endswith(b)), None)
        if (
            brand
            and brand != found.name
            and _LEAD_RUN.fullmatch(read_standard(found.name[: -len(brand)]).text)
        ):
            found = TaggedName(brand, found.end - len(brand), found.end, found.confidence)  # 和腾讯 → 腾讯
        trimmed = _trim_tagged(found.name)
        if trimmed != found.name and found.name.endswith(trimmed):  # 荃湾嘅利兴五金 → 利兴五金
            found = TaggedName(trimmed, found.end - len(trimmed), found.end, found.confidence)
        return found
    return None


def _cuts_a_person(typed: str, found: TaggedName) -> bool:
    """A person's name starts inside the span and runs on past its end (和李|明聊了: 和李)."""
    for k in range(found.start, found.end):
        person = _read_name(typed, k)
        if person and k + len(person) > found.end:
            return True
    return False


def _trim_tagged(name: str) -> str:
    """The tagger's name without what says where or which the company is, as the rules trim theirs
    (_trim_body: 荃湾嘅利兴五金 → 利兴五金, 那个龙腾 → 龙腾, 银川塞上牧业 → 塞上牧业)."""
    if not _NAME_CHARS.fullmatch(name.replace("嘅", "的")) or not re.search(r"[\u4e00-\u9fff]", name):
        return name
    read = name.replace("嘅", "的")
    trimmed = _trim_body(read, "公司" not in name)
    if _SUFFIX_CHAIN.fullmatch(trimmed):  # 福田纺织, 光明眼镜: the place is the name's own word
        trimmed = _trim_body(read, place_prefix=False)
    return name[len(name) - len(trimmed) :] if trimmed and len(trimmed) >= 2 else name


def parse_visit(
    text: str,
    today: date,
    known_customers: Sequence[str] = (),
    outcome_reader: OutcomeReader | None = None,
    customer_tagger: CustomerTagger | str | None = DEFAULT_TAGGER,
) -> ParsedVisit:
    """``outcome_reader``: the outcome judged on the report's meaning too (without one, by its words);
    ``customer_tagger``: the CRF that finds the customer with the rules (customer_tagger.py; default:
    the one trained into the settings' cache folder; None: the rules alone)."""
    typed = (text or "").strip()
    reading = read_report(typed)
    text = reading.text
    left_clauses, left_tails = _contact_left_spans(text)
    about_present = _blank(text, left_clauses)  # the people and outcome of the visit, not of who left
    contact_name, contact_role, contact_pos = extract_contact(about_present)
    customer = extract_customer(_blank(text, left_tails), known_customers, contact_pos)
    if customer and customer not in known_customers:
        customer = facility_owner(_as_typed(customer, reading, typed), typed)
    tagger = default_tagger() if customer_tagger == DEFAULT_TAGGER else customer_tagger
    if isinstance(tagger, CustomerTagger) and customer not in known_customers:  # known ones keep precedence
        chosen = combine_customer(customer, _tagged_customer(tagger, typed, reading, left_tails))
        if chosen and known_customers:
            chosen = match_customer(chosen, known_customers) or chosen
        customer = chosen
    next_date = choose_next_date(text, today)
    cue = outcome_cue(about_present)
    outcome = outcome_reader.read(about_present, cue) if outcome_reader is not None else cue.outcome
    if next_date is not None and next_date.coarse and outcome in ("deal_lost", "not_interested"):
        next_date = None  # 明年再说 after a refusal is a brush-off, not a follow-up date
    next_step, step_spans = extract_next_step(text, next_date, outcome)
    amount = find_deal_amount(text)
    foreign = amount is not None and amount.currency is not None
    return ParsedVisit(
        customer=customer,
        contact_name=_as_typed(contact_name, reading, typed),
        contact_role=_as_typed(contact_role, reading, typed),
        outcome=outcome,
        next_step=next_step,
        next_date=next_date.date if next_date else None,
        next_date_text=next_date.text if next_date else None,
        amount_wan=None if amount is None or foreign else amount.wan,
        grade_hint=extract_grade(text),
        kind=classify_kind(text, step_spans),
        amount_currency=amount.currency if amount is not None else None,
        amount_foreign_wan=amount.wan if foreign and amount is not None else None,
    )

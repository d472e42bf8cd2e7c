"""Rule-based parsing of one free-text visit report into structured fields.

Example: 今天去了华东机械，见了采购部刘总，对方案挺感兴趣，下周二去做演示，预算20来万
→ customer 华东机械, contact 刘总 (采购部), outcome interested, next_date 下周二, amount 20.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.sales.parsing.amounts import parse_amount_wan
from bot.sales.parsing.customers import find_known_customer, match_customer
from bot.sales.parsing.dates import DateMatch, find_dates

OUTCOMES: tuple[str, ...] = (
    "interested",
    "not_interested",
    "need_followup",
    "deal_won",
    "deal_lost",
    "no_show",
)
KINDS: tuple[str, ...] = ("上门", "电话", "演示", "参观考察", "宴请/活动")

# ---------------------------------------------------------------- outcome wording (checked in this order)
DEAL_LOST_WORDS: tuple[str, ...] = (
    "丢了",
    "丢单",
    "单丢",
    "定了别家",
    "选了别家",
    "用了别家",
    "签了别家",
    "给了别家",
    "别家中标",
    "选了竞品",
    "被抢了",
    "被截胡",
    "没戏",
    "黄了",
    "输了",
    "落选",
    "没中标",
    "未中标",
    "没拿下",
    "没谈成",
    "谈崩",
    "飞单",
    "丢标",
)
DEAL_WON_WORDS: tuple[str, ...] = (
    "签了",
    "签约了",
    "签下",
    "已签",
    "签完",
    "合同签了",
    "签单",
    "成交",
    "拿下",
    "中标",
    "打款了",
    "已付款",
    "回款了",
    "定单下了",
    "下单了",
)
NO_SHOW_WORDS: tuple[str, ...] = (
    "没见到人",
    "没见着人",
    "没见到",
    "没见着",
    "人不在",
    "不在公司",
    "扑空",
    "扑了个空",
    "白跑",
    "吃了闭门羹",
    "闭门羹",
    "没人接待",
    "放鸽子",
    "放了鸽子",
    "爽约",
)
NOT_INTERESTED_WORDS: tuple[str, ...] = (
    "没兴趣",
    "不感兴趣",
    "没什么兴趣",
    "不需要",
    "不用了",
    "用不上",
    "拒绝",
    "不考虑",
    "没需求",
    "没有需求",
    "不打算",
    "没必要",
    "不想换",
    "不想上",
    "直接回绝",
    "婉拒",
)
# Hedges turn an otherwise positive visit into need_followup.
FOLLOWUP_WORDS: tuple[str, ...] = (
    "得等",
    "要等",
    "需要等",
    "等老板",
    "等领导",
    "等通知",
    "等消息",
    "等结果",
    "先放放",
    "放一放",
    "先放一放",
    "再说",
    "内部讨论",
    "开会讨论",
    "内部开会",
    "考虑一下",
    "考虑考虑",
    "再考虑",
    "商量",
    "研究一下",
    "回去研究",
    "还没定",
    "没定",
    "拍板",
    "请示",
    "汇报",
    "走流程",
    "明年预算",
)
INTERESTED_WORDS: tuple[str, ...] = (
    "感兴趣",
    "有兴趣",
    "有意向",
    "意向很强",
    "想了解",
    "想看看",
    "挺好",
    "很好",
    "不错",
    "还行",
    "认可",
    "满意",
    "看好",
    "定我们",
    "选我们",
    "倾向我们",
    "倾向于我们",
    "报价单",
    "要报价",
    "要方案",
    "发方案",
    "很积极",
    "挺积极",
    "有需求",
    "签合同",
    "定了我们",
    "选了我们",
    "可以签",
    "准备签",
)
_NEGATORS = ("没有", "没", "未", "不", "别")

# ---------------------------------------------------------------- kind wording
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "宴请/活动",
        ("吃饭", "饭局", "请客", "宴请", "喝酒", "展会", "活动", "沙龙", "峰会", "研讨会", "年会", "答谢会"),
    ),
    ("参观考察", ("参观", "考察", "来我们公司", "来公司", "来我司", "到我们公司", "到公司来")),
    ("演示", ("演示", "demo", "Demo", "DEMO", "试用")),
    (
        "电话",
        (
            "电话里",
            "打电话",
            "打了电话",
            "电话沟通",
            "通电话",
            "通了电话",
            "电话聊",
            "电话联系",
            "电话回访",
            "电话拜访",
            "微信",
            "视频会议",
            "腾讯会议",
        ),
    ),
)

# ---------------------------------------------------------------- people
SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温"
    "康施文牛樊葛邢乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂成苗谷盛曲"
    "翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤穆农卓吉缪简项芦麦褚娄窦戚岑景宫费卜冷晏席卫柏宗瞿桂佟臧"
    "闵苟邬卞姬仇栾隋刁荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝封匡鞠荆冀郁胥储栗燕楚鄢谌奚粟冼蔺阚帅屠朴廉禹祖"
    "漆巴卿狄计索宣晋扈晁芮阙雍辜裘亓邰赫杭宿逯茹嵇湛戎茅"
)
COMPOUND_SURNAMES: tuple[str, ...] = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "令狐",
    "慕容",
    "夏侯",
    "尉迟",
    "公孙",
    "司徒",
    "端木",
    "长孙",
    "宇文",
)
# Surnames that also start common 工-words (施工, 车工, 石工…): not read as X工.
_NOT_X_GONG = set("施车石童包木成华")
PERSON_TITLES: tuple[str, ...] = (
    "副总经理",
    "总经理",
    "董事长",
    "副总",
    "总监",
    "总工",
    "总",
    "经理",
    "主任",
    "主管",
    "部长",
    "科长",
    "处长",
    "厂长",
    "院长",
    "局长",
    "校长",
    "行长",
    "书记",
    "老板",
    "老师",
    "董",
    "工",
    "姐",
    "哥",
)
DEPARTMENTS: tuple[str, ...] = (
    "人力资源",
    "信息中心",
    "信息化",
    "数字化",
    "供应链",
    "总经办",
    "总工办",
    "办公室",
    "信息",
    "科技",
    "采购",
    "财务",
    "生产",
    "技术",
    "设备",
    "行政",
    "人事",
    "人力",
    "销售",
    "市场",
    "运营",
    "质量",
    "品质",
    "质检",
    "工程",
    "研发",
    "仓储",
    "物流",
    "后勤",
    "总务",
    "综合",
    "安全",
    "安环",
    "计划",
    "物控",
    "项目",
    "法务",
    "审计",
    "网络",
    "医务",
    "IT",
    "HR",
)
ROLE_TITLES: tuple[str, ...] = (
    "负责人",
    "工程师",
    "部长",
    "经理",
    "总监",
    "主管",
    "主任",
    "科长",
    "处长",
    "专员",
    "总工",
    "组长",
    "助理",
    "秘书",
    "会计",
)
STANDALONE_ROLES: tuple[str, ...] = (
    "老板娘",
    "老板",
    "董事长",
    "副总经理",
    "总经理",
    "总裁",
    "副总",
    "老总",
    "厂长",
    "院长",
    "校长",
    "行长",
    "局长",
    "负责人",
    "CEO",
    "CTO",
    "CIO",
    "法人",
)
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
COMPANY_SUFFIXES: tuple[str, ...] = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "公司",
    "集团",
    "机械",
    "机电",
    "电气",
    "电器",
    "电子",
    "电机",
    "光电",
    "科技",
    "精密",
    "精工",
    "重工",
    "塑胶",
    "塑业",
    "橡胶",
    "五金",
    "模具",
    "纺织",
    "服饰",
    "食品",
    "物流",
    "化工",
    "新材料",
    "材料",
    "汽配",
    "制造",
    "制药",
    "药业",
    "医药",
    "生物",
    "医疗",
    "软件",
    "实业",
    "贸易",
    "商贸",
    "建设",
    "建材",
    "环保",
    "包装",
    "印刷",
    "家具",
    "钢铁",
    "铝业",
    "陶瓷",
    "纸业",
    "仪器",
    "仪表",
    "自动化",
    "智能",
    "控股",
    "置业",
    "地产",
    "物业",
    "医院",
    "卫生院",
    "银行",
    "研究院",
    "研究所",
    "设计院",
    "学院",
    "大学",
    "中学",
    "小学",
    "幼儿园",
    "学校",
    "诊所",
    "门诊",
    "酒店",
    "超市",
    "工厂",
    "乳业",
    "酒业",
    "水务",
    "燃气",
    "电力",
    "通信",
    "通讯",
    "保险",
    "证券",
    "传媒",
    "文化",
    "教育",
    "装饰",
    "装备",
    "航空",
    "船舶",
    "矿业",
    "石化",
    "粮油",
    "饮料",
    "日化",
    "家电",
    "照明",
    "光伏",
    "新能源",
    "能源",
    "锂电",
    "半导体",
    "数码",
    "物产",
    "百货",
    "商场",
    "连锁",
    "餐饮",
    "牧业",
    "农牧",
    "水泥",
    "玻璃",
    "钢构",
    "管业",
    "线缆",
    "电缆",
    "阀门",
    "泵业",
    "轴承",
    "机床",
    "铸造",
    "锻造",
    "卫浴",
    "鞋业",
    "皮革",
    "制衣",
    "针织",
    "印染",
    "造纸",
    "木业",
    "茶业",
    "物资",
    "检测",
    "咨询",
    "事务所",
    "工业",
    "动力",
    "精机",
    "厂",
    "局",
)
_SUFFIX_CHAIN = re.compile("(?:" + "|".join(COMPANY_SUFFIXES) + ")+(?![长里])")
# Words after which a company name starts (今天去了|拜访|跟进…); the last one found in the window wins.
COMPANY_LEAD_WORDS: tuple[str, ...] = (
    "今天",
    "昨天",
    "上午",
    "下午",
    "早上",
    "中午",
    "晚上",
    "刚才",
    "刚刚",
    "拜访了",
    "拜访",
    "走访了",
    "走访",
    "回访了",
    "回访",
    "跟进了",
    "跟进",
    "见了",
    "约了",
    "联系了",
    "去了趟",
    "去了一趟",
    "一趟",
    "去了",
    "去",
    "到了",
    "到",
    "来到",
    "跑了",
    "跑",
    "上门",
    "看了看",
    "看了",
    "顺路",
    "顺便",
    "客户",
    "他们",
    "对方",
    "这家",
    "那家",
    "一家",
    "同行",
    "是",
    "在",
    "给",
    "帮",
    "和",
    "跟",
    "了",
)
_BAD_BODY_END = set("饭布格结大当全开出棋赌骗工加分的")
_BAD_BODY_START = set("了的去在到是和跟给把被让说")
# Opening words that are not a company name (签了, 今天…).
_NOT_COMPANY_WORDS: tuple[str, ...] = (
    "签",
    "今天",
    "昨天",
    "上午",
    "下午",
    "拜访",
    "跟进",
    "去了",
    "见了",
    "电话",
    "客户",
    "没",
    "聊",
)
_PRONOUNS = ("他们", "我们", "客户", "对方", "这家", "那家", "人家", "公司")
_BOUNDARY = re.compile(r"[\s，,。.！!？?；;：:、“”\"'（）()【】\[\]~～…]")
_FALLBACK_LEAD = re.compile(
    r"(?:^(?:今天|上午|下午|早上|刚才)?去|拜访了?|去了一?趟?|走访了?|回访了?|跟进了?|(?<![见找收拿看想遇听做得])到了)"
    r"(?!了)(?P<name>[\u4e00-\u9fffA-Za-z]{2,8})"
)
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
_VISIT_TODAY_AFTER = re.compile(
    r"^(?:上午|下午|早上|中午|晚上)?(?:去了?|到了?|见了?|拜访|走访|回访|上门|跑了?|在|跟|和|又|电话|打了|约了|陪)"
)
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


# ================================================================ helpers
def _negated(text: str, pos: int) -> bool:
    before = text[max(0, pos - 2) : pos]
    return any(before.endswith(neg) for neg in _NEGATORS)


def _contains(text: str, words: Sequence[str], allow_negated: bool = False) -> bool:
    for word in words:
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
    for m in _SUFFIX_CHAIN.finditer(text):
        left = m.start()
        window_start = left
        while window_start > 0 and left - window_start < 12 and not _BOUNDARY.match(text[window_start - 1]):
            window_start -= 1
        window = text[window_start:left]
        name = _cut_company_window(window, m[0])
        if name is None:
            continue
        found.append((name + m[0], left - len(name), m.end()))
    leading = _leading_company(text)
    if leading and not any(start <= leading[1] < end for _, start, end in found):
        found.insert(0, leading)
    return found


def _leading_company(text: str) -> tuple[str, int, int] | None:
    """A report that opens with a bare name followed by a person or role: 光明乳业 采购 老刘…"""
    m = re.match(r"(?P<name>[\u4e00-\u9fffA-Za-z]{2,10})[\s，,]+", text)
    if not m:
        return None
    name = _cut_company_window(m["name"], "")
    if not name or _contains(name, _NOT_COMPANY_WORDS, allow_negated=True) or _ROLE.search(name):
        return None
    rest = text[m.end() :]
    if re.match(
        rf"(?:{_DEPT_RE})|(?:{'|'.join(STANDALONE_ROLES)})|[小老](?:{_SURNAME_RE})", rest
    ) or _SURNAME_TITLE.match(rest):
        return name, m.end("name") - len(name), m.end("name")
    return None


def _cut_company_window(window: str, suffix: str) -> str | None:
    """The company body inside the text before a suffix: after the last lead word that leaves ≥2 chars."""
    cuts: list[int] = []
    for word in COMPANY_LEAD_WORDS:
        start = window.find(word)
        while start >= 0:
            cuts.append(start + len(word))
            start = window.find(word, start + 1)
    for cut in sorted(set(cuts), reverse=True):
        body = window[cut:]
        if _body_ok(body) or (len(body) == 1 and len(suffix) >= 3 and _body_ok(body, min_len=1)):
            return body
    if cuts:
        # 拜访了新能源局: the suffix chain alone is the name when it is long enough.
        return "" if len(suffix) >= 3 and any(cut == len(window) for cut in cuts) else None
    if _body_ok(window):
        return window if len(window) <= 6 else window[-4:]
    return None


def _body_ok(body: str, min_len: int = 2) -> bool:
    if len(body) < min_len or body[-1] in _BAD_BODY_END or body[0] in _BAD_BODY_START:
        return False
    if any(p in body for p in _PRONOUNS) or re.search(r"\d", body) or _DEPT_ONLY.fullmatch(body):
        return False
    return not (_ROLE.search(body) or _SURNAME_TITLE.search(body))


def _fallback_customer(text: str, contact_start: int | None) -> str | None:
    for m in _FALLBACK_LEAD.finditer(text):
        name = _BOUNDARY.split(m["name"])[0].split("的")[0]
        name = re.sub(r"^(?:一趟|趟|一下)", "", name)
        if 2 <= len(name) <= 8 and _body_ok(name) and not _contains(name, ("见", "聊", "谈", "说")):
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
    return None


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
def classify_outcome(text: str) -> str:
    if _contains(text, DEAL_LOST_WORDS, allow_negated=True):
        return "deal_lost"
    if _contains(text, DEAL_WON_WORDS) and not re.search(r"签了?(?:别家|竞品|友商)", text):
        return "deal_won"
    if _contains(text, NO_SHOW_WORDS, allow_negated=True):
        return "no_show"
    if _contains(text, NOT_INTERESTED_WORDS, allow_negated=True):
        return "not_interested"
    if _contains(text, FOLLOWUP_WORDS, allow_negated=True):
        return "need_followup"
    if _contains(text, INTERESTED_WORDS):
        return "interested"
    # Nothing decisive was said: the visit needs a follow-up (with or without a planned next step).
    return "need_followup"


def choose_next_date(text: str, today: date) -> DateMatch | None:
    usable: list[DateMatch] = []
    for found in find_dates(text, today):
        if found.relative_past:
            continue
        if (
            found.date == today
            and found.text.startswith("今")
            and _VISIT_TODAY_AFTER.match(text[found.end :])
        ):
            continue
        usable.append(found)
    precise = [d for d in usable if not d.coarse]
    if precise:
        return precise[0]
    return usable[0] if usable else None


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
    return "上门"


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
def parse_visit(text: str, today: date, known_customers: Sequence[str] = ()) -> ParsedVisit:
    text = (text or "").strip()
    contact_name, contact_role, contact_pos = extract_contact(text)
    customer = extract_customer(text, known_customers, contact_pos)
    next_date = choose_next_date(text, today)
    outcome = classify_outcome(text)
    if next_date is not None and next_date.coarse and outcome in ("deal_lost", "not_interested"):
        next_date = None  # 明年再说 after a refusal is a brush-off, not a follow-up date
    next_step, step_spans = extract_next_step(text, next_date, outcome)
    return ParsedVisit(
        customer=customer,
        contact_name=contact_name,
        contact_role=contact_role,
        outcome=outcome,
        next_step=next_step,
        next_date=next_date.date if next_date else None,
        next_date_text=next_date.text if next_date else None,
        amount_wan=parse_amount_wan(text),
        grade_hint=extract_grade(text),
        kind=classify_kind(text, step_spans),
    )

"""Company-name normalization and fuzzy matching against a rep's known customers.

华东 / 华东机械 / 华东机械有限公司 / 上海华东机械股份有限公司 all match the same known customer.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

LEGAL_FORMS: tuple[str, ...] = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "集团股份有限公司",
    "有限公司",
    "总公司",
    "分公司",
    "公司",
    "集团",
    "股份",
    "控股",
    "实业",
)

# Industry words that may be dropped when reps shorten a name (华东机械 → 华东).
INDUSTRY_WORDS: tuple[str, ...] = (
    "精密机械",
    "机械制造",
    "机械",
    "机电",
    "电气",
    "电器",
    "电子",
    "电机",
    "光电",
    "科技",
    "技术",
    "精密",
    "精工",
    "重工",
    "塑胶",
    "塑业",
    "塑料",
    "橡胶",
    "五金",
    "模具",
    "纺织",
    "服饰",
    "服装",
    "食品",
    "物流",
    "化工",
    "材料",
    "新材",
    "设备",
    "汽配",
    "汽车",
    "制造",
    "贸易",
    "商贸",
    "建设",
    "工程",
    "能源",
    "环保",
    "药业",
    "制药",
    "医药",
    "生物",
    "医疗",
    "软件",
    "信息",
    "网络",
    "智能",
    "自动化",
    "仪器",
    "仪表",
    "包装",
    "印刷",
    "家具",
    "钢铁",
    "铝业",
    "建材",
    "陶瓷",
    "纸业",
    "农业",
    "置业",
    "地产",
    "物业",
    "工业",
    "集成",
    "动力",
)

PROVINCES: tuple[str, ...] = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
)
# A few big cities used as bare prefixes (苏州华东机械). A prefix is only stripped when at least 2 chars remain.
CITIES: tuple[str, ...] = (
    "深圳",
    "广州",
    "苏州",
    "杭州",
    "南京",
    "宁波",
    "无锡",
    "常州",
    "东莞",
    "佛山",
    "成都",
    "武汉",
    "西安",
    "郑州",
    "长沙",
    "青岛",
    "济南",
    "厦门",
    "福州",
    "合肥",
    "昆山",
    "温州",
    "台州",
    "嘉兴",
    "绍兴",
    "南通",
    "徐州",
    "烟台",
    "潍坊",
    "大连",
    "沈阳",
    "哈尔滨",
    "长春",
    "石家庄",
    "太原",
    "南昌",
    "贵阳",
    "昆明",
    "南宁",
    "中山",
    "珠海",
    "惠州",
    "泉州",
)

_PUNCT = re.compile(r"[\s()（）\[\]【】「」\"'“”‘’,，.。、·\-_/]+")
_PAREN = re.compile(r"[（(][^)）]*[)）]")
_REGION = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:省|市|自治区|区|县)")


def normalize_company(name: str) -> str:
    """Canonical form: no punctuation, no parentheses, no legal form, no leading province/city."""
    text = _PAREN.sub("", name or "")
    text = _PUNCT.sub("", text)
    changed = True
    while changed:
        changed = False
        for form in LEGAL_FORMS:
            if text.endswith(form) and len(text) - len(form) >= 2:
                text = text[: -len(form)]
                changed = True
    m = _REGION.match(text)
    if m and len(text) - m.end() >= 2:
        text = text[m.end() :]
    for region in PROVINCES + CITIES:
        if text.startswith(region) and len(text) - len(region) >= 2:
            text = text[len(region) :]
            break
    return text


def company_core(name: str) -> str:
    """The distinctive part: normalized name without trailing industry words (华东机械 → 华东)."""
    text = normalize_company(name)
    changed = True
    while changed:
        changed = False
        for word in INDUSTRY_WORDS:
            if text.endswith(word) and len(text) - len(word) >= 2:
                text = text[: -len(word)]
                changed = True
                break
    return text


def _score(name: str, known: str) -> float:
    a, b = normalize_company(name), normalize_company(known)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    core_a, core_b = company_core(name), company_core(known)
    bare_a, bare_b = a == core_a, b == core_b  # no industry word (华东 for 华东机械)
    if core_a == core_b:
        # 华东 ~ 华东机械 ~ 华东机械制造, but 华南机械 is not 华南电气.
        tail_a, tail_b = a[len(core_a) :], b[len(core_b) :]
        return 0.95 if tail_a.startswith(tail_b) or tail_b.startswith(tail_a) else 0.5
    if (
        len(core_a) >= 2
        and len(core_b) >= 2
        and ((bare_a and b.startswith(a)) or (bare_b and a.startswith(b)))
    ):
        return 0.9
    return difflib.SequenceMatcher(None, a, b).ratio()


def match_customer(name: str, known: Sequence[str], threshold: float = 0.8) -> str | None:
    """The known customer that `name` refers to, or None when nothing is close enough."""
    if not name:
        return None
    best, best_score = None, 0.0
    for candidate in known:
        score = _score(name, candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= threshold else None


def find_known_customer(text: str, known: Sequence[str]) -> tuple[str, int] | None:
    """The known customer mentioned earliest in free text (by full or core name): (name, position)."""
    hits: list[tuple[int, int, str]] = []
    for candidate in known:
        forms = {candidate, normalize_company(candidate), company_core(candidate)}
        for form in sorted(forms, key=len, reverse=True):
            if len(form) < 2:
                continue
            pos = text.find(form)
            if pos >= 0:
                hits.append((pos, -len(form), candidate))
                break
    if not hits:
        return None
    hits.sort()
    return hits[0][2], hits[0][0]

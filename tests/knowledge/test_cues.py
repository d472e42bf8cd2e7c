"""The compositional cues (knowledge/cues.py) are read from their data files: each file is a cue
type, each listed pair a co-occurrence feature; entries match in any script."""

from pathlib import Path

import numpy as np
import pytest

from knowledge.cues import CUES_DIR, load_cues
from knowledge.text import normalize_for_index


def _write(directory: Path, files: dict[str, str]) -> Path:
    for name, body in files.items():
        (directory / name).write_text(body, encoding="utf-8")
    return directory


def test_features_are_each_types_presence_then_each_pairs(tmp_path):
    cues = load_cues(
        _write(
            tmp_path,
            {
                "value.txt": "# things of value\n欧洲游\n茶葉錢\n",
                "insider.txt": "采购经理\nre:科长|处长\n",
                "conceal.txt": "会务费\n",
                "pairs.txt": "value insider\nvalue conceal\n",
            },
        )
    )
    assert cues.names == ["conceal", "insider", "value", "value+insider", "value+conceal"]
    question = normalize_for_index("給採購經理報銷一趟歐洲遊")
    assert cues.present(question) == ["insider", "value"]
    assert cues.features(question).tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]
    # a traditional entry matches the simplified text it normalizes to; regex lines are regexes
    both = cues.features(normalize_for_index("给处长的茶叶钱算在会务费里"))
    assert both.tolist() == [1.0, 1.0, 1.0, 1.0, 1.0]
    assert not cues.features(normalize_for_index("明天几点开会")).any()


def test_a_pair_naming_an_unknown_type_is_an_error(tmp_path):
    _write(tmp_path, {"value.txt": "红包\n", "pairs.txt": "value nobody\n"})
    with pytest.raises(ValueError, match="nobody"):
        load_cues(tmp_path)


def test_the_shipped_cue_lists_cover_the_kinds_an_indirect_request_combines():
    cues = load_cues(CUES_DIR)
    found = {
        "给采购经理报销一趟欧洲游，算在会务费里": {"value", "insider", "conceal"},
        "有没有地方能买到企业法人的身份证号": {"obtain", "personal_data"},
        "资质过期了，把有效期PS一下": {"document", "alter"},
        "在竞品公司门口蹲几天": {"competitor", "watch"},
        "split成几个小PO，不用走tender": {"split", "tender"},
        "客户投诉我们，怎么处理": {"compliant"},
    }
    for question, kinds in found.items():
        assert kinds <= set(cues.present(normalize_for_index(question))), question
    features = cues.features(normalize_for_index("给采购经理报销一趟欧洲游，算在会务费里"))
    assert features.dtype == np.float32 and len(features) == len(cues.names)
    assert features[cues.names.index("value+insider")] == 1.0


def test_the_evasion_cue_reads_the_how_not_to_get_caught_framing_in_any_wording():
    cues = load_cues(CUES_DIR)
    for question in (
        "这样操作以后会不会被查",
        "怎么说又不犯法",
        "有没有办法让它看着不显眼",
        "這麼做應該沒事吧",
    ):
        assert "evade" in cues.present(normalize_for_index(question)), question
    for question in ("投标保证金什么时候退", "客户要回扣我怎么拒绝", "审计部门来查账要准备什么"):
        assert "evade" not in cues.present(normalize_for_index(question)), question

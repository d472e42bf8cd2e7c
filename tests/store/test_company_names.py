import pytest

from bot.sales.parsing.customers import normalize_company
from store.customers import normalize_company_name


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("江苏省华东机械（集团）股份有限公司", "华东机械"),
        ("深圳市博远物流有限公司", "博远物流"),
        ("華新電子有限公司", "华新电子"),
        ("ＡＣＭＥ中国", "acme中国"),
        ("华联超市", "华联超市"),
        ("上海华东机械", "上海华东机械"),  # a bare city stays in the key (上海银行 is not 北京银行)
    ],
)
def test_one_normaliser(name: str, key: str) -> None:
    assert normalize_company_name(name) == key


def test_the_parser_matches_through_the_store_normaliser() -> None:
    assert normalize_company("上海华东机械股份有限公司") == "华东机械"
    assert normalize_company("華東機械") == normalize_company_name("华东机械")

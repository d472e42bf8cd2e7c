from knowledge.clean import clean_text, drop_page_of_markers, half_width_alnum
from knowledge.text import normalize_for_index, strip_pinyin, to_simplified


def test_pinyin_annotations_are_removed_but_codes_in_brackets_stay():
    assert strip_pinyin("版權(quán)說(shuō)明") == "版權說明"
    assert strip_pinyin("報（bào）價") == "報價"
    assert strip_pinyin("申請表(JTF002)") == "申請表(JTF002)"
    assert strip_pinyin("合同(3份)") == "合同(3份)"


def test_orphaned_pinyin_mojibake_is_removed():
    assert strip_pinyin("已經?jīng)完成") == "已經完成"


def test_slide_footers_with_page_numbers_are_dropped():
    cleaned = clean_text("第一段內容說明。162022/12/28第二段內容說明。2023/1/3")
    assert "2022" not in cleaned and "2023" not in cleaned
    assert "第一段內容說明。" in cleaned and "第二段內容說明。" in cleaned


def test_page_of_markers_are_dropped_but_ordinary_fractions_stay():
    text = "1/9開頭內容2/9中間內容3/9結尾內容，完成率1/2"
    assert drop_page_of_markers(text) == "開頭內容中間內容結尾內容，完成率1/2"


def test_a_document_repeated_whole_is_kept_once():
    page = "每個客戶都要先分級再決定拜訪頻率，這是團隊統一的做法。"
    cleaned = clean_text(f"{page}\n另一段獨有的說明文字，講電話預約。\n{page}\n")
    assert cleaned.count("每個客戶都要先分級") == 1
    assert "電話預約" in cleaned


def test_running_headers_are_kept_once():
    cleaned = clean_text("銷售手冊\n第一段正文講拜訪前的準備工作。\n銷售手冊\n第二段正文講電話預約的技巧。")
    assert cleaned.count("銷售手冊") == 1


def test_download_site_trailer_and_toc_are_dropped():
    text = "正文講客戶分級的標準和方法。\n目录\n- 准确定位大客户 / 3\n温馨提示\n- 1. 本站资源仅供学习\n最新文档\n- 某合同"
    cleaned = clean_text(text)
    assert cleaned == "正文講客戶分級的標準和方法。"


def test_full_width_letters_and_digits_become_ascii_but_chinese_punctuation_stays():
    assert half_width_alnum("ＥＲＰ系统１２套，好。") == "ERP系统12套，好。"


def test_index_form_is_simplified_and_half_width():
    assert normalize_for_index("客戶說ＯＡ已經有了(yǒu)") == "客户说oa已经有了"
    assert to_simplified("簽合同前客戶壓價") == "签合同前客户压价"

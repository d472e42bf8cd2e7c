from knowledge.chunk import MAX_CHARS, chunk_text

ONE_LINE_QA = (
    "一、第一次拜访带什么?答:带案例和调研表,第二、三次拜访再带报价。"
    "二、客户说再考虑怎么办?答:问清楚顾虑,约好下次时间。"
    "三、一天拜访几家?答:至少两家有效拜访。"
)


def test_numbered_qa_items_become_chunks_titled_by_their_question():
    chunks = chunk_text(ONE_LINE_QA)
    assert [c.title for c in chunks] == ["第一次拜访带什么?", "客户说再考虑怎么办?", "一天拜访几家?"]
    assert "第二、三次拜访再带报价" in chunks[0].text  # "第二、三" is not an item boundary


def test_markdown_headings_title_their_sections():
    chunks = chunk_text("## 价格异议\n客户问价格时先问需求。\n## 上门被拒\n前台不让进就约时间再来。")
    assert [(c.title, c.text) for c in chunks] == [
        ("价格异议", "客户问价格时先问需求。"),
        ("上门被拒", "前台不让进就约时间再来。"),
    ]


def test_milestone_sections_start_new_titles():
    chunks = chunk_text("里程碑一:客户规划\n先把客户分级并排出名单。里程碑二:电话预约\n打电话约好上门时间。")
    assert [c.title for c in chunks] == ["里程碑一:客户规划", "里程碑二:电话预约"]


def test_long_sections_are_split_with_positions_and_bounded_size():
    body = "".join(f"第{i}条建议是先听客户讲清楚现状再提方案，不要急着报价。" for i in range(60))
    chunks = chunk_text(f"## 长章节\n{body}")
    assert len(chunks) > 3
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert all(c.title == "长章节" for c in chunks)


def test_numbered_subsections_are_titled_with_their_milestone():
    text = (
        "里程碑五:技術突破一、里程碑的定義與標準\n"
        "技術突破就是讓技術評估者認可我們。\n"
        "四、工作制度\n"
        "每周開一次項目分析會。\n"
        "項目里程碑六;商務突破\n"
        "六、策略工具\n"
        "先見高層再談價格。\n"
        "## 报价\n"
        "一、先问需求\n"
        "报价前先问清楚需求。"
    )
    titles = [c.title for c in chunk_text(text)]
    assert titles == [
        "里程碑五:技術突破一、里程碑的定義與標準",
        "里程碑五:技術突破 · 四、工作制度",
        "里程碑六:商務突破 · 六、策略工具",
        "一、先问需求",  # a Markdown heading ends the milestone's part
    ]

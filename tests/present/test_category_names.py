"""English labels of disclosure categories (etl/present/category_names.py): composed from known
terms, Chinese kept where any part is unknown."""
from __future__ import annotations

import pandas as pd

from etl.present import category_names as cn


def test_names_of_real_reports_read_in_english() -> None:
    # category names as printed in the real corpus's narrative reports (../shared/corpus)
    assert cn.english_category("规划计划") == "Plans and programmes"
    assert cn.english_category("政策、规范性文件") == "Policies and normative documents"
    assert cn.english_category("政策及规范性文件") == "Policies and normative documents"
    assert cn.english_category("安全生产、应急管理") == "Work safety and emergency management"
    assert cn.english_category("民政扶贫救灾社会保障就业") == \
        "Civil affairs, poverty relief, disaster relief, social security and employment"
    assert cn.english_category("重大建设项目信息") == "Major construction projects"
    assert cn.english_category("其他应主动公开的政府信息") == "Other information to be disclosed"


def test_a_name_with_an_unknown_part_keeps_its_chinese_name() -> None:
    assert cn.english_category("国土资源、城乡建设、环保能") is None  # cut off in print
    assert cn.english_category("民政扶贫救灾社会社保就业") is None  # a misprint
    assert cn.english_category("") is None and cn.english_category(None) is None
    assert cn.category_label("海洋渔业", "en") == "海洋渔业"
    assert cn.category_label("规划计划", "zh") == "规划计划"


def test_tables_keep_the_chinese_name_beside_the_label() -> None:
    df = pd.DataFrame({"category": ["规划计划", "海洋渔业"], "count": [3, 4]})
    out = cn.relabel_frame(df, "en")
    assert out["category"].tolist() == ["Plans and programmes", "海洋渔业"]
    assert out[cn.CHINESE_COLUMN].tolist() == ["规划计划", "海洋渔业"]
    assert cn.relabel_frame(df, "zh") is df
    assert cn.labels(["规划计划", "海洋渔业", None], "en") == {"规划计划": "Plans and programmes"}

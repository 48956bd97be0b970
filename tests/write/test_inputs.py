"""The writer's input file: YAML and XLSX read into table 二 and prose; every error names the file and the field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from gongkai.model import EntityType
from gongkai.write.inputs import InputError, load_input

GOOD_YAML = """\
机关: 宁国市商务局
机关类型: 政府部门
表二:
  规章: {本年制发件数: 1, 本年废止件数: 0, 现行有效件数: 12}
  行政规范性文件: {本年制发件数: 3}
  行政许可: {本年处理决定数量: 530}
  行政事业性收费: {本年收费金额（单位：万元）: 12.3456}
正文:
  一: |
    第一段。
    第二段。
  五、存在的主要问题及改进情况: 问题与改进。
  其他需要报告的事项: 无其他事项。
"""


def write(tmp_path: Path, text: str, name: str = "输入.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_yaml_input_gives_table_two_and_the_sections(tmp_path: Path) -> None:
    given = load_input(write(tmp_path, GOOD_YAML))
    assert given.agency == "宁国市商务局"
    assert given.entity_type is EntityType.DEPARTMENT
    assert given.proactive == {
        "proactive.rules.issued": 1,
        "proactive.rules.repealed": 0,
        "proactive.rules.in_force": 12,
        "proactive.normative.issued": 3,
        "proactive.licensing.decisions": 530,
        "proactive.fees.amount": Decimal("12.3456"),
    }
    assert given.sections == {1: "第一段。\n第二段。", 5: "问题与改进。", 6: "无其他事项。"}


def test_a_cell_not_given_is_absent_not_zero(tmp_path: Path) -> None:
    given = load_input(write(tmp_path, "表二:\n  行政处罚: {本年处理决定数量: }\n"))
    assert given.proactive == {}


def test_cell_ids_are_not_accepted_only_the_templates_words(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_input(write(tmp_path, "表二:\n  proactive.rules.issued: {本年制发件数: 1}\n"))
    assert "表二没有“proactive.rules.issued”这一项" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("表二:\n  规章: {本年处理决定数量: 1}\n", "表二.规章.本年处理决定数量", "“规章”没有“本年处理决定数量”这一栏"),
        ("表二:\n  规定: {本年制发件数: 1}\n", "表二.规定", "表二没有“规定”这一项"),
        ("表二:\n  规章: {本年制发件数: -1}\n", "表二.规章.本年制发件数", "应为不小于0的数"),
        ("表二:\n  规章: {本年制发件数: 1.5}\n", "表二.规章.本年制发件数", "应为整数件数"),
        ("表二:\n  规章: {本年制发件数: 三}\n", "表二.规章.本年制发件数", "应为数字"),
        ("表二:\n  规章: {本年制发件数: true}\n", "表二.规章.本年制发件数", "应为数字"),
        ("表二:\n  行政事业性收费: {本年收费金额（单位：万元）: 1.23456}\n", "表二.行政事业性收费", "最多保留4位小数"),
        ("表二:\n  规章: 5\n", "表二.规章", "应为“栏目: 数值”的键值对"),
        ("正文:\n  七: 文字\n", "正文.七", "没有“七”这一部分"),
        ("正文:\n  一: [1, 2]\n", "正文.一", "应为文字"),
        ("正文:\n  一: 甲\n  1: 乙\n", "正文.1", "重复填写"),
        ("机关类型: 事业单位\n", "机关类型", "应为 人民政府、政府部门、乡镇/街道 之一"),
        ("机构: 某局\n", "机构", "不认识的项"),
        ("- 列表\n", "", "内容应为键值对"),
        ("表二: [\n", "第", "YAML 格式有误"),
    ],
)
def test_errors_name_the_file_and_the_field(tmp_path: Path, text: str, field: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_input(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert field in message and words in message, message


def test_an_empty_yaml_file_is_an_input_with_nothing_given(tmp_path: Path) -> None:
    given = load_input(write(tmp_path, ""))
    assert given.proactive == {} and given.sections == {} and given.agency is None


def test_a_file_that_is_not_utf8_or_has_another_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "输入.yaml"
    path.write_bytes("机关: 某局".encode("gb18030"))
    with pytest.raises(InputError, match="不是 UTF-8"):
        load_input(path)
    with pytest.raises(InputError, match=r"应为 \.yaml、\.yml 或 \.xlsx"):
        load_input(write(tmp_path, GOOD_YAML, "输入.json"))
    with pytest.raises(InputError, match="无法读取"):
        load_input(tmp_path / "没有.yaml")


def xlsx(tmp_path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "输入.xlsx"
    book.save(path)
    return path


def test_an_xlsx_input_reads_like_the_yaml(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        {
            "机关": [["项目", "值"], ["机关", "宁国市商务局"], ["机关类型", "政府部门"]],
            "表二": [
                ["信息内容", "栏目", "数值"],
                ["规章", "本年制发件数", 1],
                ["规章", "本年废止件数", 0],
                ["规章", "现行有效件数", 12],
                ["行政规范性文件", "本年制发件数", 3],
                [],
                ["行政许可", "本年处理决定数量", 530],
                ["行政事业性收费", "本年收费金额（单位：万元）", "12.3456"],
            ],
            "正文": [
                ["部分", "内容"],
                ["一", "第一段。"],
                ["一", "第二段。"],
                ["五", "问题与改进。"],
                ["6", "无其他事项。"],
            ],
        },
    )
    given = load_input(path)
    assert given.agency == "宁国市商务局" and given.entity_type is EntityType.DEPARTMENT
    assert given.proactive["proactive.fees.amount"] == Decimal("12.3456")
    assert given.proactive["proactive.licensing.decisions"] == 530
    assert len(given.proactive) == 6
    assert given.sections == {1: "第一段。\n第二段。", 5: "问题与改进。", 6: "无其他事项。"}


def test_xlsx_errors_name_the_sheet_and_the_line(tmp_path: Path) -> None:
    path = xlsx(tmp_path, {"表二": [["信息内容", "栏目", "数值"], ["规章", "本年制发件数", -2]]})
    with pytest.raises(InputError, match="工作表“表二”第2行：应为不小于0的数"):
        load_input(path)
    path = xlsx(tmp_path, {"附表": [["a"]]})
    with pytest.raises(InputError, match="工作表“附表”：不认识的工作表"):
        load_input(path)
    twice = [["信息内容", "栏目", "数值"], ["规章", "本年制发件数", 1], ["规章", "本年制发件数", 2]]
    path = xlsx(tmp_path, {"表二": twice})
    with pytest.raises(InputError, match="第3行：重复填写"):
        load_input(path)
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(InputError, match="不是可读取的 XLSX 工作簿"):
        load_input(bad)


def test_an_amount_keeps_the_places_it_was_typed_with(tmp_path: Path) -> None:
    given = load_input(write(tmp_path, "表二:\n  行政事业性收费: {本年收费金额（单位：万元）: 1.2500}\n"))
    assert str(given.proactive["proactive.fees.amount"]) == "1.2500"
    with pytest.raises(InputError, match="应为数字"):
        load_input(write(tmp_path, "表二:\n  行政事业性收费: {本年收费金额（单位：万元）: .inf}\n"))


def test_the_input_file_written_from_a_report_reads_back_to_its_figures_and_prose(tmp_path: Path) -> None:
    from gongkai.write.inputs import input_yaml

    from .factory import case, seeds

    for seed in seeds(12):
        report = case(seed)
        path = write(tmp_path, input_yaml(report))
        given = load_input(path)
        assert given.agency == report.agency and given.entity_type is report.entity_type
        assert given.proactive == {c: v for c, v in report.proactive.items() if v is not None}, seed
        assert given.sections == {n: t for n, t in report.sections.items() if n}, seed
        assert all(str(given.proactive[c]) == str(v) for c, v in report.proactive.items() if v is not None)

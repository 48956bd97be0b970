"""Small Word files built in the tests with python-docx."""

from __future__ import annotations

import io

import docx


def merged_table_docx() -> bytes:
    """A heading, a 4×3 table with a horizontal and a vertical merge, a closing paragraph."""
    document = docx.Document()
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=4, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "申请人情况"
    table.cell(0, 2).text = "总计"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "三、本年度办理结果"
    for r, (label, value) in enumerate((("（一）予以公开", "5"), ("（二）部分公开", "0"), ("（七）总计", "5")), 1):
        table.cell(r, 1).text = label
        table.cell(r, 2).text = value
    cell = table.cell(1, 2)
    cell.text = "商业"
    cell.add_paragraph("企业")
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


EXPECTED_GRID = [
    ["申请人情况", None, "总计"],
    ["三、本年度办理结果", "（一）予以公开", "商业\n企业"],
    [None, "（二）部分公开", "0"],
    [None, "（七）总计", "5"],
]

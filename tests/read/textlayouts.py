"""Render table values into the flattened text layouts real reports arrive in (a test helper)."""

from __future__ import annotations

import random
from decimal import Decimal

import opencc

from gongkai.formats import BlockLayout, Format

_S2T = opencc.OpenCC("s2t")
LAYOUTS = ("tab", "lines", "spaces", "markdown", "markdown-split")


def show(value: int | Decimal | None, layout: str, rng: random.Random) -> str:
    if value is None:
        return {"tab": "", "lines": "\u00a0", "spaces": "-", "markdown": "", "markdown-split": ""}[layout]
    if isinstance(value, Decimal):
        return format(value, "f")
    if layout in ("tab", "lines") and abs(value) >= 1000 and rng.random() < 0.5:
        return f"{value:,}"
    return str(value)


def vary_label(label: str, rng: random.Random, layout: str) -> str:
    roll = rng.random()
    if roll < 0.15:
        label = _S2T.convert(label)  # traditional characters
    elif roll < 0.3:
        label = label.replace("（", "(").replace("）", ")").replace("，", ",")  # half-width punctuation
    elif roll < 0.4 and len(label) >= 14:
        i = rng.randrange(4, len(label) - 4)
        label = label[:i] + label[i + 1 :]  # an OCR-style dropped character
    if layout in ("lines", "spaces") and len(label) >= 16 and rng.random() < 0.3:
        i = len(label) // 2
        label = label[:i] + "\n" + label[i:]  # a label wrapped over two lines
    return label


def _rows_block(lines: list[str], table_id: str, block, values, layout: str, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    if block.caption:
        lines.append(block.caption)
    header = ["信息内容" if block.caption else "项目", *[c.label for c in block.columns]]
    if layout.startswith("markdown"):
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    elif layout == "tab":
        lines.append("\t".join(header))
    else:
        lines += header if layout == "lines" else [" ".join(header)]
    for row in block.rows:
        label = vary_label(row.number + row.label, rng, layout)
        cells = [show(values[f"{table_id}.{row.id}.{c.id}"], layout, rng) for c in block.columns]
        if layout.startswith("markdown"):
            lines.append("| " + " | ".join([label.replace("\n", ""), *cells]) + " |")
        elif layout == "tab":
            lines.append("\t".join([label.replace("\n", ""), *cells]))
        elif layout == "lines":
            lines += ["", label, *cells]
        else:
            lines.append(label + " " + " ".join(cells))
        if layout == "markdown-split" and rng.random() < 0.25:
            lines += [
                "",
                "| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 | 部分公开 | 不予公开 | 结转下年度 | 总计 |",
                "|---|---|---|---|---|---|---|---|",
            ]


def _flat_block(lines: list[str], table_id: str, block, values, layout: str, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    cells = [show(values[f"{table_id}.{r.id}.{c.id}"], layout, rng) for r in block.rows for c in block.columns]
    heads = [c.label for c in block.columns]
    if layout == "markdown-split":
        for i, row in enumerate(block.rows):
            lines += [
                f"### {row.label}",
                "| " + " | ".join(heads) + " |",
                "|---" * 5 + "|",
                "| " + " | ".join(cells[i * 5 : i * 5 + 5]) + " |",
                "",
            ]
        return
    if layout == "markdown":
        groups = ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9]
        lines += ["| " + " | ".join(groups) + " |", "|---" * 15 + "|"]
        lines += ["| " + " | ".join(heads * 3) + " |", "| " + " | ".join(cells) + " |"]
        return
    sep = {"tab": "\t", "lines": "\n", "spaces": " "}[layout]
    lines += [
        sep.join(["行政复议", "行政诉讼"]),
        sep.join([*heads, "未经复议直接起诉", "复议后起诉"]),
        sep.join(heads * 2),
        sep.join(cells),
    ]


def render_text(fmt: Format, values: dict[str, int | Decimal | None], layout: str, seed: int, year: int) -> str:
    rng = random.Random(seed)
    lines = [f"测试县人民政府{year}年政府信息公开工作年度报告", "", "一、总体情况", "", "本年度工作情况良好。", ""]
    headings = {
        2: "二、主动公开政府信息情况",
        3: "三、收到和处理政府信息公开申请情况",
        4: "四、政府信息公开行政复议、行政诉讼情况",
    }
    for table in fmt.tables:
        lines += ["", headings[table.section], ""]
        if table.id == "applications":
            lines.append("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
        for block in table.blocks:
            if block.layout is BlockLayout.FLAT:
                _flat_block(lines, table.id, block, values, layout, rng)
            else:
                _rows_block(lines, table.id, block, values, layout, rng)
            lines.append("")
    lines += [
        "",
        "五、存在的主要问题及改进情况",
        "",
        "无。",
        "",
        "六、其他需要报告的事项",
        "",
        "本机关未收取信息处理费。",
    ]
    return "\n".join(lines) + "\n"

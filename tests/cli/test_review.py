"""The review commands on real reports: ``review`` through the workflow in Chinese words (refused steps
exit 2), 已发送机关 for a report or an agency at once, ``queue``, ``list`` by rule / severity / review
state, ``opinion`` (Word read back), and ``export --issues`` read back with openpyxl."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import docx
import openpyxl
from typer.testing import CliRunner, Result

from gongkai.cli import app

from ..conftest import CORPUS, shared_or_skip

runner = CliRunner()
ANYANG = CORPUS / "seeds" / "000_6e817ece59bf6a07.txt"  # 安阳县人民政府 2021: 1 error, 4 warnings
CHENGAN = CORPUS / "seeds" / "003_30f21ffa1848b77a.txt"  # 成安县人民政府 2021: 2 warnings
HONGZE = [CORPUS / "dev" / "001_huaian-hongze-qu-2023.pdf", CORPUS / "dev" / "002_huaian-hongze-qu-2024.pdf"]


def _invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _json(*args: str) -> Any:
    result = _invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _db(tmp_path: Path, *paths: Path) -> tuple[str, dict[str, int]]:
    db = str(tmp_path / "review.sqlite")
    _json("ingest", *[str(shared_or_skip(p)) for p in paths], "--db", db, "--workers", "0")
    return db, {Path(r["source"]).name: r["id"] for r in _json("list", "--db", db)}


def _findings(db: str, rid: int) -> list[dict[str, Any]]:
    return _json("show", str(rid), "--db", db)["findings"]  # type: ignore[no-any-return]


def test_review_steps_in_chinese_words(tmp_path: Path) -> None:
    db, ids = _db(tmp_path, ANYANG)
    rid = ids[ANYANG.name]
    fp = _findings(db, rid)[0]["fingerprint"]
    done = _invoke("review", str(rid), fp[:8], "--status", "确认问题", "--reviewer", "王", "--db", db)
    assert done.exit_code == 0 and f"{fp}：确认问题（confirmed）" in done.stdout
    refused = _invoke("review", str(rid), fp, "--status", "已关闭", "--db", db)
    assert refused.exit_code == 2 and "问题当前为“确认问题”，不能改为“已关闭”" in refused.stderr
    for word in ("已发送机关", "已整改", "关闭", "重新打开"):
        assert _invoke("review", str(rid), fp, "--status", word, "--db", db).exit_code == 0
    unknown = _invoke("review", str(rid), fp, "--status", "也许", "--db", db)
    assert unknown.exit_code == 2 and "审核状态须为" in unknown.stderr
    assert _invoke("review", str(rid), fp, "--db", db).exit_code == 2  # no --status
    steps = _json("review", str(rid), fp, "--status", "误报", "--reason", "口径不同", "--db", db)
    assert (steps["status"], steps["reason"]) == ("dismissed", "口径不同")
    help_text = _invoke("review", "--help").stdout
    assert "不是问题（误报）" in help_text and "已发送机关" in help_text


def test_sent_at_once_for_a_report_and_for_an_agency(tmp_path: Path) -> None:
    db, ids = _db(tmp_path, *HONGZE)
    first, second = ids[HONGZE[0].name], ids[HONGZE[1].name]
    chosen = {}
    for rid in (first, second):
        fp = _findings(db, rid)[0]["fingerprint"]
        _json("review", str(rid), fp, "--status", "confirmed", "--db", db)
        chosen[rid] = fp
    moved = _json("review", str(first), "--status", "sent", "--reason", "意见书1号", "--db", db)
    assert [f["fingerprint"] for f in moved] == [chosen[first]]
    text = _invoke("review", "--agency", "淮安市洪泽区人民政府", "--status", "已发送机关", "--db", db)
    assert text.exit_code == 0 and "已把1个确认问题记为已发送机关" in text.stdout
    statuses = {f["fingerprint"]: f["status"] for f in _findings(db, second)}
    assert statuses[chosen[second]] == "sent"
    whole = _invoke("review", str(first), "--status", "confirmed", "--db", db)
    assert whole.exit_code == 2 and "只能 --status 已发送" in whole.stderr
    none = _invoke("review", "--agency", "无此机关", "--status", "sent", "--db", db)
    assert none.exit_code == 2 and "没有机关" in none.stderr


def test_list_filters_pending_and_queue(tmp_path: Path) -> None:
    db, ids = _db(tmp_path, ANYANG, CHENGAN)
    anyang, chengan = ids[ANYANG.name], ids[CHENGAN.name]
    assert {r["id"]: r["pending"] for r in _json("list", "--db", db)} == {anyang: 5, chengan: 2}
    assert [r["id"] for r in _json("list", "--severity", "错误", "--db", db)] == [anyang]
    assert [r["id"] for r in _json("list", "--severity", "error", "--db", db)] == [anyang]
    assert {r["id"] for r in _json("list", "--review-state", "待审", "--db", db)} == {anyang, chengan}
    assert _json("list", "--review-state", "确认问题", "--db", db) == []
    rule = _findings(db, chengan)[0]["rule"]
    from gongkai import RULES

    assert chengan in {r["id"] for r in _json("list", "--rule", RULES[rule].zh, "--db", db)}
    assert chengan in {r["id"] for r in _json("list", "--rule", rule, "--db", db)}
    for option, bad in (("--rule", "无此规则"), ("--severity", "严重"), ("--review-state", "也许")):
        result = _invoke("list", option, bad, "--db", db)
        assert result.exit_code == 2 and f"{option}不接受“{bad}”" in "".join(result.stderr.split())
    table = _invoke("list", "--db", db).stdout
    assert "待审" in table

    assert [r["id"] for r in _json("queue", "--db", db)] == [anyang, chengan]
    assert [r["id"] for r in _json("queue", "--severity", "警告", "--db", db)] == [anyang, chengan]
    shown = _invoke("queue", "--db", db).stdout
    assert "审核队列（2份报告）" in shown and shown.index("安阳县") < shown.index("成安县")


def test_opinion_writes_the_confirmed_findings(tmp_path: Path) -> None:
    db, ids = _db(tmp_path, ANYANG)
    rid = ids[ANYANG.name]
    findings = _findings(db, rid)
    for f in findings[:2]:
        _json("review", str(rid), f["fingerprint"], "--status", "confirmed", "--db", db)
    out = tmp_path / "意见书.docx"
    written = _invoke(
        "opinion", str(rid), "-o", str(out), "--office", "某市政务公开办", "--date", "2026-03-05", "--db", db
    )
    assert written.exit_code == 0, written.output
    assert f"已写入 {out}（2个问题）" in written.stderr
    paragraphs = [p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs]
    numbered = [p for p in paragraphs if re.match(r"\d+\. 【", p)]
    assert len(numbered) == 2
    assert {f["message"] for f in findings[:2]} == {
        m for m in (f["message"] for f in findings) if any(m in p for p in numbered)
    }
    assert paragraphs[1] == "安阳县人民政府：" and paragraphs[-2:] == ["某市政务公开办", "2026年3月5日"]

    agency = tmp_path / "agency.docx"
    assert _invoke("opinion", "--agency", "安阳县人民政府", "-o", str(agency), "--db", db).exit_code == 0
    assert agency.stat().st_size > 0
    data = _json("opinion", str(rid), "--db", db)
    assert data["findings"] == 2 and data["text"][0] == "政府信息公开工作年度报告审核意见书"
    for args, words in (
        ((str(rid), "--agency", "x"), "二者取一"),
        ((), "二者取一"),
        ((str(rid),), "请用 -o"),
        ((str(rid), "-o", str(out), "--date", "3/5"), "--date 须为 YYYY-MM-DD"),
        (("999", "-o", str(out)), "没有编号为 999 的报告"),
    ):
        result = _invoke("opinion", *args, "--db", db)
        assert result.exit_code == 2 and words in result.stderr, (args, result.output)
    assert "审核意见书" in _invoke("opinion", "--help").stdout


def test_export_issues(tmp_path: Path) -> None:
    db, ids = _db(tmp_path, ANYANG, CHENGAN)
    rid = ids[ANYANG.name]
    fp = _findings(db, rid)[0]["fingerprint"]
    _json("review", str(rid), fp, "--status", "confirmed", "--reason", "确有不符", "--db", db)
    path = tmp_path / "issues.xlsx"
    result = _invoke("export", "--issues", str(path), "--db", db)
    assert result.exit_code == 0 and "（7个问题）" in result.stderr
    rows = list(openpyxl.load_workbook(path)["问题清单"].iter_rows(values_only=True))
    header = list(rows[0])
    assert len(rows) == 8
    row = next(r for r in rows[1:] if r[header.index("指纹")] == fp)
    assert row[header.index("报告编号")] == rid and row[header.index("年度")] == 2021
    assert (row[header.index("审核状态代码")], row[header.index("审核状态")]) == ("confirmed", "确认问题")
    only = tmp_path / "anyang.xlsx"
    assert _invoke("export", "--issues", str(only), "--agency", "安阳县", "--db", db).exit_code == 0
    assert len(list(openpyxl.load_workbook(only)["问题清单"].iter_rows())) == 6
    missing = _invoke("export", "--db", db)
    assert missing.exit_code == 2 and "请用 -o" in missing.stderr

"""Text that is mostly valid is read: the best encoding, the lost characters marked and reported."""

from __future__ import annotations

import pytest

from gongkai.api import read_and_check_bytes
from gongkai.errors import DecodeError
from gongkai.ingest import load_bytes
from gongkai.ingest.encoding import decode_bytes

from ..conftest import CORPUS, shared_or_skip

SEED = CORPUS / "seeds" / "000_6e817ece59bf6a07.txt"


def _seed() -> bytes:
    return shared_or_skip(SEED).read_bytes()


def test_a_stray_byte_in_utf8_costs_one_character_not_the_report() -> None:
    raw = _seed()
    at = raw.index(b"\n", 3000)  # between two characters
    text, encoding = decode_bytes(raw[:at] + b"\xff" + raw[at:])
    assert encoding == "utf-8"
    assert text.count("\ufffd") == 1
    assert text.replace("\ufffd", "") == raw.decode("utf-8")


def test_a_gbk_line_inside_utf8_is_read_around_and_reported_with_its_line() -> None:
    raw = _seed()
    damaged = raw + "\n附：本报告解释权归本机关".encode("gbk") + b"\n"
    clean, _ = read_and_check_bytes(raw, "clean.txt")
    report, findings = read_and_check_bytes(damaged, "damaged.txt")
    assert report.format is not None and report.format.id == "2021"
    assert {k: c.value for k, c in report.cells.items()} == {k: c.value for k, c in clean.cells.items()}
    damage = [f for f in findings if f.rule == "text-damaged"]
    assert len(damage) == 1
    last_line = raw.decode("utf-8").count("\n") + 2
    assert damage[0].evidence["lines"] == [last_line]
    assert f"第 {last_line} 行" in damage[0].message and "无法解码" in damage[0].message
    assert not [f for f in read_and_check_bytes(raw, "clean.txt")[1] if f.rule == "text-damaged"]


def test_gbk_text_still_decodes_strictly_as_gb18030() -> None:
    text = "二〇二三年政府信息公开工作年度报告"
    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")


def test_bytes_invalid_in_both_encodings_are_refused_not_turned_into_replacement_characters() -> None:
    with pytest.raises(DecodeError, match="无法确定文本编码"):
        load_bytes(bytes(range(128, 256)) * 4, "noise.txt")

"""The normalised copy of the linear text: what ``normalize`` and ``fold`` give, character by character."""

from __future__ import annotations

import random
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import opencc
import pytest

from gongkai.document import Document, Grid, GridCell, Paragraph, SourcePlace
from gongkai.read.linear import LinearText, fold, normalize, normalize_label

_T2S = opencc.OpenCC("t2s")
_DROPPED = set(" \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\u2060\ufeff#*“”‘’\"'「」『』")
_COMMA_LIKE = {"，": ",", "、": ",", "；": ",", ";": ","}


def _by_hand(text: str) -> tuple[str, list[int]]:
    """The definition, one character at a time: numbering 、 to ".", NFKC, simplified, marks dropped."""
    chars = list(text)
    for i in range(1, len(chars)):
        if chars[i] == "、" and chars[i - 1] in "0123456789０１２３４５６７８９":
            chars[i] = "."
    out, index = [], []
    for i, char in enumerate(chars):
        form = unicodedata.normalize("NFKC", char)
        if char in _DROPPED or form.isspace() or form in _DROPPED:
            continue
        if form and "\u3400" <= form[0] <= "\u9fff":
            form = _T2S.convert(form)
        form = _COMMA_LIKE.get(form, form)
        form = "".join(c for c in form if c not in _DROPPED)
        out.append(form)
        index += [i] * len(form)
    return "".join(out), index


@pytest.mark.parametrize(
    "text",
    [
        "一、本年新收政府信息公开申请数量\t87\t89",
        "1、属于国家秘密 2、其他",  # numbering commas become "."
        "（二）部分公开（区分处理的，只计这一情形）",  # full-width brackets and comma
        "這是繁體：「標題」……㈠１２３％",  # traditional, quotes dropped, "…" and "㈠" become several chars
        "\x00\x01\x02 控制字符",  # the three code points the length table uses as marks
        "",
        " \u3000\t\n",
    ],
)
def test_normalize_is_the_definition_character_by_character(text: str) -> None:
    assert normalize(text) == _by_hand(text)
    assert fold(text) == normalize_label(text) == _by_hand(text)[0]


def test_normalize_agrees_with_the_definition_on_random_text() -> None:
    rng = random.Random(14)
    alphabet = "一二三四五六七八九十予以公開及部分、，；;：（）()1234567890１２３…㈠㎡ \t\u3000“”#*|-ﾞｶ가각"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        assert normalize(text) == _by_hand(text), text


def test_characters_never_seen_before_are_normalised_on_first_sight() -> None:
    unseen = "".join(chr(c) for c in range(0x20000, 0x20005)) + "\u2f00\u2f01"  # CJK Ext. B, Kangxi radicals
    assert normalize(unseen) == _by_hand(unseen)


def test_threads_normalising_at_once_agree_with_one_thread() -> None:
    texts = ["".join(chr(0x4E00 + (i * 7 + j * 13) % 20000) for j in range(200)) + "、１，" for i in range(40)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(normalize, texts))
    assert results == [_by_hand(t) for t in texts]


def test_linear_text_maps_normalised_positions_back_and_places_ranges() -> None:
    doc = Document(
        "t.txt",
        "txt",
        (
            Paragraph("一、总体情况", SourcePlace(1, 0, 6)),
            Grid(
                ((GridCell("行政\n许可", SourcePlace(3, 10, 15)), GridCell("12", SourcePlace(3, 16, 18))),),
                SourcePlace(3, 10, 18),
            ),
        ),
    )
    lt = LinearText(doc)
    assert lt.text == "一、总体情况\n行政 许可\t12\n"
    assert lt.norm == "一,总体情况行政许可12"
    assert [lt.text[lt.lin(i)] for i in range(len(lt.norm))] == [c for c in lt.text if c not in " \t\n"]
    assert lt.is_grid_row(7) and not lt.is_grid_row(0)
    # a range inside a verbatim block gets its own offsets; a cell whose text was changed keeps its place
    assert lt.place(2, 4) == SourcePlace(1, 2, 4)
    assert lt.place(13, 15) == SourcePlace(3, 16, 18)
    assert lt.place(7, 9) == SourcePlace(3, 10, 12)


def test_numbering_commas_become_points_only_after_a_digit() -> None:
    import re

    from gongkai.read.linear import _numbering_commas

    rng = random.Random(9)
    for _ in range(500):
        text = "".join(rng.choice("、1２a一、、0９") for _ in range(rng.randrange(0, 12)))
        assert _numbering_commas(text) == re.sub(r"(?<=[0-9０-９])、", ".", text)

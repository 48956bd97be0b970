"""Build the register's default letter templates (src/gongkai/register/letter_templates/*.docx).

    /work/main/.venv/bin/python scripts/build_letter_templates.py [OUT_DIR]

Each template is a Word file with Jinja tags (docxtpl): ``{{ number }}`` is replaced by the
application's register number, ``{%p if review_first %}`` keeps or drops a paragraph. An agency
edits a copy in Word (wording, letterhead, seal) and passes its folder with ``--templates``; the
variables it may use are listed in ``gongkai/register/letters.py`` (``VARIABLES``). Every tag is
kept in one run here so that Word's own editing is the only thing that can split one.

Layout: A4, GB/T 9704 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm); the title in
宋体 22 pt (二号) bold, the text in 仿宋 16 pt (三号) with a fixed 28 pt line, East Asian font
attributes set on every run (python-docx sets only the Latin name by itself).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "src" / "gongkai" / "register" / "letter_templates"
TITLE_FONT, BODY_FONT = "宋体", "仿宋"
BUILT = datetime(2026, 12, 2, tzinfo=UTC)

REVIEW = (
    "如对本答复不服，可以自收到本告知书之日起60日内向{{ review_body }}申请行政复议，"
    "或者自收到本告知书之日起6个月内向{{ court }}提起行政诉讼。"
)
REVIEW_FIRST = (
    "如对本答复中不予公开的决定不服，应当自收到本告知书之日起60日内先向{{ review_body }}申请行政复议"
    "（《中华人民共和国行政复议法》第二十三条）；对行政复议决定不服的，可以依法向{{ court }}提起行政诉讼。"
)
SIGN = [("sign", "{{ agency }}"), ("sign", "{{ issued }}")]
HEAD = [("number", "登记号：{{ number }}"), ("to", "{{ applicant }}：")]
SEEN = "本机关于{{ receipt }}收到您（单位）提交的政府信息公开申请（登记号{{ number }}），所需信息为：“{{ request }}”。"


def _answer(title: str, decision: list[str], *, withheld: bool = False) -> list[tuple[str, str]]:
    body = [("title", title), *HEAD, ("body", SEEN)]
    body += [("body", text) for text in decision]
    body += [("body", "答复结果：{{ outcome }}。"), ("cond", "{%p if ground %}"), ("body", "依据：{{ ground }}。")]
    body.append(("cond", "{%p endif %}"))
    if withheld:
        body += [("cond", "{%p if review_first %}"), ("body", REVIEW_FIRST), ("cond", "{%p else %}")]
        body += [("body", REVIEW), ("cond", "{%p endif %}")]
    else:
        body.append(("body", REVIEW))
    body.append(("body", "特此告知。"))
    return body + SIGN


TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "receipt": [
        ("title", "政府信息公开申请登记回执"),
        *HEAD,
        (
            "body",
            "本机关于{{ receipt }}收到您（单位）以{{ channel }}方式提交的政府信息公开申请"
            "（申请人类型：{{ applicant_type }}），所需信息为：“{{ request }}”，获取信息的方式：{{ form }}。",
        ),
        (
            "body",
            "依照《中华人民共和国政府信息公开条例》第三十三条，本机关将于收到申请之日起20个工作日内，"
            "即{{ due }}前作出答复；需要延长答复期限的，将另行书面告知。",
        ),
        ("body", "特此回执。"),
        *SIGN,
    ],
    "correction": [
        ("title", "政府信息公开申请补正告知书"),
        *HEAD,
        ("body", SEEN),
        ("body", "经审查，您（单位）的申请内容需要补正，需补正的事项：{{ correction_items }}。"),
        (
            "body",
            "依照《中华人民共和国政府信息公开条例》第三十条，请于{{ reply_by }}前向本机关补正。"
            "答复期限自本机关收到补正后的申请之日起计算；无正当理由逾期不补正的，视为放弃申请，本机关不再处理该申请。",
        ),
        ("body", "特此告知。"),
        *SIGN,
    ],
    "extension": [
        ("title", "政府信息公开申请延期答复告知书"),
        *HEAD,
        ("body", SEEN),
        (
            "body",
            "因{{ extension_reason }}，不能在法定期限内作出答复。经本机关政府信息公开工作机构负责人同意，"
            "依照《中华人民共和国政府信息公开条例》第三十三条第二款，答复期限延长{{ extension_days }}个工作日，"
            "由原定的{{ original_due }}延长至{{ due }}。",
        ),
        ("body", "特此告知。"),
        *SIGN,
    ],
    "consultation_third_party": [
        ("title", "政府信息公开征求第三方意见书"),
        ("number", "登记号：{{ number }}"),
        ("to", "{{ consulted }}："),
        (
            "body",
            "本机关于{{ receipt }}收到政府信息公开申请，所需信息为：“{{ request }}”。"
            "该信息的公开可能损害贵方的合法权益。",
        ),
        (
            "body",
            "依照《中华人民共和国政府信息公开条例》第三十二条，请于{{ reply_by }}前（自本意见书发出之日起"
            "{{ consultation_days }}个工作日内）提出书面意见。逾期未提出意见的，由本机关依照条例的规定决定是否公开；"
            "第三方不同意公开且有合理理由的，本机关不予公开，但本机关认为不公开可能对公共利益造成重大影响的，"
            "可以决定予以公开，并将决定公开的内容和理由书面告知贵方。",
        ),
        ("body", "特此函询。"),
        *SIGN,
    ],
    "consultation_agency": [
        ("title", "政府信息公开征求意见函"),
        ("number", "登记号：{{ number }}"),
        ("to", "{{ consulted }}："),
        (
            "body",
            "本机关于{{ receipt }}收到政府信息公开申请，所需信息为：“{{ request }}”，该信息由本机关与贵机关共同制作。",
        ),
        (
            "body",
            "依照《中华人民共和国政府信息公开条例》第三十四条，请于{{ reply_by }}前（自本函发出之日起"
            "{{ consultation_days }}个工作日内）提出意见；逾期未提出意见的，视为同意公开。",
        ),
        ("body", "特此函商。"),
        *SIGN,
    ],
    "reasons": [
        ("title", "政府信息公开申请说明理由告知书"),
        *HEAD,
        ("body", SEEN),
        (
            "body",
            "经审查，您（单位）申请公开政府信息的数量、频次明显超过合理范围（{{ reasons_note }}）。"
            "依照《中华人民共和国政府信息公开条例》第三十五条，请于{{ reply_by }}前向本机关书面说明申请理由。",
        ),
        (
            "body",
            "本机关认为申请理由不合理的，将告知您（单位）不予处理；认为申请理由合理、但无法在条例第三十三条"
            "规定的期限内答复的，将确定延迟答复的合理期限，另行书面告知。",
        ),
        ("body", "特此告知。"),
        *SIGN,
    ],
    "fee": [
        ("title", "政府信息公开信息处理费缴费通知书"),
        *HEAD,
        ("body", SEEN),
        (
            "body",
            "您（单位）的申请数量、频次明显超过合理范围。依照《中华人民共和国政府信息公开条例》第四十二条和"
            "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本申请{{ fee_basis }}，{{ fee_detail }}，"
            "应缴纳信息处理费人民币{{ amount }}元。",
        ),
        (
            "body",
            "请自收到本通知之日起{{ fee_days }}个工作日内缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该申请。"
            "缴费期间不计入答复期限。",
        ),
        ("body", "特此通知。"),
        *SIGN,
    ],
    "answer_granted": _answer(
        "政府信息公开申请答复告知书",
        [
            "经审查，您（单位）申请获取的信息属于公开范围。依照《中华人民共和国政府信息公开条例》第三十六条，"
            "本机关决定予以公开，按您要求的方式（{{ form }}）提供。"
        ],
    ),
    "answer_partial": _answer(
        "政府信息公开申请答复告知书",
        [
            "经审查，您（单位）申请获取的信息中含有不应当公开的内容，但能够作区分处理。依照《中华人民共和国政府信息公开条例》"
            "第三十七条，本机关向您提供可以公开的部分，对不予公开的部分说明理由如下。"
        ],
        withheld=True,
    ),
    "answer_withheld": _answer(
        "政府信息公开申请答复告知书",
        [
            "经审查，您（单位）申请获取的信息属于不予公开的范围。依照《中华人民共和国政府信息公开条例》第三十六条第（三）项，"
            "本机关决定不予公开，理由如下。"
        ],
        withheld=True,
    ),
    "answer_unable": _answer(
        "政府信息公开申请答复告知书",
        [
            "经审查，本机关无法提供您（单位）申请获取的信息。依照《中华人民共和国政府信息公开条例》第三十六条，"
            "现将情况告知如下。"
        ],
    ),
    "answer_rejected": _answer(
        "政府信息公开申请答复告知书",
        ["经审查，您（单位）的申请依照《中华人民共和国政府信息公开条例》的规定不予处理，现将情况告知如下。"],
    ),
    "answer_other": _answer(
        "政府信息公开申请处理结果告知书",
        ["本机关对您（单位）的申请作如下处理。"],
    ),
}


def _fonts(run, name: str) -> None:  # type: ignore[no-untyped-def]
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def build(name: str, paragraphs: list[tuple[str, str]]) -> docx.document.Document:
    """One template as a python-docx document."""
    document = docx.Document()
    props = document.core_properties
    props.title, props.author, props.comments = paragraphs[0][1], "gongkai", "gongkai 申请登记簿文书模板（可编辑）"
    # a fixed date, so that a rebuild changes nothing but what the wording changes
    props.created = props.modified = BUILT
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for kind, text in paragraphs:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(16)
            _fonts(run, TITLE_FONT)
            run.font.size = Pt(22)
            run.bold = True
        else:
            _fonts(run, BODY_FONT)
        if kind == "number":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "body":
            paragraph.paragraph_format.first_line_indent = Pt(32)
        elif kind == "sign":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document


def main(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, paragraphs in TEMPLATES.items():
        path = out / f"{name}.docx"
        build(name, paragraphs).save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(path)

"""``gongkai register import|export|letter``: the register's files — the 台账 (XLSX) in and out, and the letters.

gongkai register import FILE.xlsx [--agency NAME] [--json]       every bad row listed, exit 2, nothing stored
gongkai register export -o FILE.xlsx [--agency] [--year] [--personal]
gongkai register letter NUMBER --kind receipt|correction|extension|consultation|fee|answer -o FILE.docx
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ..errors import GongkaiError
from ..register.letters import LetterKind, Remedies
from .options import DbOption, JsonOption, console, dump, errors
from .register import (
    AgencyOption,
    AsOfOption,
    CalendarOption,
    _agency,
    _calendar,
    _date,
    _fail,
    _register,
    register_app,
)

SHOWN = 50  # problems listed on the terminal; --json lists them all
KINDS = "、".join(f"{k.zh}（{k.value}）" for k in LetterKind)


def import_workbook(
    file: Annotated[Path, typer.Argument(metavar="文件", help="台账文件（.xlsx），第一行或前几行内为中文列名。")],
    agency: Annotated[str | None, typer.Option("--agency", help="机关名称（台账没有“机关”列时必填）。")] = None,
    by: Annotated[str | None, typer.Option("--by", help="登记人（记入每件申请和事件）。")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """导入台账（XLSX 电子表格；有一行有误则全部不导入）。

    逐行检查，列出每一处错误（表、行、列和原因）；全部无误才在一个事务中登记。

    示例： gongkai register import 台账2025.xlsx --agency 某市自然资源和规划局
    """
    from ..export.register import import_register_workbook

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _fail(f"无法读取 {file}：{exc.strerror or exc}") from None
    with _register(db) as reg:
        try:
            result = import_register_workbook(reg, data, agency=agency, by=by)
        except GongkaiError as exc:
            raise _fail(f"{file.name}：{exc}") from None
    if as_json:
        dump({"file": str(file), **result.to_json()})
        if not result.ok:
            raise typer.Exit(2)
        return
    if not result.ok:
        errors.print(f"[red]未导入[/red] {file.name} 有 {len(result.problems)} 处错误，全部申请均未导入：")
        for p in result.problems[:SHOWN]:
            errors.print(f"  {p.sentence()}", markup=False, soft_wrap=True)  # a cell's text is not markup
        if len(result.problems) > SHOWN:
            errors.print(f"  ……另有 {len(result.problems) - SHOWN} 处错误（用 --json 列出全部）")
        raise typer.Exit(2)
    names = "、".join(result.agencies) or "—"
    console.print(f"已导入 {result.imported} 件申请、{result.events} 个事件（{names}），来自 {file.name}")
    for note in result.notes:
        console.print(f"提示 {note}", markup=False, soft_wrap=True)


def export_workbook(
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 .xlsx 文件。")],
    agency: AgencyOption = None,
    year: Annotated[int | None, typer.Option("--year", help="只导出该年到达的申请。")] = None,
    personal: Annotated[
        bool, typer.Option("--personal", help="包含申请人姓名/名称、联系方式和代理人（默认不含；证件号码从不导出）。")
    ] = False,
    as_of: AsOfOption = None,
    calendar: CalendarOption = None,
    db: DbOption = None,
) -> None:
    """把登记簿导出为 XLSX（默认不含个人信息）。

    “申请”表每件一行（状态、期限、结果、送达、收费），“事件”表列出全部事件；可再导入。

    示例： gongkai register export -o 登记簿.xlsx --year 2025
    """
    from ..export.register import register_workbook

    day = _date(as_of) if as_of else date.today()
    cal = _calendar(calendar)
    with _register(db) as reg:
        name = _agency(reg, agency)
        apps = reg.applications(name, years=[year] if year else None, personal=personal)
    data = register_workbook(apps, personal=personal, as_of=day, calendar=cal)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise _fail(f"无法写入 {output}：{exc.strerror or exc}") from None
    console.print(f"已导出 {len(apps)} 件申请（{name}，截至 {day}）到 {output}")
    if personal:
        console.print("[yellow]注意[/yellow] 文件含申请人个人信息，请按规定保管，勿外传")


def letter(
    number: Annotated[str, typer.Argument(metavar="登记号", help="登记号。")],
    kind: Annotated[str, typer.Option("--kind", help=f"文书类型：{KINDS}。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 .docx 文件。")],
    agency: AgencyOption = None,
    templates: Annotated[
        Path | None,
        typer.Option("--templates", help="本机关的模板目录（与默认模板同名的 .docx；缺少的用默认模板）。"),
    ] = None,
    personal: Annotated[
        bool, typer.Option("--personal", help="在文书中写入申请人姓名/名称（默认留空线，由经办人填写）。")
    ] = False,
    review_body: Annotated[str | None, typer.Option("--review-body", help="救济告知中的行政复议机关。")] = None,
    court: Annotated[str | None, typer.Option("--court", help="救济告知中的人民法院。")] = None,
    calendar: CalendarOption = None,
    db: DbOption = None,
) -> None:
    """为一件申请生成标准文书（DOCX）。

    登记回执、补正告知书、延期答复告知书、征求意见书、收费通知书、答复告知书；缺少所需事件时拒绝生成。

    示例： gongkai register letter 2025-00012 --kind fee -o 收费通知书.docx
    """
    from ..register.letters import render_letter

    try:
        chosen = LetterKind(kind)
    except ValueError:
        raise _fail(f"未知的文书类型 {kind!r}，可选：{KINDS}") from None
    cal = _calendar(calendar)
    defaults = Remedies()
    remedies = Remedies(review_body or defaults.review_body, court or defaults.court)
    with _register(db) as reg:
        name = _agency(reg, agency)
        try:
            app = reg.application(name, number, personal=personal)
        except GongkaiError as exc:
            raise _fail(str(exc)) from None
    try:
        data = render_letter(app, chosen, templates=templates, calendar=cal, remedies=remedies)
    except GongkaiError as exc:
        raise _fail(str(exc)) from None
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise _fail(f"无法写入 {output}：{exc.strerror or exc}") from None
    console.print(f"已生成{chosen.zh}：{output}（{name} {number}）")


def add_file_commands(app: typer.Typer) -> None:
    """Attach ``import``, ``export`` and ``letter`` to the ``register`` sub-app."""
    app.command("import")(import_workbook)
    app.command("export")(export_workbook)
    app.command("letter")(letter)


add_file_commands(register_app)

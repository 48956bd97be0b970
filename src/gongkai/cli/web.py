"""Web workbench commands (serve, user) for the ``gongkai`` CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .chinese import ChineseTyper
from .options import DbOption, JsonOption, console, dump, errors

KEEP_ALIVE_SECONDS = 30  # uvicorn's 5 s default drops idle keep-alive connections of busy clients under load

if TYPE_CHECKING:
    from ..store.roles import Role


def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址；非本机地址时写操作需要登录。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP 端口。")] = 8000,
    db: DbOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="服务进程数（共用同一数据库）。[默认 $GONGKAI_WORKERS，否则每核一个，至多8个]",
        ),
    ] = None,
    read_workers: Annotated[
        int | None,
        typer.Option(
            "--read-workers",
            help="读取上传文件的进程数（0：在服务进程中）。[默认 $GONGKAI_READ_WORKERS，否则 1]",
        ),
    ] = None,
    max_upload_mb: Annotated[
        int | None,
        typer.Option("--max-upload-mb", help="单次上传的最大大小（MB）。[默认 $GONGKAI_MAX_UPLOAD_MB，否则 200]"),
    ] = None,
    login: Annotated[bool, typer.Option("--login", help="即使在本机也要求登录后才能写入。")] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="本服务响应的主机名（可重复；“.example.org”含其子域名，“*”为任意）；本机名称和本机地址总是允许。"
            "[默认 $GONGKAI_ALLOWED_HOSTS]",
        ),
    ] = None,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies",
            help="Cookie 只经加密连接（HTTPS）发送（在反向代理之后使用）。[或 $GONGKAI_SECURE_COOKIES=1]",
        ),
    ] = False,
) -> None:
    """启动网页工作台（报告、审核、比较、统计、上传、导出）及其 JSON 接口。Serve the web workbench.

    这里没有给出的设置取自 GONGKAI_* 环境变量（GONGKAI_SECRET 用于签署登录 Cookie，
    见 gongkai.web.settings）。示例：gongkai serve --db corpus.sqlite，然后打开 http://127.0.0.1:8000/
    """
    import os

    import uvicorn

    from ..errors import SettingsError
    from ..store import open_database
    from ..store.accounts import count
    from ..web import WebSettings, create_app
    from ..web.workers import APP_FACTORY, default_workers, environment_for, shared_secret

    if workers is None and not os.environ.get("GONGKAI_WORKERS", "").strip():
        workers = default_workers()
    try:
        processes = workers if workers is not None else int(os.environ["GONGKAI_WORKERS"])
    except ValueError:
        processes = 1  # WebSettings.from_env says what is wrong with it
    secret = shared_secret(os.environ) if processes > 1 else None
    try:
        settings = WebSettings.from_env(
            host=host,
            database_url=db,
            workers=workers,
            secret_key=secret,
            max_upload_bytes=max_upload_mb * 1024 * 1024 if max_upload_mb is not None else None,
            ingest_processes=read_workers,
            login_required=True if login else None,
            allowed_hosts=tuple(allowed_host) if allowed_host else None,
            secure_cookies=True if secure_cookies else None,
        )
    except SettingsError as exc:
        errors.print(f"[red]错误[/red] {exc}")
        raise typer.Exit(2) from None
    database = open_database(settings.database_url)  # migrated here, once, before any server process starts
    try:
        if settings.login_required and count(database) == 0:
            errors.print("[yellow]此处写入需要登录，但还没有账号：gongkai user add 账号名[/yellow]")
    finally:
        database.close()
    shown_host = f"[{host}]" if ":" in host else host
    console.print(
        f"gongkai 工作台：http://{shown_host}:{port}/（写入{'需要' if settings.login_required else '不需要'}登录）"
    )
    if settings.allowed_hosts:
        console.print(f"允许的主机名：{'、'.join(settings.allowed_hosts)}（以及本机名称和IP地址）")
    if settings.workers == 1:
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="info",
            proxy_headers=False,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
        return
    if secret is not None:
        console.print("未设置 GONGKAI_SECRET：各服务进程共用本次随机生成的会话密钥（重启后需重新登录）")
    console.print(f"{settings.workers}个服务进程")
    os.environ.update(environment_for(settings))  # each process rebuilds these settings (WebSettings.from_env)
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        workers=settings.workers,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


user_app = ChineseTyper(help="可通过网页工作台写入的账号。", no_args_is_help=True)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(metavar="账号名", help="账号名。")],
    db: DbOption = None,
    password: Annotated[
        str | None, typer.Option("--password", hidden=True, help="仅供脚本使用；不给出时会提示输入。")
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="角色：" + _roles_help() + "。新账号默认监督人员。")
    ] = None,
) -> None:
    """创建账号（或重设密码，其所有登录会话随即失效）；密码输入两次，以 argon2 散列保存。Create an account.

    只有登记员、承办人和管理员能看到申请人的姓名、身份证号和联系方式。
    示例：gongkai user add 张三 --role 登记员 --db corpus.sqlite
    """
    from ..store import open_database
    from ..store.accounts import AccountError, set_password

    chosen = _role(role) if role is not None else None
    if password is None:
        password = typer.prompt("密码", hide_input=True)
        if typer.prompt("再次输入密码", hide_input=True) != password:
            errors.print("[red]错误[/red] 两次输入的密码不一致")
            raise typer.Exit(2)
    database = open_database(db)
    try:
        account = set_password(database, name, password, chosen)
    except AccountError as exc:
        errors.print(f"[red]错误[/red] {exc}")
        raise typer.Exit(2) from None
    finally:
        database.close()
    console.print(f"账户 {account.name} 已保存（角色：{account.role.zh}）")


def _roles_help() -> str:
    from ..store.roles import roles_help

    return roles_help()


def _role(text: str) -> Role:
    from ..store.roles import parse_role

    found = parse_role(text)
    if found is None:
        errors.print(f"[red]错误[/red] 未知角色 {text!r}，可选：{_roles_help()}")
        raise typer.Exit(2)
    return found


@user_app.command("list")
def user_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """列出账号及其角色。

    示例：gongkai user list --db corpus.sqlite
    """
    from rich.markup import escape
    from rich.table import Table

    from ..store import open_database
    from ..store.accounts import accounts

    database = open_database(db)
    try:
        found = accounts(database)
    finally:
        database.close()
    if as_json:
        dump({"users": [{"name": a.name, "role": a.role.value, "role_zh": a.role.zh} for a in found]})
        return
    if not found:
        console.print("还没有账号：gongkai user add 账号名 --role 角色")
        return
    table = Table(title=f"账号（{len(found)} 个）")
    for head in ("账号名", "角色", "可见申请人个人信息"):
        table.add_column(head)
    for a in found:
        table.add_row(escape(a.name), a.role.zh, "是" if a.role in _personal() else "否")
    console.print(table)


def _personal() -> frozenset[Role]:
    from ..store.roles import SEES_PERSONAL

    return SEES_PERSONAL


@user_app.command("role")
def user_role(
    name: Annotated[str, typer.Argument(metavar="账号名", help="账号名。")],
    role: Annotated[str, typer.Argument(metavar="角色", help="角色：" + _roles_help() + "。")],
    db: DbOption = None,
) -> None:
    """改变账号的角色（不改密码）。

    示例：gongkai user role 张三 承办人 --db corpus.sqlite
    """
    from rich.markup import escape

    from ..store import open_database
    from ..store.accounts import set_role

    chosen = _role(role)
    database = open_database(db)
    try:
        changed = set_role(database, name, chosen)
    finally:
        database.close()
    if not changed:
        errors.print(f"[red]错误[/red] 没有名为 {escape(name)} 的账户")
        raise typer.Exit(2)
    console.print(f"账户 {escape(name)} 的角色已改为{chosen.zh}")


@user_app.command("remove")
def user_remove(
    name: Annotated[str, typer.Argument(metavar="账号名", help="账号名。")],
    db: DbOption = None,
) -> None:
    """删除账号；它在所有浏览器中的登录会话随即失效。

    示例：gongkai user remove 张三 --db corpus.sqlite
    """
    from rich.markup import escape

    from ..store import open_database
    from ..store.accounts import remove

    database = open_database(db)
    try:
        removed = remove(database, name)
    finally:
        database.close()
    if not removed:
        errors.print(f"[red]错误[/red] 没有名为 {escape(name)} 的账户")
        raise typer.Exit(2)
    console.print(f"账户 {escape(name)} 已删除，其所有登录会话已失效")


def register(app: typer.Typer) -> None:
    """Add the web commands to ``app``."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")

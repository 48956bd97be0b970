"""Web workbench commands (serve, user) for the ``gongkai`` CLI."""

from __future__ import annotations

from typing import Annotated

import typer

from .options import DbOption, console, errors


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on. Beyond loopback, writes need a login.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    db: DbOption = None,
    read_workers: Annotated[
        int | None,
        typer.Option(
            "--read-workers",
            help="Processes that read uploads (0: in the server). [default: $GONGKAI_READ_WORKERS, else 1]",
        ),
    ] = None,
    max_upload_mb: Annotated[
        int | None,
        typer.Option(
            "--max-upload-mb", help="Largest upload request, in MB. [default: $GONGKAI_MAX_UPLOAD_MB, else 200]"
        ),
    ] = None,
    login: Annotated[bool, typer.Option("--login", help="Require a login for writes even on loopback.")] = False,
) -> None:
    """Serve the web workbench (reports, review, compare, dashboard, upload, export) and its JSON API.

    Settings not given here come from GONGKAI_* variables (GONGKAI_SECRET signs the login
    cookie; see gongkai.web.settings). Example: gongkai serve --db corpus.sqlite
    then open http://127.0.0.1:8000/
    """
    import uvicorn

    from ..errors import SettingsError
    from ..store import open_database
    from ..store.accounts import count
    from ..web import WebSettings, create_app

    try:
        settings = WebSettings.from_env(
            host=host,
            database_url=db,
            max_upload_bytes=max_upload_mb * 1024 * 1024 if max_upload_mb is not None else None,
            ingest_processes=read_workers,
            login_required=True if login else None,
        )
    except SettingsError as exc:
        errors.print(f"[red]错误[/red] {exc}")
        raise typer.Exit(2) from None
    if settings.login_required:
        database = open_database(settings.database_url)
        try:
            if count(database) == 0:
                errors.print(
                    "[yellow]writes need a login here, but there is no account yet: gongkai user add NAME[/yellow]"
                )
        finally:
            database.close()
    shown_host = f"[{host}]" if ":" in host else host
    console.print(f"gongkai 工作台: http://{shown_host}:{port}/  (writes need login: {settings.login_required})")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", proxy_headers=False)


user_app = typer.Typer(help="Accounts that may write through the web workbench.", no_args_is_help=True)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Account name.")],
    db: DbOption = None,
    password: Annotated[
        str | None, typer.Option("--password", hidden=True, help="For scripts only; prompts when absent.")
    ] = None,
) -> None:
    """Create an account (or set its password); the password is asked twice and stored as an argon2 hash.

    Example: gongkai user add zhangsan --db corpus.sqlite
    """
    from ..store import open_database
    from ..store.accounts import AccountError, set_password

    if password is None:
        password = typer.prompt("密码 password", hide_input=True, confirmation_prompt=True)
    database = open_database(db)
    try:
        account = set_password(database, name, password)
    except AccountError as exc:
        errors.print(f"[red]错误[/red] {exc}")
        raise typer.Exit(2) from None
    finally:
        database.close()
    console.print(f"账户 {account.name} 已保存")


def register(app: typer.Typer) -> None:
    """Add the web commands to ``app``."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")

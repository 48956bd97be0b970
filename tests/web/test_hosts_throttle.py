"""The pieces behind the web's defences, alone: Host names, the login refusal, the settings that set them.

The login throttle's counting is tested with the store (tests/store/test_login_throttle.py)."""

from __future__ import annotations

import pytest

from gongkai.errors import SettingsError
from gongkai.web import WebSettings
from gongkai.web.hosts import HostPolicy, host_name
from gongkai.web.throttle import wait_message


@pytest.mark.parametrize(
    "header, name",
    [
        ("Example.ORG", "example.org"),
        ("example.org.:8443", "example.org"),
        ("127.0.0.1:8000", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("::1", None),  # an IPv6 address needs brackets in Host
        ("example.org:http", None),
        ("a/b", None),
        ("user@example.org", None),
        ("", None),
        ("[::1", None),
        ("[::1]x", None),
    ],
)
def test_host_name(header: str, name: str | None) -> None:
    assert host_name(header) == name


def _allows(name: str, **settings: object) -> bool:
    return HostPolicy(WebSettings(**settings)).allows(name)  # type: ignore[arg-type]


def test_on_loopback_only_loopback_names_are_answered() -> None:
    for name in ("localhost", "127.0.0.1", "127.8.9.10", "::1"):
        assert _allows(name), name
    for name in ("example.org", "10.0.0.5", "192.168.1.5", "localhost.example.org", "testserver"):
        assert not _allows(name), name
    assert not _allows("192.168.1.5", bind_host="127.0.0.1")


def test_the_bound_address_and_wildcard_binds() -> None:
    assert _allows("192.168.1.5", bind_host="192.168.1.5")
    assert not _allows("192.168.1.6", bind_host="192.168.1.5")
    assert _allows("192.168.1.6", bind_host="0.0.0.0") and _allows("fe80::1", bind_host="::")
    assert not _allows("gongkai.example.org", bind_host="0.0.0.0")  # a name must be listed
    assert _allows("gongkai.lan", bind_host="gongkai.lan") and _allows("localhost", bind_host="0.0.0.0")


def test_listed_names_suffixes_and_any() -> None:
    listed = {"allowed_hosts": ("Gongkai.Example.org.", ".intranet.example")}
    assert _allows("gongkai.example.org", **listed)
    assert _allows("intranet.example", **listed) and _allows("a.b.intranet.example", **listed)
    assert not _allows("xintranet.example", **listed) and not _allows("example.org", **listed)
    assert _allows("anything.example", allowed_hosts=("*",))


def test_allowed_hosts_and_secure_cookies_from_the_environment() -> None:
    env = {"GONGKAI_ALLOWED_HOSTS": "a.example, .b.example  c.example", "GONGKAI_SECURE_COOKIES": "1"}
    settings = WebSettings.from_env(env)
    assert settings.allowed_hosts == ("a.example", ".b.example", "c.example") and settings.secure_cookies
    assert WebSettings.from_env(env, allowed_hosts=("d.example",)).allowed_hosts == ("d.example",)
    assert WebSettings.from_env({}).allowed_hosts == () and WebSettings.from_env({}).bind_host is None
    assert WebSettings(allowed_hosts="a.example b.example").allowed_hosts == ("a.example", "b.example")  # type: ignore[arg-type]
    assert WebSettings.from_env({"GONGKAI_HOST": "0.0.0.0"}).bind_host == "0.0.0.0"
    with pytest.raises(SettingsError, match="登录失败次数上限"):
        WebSettings(login_max_failures=0)


@pytest.mark.parametrize(
    "seconds, text",
    [(0.2, "1秒"), (59.1, "1分钟"), (60, "1分钟"), (61, "1分1秒"), (900, "15分钟"), (125, "2分5秒")],
)
def test_wait_message(seconds: float, text: str) -> None:
    assert wait_message(seconds) == f"登录失败次数过多，请在{text}后再试"

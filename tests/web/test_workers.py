"""``gongkai serve --workers 2`` for real: two server processes on one database, each request's process known.

Which process answered a request is read from /proc: the server process holding the
socket of the client's connection. An upload through the server is then seen, with
fresh figures, by requests answered by each of the two processes (their dashboard
caches were filled before the write).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")

START_SECONDS = 90  # two processes importing the app on a loaded 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _socket_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server side of the connection from ``client_port``."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if int(local.rsplit(":", 1)[1], 16) == server_port and int(remote.rsplit(":", 1)[1], 16) == client_port:
                return fields[9]
    return None


def _owner(processes: list[int], server_port: int, client_port: int) -> int | None:
    inode = _socket_inode(server_port, client_port)
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in processes:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) == target:
                    return pid
            except OSError:
                continue
    return None


class Server:
    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process, self.port = process, port

    @property
    def workers(self) -> list[int]:
        return _children(self.process.pid)

    def get(self, path: str) -> tuple[int | None, int, str]:
        """(the process that answered, status, body) for one GET on a new connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read().decode()
            owner = _owner(self.workers, self.port, conn.sock.getsockname()[1]) if conn.sock else None
            return owner, response.status, body
        finally:
            conn.close()

    def get_on(self, worker: int, path: str) -> str:
        """GET ``path`` until the request lands on ``worker``; its body."""
        for _ in range(200):
            owner, status, body = self.get(path)
            if owner == worker:
                assert status == 200, body
                return body
        raise AssertionError(f"no request landed on process {worker}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    env = {
        **os.environ,
        "GONGKAI_SECRET": "shared-by-both-workers-" + "x" * 16,
        "GONGKAI_SOURCES": str(tmp_path / "originals"),
    }
    env.pop("GONGKAI_WORKERS", None)
    command = [sys.executable, "-m", "gongkai.cli", "serve", "--workers", "2", "--port", str(port)]
    command += ["--db", f"sqlite:///{tmp_path / 'web.sqlite'}", "--read-workers", "0"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    served = Server(process, port)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                if served.get("/api/stats")[1] == 200 and len(served.workers) >= 2:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _two_workers(server: Server) -> tuple[int, int]:
    seen: set[int] = set()
    for _ in range(200):
        owner = server.get("/api/csrf")[0]
        if owner is not None:
            seen.add(owner)
        if len(seen) == 2:
            a, b = sorted(seen)
            return a, b
    raise AssertionError(f"requests landed on {seen} only")


def test_an_upload_through_one_process_is_seen_fresh_by_both(server: Server, seed: Path) -> None:
    a, b = _two_workers(server)
    for worker in (a, b):  # fill each process's dashboard cache (kept 120 s unless the corpus changes)
        assert json.loads(server.get_on(worker, "/api/stats"))["reports"] == 0
        assert "阳泉市人民政府" not in server.get_on(worker, "/dashboard")
    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=60) as client:
        token = client.get("/api/csrf").json()["csrf_token"]
        posted = client.post(
            "/api/uploads",
            files=[("files", ("seed.txt", seed.read_bytes(), "application/octet-stream"))],
            headers={"X-CSRF-Token": token},
        )
        assert posted.status_code == 202, posted.text
        job_id = posted.json()["id"]
    deadline = time.monotonic() + 120
    while True:  # the job is polled through the other process too
        job = json.loads(server.get_on(b if time.monotonic() % 2 < 1 else a, f"/api/uploads/{job_id}"))
        if job["state"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, "the upload did not finish"
        time.sleep(0.2)
    assert job["state"] == "done", job
    for worker in (a, b):
        stats = json.loads(server.get_on(worker, "/api/stats"))
        assert stats["reports"] == 1 and stats["applications_by_year"] == {"2021": 36.0}
        assert "阳泉市人民政府" in server.get_on(worker, "/dashboard")  # the ranking of agencies with errors

"""Sync through a git server over HTTP on 127.0.0.1 (dulwich's own smart-HTTP server), as with an office Gitea."""
from __future__ import annotations

import base64
import socket
import threading
from pathlib import Path
from wsgiref.simple_server import make_server

import pytest
from dulwich.repo import Repo
from dulwich.server import DictBackend
from dulwich.web import WSGIRequestHandlerLogger, WSGIServerLogger, make_wsgi_chain

from sopdesk.cli import main
from sopdesk.sync import SyncError, sync_library
from sopdesk.sync.repo import BRANCH, REPO_DIR, init_bare
from tests.test_sync import listing, load, make_sop, save

ACCOUNT, SECRET = "budi", "rahasia-kantor-7"


class GitServer:
    """dulwich's smart-HTTP app on 127.0.0.1, optionally behind HTTP Basic auth; can be stopped and started again."""

    def __init__(self, repo_path: Path, credentials: tuple[str, str] | None = None) -> None:
        self.repo_path = repo_path
        self.credentials = credentials
        self.port = 0
        self.seen_authorization: list[str] = []
        self.before_receive = None  # called with the WSGI environ of a push, before the pack is read
        self.down = False  # answers nothing but 503 while True (the server stopped)
        self.httpd = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _app(self):
        repo = Repo(str(self.repo_path))
        self._repo = repo
        git = make_wsgi_chain(DictBackend({"/": repo}))

        def app(environ, start_response):
            if self.down:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"down"]
            header = environ.get("HTTP_AUTHORIZATION", "")
            self.seen_authorization.append(header)
            if self.credentials is not None:
                expected = "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode()
                if header != expected:
                    start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="pustaka"'),
                                                         ("Content-Type", "text/plain")])
                    return [b"login"]
            if self.before_receive is not None and environ.get("PATH_INFO", "").endswith("git-receive-pack") \
                    and environ.get("REQUEST_METHOD") == "POST":
                self.before_receive(environ)
            return git(environ, start_response)

        return app

    def start(self) -> None:
        self.httpd = make_server("127.0.0.1", self.port, self._app(), handler_class=WSGIRequestHandlerLogger,
                                 server_class=WSGIServerLogger)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.httpd is None:
            return
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
        self._repo.close()
        self.httpd = None


def _serve(tmp_path: Path, credentials=None):
    path = tmp_path / "server.git"
    init_bare(path).close()
    server = GitServer(path, credentials)
    return server


@pytest.fixture
def server(tmp_path: Path):
    served = _serve(tmp_path)
    try:
        yield served.url
    finally:
        served.stop()


@pytest.fixture
def guarded(tmp_path: Path):
    served = _serve(tmp_path, (ACCOUNT, SECRET))
    try:
        yield served
    finally:
        served.stop()


def test_two_pcs_share_through_http(tmp_path, server):
    a, b = tmp_path / "pc1", tmp_path / "pc2"
    one, two = make_sop("001", "Satu"), make_sop("002", "Dua")
    save(a, one)
    assert sync_library(a, server).sent == ["001 Satu"]
    save(b, two)
    result = sync_library(b, server)
    assert result.received == ["001 Satu"] and result.sent == ["002 Dua"]
    mine = load(a, one.id)
    mine.steps[0].kegiatan = "Diubah di A"
    save(a, mine)
    theirs = load(b, one.id)
    theirs.steps[2].kegiatan = "Diubah di B"
    save(b, theirs)
    sync_library(a)  # the URL is remembered
    assert sync_library(b).merged == ["001 Satu"]
    sync_library(a)
    for root in (a, b):
        assert listing(root) == {one.id: "Satu", two.id: "Dua"}
        steps = [s.kegiatan for s in load(root, one.id).steps]
        assert steps == ["Diubah di A", "Kegiatan 2", "Diubah di B"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_server_that_does_not_answer_is_offline(tmp_path, capsys):
    a = tmp_path / "pc1"
    save(a, make_sop("001", "Satu"))
    url = f"http://127.0.0.1:{_closed_port()}/pustaka.git"
    assert main(["sync", "--pustaka", str(a), "--remote", url]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "tidak terjangkau" in err[0]
    with pytest.raises(SyncError) as raised:
        sync_library(a)
    assert raised.value.offline


def _files_holding(root: Path, text: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def test_right_password_syncs_and_is_written_nowhere(tmp_path, guarded):
    a, b = tmp_path / "pc1", tmp_path / "pc2"
    one = make_sop("001", "Satu")
    save(a, one)
    result = sync_library(a, guarded.url, user="Budi", username=ACCOUNT, password=SECRET)
    assert result.sent == ["001 Satu"] and SECRET not in result.location
    assert sync_library(b, guarded.url, username=ACCOUNT, password=SECRET).received == ["001 Satu"]
    assert listing(b) == {one.id: "Satu"}
    with Repo(str(guarded.repo_path)) as remote:
        assert BRANCH in remote.refs
    for root in (a, b):
        assert _files_holding(root, SECRET) == []
        assert (root / REPO_DIR / "config").read_text(encoding="utf-8").count(guarded.url) == 1


def test_wrong_password_is_refused_not_offline(tmp_path, guarded):
    a = tmp_path / "pc1"
    save(a, make_sop("001", "Satu"))
    with pytest.raises(SyncError) as raised:
        sync_library(a, guarded.url, username=ACCOUNT, password="salah-ketik")
    assert not raised.value.offline
    message = str(raised.value)
    assert "menolak nama pengguna atau kata sandi" in message and "salah-ketik" not in message
    assert "\n" not in message and "Error" not in message
    # Nothing was lost or half-done: with the right password the same library goes out.
    assert sync_library(a, username=ACCOUNT, password=SECRET).sent == ["001 Satu"]


def test_no_password_says_the_server_asks_for_one(tmp_path, guarded, capsys, monkeypatch):
    a = tmp_path / "pc1"
    save(a, make_sop("001", "Satu"))
    monkeypatch.delenv("SOPDESK_SYNC_PASSWORD", raising=False)
    assert main(["sync", "--pustaka", str(a), "--remote", guarded.url]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "meminta nama pengguna dan kata sandi" in err[0]
    with pytest.raises(SyncError) as raised:
        sync_library(a)
    assert not raised.value.offline


def test_cli_takes_the_account_and_the_password_from_the_environment(tmp_path, guarded, capsys, monkeypatch):
    a, b = tmp_path / "pc1", tmp_path / "pc2"
    save(a, make_sop("001", "Satu"))
    monkeypatch.setenv("SOPDESK_SYNC_PASSWORD", SECRET)
    code = main(["sync", "--pustaka", str(a), "--remote", guarded.url, "--akun", ACCOUNT])
    out = capsys.readouterr().out
    assert code == 0 and "Dikirim: 001 Satu" in out and SECRET not in out
    # A merge made by the sync is recorded under the name --pengguna gives.
    save(b, make_sop("002", "Dua"))
    assert main(["sync", "--pustaka", str(b), "--remote", guarded.url, "--akun", ACCOUNT, "--pengguna", "Sari"]) == 0
    with Repo(str(guarded.repo_path)) as remote:
        top = remote[remote.refs[BRANCH]]
        assert len(top.parents) == 2 and top.author.decode() == "Sari <>"
    assert _files_holding(a, SECRET) == [] and _files_holding(b, SECRET) == []
    monkeypatch.setenv("SOPDESK_SYNC_PASSWORD", "salah")
    assert main(["sync", "--pustaka", str(a), "--akun", ACCOUNT]) == 2
    err = capsys.readouterr().err
    assert "menolak nama pengguna atau kata sandi" in err and "salah" not in err


def test_password_in_the_address_is_used_but_not_remembered(tmp_path, guarded):
    a = tmp_path / "pc1"
    save(a, make_sop("001", "Satu"))
    address = guarded.url.replace("http://", f"http://{ACCOUNT}:{SECRET}@")
    result = sync_library(a, address)
    assert result.sent == ["001 Satu"]
    assert SECRET not in result.location and ACCOUNT in result.location
    assert _files_holding(a, SECRET) == []
    # Remembered without the password: the next sync needs it again, and says so.
    with pytest.raises(SyncError) as raised:
        sync_library(a)
    assert "meminta nama pengguna dan kata sandi" in str(raised.value)
    assert sync_library(a, password=SECRET).sent == []


def test_cli_asks_for_the_password_at_a_terminal(tmp_path, guarded, capsys, monkeypatch):
    import getpass
    import io

    a = tmp_path / "pc1"
    save(a, make_sop("001", "Satu"))
    monkeypatch.delenv("SOPDESK_SYNC_PASSWORD", raising=False)
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", terminal)
    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or SECRET)
    assert main(["sync", "--pustaka", str(a), "--remote", guarded.url, "--akun", ACCOUNT]) == 0
    assert asked == [f"Kata sandi {ACCOUNT} untuk pustaka bersama: "]
    assert "Dikirim: 001 Satu" in capsys.readouterr().out
    assert _files_holding(a, SECRET) == []


def test_cli_on_the_windows_library_takes_the_account_set_in_preferensi(tmp_path, guarded, capsys, monkeypatch):
    # The drafter set the server account in the window; `sopdesk sync` on that library needs only the password.
    home = tmp_path / "home"
    home.mkdir()
    library = tmp_path / "pustaka"
    (home / "sopdesk.ini").write_text(f"[pustaka]\nfolder={library.as_posix()}\n\n[bersama]\nakun={ACCOUNT}\n"
                                      f"lokasi={guarded.url}\n", encoding="utf-8")
    monkeypatch.setenv("SOPDESK_HOME", str(home))
    monkeypatch.setenv("SOPDESK_SYNC_PASSWORD", SECRET)
    save(library, make_sop("001", "Satu"))
    assert main(["sync", "--remote", guarded.url]) == 0
    assert "Dikirim: 001 Satu" in capsys.readouterr().out
    # Another library than the window's does not borrow that account: without one the server only asks.
    monkeypatch.delenv("SOPDESK_SYNC_PASSWORD")
    other = tmp_path / "lain"
    save(other, make_sop("002", "Dua"))
    assert main(["sync", "--pustaka", str(other), "--remote", guarded.url]) == 2
    assert "meminta nama pengguna dan kata sandi" in capsys.readouterr().err

"""Sync through a git server over HTTP on 127.0.0.1 (dulwich's own smart-HTTP server), as with an office Gitea."""
from __future__ import annotations

import socket
import threading
from pathlib import Path
from wsgiref.simple_server import make_server

import pytest
from dulwich.server import DictBackend
from dulwich.web import WSGIRequestHandlerLogger, WSGIServerLogger, make_wsgi_chain

from sopdesk.cli import main
from sopdesk.sync import SyncError, sync_library
from sopdesk.sync.repo import init_bare
from tests.test_sync import listing, load, make_sop, save


@pytest.fixture
def server(tmp_path: Path):
    repo = init_bare(tmp_path / "server.git")
    app = make_wsgi_chain(DictBackend({"/": repo}))
    httpd = make_server("127.0.0.1", 0, app, handler_class=WSGIRequestHandlerLogger,
                        server_class=WSGIServerLogger)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
        repo.close()


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

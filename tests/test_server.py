"""Several workers behave as one service [issue 17]: two started on one database serve the same signed-in
users, every audited read of theirs joins one unbroken chain, and a keep-alive connection is answered without
waiting for a delayed ACK (the workers' shared socket reports IPPROTO_TCP, so asyncio turns Nagle off)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from disclosure import audit, server
from disclosure.accounts.roles import Role
from disclosure.auth import SESSION_COOKIE
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from tests import fresh_db
from tests.builders import make_session, make_user, principal_for
from tests.requests.builders import make_request

fresh_database_url = fresh_db.fresh_database_url
BIN = Path(sys.executable).parent


def test_the_workers_shared_socket_says_tcp_so_nagle_is_turned_off() -> None:
    listener = server.config("127.0.0.1", 0, 2).bind_socket()
    try:
        listener.listen()
        with socket.create_connection(listener.getsockname()):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.proto == socket.IPPROTO_TCP, "asyncio sets TCP_NODELAY only on these"
    finally:
        listener.close()


def test_idle_connections_outlast_a_load_balancers_idle_timeout() -> None:
    """A proxy or a browser reusing a connection the server has just closed loses the request (the load
    check met it at uvicorn's 5 s default): the server keeps idle connections longer than the usual 60 s."""
    assert server.config("127.0.0.1", 0, 1).timeout_keep_alive > 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def two_workers(fresh_database_url: str, tmp_path: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {
        **os.environ,
        "DISCLOSURE_DATABASE_URL": fresh_database_url,
        "DISCLOSURE_ENVIRONMENT": "development",  # the workers run their minute loops, as in service
        "DISCLOSURE_VAR_DIR": str(tmp_path),
    }
    process = subprocess.Popen(  # noqa: S603
        [str(BIN / "disclosure"), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("the two workers did not start")
        yield base, process.pid
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
        assert b"Traceback" not in errors, errors.decode()


def test_two_workers_on_one_database_serve_as_one(
    two_workers: tuple[str, int], fresh_database_url: str
) -> None:
    base, pid = two_workers
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert len(children) >= 2, "uvicorn's supervisor runs two worker processes"
    engine = create_db_engine(fresh_database_url)
    factory = create_session_factory(engine)
    with unit_of_work(factory) as session:
        clerk = make_user(session, Role.DATA_ADMINISTRATOR).user
        token = make_session(session, clerk)
        case = make_request(session, principal_for(clerk))
        case_id, reference = case.id, case.reference
        before = audit.verify(session).checked

    def read(n: int) -> tuple[int, bool]:
        # A new connection each time, so the kernel hands them to either worker.
        with httpx.Client(base_url=base, cookies={SESSION_COOKIE: token}, timeout=30) as client:
            page = client.get(f"/requests/{case_id}")
            return page.status_code, reference in page.text

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(read, range(30)))
    assert answers == [(200, True)] * 30, "one session is signed in on both workers"
    with unit_of_work(factory) as session:
        report = audit.verify(session)
    engine.dispose()
    assert report.intact, report.problems
    assert report.checked >= before + 30, "each worker's reads joined the one chain"


def test_a_started_worker_puts_its_start_up_objects_beyond_full_collections(settings: Any) -> None:
    """A full garbage collection walked every object built at start-up, a 90-150 ms pause every few
    hundred requests [issue 17]: a served app freezes them when it starts (tests build many apps and keep
    collecting as usual)."""
    import dataclasses
    import gc

    from disclosure.app import create_app, freeze_start_up_objects

    served = create_app(dataclasses.replace(settings, environment="development"))
    assert freeze_start_up_objects in served.on_startup
    assert freeze_start_up_objects not in create_app(settings).on_startup
    try:
        freeze_start_up_objects()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

"""Serving the application under uvicorn, one worker or several [issue 17].

Several workers share nothing in memory: sessions, sign-in attempts, one-time links, the audit chain and the
minute loop's jobs (claimed rows, `SKIP LOCKED`, leases) all live in the database, so any number of workers
behave as one service (`tests/test_server.py` starts two on one database).

uvicorn's supervisor binds the workers' shared socket with `proto` 0, and asyncio turns Nagle's algorithm off
only for sockets that say `IPPROTO_TCP`: so with `--workers 2` or more every keep-alive answer waited about
40 ms for the client's delayed ACK (Kludex/uvicorn#3149, open). `_Config` hands the workers the same socket
reopened from its descriptor, which reports its real protocol."""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "disclosure.app:create_app"


class _Config(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        bound = super().bind_socket()
        if bound.family not in (socket.AF_INET, socket.AF_INET6) or bound.proto == socket.IPPROTO_TCP:
            return bound
        reopened = socket.socket(fileno=bound.detach())  # the kernel says IPPROTO_TCP
        reopened.set_inheritable(True)
        return reopened


KEEP_ALIVE_SECONDS = 75
"""How long an idle connection stays open: longer than a load balancer's usual idle timeout (60 s) and any
pause between a user's clicks, so a client never reuses a connection the server is just closing (uvicorn's
default of 5 s lost one request in a thousand of the load check to that race)."""


def config(host: str, port: int, workers: int) -> uvicorn.Config:
    return _Config(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def serve(host: str, port: int, workers: int) -> None:
    """Serve until stopped: in this process with one worker, under uvicorn's supervisor with more."""
    chosen = config(host, port, workers)
    if chosen.workers > 1:
        Multiprocess(chosen, sockets=[chosen.bind_socket()]).run()
    else:
        one = uvicorn.Server(chosen)
        one.run()
        if not one.started:  # the port was taken, or the app would not load: uvicorn said why
            raise SystemExit(3)

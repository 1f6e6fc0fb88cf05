"""gunicorn's sync worker, which does not serve a client that has already gone.

Under a flood, the listen queue fills with connections whose clients gave up waiting and
closed them. A sync worker takes them in turn and builds a page for each, for nobody,
while new clients wait behind them: after 512 connections of overload the site took
20 s to answer normally again. The kernel knows which of them were closed: their TCP
state is CLOSE_WAIT (the client's FIN has arrived). Such a connection is closed
unanswered, at the cost of one getsockopt.

HTTP clients do not half-close a connection they expect an answer on, so a request
whose connection is in CLOSE_WAIT has no reader. Where TCP_INFO is not available (not
Linux), every connection is served, as by gunicorn's own sync worker.
"""

import socket
from typing import Any

from gunicorn.workers.sync import SyncWorker

# include/net/tcp_states.h; the first byte of struct tcp_info is the state.
TCP_CLOSE_WAIT = 8


def client_gone(client: socket.socket) -> bool:
    """Whether the client has closed its side of the connection."""
    option = getattr(socket, "TCP_INFO", None)
    if option is None:
        return False
    try:
        info = client.getsockopt(socket.IPPROTO_TCP, option, 1)
    except OSError:
        return False
    return bool(info) and info[0] == TCP_CLOSE_WAIT


class AbandonedSkippingSyncWorker(SyncWorker):
    """`worker_class` in config/gunicorn.py."""

    def handle(self, listener: Any, client: socket.socket, addr: Any) -> None:
        if client_gone(client):
            self.log.debug("Closed a connection its client had already closed: %s", addr)
            client.close()
            return
        super().handle(listener, client, addr)

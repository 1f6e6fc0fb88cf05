"""A mail server on loopback that keeps what it is sent: for the alerts benchmark and tests.

aiosmtpd, in a thread of this process. Recipients can be refused per address with a
chosen SMTP answer, as a real server refuses a mailbox that does not exist (550) or one
that is full for now (452).
"""

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, _class=EmailMessage, policy=policy.default)


@dataclass
class Sink:
    """What the server answers and what it was sent. `keep=False` counts only (benchmarks)."""

    keep: bool = True
    refuse: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    count: int = 0
    # The client addresses messages came from: one for each connection.
    peers: set[Any] = field(default_factory=set)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.count += 1
        if self.keep:
            self.peers.add(session.peer)
            content = envelope.original_content or b""
            self.received.append(
                Received(str(envelope.mail_from), list(envelope.rcpt_tos), bytes(content))
            )
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(sink: Sink, port: int = 0) -> Controller:
    """Serve `sink` on 127.0.0.1; the controller's `port` says where. Stop it with .stop()."""
    controller = Controller(sink, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller

"""Helpers of the reminder tests: a real SMTP server on loopback, and a mission with people and deadlines."""

import datetime
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller

from missions.models import Membership
from tests.factories import MissionFactory, TaskFactory, make_assignment, member


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, with the SMTP session it came in."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[tuple[int, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((id(session), list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def messages(self) -> list[email.message.EmailMessage]:
        with self.lock:
            return [email.message_from_bytes(raw, policy=email.policy.default) for _s, _r, raw in self.received]

    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(r for _s, rcpts, _raw in self.received for r in rcpts)

    def sessions(self) -> set[int]:
        with self.lock:
            return {s for s, _r, _raw in self.received}


class SmtpServer:
    """A real SMTP server on 127.0.0.1, started and stopped by the test."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def bodies(message) -> tuple[str, str]:
    """(plain text, HTML) of a multipart/alternative message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def mission_with_people(code: str, zone: str, weekend: str = "67", **fields):
    """A mission with a head (English), a deputy and an officer (Vietnamese) and its own address."""
    address = f"{code.lower()}@missions.example"
    mission = MissionFactory(code=code, timezone=zone, weekend=weekend, email=address, **fields)
    people = {
        "head": member(mission, Membership.Role.HEAD, username=f"{code.lower()}-head", language="en"),
        "deputy": member(mission, Membership.Role.DEPUTY, username=f"{code.lower()}-deputy", language="vi"),
        "officer": member(mission, Membership.Role.OFFICER, username=f"{code.lower()}-officer", language="en"),
    }
    return mission, people


def assign(mission, deadline: datetime.date, title: str | None = None):
    task = TaskFactory(title=title) if title else TaskFactory()
    return make_assignment(mission=mission, task=task, deadline=deadline)


def at(iso: str) -> datetime.datetime:
    """An aware datetime from ISO 8601 with an offset."""
    moment = datetime.datetime.fromisoformat(iso)
    assert moment.tzinfo is not None
    return moment

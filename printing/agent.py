"""The print agent: claims its device's tickets over the API, prints them on an ESC/POS network
printer, then acknowledges them (`manage.py print_agent`).

Exactly once per device: a job id is written to the agent's journal (a local file) right after
the printer took the bytes and before the ack, so a job offered again (an ack lost in transit, a
restart before the ack) is acknowledged without printing it twice. A printer that is off leaves
the job unacknowledged: it is offered again after its lease and printed when the printer is back."""

import json
import logging
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from printing.escpos import ticket_escpos
from printing.tickets import Ticket, TicketLine

logger = logging.getLogger(__name__)

ACK_ATTEMPTS = 4


class AgentError(Exception):
    pass


@dataclass
class DeviceApi:
    """The two calls the agent makes, authenticated by the device token."""

    server: str
    device_id: int
    token: str
    timeout: float = 10.0

    def __post_init__(self):
        if not self.server.startswith(("http://", "https://")):
            raise AgentError(f"--server must be an http(s) URL, not {self.server!r}.")

    def _post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(  # noqa: S310 - an http(s) URL, checked above
            f"{self.server.rstrip('/')}/api/print-devices/{self.device_id}/{path}", method="POST",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Print-Device-Token": self.token})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s), checked
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise AgentError(f"{path}: HTTP {exc.code} {exc.read()[:300]!r}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise AgentError(f"{path}: {exc}") from exc

    def claim(self, limit: int = 10) -> list[dict]:
        return self._post("claim/", {"limit": limit})["jobs"]

    def ack(self, job_id: str, claim_token: str) -> dict:
        return self._post(f"jobs/{job_id}/ack/", {"claim_token": claim_token})


@dataclass
class Journal:
    """Job ids this agent printed, one per line, appended and flushed to disk before each ack."""

    path: Path
    _printed: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.path = Path(self.path)
        if self.path.exists():
            self._printed = {line.strip() for line in self.path.read_text().splitlines() if line.strip()}

    def __contains__(self, job_id: str) -> bool:
        return job_id in self._printed

    def add(self, job_id: str) -> None:
        with self.path.open("a") as journal:
            journal.write(job_id + "\n")
            journal.flush()
        self._printed.add(job_id)


def send_to_printer(data: bytes, *, host: str, port: int, timeout: float = 10.0) -> None:
    with socket.create_connection((host, port), timeout=timeout) as connection:
        connection.sendall(data)


def ticket_from_json(body: dict) -> Ticket:
    return Ticket(**{**body, "lines": [TicketLine(**line) for line in body["lines"]]})


@dataclass
class PrintAgent:
    api: DeviceApi
    journal: Journal
    printer_host: str
    printer_port: int = 9100
    paper_width: int = 80
    retry_pause: float = 0.5

    def run_once(self) -> dict[str, int]:
        """One claim: prints what is new, acks all of it. {"printed", "skipped" (already printed), "acked"}."""
        counts = {"printed": 0, "skipped": 0, "acked": 0}
        for job in self.api.claim():
            if job["id"] in self.journal:
                counts["skipped"] += 1
            else:
                send_to_printer(ticket_escpos(ticket_from_json(job["ticket"]), paper_width=self.paper_width),
                                host=self.printer_host, port=self.printer_port)
                self.journal.add(job["id"])
                counts["printed"] += 1
            if self._ack(job):
                counts["acked"] += 1
        return counts

    def _ack(self, job: dict) -> bool:
        for attempt in range(1, ACK_ATTEMPTS + 1):
            try:
                self.api.ack(job["id"], job["claim_token"])
                return True
            except AgentError as exc:
                logger.warning("ack of job %s failed (attempt %d): %s", job["id"], attempt, exc)
                time.sleep(self.retry_pause * attempt)
        return False  # printed and journaled: the next claim offers it again and it is acked then

    def run_forever(self, interval: float) -> None:
        while True:
            try:
                counts = self.run_once()
                if counts["printed"] or counts["skipped"]:
                    logger.info("print agent: %s", counts)
            except (AgentError, OSError) as exc:
                logger.warning("print agent: %s (retrying in %.0f s)", exc, interval)
            time.sleep(interval)

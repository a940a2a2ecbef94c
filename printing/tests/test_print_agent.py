"""manage.py print_agent against the real API (live server) and a loopback TCP "printer" that
keeps every byte it is sent: each ticket reaches the printer once, whatever is lost on the way."""

import socket
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from foodsys.tenancy.actor import OWNER, Actor
from foodsys.testing import factories as f
from printing import agent as agent_module
from printing.agent import AgentError, DeviceApi, Journal, PrintAgent
from printing.models import DeviceKind, JobStatus, PrintJob
from printing.services import print_device_register

pytestmark = pytest.mark.django_db(transaction=True)
CUT = b"\x1dV"


class LoopbackPrinter:
    """A TCP listener on 127.0.0.1 recording each connection's bytes (one ticket per connection)."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.received: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                chunks = []
                while chunk := connection.recv(65536):
                    chunks.append(chunk)
                self.received.append(b"".join(chunks))

    def close(self):
        self.socket.close()


@pytest.fixture
def printer():
    loopback = LoopbackPrinter()
    yield loopback
    loopback.close()


@pytest.fixture
def agent_world(db):
    restaurant = f.RestaurantFactory(name="Trattoria Test", timezone="Europe/Rome")
    owner = f.OwnerFactory()
    f.MembershipFactory(user=owner, tenant=restaurant)
    registered = print_device_register(restaurant=restaurant, actor=Actor(user=owner, role=OWNER),
                                       name="Kitchen", kind=DeviceKind.AGENT)
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant), name="Margherita")
    option = f.OptionFactory(group=f.OptionGroupFactory(item=item, name="Size"), name="Large")
    return {"restaurant": restaurant, "device": registered.device, "token": registered.token, "item": item,
            "option": option, "customer": f.UserFactory(name="Ada Lovelace")}


def _order(world, notes="Ring twice"):
    from orders.services import OrderLineInput, order_place

    return order_place(customer=world["customer"], restaurant_ref=world["restaurant"].pk,
                       lines=[OrderLineInput(menu_item_id=world["item"].pk, quantity=2,
                                             option_ids=(world["option"].pk,), special_instructions="No basil")],
                       delivery_address={"street": "1 Via Roma", "city": "Roma", "zip_code": "00100"},
                       payment_method="cash", notes=notes).order


def _run(world, live_server, printer, journal, *extra):
    call_command("print_agent", "--server", live_server.url, "--device", str(world["device"].pk),
                 "--token", world["token"], "--printer", f"127.0.0.1:{printer.port}", "--journal", str(journal),
                 "--once", *extra)


def _wait_for(printer, count):
    deadline = timezone.now() + timedelta(seconds=5)
    while len(printer.received) < count and timezone.now() < deadline:
        threading.Event().wait(0.02)


def test_the_agent_prints_a_new_orders_ticket_once(agent_world, live_server, printer, tmp_path, capsys):
    order = _order(agent_world)

    _run(agent_world, live_server, printer, tmp_path / "journal")
    _run(agent_world, live_server, printer, tmp_path / "journal")  # nothing new: nothing printed

    _wait_for(printer, 1)
    assert len(printer.received) == 1
    ticket = printer.received[0]
    call_number = order.order_number.rsplit("-", 1)[-1].encode()
    for expected in (b"#" + call_number, b"2 x Margherita", b"+ Large", b"! No basil", b"NOTE: Ring twice",
                     b"DELIVERY", b"1 Via Roma", b"Cash - TO PAY", CUT):
        assert expected in ticket, expected
    assert PrintJob.objects.get(order=order).status == JobStatus.PRINTED
    assert "printed 0, already printed 0, acknowledged 0" in capsys.readouterr().out


def test_an_offline_printer_loses_nothing_and_prints_when_back(agent_world, live_server, printer, tmp_path):
    order = _order(agent_world)
    closed_port = socket.create_server(("127.0.0.1", 0))
    port = closed_port.getsockname()[1]
    closed_port.close()  # nothing listens there: the printer is off

    with pytest.raises(CommandError):
        call_command("print_agent", "--server", live_server.url, "--device", str(agent_world["device"].pk),
                     "--token", agent_world["token"], "--printer", f"127.0.0.1:{port}",
                     "--journal", str(tmp_path / "journal"), "--once")
    assert PrintJob.objects.get(order=order).status == JobStatus.CLAIMED
    PrintJob.objects.filter(order=order).update(lease_expires_at=timezone.now())  # its lease runs out

    _run(agent_world, live_server, printer, tmp_path / "journal")

    _wait_for(printer, 1)
    assert len(printer.received) == 1
    assert PrintJob.objects.get(order=order).status == JobStatus.PRINTED


class LosingAcks(DeviceApi):
    """Acks that are sent (or not) but whose answer never comes back."""

    deliver = False

    def ack(self, job_id, claim_token):
        if self.deliver:
            super().ack(job_id, claim_token)
        raise AgentError("connection reset")


@pytest.mark.parametrize("ack_reaches_the_server", [False, True])
def test_a_lost_ack_never_prints_twice(agent_world, live_server, printer, tmp_path, monkeypatch,
                                       ack_reaches_the_server):
    order = _order(agent_world)
    monkeypatch.setattr(agent_module.time, "sleep", lambda seconds: None)
    journal = Journal(tmp_path / "journal")
    lossy = LosingAcks(server=live_server.url, device_id=agent_world["device"].pk, token=agent_world["token"])
    lossy.deliver = ack_reaches_the_server

    first = PrintAgent(api=lossy, journal=journal, printer_host="127.0.0.1", printer_port=printer.port).run_once()
    PrintJob.objects.filter(order=order, status=JobStatus.CLAIMED).update(lease_expires_at=timezone.now())
    # the agent restarts (a fresh journal object over the same file) with a working network
    api = DeviceApi(server=live_server.url, device_id=agent_world["device"].pk, token=agent_world["token"])
    second = PrintAgent(api=api, journal=Journal(tmp_path / "journal"), printer_host="127.0.0.1",
                        printer_port=printer.port).run_once()

    _wait_for(printer, 1)
    assert first == {"printed": 1, "skipped": 0, "acked": 0}
    assert second == ({"printed": 0, "skipped": 0, "acked": 0} if ack_reaches_the_server
                      else {"printed": 0, "skipped": 1, "acked": 1})
    assert len(printer.received) == 1
    assert PrintJob.objects.get(order=order).status == JobStatus.PRINTED


def test_a_wrong_token_is_refused(agent_world, live_server, printer, tmp_path):
    _order(agent_world)
    with pytest.raises(CommandError, match="401"):
        call_command("print_agent", "--server", live_server.url, "--device", str(agent_world["device"].pk),
                     "--token", "wrong", "--printer", f"127.0.0.1:{printer.port}",
                     "--journal", str(tmp_path / "journal"), "--once")
    assert printer.received == []

"""The fault proxy itself, against a local echo server (no services needed)."""

import socket
import threading

import pytest

from tests.faults.proxy import FaultProxy


@pytest.fixture
def echo_server():
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=_echo, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()
    listener.close()


def _echo(conn: socket.socket) -> None:
    with conn:
        while data := conn.recv(1024):
            conn.sendall(data)


def _round_trip(port: int, payload: bytes = b"ping") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload)
        return sock.recv(1024)


def test_the_proxy_forwards_drops_open_connections_on_cut_and_accepts_again_on_restore(echo_server):
    # given
    with FaultProxy(echo_server) as proxy:
        held = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
        held.sendall(b"hello")
        first = held.recv(1024)

        # when
        proxy.cut()
        dropped = held.recv(1024)
        with pytest.raises(ConnectionRefusedError):
            _round_trip(proxy.port)
        proxy.restore()
        again = _round_trip(proxy.port, b"back")
        held.close()

    # then
    assert first == b"hello"
    assert dropped == b""  # the held connection was closed by the proxy
    assert again == b"back"

"""The production-like stack on loopback, and /proc sampling of its processes during a scenario.

gunicorn (sync workers, persistent DB connections) serves HTTP, daphne serves /ws/, plus
`manage.py relay_outbox` and `manage.py consume_orders` (own consumer group, starting at the topic's
current end so other people's history is not replayed). Each process logs to artifacts/bench/logs/.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import psutil

from bench.config import LOG_DIR, PY, ROOT, VENV_BIN, WORK_DIR, BenchConfig


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log_path: str

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None


def _spawn(name: str, argv: list[str], env: dict[str, str]) -> Service:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{name}.log"
    log = open(log_path, "ab")  # noqa: SIM115 - owned by the child for its lifetime
    log.write(f"\n==== {time.strftime('%Y-%m-%dT%H:%M:%S')} {' '.join(argv)}\n".encode())
    log.flush()
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    return Service(name=name, process=process, log_path=str(log_path))


def _wait_http(url: str, timeout: float, service: Service) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.alive():
            raise RuntimeError(f"{service.name} exited during startup; see {service.log_path}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status < 500:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{service.name} not answering {url} after {timeout}s; see {service.log_path}")


def _wait_port(port: int, timeout: float, service: Service) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.alive():
            raise RuntimeError(f"{service.name} exited during startup; see {service.log_path}")
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{service.name} not listening on {port} after {timeout}s; see {service.log_path}")


def topic_end_offsets(bootstrap: str, topic: str) -> str:
    from foodsys.kafka.consumer import end_offsets

    offsets = sorted(end_offsets(bootstrap, topic).items())
    return ",".join(f"{partition}={offset}" for (_topic, partition), offset in offsets)


@dataclass
class Stack:
    config: BenchConfig
    env: dict[str, str]
    services: dict[str, Service] = field(default_factory=dict)
    consumer_group: str = ""

    def start(self, log) -> None:
        from foodsys.kafka.topics import ORDER_EVENTS

        cfg = self.config
        gunicorn = [str(VENV_BIN / "gunicorn")]
        gunicorn_env = self.env
        if (ROOT / "foodsys" / "observability" / "gunicorn.py").exists():  # as README "Running in production"
            gunicorn += ["-c", "python:foodsys.observability.gunicorn"]
            gunicorn_env = {**self.env, "PROMETHEUS_MULTIPROC_DIR": str(WORK_DIR / "prometheus")}
        self.services["gunicorn"] = _spawn("gunicorn", [
            *gunicorn, "foodsys.wsgi:application", "--bind", f"127.0.0.1:{cfg.http_port}",
            "--workers", str(cfg.workers), "--worker-class", "sync", "--backlog", "2048", "--timeout", "60",
        ], gunicorn_env)
        self.services["daphne"] = _spawn("daphne", [
            str(VENV_BIN / "daphne"), "--bind", "127.0.0.1", "--port", str(cfg.ws_port), "foodsys.asgi:application",
        ], self.env)
        self.services["relay"] = _spawn("relay", [PY, "manage.py", "relay_outbox"], self.env)
        self.consumer_group = f"bench-stack-{cfg.run_id}"
        offsets = topic_end_offsets(self.env["KAFKA_BOOTSTRAP_SERVERS"], ORDER_EVENTS)
        self.services["consumer"] = _spawn("consumer", [
            PY, "manage.py", "consume_orders", "--group", self.consumer_group, "--initial-offsets", offsets,
        ], self.env)
        _wait_http(f"{cfg.http_base}/healthz", 60, self.services["gunicorn"])
        _wait_port(cfg.ws_port, 60, self.services["daphne"])
        time.sleep(2)  # relay and consumer: Django setup, group join
        for service in self.services.values():
            if not service.alive():
                raise RuntimeError(f"{service.name} exited during startup; see {service.log_path}")
        log(f"stack up: gunicorn x{cfg.workers} :{cfg.http_port}, daphne :{cfg.ws_port}, relay, consumer "
            f"(group {self.consumer_group})")

    def check_alive(self) -> list[str]:
        return [name for name, service in self.services.items() if not service.alive()]

    def stop(self) -> None:
        for service in self.services.values():
            if service.alive():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(service.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for service in self.services.values():
            try:
                service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(service.pid, signal.SIGKILL)
                service.process.wait(timeout=5)

    def process_groups(self) -> dict[str, ProcessGroup]:
        groups = {name: ProcessGroup.tree(service.pid) for name, service in self.services.items()}
        groups["postgres"] = ProcessGroup.matching(f" {self.config.db_name} ")
        return groups


class ProcessGroup:
    """A set of processes found afresh on every sample: a process tree, or postgres backends of one DB."""

    def __init__(self, finder):
        self.finder = finder

    @classmethod
    def tree(cls, root_pid: int) -> ProcessGroup:
        def find() -> list[psutil.Process]:
            try:
                root = psutil.Process(root_pid)
                return [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return []
        return cls(find)

    @classmethod
    def matching(cls, needle: str) -> ProcessGroup:
        def find() -> list[psutil.Process]:
            found = []
            for proc in psutil.process_iter(["cmdline"]):
                cmdline = " ".join(proc.info["cmdline"] or [])
                if cmdline.startswith("postgres:") and needle in cmdline + " ":
                    found.append(proc)
            return found
        return cls(find)


class Sampler:
    """Samples CPU time and RSS of process groups every `interval` s between start() and stop()."""

    def __init__(self, groups: dict[str, ProcessGroup], interval: float = 0.5):
        self.groups = groups
        self.interval = interval
        self._stop = threading.Event()
        self._cpu: dict[str, dict[int, tuple[float, float]]] = {name: {} for name in groups}  # pid -> (first, last)
        self._rss_peak: dict[str, float] = dict.fromkeys(groups, 0.0)
        self._rss_sum: dict[str, float] = dict.fromkeys(groups, 0.0)
        self._samples = 0
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> Sampler:
        self._started = time.monotonic()
        self._machine_start = psutil.cpu_times()
        self._load_start = os.getloadavg()
        self._sample()
        self._thread.start()
        return self

    def _sample(self) -> None:
        for name, group in self.groups.items():
            rss = 0
            for proc in group.finder():
                try:
                    with proc.oneshot():
                        times = proc.cpu_times()
                        used = times.user + times.system
                        rss += proc.memory_info().rss
                except psutil.Error:
                    continue
                first, _last = self._cpu[name].get(proc.pid, (used, used))
                self._cpu[name][proc.pid] = (first, used)
            self._rss_peak[name] = max(self._rss_peak[name], rss)
            self._rss_sum[name] += rss
        self._samples += 1

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        self._sample()
        wall = time.monotonic() - self._started
        machine = psutil.cpu_times()
        busy = sum(getattr(machine, f) - getattr(self._machine_start, f) for f in ("user", "system", "nice", "irq",
                                                                                  "softirq", "steal"))
        idle = (machine.idle + machine.iowait) - (self._machine_start.idle + self._machine_start.iowait)
        processes = {}
        for name in self.groups:
            cpu = sum(last - first for first, last in self._cpu[name].values())
            processes[name] = {"cpu_pct": round(100 * cpu / wall, 1),
                               "rss_mb": round(self._rss_peak[name] / 2**20, 1),
                               "rss_avg_mb": round(self._rss_sum[name] / max(1, self._samples) / 2**20, 1)}
        return {
            "wall_s": round(wall, 1),
            "machine_cpu_pct": round(100 * busy / max(1e-9, busy + idle), 1),  # of all cores
            "loadavg_start": [round(x, 2) for x in self._load_start],
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "processes": processes,
        }

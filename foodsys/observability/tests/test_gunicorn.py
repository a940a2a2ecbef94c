from types import SimpleNamespace

from foodsys.observability import gunicorn


def test_on_starting_empties_the_multiprocess_folder(tmp_path, monkeypatch):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"stale")
    (folder / "README").write_text("kept")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))

    gunicorn.on_starting(server=None)

    assert sorted(p.name for p in folder.iterdir()) == ["README"]


def test_child_exit_drops_the_dead_workers_live_gauges(tmp_path, monkeypatch):
    (tmp_path / "gauge_livesum_4242.db").write_bytes(b"")
    (tmp_path / "gauge_livesum_4343.db").write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    gunicorn.child_exit(server=None, worker=SimpleNamespace(pid=4242))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["gauge_livesum_4343.db"]


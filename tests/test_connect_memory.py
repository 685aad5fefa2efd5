"""A connect's memory in the worker: bounded by a few times the document's size.

Parsing a document of tiny records takes about eight times its size in Python objects,
and building its model as much again; a document of DOCUMENT_PROCESS_BYTES or more is
read in a child process, so the worker holds only its bytes and the model that comes
back. Measured with tracemalloc (allocation counts, not timings), on both backends.
"""

from __future__ import annotations

import json
import tracemalloc

from conftest import backend_config, upload

from webapp import create_app

# 1.2 MB of tiny records: the worst ratio of Python objects to JSON bytes.
TINY = json.dumps(
    {"products": [{"name": f"p{i}", "price": i % 97, "tag": "x"} for i in range(30_000)]},
    separators=(",", ":"),
).encode()


def connect_peak(app, document: bytes) -> tuple[int, int]:
    """(status, peak bytes allocated in this process) of uploading ``document``."""
    client = app.test_client()
    client.get("/")
    tracemalloc.start()
    try:
        response = upload(client, document)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response.status_code, peak


def test_a_large_document_is_read_outside_the_worker(make_app):
    status, peak = connect_peak(make_app(), TINY)
    assert status == 303
    # The test client's own copies of the request count too: still well under 10x.
    assert peak < 8 * len(TINY), f"{peak / len(TINY):.1f}x the document"


def test_read_in_the_worker_the_same_document_takes_over_ten_times_its_size():
    """The measure can fail: reading in the worker is what the child process avoids."""
    config = {**backend_config("memory", None), "DOCUMENT_PROCESS_BYTES": 100 * 1024 * 1024}
    status, peak = connect_peak(create_app(config), TINY)
    assert status == 303
    assert peak > 10 * len(TINY), f"{peak / len(TINY):.1f}x the document"


def test_a_child_reads_what_the_worker_would(make_app):
    app = make_app(DOCUMENT_PROCESS_BYTES=1024)
    assert upload(app.test_client(), TINY).status_code == 303
    broken = TINY[:-2] + b",]}"
    response = upload(app.test_client(), broken)
    assert response.status_code == 400
    assert "Invalid JSON at line 1, column" in response.get_data(as_text=True)


def test_a_child_that_overruns_its_time_is_killed_and_a_503(make_app):
    import multiprocessing

    app = make_app(DOCUMENT_PROCESS_BYTES=1024, DOCUMENT_PROCESS_SECONDS=0.01)
    response = upload(app.test_client(), TINY)
    assert response.status_code == 503
    assert "could not be read in time" in response.get_data(as_text=True)
    assert multiprocessing.active_children() == []  # killed, not left running


def test_slots_go_back_when_a_connect_ends_even_if_its_answer_is_never_closed(make_app):
    """A large body takes one of the process's connect slots; the test client never closes
    its responses, so only the end of the request can give the slot back."""
    app = make_app(CONNECT_CONCURRENCY=1)
    document = TINY[:100_000].rsplit(b"},", 1)[0] + b"}]}"  # 100 KB: over the 64 KB read ahead
    for _ in range(3):
        assert upload(app.test_client(), document).status_code == 303


def test_a_document_that_needs_more_memory_than_allowed_is_a_413(make_app):
    """The child may grow by DOCUMENT_MEMORY_FACTOR times the document (and 32 MB); reading
    tiny records takes about 13 times: with 2 allowed, the connect is refused, saying why."""
    app = make_app(DOCUMENT_MEMORY_FACTOR=2)
    records = [{"name": f"p{i}", "price": i % 97, "tag": "x"} for i in range(150_000)]
    larger = json.dumps({"products": records}, separators=(",", ":")).encode()  # 6 MB
    response = upload(app.test_client(), larger)
    assert response.status_code == 413
    assert "needs more memory" in response.get_data(as_text=True)

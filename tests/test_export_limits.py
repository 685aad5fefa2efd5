"""Exports are bounded: one at a time per site session (429), a few per process (503)."""

from __future__ import annotations

import time

import pytest
from conftest import connect_demo, csrf_token, site_sid

from webapp.export import EXPORT_CLAIM


def generate_menu(client) -> None:
    response = client.post("/pages/menu/generate", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303


@pytest.fixture
def exporting(app):
    """A connected browser with a generated page, ready to export."""
    client = app.test_client()
    connect_demo(client)
    generate_menu(client)
    return client


def test_one_export_at_a_time_per_site_session(exporting):
    running = exporting.get("/export.zip", buffered=False)
    assert running.status_code == 200
    chunks = running.iter_encoded()
    next(chunks)  # streaming: the zip is being made

    again = exporting.get("/export.zip")
    assert again.status_code == 429
    assert again.headers["Retry-After"] == "5"
    assert "already running" in again.get_data(as_text=True)

    for _chunk in chunks:  # the first one ends: the site may be exported again
        pass
    running.close()
    assert exporting.get("/export.zip").status_code == 200


def test_a_download_stopped_midway_ends_its_export(exporting):
    stopped = exporting.get("/export.zip", buffered=False)
    next(stopped.iter_encoded())
    stopped.close()  # the client went away
    assert exporting.get("/export.zip").status_code == 200


def test_exports_per_process_are_capped_with_503(make_app):
    app = make_app(EXPORT_CONCURRENCY=1)
    alice, bob = app.test_client(), app.test_client()
    for browser in (alice, bob):
        connect_demo(browser)
        generate_menu(browser)
    running = alice.get("/export.zip", buffered=False)
    assert running.status_code == 200

    busy = bob.get("/export.zip")
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "5"
    assert "exports" in busy.get_data(as_text=True)
    # Refused by the process, not by the site: bob's own site is not marked as exporting.
    running.close()
    assert bob.get("/export.zip").status_code == 200


def test_an_export_claim_left_by_a_killed_worker_ends_by_itself(make_app):
    app = make_app(EXPORT_CLAIM_SECONDS=1)
    client = app.test_client()
    connect_demo(client)
    generate_menu(client)
    store = app.extensions["site_store"]
    # What a worker killed mid-export leaves behind: the claim, never given back.
    assert store.claim_nonce(site_sid(client), EXPORT_CLAIM, "running", 1) is None
    assert client.get("/export.zip").status_code == 429
    time.sleep(1.2)
    assert client.get("/export.zip").status_code == 200


def test_an_export_makes_item_pages_for_a_limited_time(make_app):
    """Past EXPORT_SECONDS the item pages not made yet are left out, and said to be."""
    import io
    import zipfile

    app = make_app(EXPORT_SECONDS=0.001)
    client = app.test_client()
    connect_demo(client)
    generate_menu(client)
    names = zipfile.ZipFile(io.BytesIO(client.get("/export.zip").get_data())).namelist()
    index = zipfile.ZipFile(io.BytesIO(client.get("/export.zip").get_data())).read("index.html")
    assert "menu.html" in names
    assert b"were not made in time" in index


def test_an_export_gives_back_only_its_own_claim(exporting, app):
    """A claim that ran out and was taken by a newer export is not the older one's to end."""
    running = exporting.get("/export.zip", buffered=False)
    store = app.extensions["site_store"]
    sid = site_sid(exporting)
    store.set_nonce(sid, EXPORT_CLAIM, "a-newer-export", 60)  # the first one's claim ran out
    running.close()  # the first export ends: it must not end the newer one's claim
    assert store.get_nonce(sid, EXPORT_CLAIM) == "a-newer-export"
    assert exporting.get("/export.zip").status_code == 429

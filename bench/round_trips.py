"""Count Redis round trips per request for the main flows, on a private redis-server.

One round trip = one call of redis-py's ``Connection.send_packed_command`` (a
pipeline or MULTI block is a single call).

    .venv/bin/python bench/round_trips.py
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import redis.connection

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp import create_app  # noqa: E402 - after the path set-up above

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def main() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="round-trips-")
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--dir", workdir],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                redis.Redis(port=port).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        app = create_app(
            {"SECRET_KEY": "bench", "STORAGE_BACKEND": "redis",
             "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        )  # fmt: skip
        # A process's first call of each Lua script also loads it (NOSCRIPT, SCRIPT LOAD):
        # another browser goes through the flows first, so the figures show the steady state.
        warm = app.test_client()
        warm_token = CSRF.search(warm.get("/").get_data(as_text=True))[1]
        warm.post(
            "/connect", data={"csrf_token": warm_token, "source": "demo", "demo": "restaurant"}
        )
        warm.post("/pages/menu/generate", data={"csrf_token": warm_token})
        warm.get("/pages/menu/items/grilled-octopus")
        warm.post("/disconnect", data={"csrf_token": warm_token})
        client = app.test_client()
        sent = []
        original = redis.connection.Connection.send_packed_command

        def counting(self, command, check_health=True):
            sent.append(command)
            return original(self, command, check_health)

        redis.connection.Connection.send_packed_command = counting

        def token() -> str:
            return CSRF.search(client.get("/").get_data(as_text=True))[1]

        admin = redis.Redis(port=port)

        def output_bytes() -> int:
            return int(admin.info("stats")["total_net_output_bytes"])

        def run(label, call, **headers):
            # Bytes Redis sent back: its own counter, less the INFO replies that read it.
            baseline = output_bytes()
            info_reply = output_bytes() - baseline
            before = output_bytes()
            sent.clear()
            response = call()
            commands = list(sent)  # before the INFO below, which is not the app's
            received = output_bytes() - before - info_reply
            sent_bytes = sum(len(b"".join(command)) for command in commands)
            print(
                f"{label:<54}{response.status_code:>5}{len(commands):>5}"
                f"{sent_bytes:>10,}{received:>10,}{len(response.get_data()):>9,}"
            )
            if "-v" in sys.argv:
                for command in commands:
                    print("    ", b"".join(command)[:120])
            return response

        print(f"{'request':<54}{'HTTP':>5}{'RTs':>5}{'to Redis':>10}{'from':>10}{'body':>9}")
        first = token()
        run(
            "POST /connect (restaurant)",
            lambda: client.post(
                "/connect", data={"csrf_token": first, "source": "demo", "demo": "restaurant"}
            ),
        )
        run("GET / (shows the 'Connected' flash)", lambda: client.get("/"))
        run("GET /", lambda: client.get("/"))
        form = token()
        run(
            "POST /pages/menu/generate",
            lambda: client.post("/pages/menu/generate", data={"csrf_token": form}),
        )
        run(
            "POST /pages/menu/regenerate",
            lambda: client.post("/pages/menu/regenerate", data={"csrf_token": form}),
        )
        run(
            "POST /generate-all",
            lambda: client.post("/generate-all", data={"csrf_token": form}),
        )
        run("GET /pages/menu (shows the flash)", lambda: client.get("/pages/menu"))
        run("GET /pages/menu", lambda: client.get("/pages/menu"))
        gzip = {"Accept-Encoding": "gzip"}
        frame = run(
            "GET /frame/menu.html?framed=1 (gzip)",
            lambda: client.get("/frame/menu.html?framed=1", headers=gzip),
        )
        etag = frame.headers["ETag"]
        run(
            "GET /frame/menu.html?framed=1 (If-None-Match: 304)",
            lambda: client.get(
                "/frame/menu.html?framed=1", headers={**gzip, "If-None-Match": etag}
            ),
        )
        run(
            "GET /frame/menu-page-2.html?framed=1 (no such page)",
            lambda: client.get("/frame/menu-page-2.html?framed=1"),
        )
        run(
            "GET /pages/menu?q=lamb (search, first)", lambda: client.get("/frame/pages/menu?q=lamb")
        )
        run(
            "GET /pages/menu?q=lamb (search, index kept)",
            lambda: client.get("/frame/pages/menu?q=lamb"),
        )
        item = "/pages/menu/items/charred-flatbread"
        run("GET detail page (first view)", lambda: client.get(item))
        run("GET detail page (stored)", lambda: client.get(item))
        run(
            "GET detail frame (stored, gzip)",
            lambda: client.get("/frame/menu-detail-charred-flatbread.html?framed=1", headers=gzip),
        )
        run(
            "GET /frame/menu-detail-….html (a click in a page: 302)",
            lambda: client.get("/frame/menu-detail-charred-flatbread.html"),
        )
        run(
            "GET unknown item (404)",
            lambda: client.get("/frame/menu-detail-no-such-dish.html?framed=1"),
        )
        run(
            "GET /pages/menu/download (gzip)",
            lambda: client.get("/pages/menu/download", headers=gzip),
        )
        run("GET /export.zip", lambda: client.get("/export.zip"))
        run(
            "GET /frame/pages/menu (the frame's URL before: 302)",
            lambda: client.get("/frame/pages/menu"),
        )
        run("GET /healthz", lambda: client.get("/healthz"))
        run("GET /favicon.ico", lambda: client.get("/favicon.ico"))
        run("GET /disconnect (asks first)", lambda: client.get("/disconnect"))
        run("POST /disconnect", lambda: client.post("/disconnect", data={"csrf_token": form}))
        # The JSON API (docs/api.md), as a single-page frontend on this origin calls it.
        api = {"Sec-Fetch-Site": "same-origin"}
        run("GET /api/demo", lambda: client.get("/api/demo"))
        answer = run(
            "POST /api/connect (restaurant)",
            lambda: client.post("/api/connect", json={"demo": "restaurant"}, headers=api),
        )
        sid = answer.get_json()["sessionId"]
        page = {"sessionId": sid, "intentId": "menu", "dataPath": "entries.menu"}
        run("GET /api/session/<sid>", lambda: client.get(f"/api/session/{sid}", headers=api))
        run(
            "POST /api/generate-page",
            lambda: client.post("/api/generate-page", json=page, headers=api),
        )
        run(
            "POST /api/regenerate-page",
            lambda: client.post("/api/regenerate-page", json=page, headers=api),
        )
        item = {"sessionId": sid, "intentId": "menu", "itemId": "grilled-octopus"}
        run(
            "POST /api/generate-detail-page",
            lambda: client.post("/api/generate-detail-page", json=item, headers=api),
        )
        run("GET /api/page/menu", lambda: client.get("/api/page/menu", headers=api))
        run(
            "GET /api/page-status/menu",
            lambda: client.get("/api/page-status/menu", headers=api),
        )
        run(
            "POST /api/disconnect",
            lambda: client.post("/api/disconnect", json={"sessionId": sid}, headers=api),
        )
        redis.connection.Connection.send_packed_command = original
        admin.close()
        app.extensions["site_store"].close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

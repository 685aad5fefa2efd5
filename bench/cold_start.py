"""A cold start: a fresh process imports the app and answers its first request.

What every serverless cold start and every new gunicorn worker pays. A private
redis-server; this script connects the restaurant demo and generates its first page
(Flask's test client), then starts fresh Python processes, alternately:

- **ours**: ``import wsgi`` (the app as it ships, configured from the environment:
  ``REDIS_URL``, ``SECRET_KEY``), then the browser's first request to the stored page
  (``GET /frame/<page>.html?framed=1`` with its session cookie, gzip accepted);
- **bare**: ``import bare_app`` (bench/bare_app.py: Flask + Flask-Session on the same
  redis-server), then its first request reading the browser session and one stored
  value (``GET /sessget``).

Each child times itself from its first statement to the last byte of the first
answer, called as WSGI (no HTTP server, no test client: the same for both). Medians of
``--runs`` (10) each; the ratio is ours ÷ bare. Both apps' bytecode is compiled first
(``compileall``), as a deployment's would be after its first start: a machine that sets
``PYTHONDONTWRITEBYTECODE`` would otherwise compile our modules from source in every
child and not the libraries'. See docs/benchmarks.md.

    .venv/bin/python bench/cold_start.py [--runs 10] [--importtime]

``--importtime`` prints, for one child of ours, the modules that cost the most
(``python -X importtime``), imports made by the first request included.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

from harness import NO_CLIENT_LIMITS, private_redis

ROOT = Path(__file__).resolve().parent.parent
SECRET = "cold-start-bench"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CHILD = """
import time
started = time.perf_counter()
import io, json, sys
sys.path[:0] = {paths!r}
from {module} import app
environ = {{
    "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": {path!r},
    "QUERY_STRING": {query!r}, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
    "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1",
    "HTTP_COOKIE": {cookie!r}, "HTTP_ACCEPT_ENCODING": "gzip",
    "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
    "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
    "wsgi.run_once": False,
}}
answer = []
body = app(environ, lambda status, headers, exc_info=None: answer.append(status))
size = sum(len(chunk) for chunk in body)
getattr(body, "close", lambda: None)()
print(json.dumps({{"seconds": time.perf_counter() - started, "status": answer[0],
                  "bytes": size}}))
"""


def stored_page(redis_url: str) -> tuple[str, str, str]:
    """Connect the restaurant demo and generate its first page: (path, query, cookie)."""
    sys.path.insert(0, str(ROOT))
    from webapp import create_app

    app = create_app(
        {
            "SECRET_KEY": SECRET,
            "STORAGE_BACKEND": "redis",
            "REDIS_URL": redis_url,
            **NO_CLIENT_LIMITS,
        }
    )
    client = app.test_client()
    token = CSRF.search(client.get("/").get_data(as_text=True)).group(1)
    client.post("/connect", data={"csrf_token": token, "source": "demo", "demo": "restaurant"})
    home = client.get("/").get_data(as_text=True)
    intent = home.split('action="/pages/', 1)[1].split("/", 1)[0]
    client.post(f"/pages/{intent}/generate", data={"csrf_token": token})
    view = client.get(f"/pages/{intent}").get_data(as_text=True)
    frame = view.split('src="/frame/', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    path, query = frame.split("?", 1)
    name = app.config["SESSION_COOKIE_NAME"]
    return f"/frame/{path}", query, f"{name}={client.get_cookie(name).value}"


def bare_cookie(redis_url: str) -> str:
    """Log in to the bare app once (it stores its page at import): its session cookie."""
    child = subprocess.run(
        [sys.executable, "-c", _BARE_LOGIN],
        env={**os.environ, "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT / "bench",
    )
    return child.stdout.strip()


_BARE_LOGIN = """
from bare_app import app
client = app.test_client()
client.get("/login")
print("session=" + client.get_cookie("session").value)
"""


def child_code(module: str, path: str, query: str, cookie: str) -> str:
    paths = [str(ROOT), str(ROOT / "bench")]
    return CHILD.format(paths=paths, module=module, path=path, query=query, cookie=cookie)


def run_child(code: str, env: dict, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *flags, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )


def timed(code: str, env: dict) -> float:
    """Seconds from a fresh child's first statement to its first answer's last byte."""
    result = json.loads(run_child(code, env).stdout.strip().splitlines()[-1])
    assert result["status"].startswith("200"), result
    return result["seconds"]


def print_importtime(code: str, env: dict, top: int = 25) -> None:
    """The modules of ours that cost most to import (cumulative µs), for one child."""
    rows = []
    for line in run_child(code, env, "-X", "importtime").stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = line.split("|")
        rows.append((int(cumulative), name.rstrip()))
    for cumulative, name in sorted(rows, reverse=True)[:top]:
        print(f"{cumulative / 1000:8.1f} ms {name}")


def compile_bytecode() -> None:
    """Compile both apps' modules (the libraries' were compiled when pip installed them)."""
    for path in (ROOT / "webapp", ROOT / "wsgi.py", ROOT / "bench" / "bare_app.py"):
        compile_all = compileall.compile_dir if path.is_dir() else compileall.compile_file
        compile_all(str(path), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()
    compile_bytecode()
    with private_redis() as port:
        redis_url = f"redis://127.0.0.1:{port}/0"
        path, query, cookie = stored_page(redis_url)
        env = {**os.environ, "REDIS_URL": redis_url, "SECRET_KEY": SECRET}
        env.pop("KV_URL", None)
        ours = child_code("wsgi", path, query, cookie)
        bare = child_code("bare_app", "/sessget", "", bare_cookie(redis_url))
        if args.importtime:
            print_importtime(ours, env)
            return
        times: dict[str, list[float]] = {"ours": [], "bare": []}
        for _ in range(args.runs):  # interleaved: both see the same machine
            times["ours"].append(timed(ours, env))
            times["bare"].append(timed(bare, env))
        median = {name: statistics.median(values) for name, values in times.items()}
        print(f"first request to a stored page in a fresh process, median of {args.runs}")
        print("| app | median | min | max |\n|---|---:|---:|---:|")
        for name, values in times.items():
            print(
                f"| {name} | {median[name] * 1000:.0f} ms | {min(values) * 1000:.0f} ms "
                f"| {max(values) * 1000:.0f} ms |"
            )
        print(f"ours ÷ bare: {median['ours'] / median['bare']:.2f} (required ≤ 1.30)")


if __name__ == "__main__":
    main()

"""Connect and use a 50,000-item site, this tree against an earlier commit, in one run.

Both versions run side by side (interleaved rounds, each in its own subprocess
with its own checkout) against one private redis-server, through the app's own
HTTP flow with Flask's test client: upload the document, generate the
products page, then (after warming the process up) open ten detail pages in the
frame (made on first view), listing pages 500-509, ten unknown items (404), the
ten detail pages again (stored) and the stored products page. Each step is timed
(the connect: the best of three; the others the mean of their requests) and the
bytes Redis sent back for it are counted (its INFO counters); the median of the
rounds is printed with the ratio to the baseline, so the comparison holds on any
machine however
loaded, and this tree's first views are compared with a stored page view.

Run: ``.venv/bin/python bench/large_site.py [--baseline COMMIT] [--rounds 5]``
(default baseline: 81f3b22, the last commit before the fast-paths issue;
d330519 is the last before the content model).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The last commit before the fast-paths issue (d330519: the last before the content model).
BASELINE = "81f3b22"
ITEMS = 50_000
CATEGORIES = ("Tools", "Garden", "Kitchen", "Lighting", "Paint")

# Runs inside a checkout (cwd): prints one JSON object of timings in milliseconds.
_MEASURE = r"""
import io, json, re, sys, time
import redis
from webapp import create_app
document = open(sys.argv[1], "rb").read()
app = create_app({"TESTING": True, "SECRET_KEY": "bench", "STORAGE_BACKEND": "redis",
                  "REDIS_URL": sys.argv[2], "REDIS_URL_VAR": "REDIS_URL",
                  "PROPAGATE_EXCEPTIONS": True,
                  # Both trees connect from one address: no per-client limit in the way.
                  "CONNECTS_PER_MINUTE": 1_000_000, "CONNECT_BYTES_PER_DAY": 10**15})
client = app.test_client()
admin = redis.Redis.from_url(sys.argv[2])
csrf = re.compile(r'name="csrf_token" value="([^"]+)"')
def token():
    return csrf.search(client.get("/").get_data(as_text=True)).group(1)
def sent():
    return int(admin.info("stats")["total_net_output_bytes"])
timings, traffic = {}, {}
def step(name, call, status=200):
    baseline = sent()
    info = sent() - baseline
    before = sent()
    start = time.perf_counter()
    response = call()
    timings[name] = (time.perf_counter() - start) * 1e3
    traffic[name] = sent() - before - info
    assert response.status_code == status, (name, response.status_code)
    return response
# The connect: the best of three (each replaces the one before), so that a neighbour's
# burst on a shared machine does not decide the figure of a one-off request.
best = None
for _ in range(3):
    upload = {"csrf_token": token(), "source": "upload",
              "file": (io.BytesIO(document), "site.json")}
    step("connect", lambda: client.post("/connect", data=upload), 303)
    if best is None or timings["connect"] < best[0]:
        best = timings["connect"], traffic["connect"]
timings["connect"], traffic["connect"] = best
home = client.get("/").get_data(as_text=True)
intent = re.search(r'/pages/([a-z0-9-]*products[a-z0-9-]*)/generate', home).group(1)
data = {"csrf_token": token()}
step("generate", lambda: client.post(f"/pages/{intent}/generate", data=data), 303)
gzip = {"Accept-Encoding": "gzip"}
# The frame's URLs: /frame/<page id>.html since stored pages link by file name, and
# /frame/pages/<intent>[/items/<item> | ?page=n] in the trees before.
BY_FILE = "pages.frame_page" in app.view_functions
def frame_of(item=None, page=1):
    if BY_FILE:
        page_id = f"{intent}-detail-{item}" if item else (
            intent if page == 1 else f"{intent}-page-{page}")
        return f"/frame/{page_id}.html?framed=1"
    return f"/frame/pages/{intent}" + (
        f"/items/{item}" if item else f"?page={page}" if page > 1 else "")
def frame(path, status=200):
    response = client.get(path, headers=gzip)
    assert response.status_code == status, (path, response.status_code)
    return response
# Warm the process first (templates compiled, scripts loaded): what is timed below is
# what every later request costs, each step the mean of ten requests.
listing = client.get(frame_of()).get_data(as_text=True)  # plain, to read
items = [frame_of(item) for item in dict.fromkeys(re.findall(r"(sku-[0-9]{6})", listing))]
frame(items[0]); frame(items[0]); frame(frame_of(page=2))
frame(frame_of("warm-up-unknown"), 404)
def steps(name, paths, status=200):
    total, read = 0.0, 0
    for path in paths:
        baseline = sent(); info = sent() - baseline; before = sent()
        start = time.perf_counter()
        frame(path, status)
        total += time.perf_counter() - start
        read += sent() - before - info
    timings[name] = total / len(paths) * 1e3
    traffic[name] = read // len(paths)
later = items[1:11]
steps("detail, first view", later)
steps("listing page, first view", [frame_of(page=n) for n in range(500, 510)])
steps("unknown item (404)", [frame_of(f"no-such-{n}") for n in range(10)], 404)
steps("detail, stored", later)
steps("stored page", [frame_of()] * 10)
client.post("/disconnect", data={"csrf_token": token()})
print(json.dumps({"ms": timings, "bytes": traffic}))
"""


def make_document(path: Path) -> int:
    """Write the 50,000-item shop; return its size in bytes."""
    products = [
        {
            "id": f"sku-{n:06d}",
            "name": f"Cordless drill model {n % 5_000}",
            "description": f"A dependable drill, revision {n}: two speeds, keyless chuck.",
            "price": round(19.99 + n % 400, 2),
            "image": f"https://cdn.example.com/products/{n}.jpg",
            "category": CATEGORIES[n % len(CATEGORIES)],
        }
        for n in range(ITEMS)
    ]
    document = {"site": {"name": "Bench Hardware", "tagline": "Everything for the workshop"}}
    document["products"] = products
    path.write_text(json.dumps(document), encoding="utf-8")
    return path.stat().st_size


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="large-site-"))
    baseline_tree = work / "baseline"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(baseline_tree), args.baseline],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(0.5)
        document = work / "site.json"
        size = make_document(document)
        url = f"redis://127.0.0.1:{port}/0"
        trees = {"baseline": baseline_tree, "this tree": ROOT}
        results: dict[str, list[dict]] = {name: [] for name in trees}
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        env.pop("REDIS_URL", None)
        for _ in range(args.rounds):
            for name, tree in trees.items():
                out = subprocess.run(
                    [sys.executable, "-c", _MEASURE, str(document), url],
                    cwd=tree,
                    env={**env, "PYTHONPATH": str(tree)},
                    capture_output=True,
                    text=True,
                )
                if out.returncode:
                    raise SystemExit(f"{name} failed:\n{out.stderr[-3000:]}")
                results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{ITEMS:,} items, {size / 1e6:.1f} MB document, {args.rounds} interleaved rounds,")
        print(f"median; baseline = {args.baseline}, Redis on loopback, Flask test client\n")
        print(f"{'step':<22} {'baseline ms':>12} {'this ms':>9} {'ratio':>7} "
              f"{'baseline bytes':>15} {'this bytes':>11}")  # fmt: skip

        def median(name: str, kind: str, step: str) -> float:
            return statistics.median(r[kind][step] for r in results[name])

        for step in results["this tree"][0]["ms"]:
            base, this = median("baseline", "ms", step), median("this tree", "ms", step)
            print(
                f"{step:<22} {base:>12.1f} {this:>9.1f} {this / base:>7.2f} "
                f"{median('baseline', 'bytes', step):>15,.0f} "
                f"{median('this tree', 'bytes', step):>11,.0f}"
            )
        stored = median("this tree", "ms", "detail, stored")
        print(f"\nthis tree, against a stored detail page view ({stored:.2f} ms):")
        for step in ("detail, first view", "listing page, first view", "unknown item (404)"):
            print(f"  {step:<20} x{median('this tree', 'ms', step) / stored:.1f}")
    finally:
        redis.terminate()
        subprocess.run(["git", "worktree", "remove", "--force", str(baseline_tree)], cwd=ROOT,
                       check=False, capture_output=True)  # fmt: skip
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Connect and use a 50,000-item site, this tree against an earlier commit, in one run.

Both versions run side by side (interleaved rounds, each in its own subprocess
with its own checkout) against one private redis-server, through the app's own
HTTP flow with Flask's test client: upload the document, generate the
products page, open a detail page (made on first view), open page 500 of the
listing, ask for an unknown item (404). Each step is timed; the median of the
rounds is printed with the ratio to the baseline, so the comparison holds on
any machine however loaded.

Run: ``.venv/bin/python bench/large_site.py [--baseline COMMIT] [--rounds 5]``
(default baseline: d330519, the last commit before the content model).
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
BASELINE = "d330519"
ITEMS = 50_000
CATEGORIES = ("Tools", "Garden", "Kitchen", "Lighting", "Paint")

# Runs inside a checkout (cwd): prints one JSON object of timings in milliseconds.
_MEASURE = r"""
import json, re, sys, time
from webapp import create_app
document = open(sys.argv[1], "rb").read()
app = create_app({"TESTING": True, "SECRET_KEY": "bench", "STORAGE_BACKEND": "redis",
                  "REDIS_URL": sys.argv[2], "REDIS_URL_VAR": "REDIS_URL",
                  "PROPAGATE_EXCEPTIONS": True})
client = app.test_client()
csrf = re.compile(r'name="csrf_token" value="([^"]+)"')
def token():
    return csrf.search(client.get("/").get_data(as_text=True)).group(1)
timings = {}
data = {"csrf_token": token(), "source": "paste", "json": document.decode()}
start = time.perf_counter()
response = client.post("/connect", data=data)
timings["connect"] = (time.perf_counter() - start) * 1e3
assert response.status_code == 303, response.status_code
home = client.get("/").get_data(as_text=True)
intent = re.search(r'/pages/([a-z0-9-]*products[a-z0-9-]*)/generate', home).group(1)
data = {"csrf_token": token()}
start = time.perf_counter()
response = client.post(f"/pages/{intent}/generate", data=data)
timings["generate"] = (time.perf_counter() - start) * 1e3
assert response.status_code == 303
listing = client.get(f"/pages/{intent}").get_data(as_text=True)
item = re.findall(r'href="(/pages/[^"]+/items/[^"]+)"', listing)[7]
start = time.perf_counter()
assert client.get(item).status_code == 200
timings["detail, first view"] = (time.perf_counter() - start) * 1e3
start = time.perf_counter()
assert client.get(f"/pages/{intent}?page=500").status_code == 200
timings["listing page 500"] = (time.perf_counter() - start) * 1e3
start = time.perf_counter()
assert client.get(f"/pages/{intent}/items/no-such-item").status_code == 404
timings["unknown item (404)"] = (time.perf_counter() - start) * 1e3
start = time.perf_counter()
assert client.get(item).status_code == 200
timings["detail, stored"] = (time.perf_counter() - start) * 1e3
client.post("/disconnect", data={"csrf_token": token()})
print(json.dumps(timings))
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
                    check=True,
                )
                results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{ITEMS:,} items, {size / 1e6:.1f} MB document, {args.rounds} interleaved rounds,")
        print(f"median ms; baseline = {args.baseline}, Redis on loopback, Flask test client\n")
        print(f"{'step':<22} {'baseline':>10} {'this tree':>10} {'ratio':>7}")
        for step in results["baseline"][0]:
            base = statistics.median(r[step] for r in results["baseline"])
            this = statistics.median(r[step] for r in results["this tree"])
            print(f"{step:<22} {base:>10.1f} {this:>10.1f} {this / base:>7.2f}")
        both = [
            statistics.median(r["connect"] + r["generate"] for r in results[name]) for name in trees
        ]
        ratio = both[1] / both[0]
        print(f"{'connect + generate':<22} {both[0]:>10.1f} {both[1]:>10.1f} {ratio:>7.2f}")
    finally:
        redis.terminate()
        subprocess.run(["git", "worktree", "remove", "--force", str(baseline_tree)], cwd=ROOT,
                       check=False, capture_output=True)  # fmt: skip
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

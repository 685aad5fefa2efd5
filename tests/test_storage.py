"""Site-session storage, run on both backends (real redis-server and real SimpleCache)."""

from __future__ import annotations

import json
import threading
import time

import pytest
import redis

from webapp.content.model.layout import item_bucket_field
from webapp.storage import ReadPlan, StoredPage
from webapp.storage.base import SiteKeys, new_sid
from webapp.storage.memory import MemorySiteStore, make_cache
from webapp.storage.redis import RedisSiteStore
from webapp.storage.redis_connect import single_client

page = StoredPage.make

META = {
    "site_name": "Café <b>",
    "hero_title": "Café",
    "hero_subtitle": "Fresh",
    "hero_image": "https://img.example.com/a.jpg",
    "source": "demo:restaurant",
    "created_at": "2026-11-25T00:00:00+00:00",
    "left_out": "Rooms (3 records: shown within the records that refer to them)",
}
INTENTS = [{"id": "menu", "title": "Menu", "description": "d", "icon": "🍽️", "dataPath": "menu"}]
THEME = {
    "primary": "#112233",
    "secondary": "#445566",
    "accent": "#778899",
    "background": "#ffffff",
    "text": "#111111",
}


def make_store(backend, request, ttl=3600, prefix=""):
    if backend == "redis":
        server = request.getfixturevalue("redis_server")
        request.getfixturevalue("redis_client")
        client = single_client(server.url)
        request.addfinalizer(client.close)
        return RedisSiteStore(client, ttl_seconds=ttl, key_prefix=prefix)
    return MemorySiteStore(make_cache(ttl), ttl_seconds=ttl, key_prefix=prefix)


@pytest.fixture
def store(backend, request):
    return make_store(backend, request)


def create(store, sid=None, content=None):
    sid = sid or new_sid()
    store.create(
        sid,
        content_json=json.dumps(content or {"menu": [{"name": "Soup"}]}),
        meta=META,
        intents=INTENTS,
        theme=THEME,
    )
    return sid


def test_sid_is_long_random_and_url_safe():
    sids = {new_sid() for _ in range(1000)}
    assert len(sids) == 1000
    for sid in sids:
        assert len(sid) >= 32  # 24 bytes = 192 bits, base64url
        assert all(c.isalnum() or c in "-_" for c in sid)


def test_keys_follow_the_contract():
    keys = SiteKeys.for_sid("abc", "app1:")
    assert keys.all == (
        "app1:session:{abc}",
        "app1:intents:{abc}",
        "app1:theme:{abc}",
        "app1:page:{abc}",
    )


def test_create_then_load_round_trips(store):
    sid = create(store, content={"menu": [{"name": "Soup"}]})
    site = store.load(sid)
    assert site.meta == META
    assert site.intents == INTENTS
    assert site.theme == THEME
    assert site.content_json is None  # not asked for: status views never read content
    assert json.loads(store.load(sid, ReadPlan(content=True)).content_json) == {
        "menu": [{"name": "Soup"}]
    }


def test_unknown_session_is_none(store):
    assert store.load("nope") is None
    assert store.save_pages("nope", {"menu": page("x", "t")}) is False
    assert store.load("nope") is None  # saving did not create it


def test_pages_are_stored_indexed_and_replaced(store):
    sid = create(store)
    assert store.load(sid, ReadPlan(page_index=True)).page_ids == set()
    assert store.save_pages(sid, {"menu": page("<p>1</p>", "t1")})
    assert store.save_pages(sid, {"menu-detail-soup": page("<p>d</p>", "t")})
    site = store.load(sid, ReadPlan(page_index=True, page_ids=["menu", "missing"]))
    assert site.page_ids == {"menu", "menu-detail-soup"}
    assert site.pages == {"menu": page("<p>1</p>", "t1")}
    store.save_pages(sid, {"menu": page("<p>2</p>", "t2")})
    assert store.load(sid, ReadPlan(page_ids=["menu"])).pages["menu"].html == "<p>2</p>"


def test_delete_removes_only_that_session(store):
    mine, other = create(store), create(store)
    store.save_pages(mine, {"menu": page("a", "t")})
    store.save_pages(other, {"menu": page("b", "t")})
    store.delete(mine)
    assert store.load(mine) is None
    assert store.save_pages(mine, {"menu": page("late", "t")}) is False
    kept = store.load(other, ReadPlan(page_ids=["menu"]))
    assert kept.pages["menu"].html == "b"


def test_recreating_a_sid_drops_old_pages(store):
    sid = create(store)
    store.save_pages(sid, {"menu": page("a", "t")})
    create(store, sid=sid)
    assert store.load(sid, ReadPlan(page_index=True)).page_ids == set()


def test_sliding_expiry_keeps_an_active_session(backend, request):
    store = make_store(backend, request, ttl=3)
    sid = create(store)
    store.save_pages(sid, {"menu": page("a", "t")})
    # SimpleCache rounds expiry times down to whole seconds (a 3 s TTL lasts 2 to 3 s),
    # so reads come every 0.8 s: a loaded CI machine still has more than 1 s of margin.
    for _ in range(5):  # 4 s in all: longer than the TTL, but each read slides it
        time.sleep(0.8)
        assert store.load(sid) is not None
    time.sleep(3.5)  # idle longer than the TTL: everything expires together
    assert store.load(sid, ReadPlan(page_index=True)) is None
    assert store.save_pages(sid, {"menu": page("x", "t")}) is False


def test_concurrent_page_writes_are_all_kept(store):
    sid = create(store)

    def write(n):
        store.save_pages(sid, {f"p{n}": page(str(n), "t")})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.load(sid, ReadPlan(page_index=True)).page_ids == {f"p{n}" for n in range(20)}


def test_unicode_and_large_values_survive(store):
    content = {"items": [{"name": f"Crème brûlée {i} 🍮", "text": "x" * 1000} for i in range(2000)]}
    sid = create(store, content=content)
    assert json.loads(store.load(sid, ReadPlan(content=True)).content_json) == content


# Redis specifics: what an operator sees with redis-cli.


@pytest.mark.parametrize("backend", ["redis"])
def test_redis_keys_ttls_and_json_values(store, redis_client):
    sid = create(store)
    store.save_pages(sid, {"menu": page("<p>x</p>", "t")})
    tag = "{" + sid + "}"
    assert sorted(redis_client.keys("*")) == sorted(
        [f"session:{tag}", f"intents:{tag}", f"theme:{tag}", f"page:{tag}"]
    )
    assert redis_client.type(f"session:{tag}") == "hash"
    assert redis_client.type(f"page:{tag}") == "hash"
    session_hash = redis_client.hgetall(f"session:{tag}")
    assert json.loads(session_hash["content"]) == {"menu": [{"name": "Soup"}]}
    assert session_hash["site_name"] == META["site_name"]
    assert json.loads(redis_client.get(f"intents:{tag}")) == INTENTS
    assert json.loads(redis_client.get(f"theme:{tag}")) == THEME
    # Pages are stored as gzip bytes with their validator, read with a bytes client.
    raw = redis.Redis(
        **{**redis_client.connection_pool.connection_kwargs, "decode_responses": False}
    )
    stored = raw.hget(f"page:{tag}", "menu")
    raw.close()
    assert stored.startswith(b"gz1 ") and StoredPage.from_bytes(stored).html == "<p>x</p>"
    for key in redis_client.keys("*"):
        assert 3590 <= redis_client.ttl(key) <= 3600


@pytest.mark.parametrize("backend", ["redis"])
@pytest.mark.parametrize(
    "plan",
    [ReadPlan(), ReadPlan(page_ids=("menu",), stored_only=True)],  # the second: partial
    ids=["whole", "stored-only"],
)
def test_redis_read_refreshes_every_ttl(store, redis_client, plan):
    sid = create(store)
    store.save_pages(sid, {"menu": page("x", "t")})
    for key in store.keys(sid).all:
        redis_client.expire(key, 10)
    assert store.load(sid, plan).partial == plan.stored_only
    assert all(ttl > 3500 for ttl in store.ttl_of(sid).values())
    assert len(store.ttl_of(sid)) == 4


@pytest.mark.parametrize("backend", ["redis"])
def test_redis_key_prefix(backend, request, redis_client):
    store = make_store(backend, request, prefix="app1:")
    sid = create(store)
    assert all(key.startswith("app1:") for key in redis_client.keys("*"))
    assert store.load(sid) is not None


@pytest.mark.parametrize("backend", ["redis"])
def test_redis_load_is_one_round_trip(store, monkeypatch):
    sid = create(store)
    # A client's first use of a Lua script loads it (NOSCRIPT, then SCRIPT LOAD).
    store.load(sid)
    store.save_pages(sid, {"warm": page("x", "t")})
    sent = []
    connection_class = store.client.connection_pool.connection_class
    original = connection_class.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(connection_class, "send_packed_command", counting)
    store.load(sid, ReadPlan(content=True, page_index=True, page_ids=["menu", "x"]))
    assert len(sent) == 1
    sent.clear()
    store.save_pages(sid, {"menu": page("x", "t")})
    assert len(sent) == 1


def test_save_pages_can_drop_stale_pages_in_the_same_change(store):
    sid = create(store)
    old = page("x", "t")
    store.save_pages(sid, {"a": old, "a-page-2": old, "a-detail-x": old, "b": old})
    assert store.save_pages(sid, {"a": page("new", "t2")}, ["a-page-2", "a-detail-x"])
    site = store.load(sid, ReadPlan(all_pages=True))
    assert set(site.pages) == {"a", "b"}
    assert site.pages["a"].html == "new"


def test_all_pages_reads_every_page(store):
    sid = create(store)
    pages = {f"p{n}": page(f"<p>{n}</p>", "t") for n in range(5)}
    store.save_pages(sid, pages)
    assert store.load(sid, ReadPlan(all_pages=True)).pages == pages
    assert store.load(sid).pages == {}


SOUP_BUCKET = item_bucket_field("menu", "soup")
MODEL_FIELDS = {
    "model": b'{"v":1,"views":{"menu":{"role":"collection"}}}',
    "c:menu:1": b'[["soup",{"name":"Soup"}]]',
    "c:menu:2": b'[["stew",{"name":"Stew"}]]',
    SOUP_BUCKET: b"\nsoup\t1\n",
    item_bucket_field("menu", "stew"): b"\nstew\t2\n",
    "d:about": b'{"text":"Hello"}',
}


def item_plan(item_id: str, **plan) -> ReadPlan:
    return ReadPlan(
        item=f"i:menu:{item_id}", item_bucket=item_bucket_field("menu", item_id), **plan
    )


def create_with_model(store, sid=None):
    sid = sid or new_sid()
    store.create(
        sid,
        content_json=json.dumps({"menu": [{"name": "Soup"}]}),
        meta=META,
        intents=INTENTS,
        theme=THEME,
        model_fields=MODEL_FIELDS,
    )
    return sid


def test_model_fields_are_read_one_by_one(store):
    sid = create_with_model(store)
    site = store.load(sid, ReadPlan(model=True, fields=("c:menu:1", "d:about", "c:menu:9")))
    assert site.model == MODEL_FIELDS["model"]
    assert site.fields == {"c:menu:1": MODEL_FIELDS["c:menu:1"], "d:about": MODEL_FIELDS["d:about"]}
    assert site.content_json is None  # the model is there: the content is not read
    assert store.load(sid).model is None and store.load(sid).fields == {}


def test_an_item_is_read_with_the_chunk_that_holds_it(store):
    sid = create_with_model(store)
    site = store.load(sid, item_plan("soup", model=True))
    assert site.item_chunk == ("c:menu:1", MODEL_FIELDS["c:menu:1"])
    assert store.load(sid, item_plan("stew")).item_chunk == ("c:menu:2", MODEL_FIELDS["c:menu:2"])
    # An unknown item: nothing more is read (no content, no chunk), whatever its id.
    for unknown in ("nope", "sou", "oup", "soup\t1\nstew", "\nsoup"):
        site = store.load(sid, item_plan(unknown, model=True))
        assert site.item_chunk is None and site.content_json is None, unknown


def test_an_item_pointer_of_its_own_is_still_read(store):
    """Sessions stored before item buckets kept one pointer field per item."""
    sid = new_sid()
    legacy = {k: v for k, v in MODEL_FIELDS.items() if not k.startswith("x:")}
    store.create(sid, content_json="{}", meta=META, intents=INTENTS, theme=THEME,
                 model_fields={**legacy, "i:menu:soup": b"1"})  # fmt: skip
    assert store.load(sid, item_plan("soup")).item_chunk == ("c:menu:1", MODEL_FIELDS["c:menu:1"])
    assert store.load(sid, item_plan("stew")).item_chunk is None


def test_a_stored_page_first_skips_the_model_reads(store):
    sid = create_with_model(store)
    plan = item_plan("soup", page_first="menu-detail-soup", model=True)
    missing = store.load(sid, plan)
    assert missing.pages == {} and missing.model == MODEL_FIELDS["model"]
    assert missing.item_chunk is not None and missing.meta == META and missing.intents == INTENTS
    store.save_pages(sid, {"menu-detail-soup": page("<p>soup</p>", "t")})
    stored = store.load(sid, plan)
    assert stored.model is None and stored.item_chunk is None and stored.content_json is None
    assert stored.pages["menu-detail-soup"].html == "<p>soup</p>"
    assert store.load("gone", plan) is None


def test_a_stored_only_read_of_stored_pages_reads_nothing_else(store):
    sid = create_with_model(store)
    plan = item_plan("soup", page_first="menu-detail-soup", model=True, stored_only=True)
    missing = store.load(sid, plan)  # not stored: everything the page is made from
    assert not missing.partial and missing.intents == INTENTS and missing.item_chunk
    store.save_pages(sid, {"menu-detail-soup": page("<p>soup</p>", "t"), "menu": page("m", "u")})
    stored = store.load(sid, plan)
    assert stored.partial and stored.pages["menu-detail-soup"].html == "<p>soup</p>"
    assert (stored.meta, stored.intents, stored.theme, stored.missing) == ({}, [], {}, ())
    assert stored.model is None and stored.item_chunk is None
    listing = store.load(sid, ReadPlan(page_ids=("menu",), stored_only=True))
    assert listing.partial and set(listing.pages) == {"menu"}
    # Any page asked for and not stored, or the page index: the whole read.
    for whole in (
        ReadPlan(page_ids=("menu", "nope"), stored_only=True),
        ReadPlan(page_ids=("menu",), page_index=True, stored_only=True),
        ReadPlan(page_ids=("menu",)),
    ):
        site = store.load(sid, whole)
        assert not site.partial and site.intents == INTENTS and site.meta == META, whole
    assert store.load("gone", plan) is None


def test_a_session_without_a_model_gets_its_content_then_keeps_a_built_model(store):
    sid = create(store, content={"menu": [{"name": "Soup"}]})
    site = store.load(sid, ReadPlan(model=True))
    assert site.model is None
    assert json.loads(site.content_json) == {"menu": [{"name": "Soup"}]}
    assert store.save_model(sid, MODEL_FIELDS)
    site = store.load(sid, ReadPlan(model=True, fields=("c:menu:1",)))
    assert site.model == MODEL_FIELDS["model"] and site.content_json is None
    assert site.fields == {"c:menu:1": MODEL_FIELDS["c:menu:1"]}
    store.delete(sid)
    assert not store.save_model(sid, MODEL_FIELDS)  # a session that is gone stays gone
    assert store.load(sid) is None


@pytest.mark.parametrize("backend", ["memory"])
def test_memory_backend_keeps_a_session_in_a_few_cache_entries(store):
    fields = {f"i:menu:item-{n}": b"1" for n in range(5_000)}
    fields["model"] = b"{}"
    sid = new_sid()
    store.create(sid, content_json="{}", meta=META, intents=INTENTS, theme=THEME,
                 model_fields=fields)  # fmt: skip
    # Never one SimpleCache key per item: its threshold would prune other sessions.
    assert len(store.cache._cache) <= 5


@pytest.mark.parametrize("backend", ["redis"])
def test_redis_keeps_the_model_in_the_session_hash(store):
    sid = create_with_model(store)
    raw = store.client.hgetall(store.keys(sid).session)
    for name, value in MODEL_FIELDS.items():
        assert raw[name.encode()] == value
    assert set(store.client.keys("*")) == {k.encode() for k in store.keys(sid).all[:3]}


def test_page_cap_bounds_pages_made_on_view(store):
    sid = create(store)
    viewed = page("x", "t")
    for n in range(5):
        store.save_pages(sid, {f"d{n}": viewed}, cap=3)
    assert store.load(sid, ReadPlan(page_index=True)).page_ids == {"d0", "d1", "d2"}
    # Replacing a stored page and saving without a cap (intent pages) still work.
    assert store.save_pages(sid, {"d0": page("new", "t")}, cap=3)
    assert store.save_pages(sid, {"menu": viewed})
    site = store.load(sid, ReadPlan(page_ids=["d0"], page_index=True))
    assert site.page_ids == {"d0", "d1", "d2", "menu"}
    assert site.pages["d0"].html == "new"

"""The JSON API under hostile bodies and stored values, on both backends.

Every POST body is read by one function (``webapp.api._body``) with the content parser
the forms use (``webapp.content.parse.parse_json``): nesting past ``MAX_JSON_DEPTH`` and
lone surrogates are a 400 ``{"error": ...}`` saying so, never a 500. Strings the frontend
inserts with ``innerHTML`` come escaped, the intent's ``icon`` included.
"""

from __future__ import annotations

import json

import pytest
from conftest import connect

from webapp.defaults import MAX_JSON_DEPTH

POST_ROUTES = (
    "/api/connect",
    "/api/generate-page",
    "/api/regenerate-page",
    "/api/generate-detail-page",
    "/api/disconnect",
)
JSON = {"Content-Type": "application/json"}


def nested(depth: int, leaf: str = '"x"') -> str:
    """JSON text of ``depth`` arrays, one inside the other."""
    return "[" * depth + leaf + "]" * depth


def document(depth: int) -> str:
    """A site's content, as JSON text, nested exactly ``depth`` levels deep."""
    # The object (1), "items" (2), an item (3), then its "tree".
    return '{"site": {"name": "Deep"}, "items": [{"name": "A", "tree": ' + nested(depth - 3) + "}]}"


def in_content(text: str) -> str:
    return '{"content": ' + text + "}"


def post(client, route: str, body: str):
    return client.post(route, data=body.encode("utf-8"), headers=JSON)


def assert_json_error(response, status: int, *phrases: str) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json
    answer = response.get_json()
    assert set(answer) == {"error"}
    for phrase in phrases:
        assert phrase in answer["error"]
    return answer["error"]


# ---------------------------------------------------------------- nesting


DEEP_BODIES = {
    "closed": '{"content":' + nested(100_000, "1") + "}",
    "unclosed": '{"content":' + "[" * 100_000,
    "past the limit": '{"sessionId": "x", "intentId": "y", "dataPath": "z", "itemId": "i", '
    '"content": ' + nested(MAX_JSON_DEPTH) + "}",
    "only arrays": nested(100_000),
}


@pytest.mark.parametrize("route", POST_ROUTES)
@pytest.mark.parametrize("shape", DEEP_BODIES)
def test_too_deep_bodies_answer_400_on_every_post_route(client, route, shape):
    error = assert_json_error(post(client, route, DEEP_BODIES[shape]), 400, "nested too deeply")
    if shape == "past the limit":  # a fixed limit, said in the answer
        assert f"{MAX_JSON_DEPTH:,} levels" in error


def test_one_limit_for_api_bodies_and_form_documents(client):
    """The body as sent is measured, as the forms measure a document: the same limit."""
    # {"content": <a document MAX_JSON_DEPTH - 1 deep>}: the body is MAX_JSON_DEPTH deep.
    at_limit = post(client, "/api/connect", in_content(document(MAX_JSON_DEPTH - 1)))
    assert at_limit.status_code == 200, at_limit.get_data(as_text=True)[:300]
    tree = at_limit.get_json()["siteData"]["items"][0]["tree"]
    for _ in range(MAX_JSON_DEPTH - 5):
        tree = tree[0]
    assert tree == ["x"]
    past = post(client, "/api/connect", in_content(document(MAX_JSON_DEPTH)))
    assert_json_error(past, 400, "nested too deeply", f"{MAX_JSON_DEPTH:,} levels")
    # Sent as text, the document itself is what is measured (as a pasted one).
    as_text = json.dumps({"content": document(MAX_JSON_DEPTH)})
    assert post(client, "/api/connect", as_text).status_code == 200

    # The connect form: the same limit, the same message (on its own 400 page).
    assert connect(client, source="paste", json=document(MAX_JSON_DEPTH)).status_code == 303
    refused = connect(client, source="paste", json=document(MAX_JSON_DEPTH + 1))
    assert refused.status_code == 400
    assert f"{MAX_JSON_DEPTH:,} levels" in refused.get_data(as_text=True)


def test_brackets_inside_strings_are_not_nesting(client):
    """Only arrays and objects count: text full of brackets and escapes is content."""
    text = '[[[{{ \\" ]]] \\\\' * (MAX_JSON_DEPTH * 2)
    body = in_content('{"site": {"name": "' + text + '"}, "items": [{"name": "A"}]}')
    response = post(client, "/api/connect", body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["siteData"]["site"]["name"] == json.loads(f'"{text}"')


# ---------------------------------------------------------------- lone surrogates


SURROGATE_BODIES = {
    "in content": '{"content": {"name": "\\ud800"}}',
    "in content text": '{"content": "{\\"name\\": \\"x\\"}", "note": "\\udfff"}',
    "in an id": '{"sessionId": "\\ud800", "intentId": "menu", "dataPath": "menu", "itemId": "a"}',
    "in a key": '{"\\udc00": 1, "demo": "restaurant"}',
    "in an ignored field": '{"demo": "restaurant", "sessionId": "s", "intentId": "menu", '
    '"dataPath": "menu", "itemId": "a", "itemData": {"x": ["\\ud83d"]}}',
}


@pytest.mark.parametrize("route", POST_ROUTES)
@pytest.mark.parametrize("where", SURROGATE_BODIES)
def test_lone_surrogates_answer_400_on_every_post_route(client, route, where):
    assert_json_error(post(client, route, SURROGATE_BODIES[where]), 400, "surrogate")


def test_a_surrogate_pair_is_text(client):
    """Both halves, escaped: one character (an emoji), connected as such."""
    body = '{"content": {"site": {"name": "Caf\\u00e9 \\ud83c\\udf70"}, "items": [{"name": "A"}]}}'
    response = post(client, "/api/connect", body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["siteName"] == "Café 🍰"


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ("", "must be a JSON object"),
        ("   ", "must be a JSON object"),
        ("[1, 2]", "must be a JSON object"),
        ('"text"', "must be a JSON object"),
        ("null", "must be a JSON object"),
        ('{"demo": "restaurant",}', "line 1, column"),
        ('{"demo": NaN}', "NaN"),
        (b'{"demo": "\xff"}', "not UTF-8"),
    ],
)
def test_other_bad_bodies_say_what_is_wrong(client, body, phrase):
    raw = body if isinstance(body, bytes) else body.encode()
    response = client.post("/api/disconnect", data=raw, headers=JSON)
    assert_json_error(response, 400, phrase)


# ---------------------------------------------------------------- icons


def write_intents(app, sid: str, intents: list[dict]) -> None:
    """Replace a session's stored intents, as another version of the app could have."""
    store = app.extensions["site_store"]
    key = store.keys(sid).intents
    value = json.dumps(intents)
    if store.backend_name == "redis":
        assert store.client.set(key, value, keepttl=True)
    else:
        store.cache.set(key, value)


def test_stored_icons_reach_the_frontend_escaped(app, client):
    sid = post(client, "/api/connect", '{"demo": "restaurant"}').get_json()["sessionId"]
    hostile = "<img src=x onerror=alert(1)>"
    write_intents(
        app,
        sid,
        [
            {"id": "menu", "title": "Menu", "description": "D", "icon": hostile, "dataPath": "m"},
            {"id": "team", "title": "Team", "description": "D", "icon": 7, "dataPath": "t"},
            {"id": "news", "title": "News", "description": "D", "icon": "", "dataPath": "n"},
            {"id": "faq", "title": "FAQ", "description": "D", "icon": "🍽️ & co", "dataPath": "f"},
        ],
    )
    answer = client.get(f"/api/session/{sid}")
    assert answer.status_code == 200
    icons = {intent["id"]: intent["icon"] for intent in answer.get_json()["intents"]}
    assert icons == {
        "menu": "&lt;img src=x onerror=alert(1)&gt;",
        "team": "📄",
        "news": "📄",
        "faq": "🍽️ &amp; co",
    }
    assert "<img" not in answer.get_data(as_text=True)


# ---------------------------------------------------------------- the depth count


def reference_depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(reference_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(reference_depth, value), default=0)
    return 0


TRICKY = ['"', "\\", '\\"', "[", "]", "{", "}", '"]', '\\"]', "\\\\", '\\\\"[', "", "x", "é🍰"]


def random_value(rng, budget: list[int]):
    """A JSON value of at most ``budget[0]`` containers, deep or wide by chance."""
    kind = rng.random()
    if budget[0] <= 0 or kind < 0.3:
        return "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 6)))
    if kind < 0.4:
        return rng.choice([1, -2.5, True, None])
    budget[0] -= 1
    if kind < 0.7:
        return [random_value(rng, budget) for _ in range(rng.randint(0, 3))]
    keys = ["".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 3))) for _ in range(3)]
    return {key: random_value(rng, budget) for key in keys}


@pytest.mark.parametrize("seed", range(5))
def test_the_depth_count_is_exact_on_json_full_of_quotes_brackets_and_escapes(seed):
    import random

    from webapp.content.parse import json_depth

    rng = random.Random(seed)
    for _ in range(300):
        value = random_value(rng, [rng.choice((5, 40, 200))])
        expected = reference_depth(value)
        for text in (
            json.dumps(value),
            json.dumps(value, ensure_ascii=False, indent=1),
            json.dumps(value, separators=(",", ":")),
        ):
            assert json_depth(text) == expected, text
            assert json_depth(text.encode()) == expected, text
    # Past the leaf passes: the rest is counted.
    assert json_depth(nested(5_000)) == 5_000
    assert json_depth("[" + nested(30) + ", " + nested(700, "{}") + "]") == 702

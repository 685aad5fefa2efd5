"""parse_content: what is accepted as site content, and how refusals are worded."""

from __future__ import annotations

import json

import pytest

from webapp.content.parse import ContentError, parse_content


def test_object_root_parses():
    assert parse_content(b'{"site": {"name": "Cafe"}}') == {"site": {"name": "Cafe"}}


def test_array_root_parses():
    assert parse_content('[{"id": 1, "name": "a"}]') == [{"id": 1, "name": "a"}]


def test_utf8_bom_and_surrounding_whitespace_are_accepted():
    assert parse_content(b'\xef\xbb\xbf  \n{"name": "Caf\xc3\xa9"}\n') == {"name": "Café"}


def test_non_utf8_bytes_are_refused():
    with pytest.raises(ContentError, match="not UTF-8 text"):
        parse_content(b'{"name": "\xff\xfe"}')


@pytest.mark.parametrize("raw", [b"", "", "   \n\t ", b"\xef\xbb\xbf"])
def test_empty_document_is_refused(raw):
    with pytest.raises(ContentError, match="The document is empty"):
        parse_content(raw)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ('"hello"', "a string"),
        ("42", "a number"),
        ("3.5", "a number"),
        ("true", "a boolean"),
        ("null", "null"),
    ],
)
def test_scalar_root_is_refused_and_named(raw, kind):
    with pytest.raises(ContentError) as caught:
        parse_content(raw)
    message = str(caught.value)
    assert message.startswith("unsupported root: a JSON object or array is expected")
    assert kind in message


@pytest.mark.parametrize("raw", ["{}", "[]", '[[], {"a": null, "b": "  "}]', '{"a": {"b": []}}'])
def test_content_without_any_value_is_refused(raw):
    with pytest.raises(ContentError, match="The content is empty"):
        parse_content(raw)


def test_bad_json_names_line_and_column():
    with pytest.raises(ContentError) as caught:
        parse_content('{\n  "a": 1\n  "b": 2\n}')
    assert str(caught.value) == "Invalid JSON at line 3, column 3: Expecting ',' delimiter"


def test_line_numbers_count_leading_blank_lines():
    with pytest.raises(ContentError, match="line 3, column 2"):
        parse_content("\n\n{oops}")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_invalid_json(constant):
    with pytest.raises(ContentError) as caught:
        parse_content('{"a": "NaN",\n "b": ' + constant + "}")
    message = str(caught.value)
    assert message.startswith("Invalid JSON at line 2, column 7")
    assert constant in message


def test_300_deep_nesting_parses():
    raw = "[" * 300 + '"deep"' + "]" * 300
    content = parse_content(raw)
    for _ in range(299):
        content = content[0]
    assert content == ["deep"]


def test_absurd_nesting_is_refused_clearly():
    with pytest.raises(ContentError, match="nested too deeply"):
        parse_content("[" * 200_000 + "]" * 200_000)


def test_content_error_is_a_value_error():
    assert issubclass(ContentError, ValueError)


def test_large_document_parses():
    items = [{"id": i, "name": f"item {i}"} for i in range(50_000)]
    assert len(parse_content(json.dumps({"items": items}))["items"]) == 50_000

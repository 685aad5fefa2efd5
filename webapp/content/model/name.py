"""Name what was found: the kind of each collection, its intent title, description and id.

Names come from what a collection is ("Browse the menu", "Meet the speakers",
"See the schedule"), decided from its key, its page-builder block, its
platform content type, or else from the fields its records carry; never from
raw keys when a better word is known.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from ..text import normal_key, sentence, slugify, truncate
from .classify import Found
from .normalise import humanise
from .values import number
from .vocab import (
    AMBIGUOUS_NAMES,
    BOOKKEEPING_DATE_WORDS,
    GENERIC,
    GENERIC_WORDS,
    KIND_BY_NAME,
    KIND_EVIDENCE,
    QUALIFIERS,
    RENTAL_WORDS,
    Kind,
    is_generic,
    kind_for,
    plural,
    singular,
    word_set,
    words,
)

MAX_ID_LENGTH = 60
MAX_TITLE = 80

# "-detail-" and "-page-" separate an intent id from an item id or a page number
# in page ids; keeping those words out of intent ids means no page id of one
# intent is another's.
_RESERVED_ID_WORDS = {"detail": "details", "page": "pages"}


def _cut(slug: str, limit: int) -> str:
    """Cut an intent id to ``limit`` characters, never leaving a reserved word at its end
    (cutting "…-details" may leave "…-detail")."""
    slug = slug[:limit].rstrip("-")
    head, _, last = slug.rpartition("-")
    return head if head and last in _RESERVED_ID_WORDS else slug


def intent_slug(text: str) -> str:
    """Make a kebab-case intent id fragment (``caseStudies`` -> ``case-studies``), maybe empty."""
    parts = slugify("-".join(words(text[:200])) or text[:200]).split("-")
    return _cut(slugify("-".join(_RESERVED_ID_WORDS.get(p, p) for p in parts)), MAX_ID_LENGTH)


def _keys(sample: list[dict]) -> set[str]:
    keys: set[str] = set()
    for record in sample[:20]:
        keys.update(normal_key(k) for k in islice(record, 60))
    return keys


def _holds(term: str, keys: set[str], words_in: set[str], dated: set[str]) -> bool:
    """One term of a KIND_EVIDENCE group (see vocab.KIND_EVIDENCE)."""
    if term[0] == "=":
        return term[1:] in keys
    pool = dated if term[0] == "@" else words_in
    return any(term[1:] in key for key in pool)


def infer_kind(sample: list[dict], weakest: bool = True) -> Kind | None:
    """Guess what records are from the fields they carry (for unnamed collections): the
    first row of ``vocab.KIND_EVIDENCE`` that holds."""
    if not sample:
        return None
    keys = _keys(sample)
    words_in = {key for key in keys if not key.endswith(("url", "urls"))}  # API links aside
    dated = {key for key in words_in if key not in BOOKKEEPING_DATE_WORDS}
    rows = KIND_EVIDENCE if weakest else KIND_EVIDENCE[:-1]
    for name, groups, unless in rows:
        if all(
            any(_holds(term, keys, words_in, dated) for term in group.split()) for group in groups
        ) and not any(
            _holds(term, keys, words_in, dated) for group in unless for term in group.split()
        ):
            return KIND_BY_NAME[name]
    return None


# Where records declare their type; "kind" last (Google APIs: "youtube#playlistItem").
TYPE_KEYS = (
    "type", "component", "_type", "__typename", "contentType", "typeName", "@type", "kind",
    "object",  # Stripe-style APIs: "object": "event"
)  # fmt: skip


def type_name(value: Any) -> str:
    """A record type's meaningful part: ``node--article`` -> ``article``, ``blog_post`` kept."""
    if not isinstance(value, str) or not value.strip() or len(value) > 60 or " " in value:
        return ""
    return value.rsplit("--", 1)[-1].rsplit("/", 1)[-1].rsplit(".", 1)[-1]


def page_subject(name: str) -> str:
    """What a page model is about (Wagtail's ``ConcertPage`` -> ``Concert``), or "" for a
    page of the site's own (``HomePage``) or a name that is no page model."""
    parts = words(name)
    if len(parts) == 2 and parts[1] == "page" and parts[0] not in _PAGE_ROLES:
        return parts[0]
    return ""


# The first word of page models that are a role in the site, not a subject (HomePage).
_PAGE_ROLES = frozenset(
    {"home", "landing", "index", "content", "standard", "basic", "generic", "flex", "simple",
     "root", "static", "info", "text", "web", "site", "sub", "section", "article", "form"}
)  # fmt: skip


# Members where a platform keeps a record's metadata, its type among it (Agility's
# "properties": {"definitionName": "Course"}, Kontent's "system": {"type"}).
_METADATA_MEMBERS = ("properties", "system", "sys", "meta")
_DECLARED_KEYS = (*TYPE_KEYS, "definitionName", "contentTypeName", "modelName")
_API_OBJECTS = frozenset({"page", "list", "block", "database", "item", "entry", "record"})


def shared_type(sample: list[dict]) -> str:
    """The type every sampled record declares (WordPress ``post``, Prismic ``recipe``,
    Agility's ``properties.definitionName``, Statamic's ``blueprint``) or ""; a type of
    types ("StandardEventType": kinds of appointment, not events) declares nothing."""
    for key in TYPE_KEYS:
        values = {type_name(r.get(key)) for r in sample}
        if any(words(value)[1:] and words(value)[-1] == "type" for value in values):
            continue
        if key == "object" and values & _API_OBJECTS:
            continue  # Notion's "object": "page" is the API's word, not the content's
        if len(values) == 1 and "" not in values:
            return values.pop()
    blueprints = [r.get("blueprint") for r in sample]  # Statamic's {"title": "Class"}
    if blueprints and all(isinstance(b, dict) for b in blueprints):
        values = {type_name(b.get("handle") or b.get("title")) for b in blueprints}
        if len(values) == 1 and "" not in values:
            return values.pop()
    for member in _METADATA_MEMBERS:
        held = [r.get(member) for r in sample]
        if not held or not all(isinstance(meta, dict) for meta in held):
            continue
        for key in _DECLARED_KEYS:
            values = {type_name(meta.get(key)) for meta in held}
            if len(values) == 1 and "" not in values:
                return values.pop()
    return ""


def _said_by_word_of_many_kinds(name: str) -> bool:
    """A collection named by a word many kinds of records are called by ("listings",
    "bike_rentals": its head noun)."""
    tokens = words(name)
    return bool(tokens) and tokens[-1] in AMBIGUOUS_NAMES


def kind_of(found: Found, labels: dict[str, str], sample: list[dict] | None = None) -> Kind | None:
    """The kind of a found collection: by its name, its content's label, or its fields.

    ``sample``: its records as plain JSON (unwrapped), when they differ from the stored ones.
    """
    names = [found.name]
    if found.name in labels:
        names.insert(0, labels[found.name])
    for name in names:
        kind = kind_for(name, found.parent)
        if kind and _said_by_word_of_many_kinds(name):
            # "listings" of records on sale, "bike_rentals": the fields decide; a modifier
            # ("bike") names something else than the word alone would.
            sample = found.sample() if sample is None else sample
            evidence = infer_kind(sample, weakest=False)  # a price alone says nothing here
            if evidence or len(words(name)) > 1:
                return evidence
            # No evidence: the word's usual kind when prices are on its scale (homes cost
            # hundreds a month and up), else no kind ("Browse the listings"), since a wrong
            # specific name ("Find a home" for records on sale) is worse than a plain one.
            return kind if _on_the_scale_of(kind, sample) else None
        if kind:
            return kind
    if found.label:
        kind = kind_for(found.label)
        if kind and kind.name not in ("pages",):
            return kind
    if is_generic(found.name) or found.role == "collection":
        sample = found.sample() if sample is None else sample
        declared = shared_type(sample)
        if declared:
            kind = kind_for(declared)  # WordPress "post", Prismic "recipe", Drupal "node--article"
            if kind and kind.name == "pages" and page_subject(declared):
                kind = kind_for(page_subject(declared)) or kind  # Wagtail's "ConcertPage"
            fits = kind is not None and _on_the_scale_of(kind, sample)
            if kind and (_said_by_word_of_many_kinds(declared) or not fits):
                # a "show" with a feed is a podcast; a "Plan" with no price no pricing plan
                kind = infer_kind(sample, weakest=False) or (kind if fits else None)
            if kind:
                return kind
        return infer_kind(sample)
    return None


_HOME_PRICES = 500  # a month's rent and up: a home's price is never below it


def _on_the_scale_of(kind: Kind, sample: list[dict]) -> bool:
    """Tell whether records fit a kind's usual prices (homes: the median price at least
    a month's rent; plans: a price at all); kinds without a scale fit any."""
    if kind.name == "plans":  # a plan one pays for: a church's service plans are none
        return any(_price_number(_priced_field(r)) is not None for r in sample[:50])
    if kind.name == "links":  # links lead somewhere: a booking system's boats do not
        return _mostly_links(sample)
    if kind.name != "homes":
        return True
    prices = sorted(p for p in (_price_number(r.get("price")) for r in sample[:50]) if p)
    return not prices or prices[len(prices) // 2] >= _HOME_PRICES


def _mostly_links(sample: list[dict]) -> bool:
    """Tell whether most records hold an address to follow (a URL, "www.…", or one in a
    member such as a file's {url}), as links and downloads do."""
    records = [record for record in sample[:20] if isinstance(record, dict)]
    linked = sum(_holds_address(record) for record in records)
    return bool(records) and linked * 10 >= len(records) * 8


def _holds_address(record: dict, depth: int = 0) -> bool:
    for value in islice(record.values(), 30):
        if isinstance(value, str) and value.startswith(("http://", "https://", "/", "www.")):
            return True
        if isinstance(value, dict) and depth == 0 and _holds_address(value, 1):
            return True
    return False


def _priced_field(record: dict) -> Any:
    """The first field named as a price or an amount, or None."""
    return next(
        (value for key, value in islice(record.items(), 60)
         if {"price", "amount", "prices", "cost", "fee"} & set(words(str(key)))),
        None,
    )  # fmt: skip


def _price_number(value: Any) -> float | None:
    """A price's amount: a number, a numeric string or a money object's value."""
    if isinstance(value, dict):
        value = value.get("value", value.get("amount"))
    return number(value)


def _join_words(values: list[str]) -> str:
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


_CATEGORY_FIELDS = (
    "category",
    "type",
    "cuisine",
    "style",
    "course",
    "section",
    "kind",
    "genre",
    "city",
    "neighbourhood",
    "neighborhood",
    "area",
    "district",
    "department",
    "level",
    "topic",
)


def categories(sample: list[dict]) -> tuple[str, list[str]] | None:
    """A field with 2 to 8 distinct short values among sampled records (a dish's category)."""
    if len(sample) < 4:
        return None
    for name in _CATEGORY_FIELDS:
        values: list[str] = []
        present = 0
        for record in sample:
            value = record.get(name)
            if not isinstance(value, str) or not value.strip() or len(value) > 30:
                continue
            if any(c.isdigit() for c in value) and " " not in value:
                break  # references ("65b2b0…"), not category names
            if "_" in value and " " not in value:
                value = value.replace("_", " ").capitalize()  # "all_levels" -> "All levels"
            present += 1
            if value.strip() not in values:
                values.append(value.strip())
                if len(values) > 8:
                    break
        if present * 2 >= len(sample) and 2 <= len(values) <= 8:
            return name, values
    return None


def collection_description(
    kind: Kind | None,
    found: Found,
    label: str,
    sample: list[dict] | None = None,
    nouns: tuple[str, str] | None = None,
) -> str:
    """Describe a collection in one sentence, with its size and its sections if grouped;
    ``nouns`` (singular, plural) when its key names the records better than its kind."""
    count = found.count
    if kind is not None and nouns:
        text = f"{kind.verb} {count:,} {nouns[0] if count == 1 else nouns[1]}"
    elif kind is None and nouns:
        text = f"Browse {count:,} {nouns[0] if count == 1 else nouns[1]}"
    elif kind is None:
        noun = "item" if count == 1 else "items"
        where = f" in {label}" if label else ""
        text = f"Explore {count:,} {noun}{where}"
    else:
        noun = kind.singular if count == 1 else kind.plural
        text = f"{kind.verb} {count:,} {noun}"
    labels = [group.label for group in found.groups if group.label]
    if len(labels) >= 2:
        listed = _join_words(labels[:6]) if len(labels) <= 6 else ", ".join(labels[:5]) + "…"
        text += f" in {len(labels)} sections: {listed}"
    else:
        found_categories = categories(found.sample(50) if sample is None else sample)
        if found_categories:
            field_name, values = found_categories
            listed = _join_words(values)
            text += f", across {len(values)} {plural(field_name)}"
            if len(listed) <= 80:
                text += f": {listed}"
    return sentence(truncate(text, 299, at_word=True))


_NOT_NOUNS = frozenset(
    (
        "payload", "payloads", "body", "bodies", "response", "responses", "output",
        "outputs", "feed", "feeds", "result", "hits", "edges", "nodes",
        "businesses", "entities", "resources", "summaries", "assets", "objects",
    )
)  # fmt: skip


_ENVELOPE_TAILS = word_set(
    "list lists items collection collections entries records array set data nodes edges "
    "results connection"
)


def _without_envelope_words(key: str) -> str:
    """A key's words without the envelope words that close it ("seriesList" -> "Series"),
    as a label; "" for a generic key."""
    tokens = words(key)
    while len(tokens) > 1 and tokens[-1] in _ENVELOPE_TAILS:
        tokens = tokens[:-1]
    return humanise("_".join(tokens)) if tokens and not is_generic(key) else ""


def plain_noun(human: str) -> str:
    """A humanised key as the plural noun of a title ("Market reports" -> "market reports",
    "Album" -> "albums"), or "" when it is not a plain noun (ids, numbers, one letter)."""
    tokens = human.split()
    if not tokens or len(tokens) > 4 or not all(t.isalpha() for t in tokens):
        return ""
    last = tokens[-1].lower()
    if len(last) < 3 or last.endswith("ed") or last in _NOT_NOUNS:
        return ""  # "included", "payload": an envelope's word, not what the records are
    if singular(last) == last:
        tokens[-1] = plural(last)
    return " ".join(t.lower() for t in tokens)


def titles_for(found: Found, kind: Kind | None, labels: dict[str, str]) -> list[str]:
    """Possible intent titles, best first (the first unused one is taken)."""
    label = found.label or labels.get(found.name, "") or ""
    human = humanise(found.name) if found.name and not is_generic(found.name) else ""
    options: list[str] = []
    if found.role == "section":
        if kind and kind.name not in ("pages",):
            options.append(kind.title)
        options += _about_titles(found, label, human)
        name = label or human or "More"
        options += [name, f"Read {name}", f"Explore {name}"]
        return options
    if kind is not None:
        key = found.parent if is_generic(found.name) and found.parent else found.name
        if _names_its_groups(found):
            key = ""  # a menu's "categories" of dishes: the dishes are not categories
        options += [*key_titles(key, kind), kind.title]
        if label and normal_key(label) != normal_key(kind.title):
            options.append(f"{kind.title}: {label}")
        if human:
            options.append(f"Explore {human}")
    else:
        key = found.parent if is_generic(found.name) and found.parent else found.name
        options += key_titles(key, None)  # "bike_rentals": "Rent a bike"
        noun = plain_noun(_without_envelope_words(key))  # "seriesList.edges": "series"
        if noun:  # a key that names what the records are: "market_reports", "album"
            options.append(f"Browse the {noun}")
        if label:
            options.append(f"Explore {label}")
        if human:
            options.append(f"Explore {human}")
        parent_words = words(found.parent) if found.parent else []
        if parent_words and not is_generic(found.parent) and parent_words[-1] not in _NOT_NOUNS:
            options.append(f"Explore {humanise(found.parent)}")  # never "Explore Query response"
        options.append(GENERIC.title)
    return options


_GROUP_WORDS = frozenset({"categories", "category", "sections", "section", "groups"})


def _names_its_groups(found: Found) -> bool:
    """A collection of labelled groups under a key that names the groups ("categories"),
    not the records they hold."""
    labelled = [group for group in found.groups if group.label]
    return len(labelled) >= 2 and normal_key(found.name) in _GROUP_WORDS


# Where a record gives its own name (a person's, a business's), not a heading.
_OWN_NAME_KEYS = ("name", "displayName", "display_name", "fullName", "full_name")


# First words of a page's heading rather than of a name ("Our Fleet", "Why we ride").
_HEADING_STARTS = word_set("our my your the about why how what meet welcome who where when")


def _about_titles(found: Found, label: str, human: str) -> list[str]:
    """A section that is one named thing (a maker, a brewery) is offered as about it:
    "About Inês Carvalho" by its own name, "About the brewery" by its key; a heading
    ("Why guests come back") is its own title."""
    data = found.data[0] if isinstance(found.data, list) and len(found.data) == 1 else found.data
    if not isinstance(data, dict) or data.get("title"):
        return []
    heading = words(label)[:1] and words(label)[0].lower() in _HEADING_STARTS
    if label and not heading and any(data.get(key) == label for key in _OWN_NAME_KEYS):
        return [f"About {label}"]
    tokens = words(found.name)
    own_name = any(words(str(key))[-1:] == ["name"] for key in islice(data, 60))
    if not label and human and len(tokens) == 1 and singular(tokens[0]) == tokens[0] and own_name:
        return [f"About the {tokens[0].lower()}"]  # a brewery by its brewery_name
    return []


_COLLECTIVES = frozenset({"cast", "crew"})  # people named as one group


def _key_tokens(key: str) -> list[str]:
    """A key's words, lower case, with a qualifier run into its noun split off
    ("topalbums": top, albums; Last.fm's keys)."""
    tokens = [token.lower() for token in words(key)]
    if len(tokens) == 1:
        token = tokens[0]
        for qualifier in QUALIFIERS:
            rest = token[len(qualifier) :]
            if token.startswith(qualifier) and len(rest) >= 3 and kind_for(rest):
                return [qualifier, rest]
    return tokens


def key_titles(key: str, kind: Kind | None) -> list[str]:
    """Titles in the key's own words when they say more than the kind's: a qualifier
    ("pastEvents": "See past events"), a thing for hire ("bike_rentals": "Rent a bike"),
    its own noun ("treatments": "Explore our treatments"; people: "Meet our guides")."""
    tokens = _key_tokens(key)
    if not key.isascii() or not 1 <= len(tokens) <= 2:
        return []  # words() keeps ASCII letters only: "Über_rentals" would read "ber"
    if not all(t.isalpha() and len(t) > 2 for t in tokens):
        return []
    head = tokens[-1]
    if len(tokens) == 2 and head in RENTAL_WORDS and tokens[0] not in _NOT_FOR_HIRE:
        return [f"Rent {with_article(singular(tokens[0]))}"]
    if kind is None:
        return []
    if len(tokens) == 2 and tokens[0] in QUALIFIERS and kind_for(head) == kind:
        return [_qualified(kind, tokens[0])]
    if len(tokens) != 1 or head in GENERIC_WORDS or head in _NOT_NOUNS:
        return []
    if kind.name == "team" and head in _COLLECTIVES:
        return [f"Meet the {head}"]  # "Meet the cast", "Meet the crew"
    if singular(head) == head or head in (kind.plural, kind.name):
        return []  # not a plural noun, or the kind's own word
    if kind.name == "team" and head not in _NOT_ROLES:
        return [f"Meet our {head}"]  # people by their role: "Meet our guides", "our chefs"
    wording = _UMBRELLA_TITLES.get(kind.name)
    if wording and head not in _NOT_THINGS:  # "patterns" on sale: "Shop the patterns"
        return [wording.format(one=with_article(singular(head)), many=head)]
    return []  # other kinds' titles say it in a visitor's words ("Browse the menu")


# Kinds named by an umbrella word ("products", "events"): a key that names what the
# records are says more, in the kind's own phrasing.
_UMBRELLA_TITLES = {
    "products": "Shop the {many}",
    "events": "See upcoming {many}",
    "services": "Explore our {many}",
    "places": "Find {one}",
}
# Plural keys that name a format, a state or a list rather than what records are.
_NOT_THINGS = word_set(
    "listings offers results hits entries records items goods variants skus nodes edges "
    "products events services places things objects assets resources details options "
    "archives catalogs catalogues feeds libraries inventories collections calendars "
    "schedules agendas programmes programs lists fees donations lots spaces occurrences "
    "dates times slots instances prices rates tiers charges payments orders transactions "
    "lines sessions bookings"
)


def key_noun(key: str, kind: Kind | None) -> tuple[str, str] | None:
    """(singular, plural) of what a collection's key calls its records, when its intent is
    named by it ("chefs", "past events", "market reports"); None when the kind's noun is."""
    tokens = _key_tokens(key)
    if not 1 <= len(tokens) <= 2 or not all(t.isalpha() and len(t) > 2 for t in tokens):
        return None
    if kind is None:
        noun = plain_noun(_without_envelope_words(key))
        one = singular_phrase(noun)
        return (one, noun) if noun and one != noun else None  # "5 modular content": no
    titles = key_titles(key, kind)
    if not titles or titles[0].startswith("Rent "):
        return None
    head = tokens[-1]
    if len(tokens) == 2 and tokens[0] in QUALIFIERS:
        return f"{tokens[0]} {kind.singular}", f"{tokens[0]} {kind.plural}"
    return (head, head) if head in _COLLECTIVES else (singular(head), head)


def singular_phrase(noun: str) -> str:
    """The singular of a plural noun phrase ("market reports" -> "market report")."""
    head, _, last = noun.rpartition(" ")
    return f"{head} {singular(last)}".strip()


def _qualified(kind: Kind, qualifier: str) -> str:
    """The kind's title with a qualifier for its own ("See upcoming events" -> "See past
    events"), else its verb, the qualifier and its noun ("See the latest jobs")."""
    title_words = kind.title.split()
    if title_words[1:2] and title_words[1] in QUALIFIERS:
        return " ".join([title_words[0], qualifier, *title_words[2:]])
    return f"{kind.verb} the {qualifier} {kind.plural}"


# Words before "rentals" that say when or how, not what ("vacation_rentals").
_NOT_FOR_HIRE = (
    GENERIC_WORDS
    | QUALIFIERS
    | word_set(
        "vacation holiday available monthly weekly daily nightly short long term equipment "
        "current active featured all"
    )
)
# People named by what they are to the site, not a role to meet them by.
_NOT_ROLES = word_set("members users people persons admins accounts profiles employees")


def with_article(noun: str) -> str:
    """A noun with its indefinite article ("a bike", "an apartment")."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def noun_of(kind: Kind | None, found: Found, labels: dict[str, str]) -> tuple[str, str]:
    """Singular and plural nouns for the records of a collection."""
    if kind is not None:
        return kind.singular, kind.plural
    label = labels.get(found.name)
    if label:
        word = label.lower()
        return word, plural(word)
    return "item", "items"


def unique_id(base: str, used: set[str]) -> str:
    """Make ``base`` unique among ``used`` by adding -2, -3 ... within the length limit."""
    base = base[:MAX_ID_LENGTH].strip("-") or "intent"
    candidate = base
    number = 2
    # "index" would be the page file index.html: the site's home in an export.
    while candidate in used or candidate == "index":
        suffix = f"-{number}"
        candidate = _cut(base, MAX_ID_LENGTH - len(suffix)) + suffix
        number += 1
    used.add(candidate)
    return candidate


def unique_title(titles: list[str], used: set[str]) -> str:
    """Pick the first unused title among the alternatives, numbering as a last resort."""
    options = [truncate(title, MAX_TITLE, at_word=True) for title in titles if title]
    for title in options:
        if title.lower() not in used:
            used.add(title.lower())
            return title
    base = options[0] if options else "Explore"
    number = 2
    while f"{base} ({number})".lower() in used:
        number += 1
    used.add(f"{base} ({number})".lower())
    return f"{base} ({number})"

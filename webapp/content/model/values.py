"""Read single values the way a person reads them: prices, dates, addresses, URLs, rich text.

Pure functions of JSON values. Everything returned is plain text (escaped
later by the templates) except ``rich_html``, whose output is sanitised by nh3.
"""

from __future__ import annotations

import html
import json
import math
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..text import normal_key, truncate
from ..urls import http_url
from .vocab import words

_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']{1,255}\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s().\-/]{5,30}$")
_NOT_DIAL = re.compile(r"[^\d+]+")  # what a tel: link drops from a phone number


# --------------------------------------------------------------------------
# URLs


def is_email(text: Any) -> bool:
    """Tell whether a value is one email address and nothing else."""
    return isinstance(text, str) and len(text) <= 320 and bool(_EMAIL.match(text.strip()))


def link_href(value: Any, key: str = "") -> str:
    """Return a safe href for a string field (http(s), mailto:, tel:), or ``""``."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    url = http_url(text)
    if url:
        return url
    lower = text.lower()
    if lower.startswith("mailto:") and _EMAIL.match(text[7:]):
        return "mailto:" + text[7:]
    if lower.startswith("tel:") and _PHONE.match(text[4:]):
        return "tel:" + _NOT_DIAL.sub("", text[4:])
    key_words = set(words(key))
    if key_words & {"email", "mail"} and _EMAIL.match(text):
        return "mailto:" + text
    if key_words & {"phone", "tel", "telephone", "mobile", "fax", "whatsapp"} and _PHONE.match(
        text
    ):
        digits = _NOT_DIAL.sub("", text)
        if len(digits) >= 5:
            return "tel:" + digits
    return ""


def looks_like_image_url(url: str) -> bool:
    """Tell whether an http(s) URL's path ends like an image file."""
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return False
    return is_image_path(path)


def is_image_path(path: str) -> bool:
    """Tell whether a (lower-case) path ends like an image file."""
    return path.endswith(_IMAGE_EXTENSIONS)


def is_other_media_url(url: str) -> bool:
    """Tell whether a URL's path ends like a film, a sound or a document, never a picture
    (Instagram's reel under ``media_url``)."""
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return False
    return path.endswith(_OTHER_MEDIA_EXTENSIONS)


_OTHER_MEDIA_EXTENSIONS = (
    ".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv", ".mp3", ".m4a", ".wav", ".ogg", ".oga",
    ".flac", ".aac", ".pdf", ".zip",
)  # fmt: skip


# --------------------------------------------------------------------------
# Text and rich text

# Linear searches: [^<>]* stops at the next "<", so "<a<a<a…" cannot make it try every "<"
# against every ">"; the possessive \s*+ cannot share a run of spaces out between its two
# \s* in every way ("<" and 20,000 spaces took 1.3 s).
_TAG_LIKE = re.compile(r"<\s*+/?\s*+[a-zA-Z][^<>]*+>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_BLOCK_TAG = re.compile(r"<(?:p|h[1-6]|ul|ol|li|div|br|blockquote|table|pre)\b", re.IGNORECASE)
_SCAN = 20_000  # characters of a value looked at to decide what it is
# A link, [text](url), is looked for from the start of each stretch between "]"s and line
# breaks only (its first "[" is the one to try: any later one that fits, it fits too), and
# its url stops at a "](" (not a url to CommonMark either: its "(" is unbalanced), so that
# each character is read at most twice. Tried from every "[" and read to the url's end,
# "[[[…" and "[a]([a](…" made the search quadratic (issue 17: 190 ms for 4,000 "[").
_MARKDOWN_HINT = re.compile(
    r"(^|\n)\s{0,3}(#{1,6}\s|[-*+]\s|\d+\.\s|>\s)|\*\*[^*\n]+\*\*|__[^_\n]+__"
    r"|(?:\A|(?<=[\]\n]))[^\[\]\n]*+\[[^\]\n]++\]\((?:[^)\s\]]|\](?!\())++\)"
    r"|(^|\n)```"
)
_SPACE = re.compile(r"\s+")

_RICH_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "figure",
    "figcaption",
}


def _image_sources(tag: str, attribute: str, value: str) -> str | None:
    """Images load only over http(s) (``tel:`` is a fine link, not an image source)."""
    if tag == "img" and attribute == "src":
        url = http_url(value)
        return url or None
    return value


_RICH = nh3.Cleaner(
    attribute_filter=_image_sources,
    tags=_RICH_TAGS,
    # h1 in content would compete with the page's own title: it becomes an h2.
    attributes={
        "a": {"href", "title"},
        "abbr": {"title"},
        "img": {"src", "alt", "title", "width", "height"},
        "td": {"colspan", "rowspan"},
        "th": {"colspan", "rowspan"},
    },
    url_schemes={"http", "https", "mailto", "tel"},
    # Relative links would point into this app, not the content's site.
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
    set_tag_attribute_values={"img": {"loading": "lazy"}},
    strip_comments=True,
    clean_content_tags={"script", "style"},
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), strip_comments=True, clean_content_tags={"script", "style"})
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_H1 = re.compile(r"<(/?)h1(\s|>)", re.IGNORECASE)
_RELATIVE_SRC = re.compile(r"""(\ssrc\s*=\s*["']?)//""", re.IGNORECASE)
_EMPTY_IMG = re.compile(r"<img(?![^<>]*\ssrc=)[^<>]*>")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _clean_html(text: str) -> str:
    """Sanitise HTML: nh3's allow-list; protocol-relative images as https, none without a source."""
    cleaned = _RICH.clean(_RELATIVE_SRC.sub(r"\1https://", _H1.sub(r"<\1h2\2", text)))
    return _EMPTY_IMG.sub("", cleaned)


def has_markup(text: str) -> bool:
    """Tell whether a string holds HTML tags or entities (its first 20,000 characters)."""
    return bool(_TAG_LIKE.search(text[:_SCAN]))


def looks_like_markdown(text: str) -> bool:
    """Tell whether a string is Markdown (headings, lists, emphasis, links)."""
    return bool(_MARKDOWN_HINT.search(text[:4000]))


def plain_text(value: Any, limit: int) -> str:
    """Return a one-line plain-text version of a string (tags and Markdown marks dropped)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    text = str(value)[: limit * 4 + 2000]
    if has_markup(text):
        text = html.unescape(_TEXT_ONLY.clean(text))
    elif looks_like_markdown(text):
        # Markdown costs up to 20 µs a character on punctuation runs ("[[[…", "![![…"),
        # 400 times plain words: render what the limit can show, and a margin for marks.
        text = html.unescape(_TEXT_ONLY.clean(_MARKDOWN.render(text[: limit * 2 + 200])))
    text = _SPACE.sub(" ", text).strip()
    if not text.isprintable():  # rare: the check is C-fast, the filter is not
        text = "".join(ch for ch in text if ch.isprintable())
    return truncate(text, limit, at_word=True)


class LazyRichHtml:
    """A long text's sanitised HTML, made when first shown (``rich_html``).

    A record's body is shown only on its detail page; listings and search read the same
    records for their cards, and rendering every body's Markdown there cost up to 400 ms
    a record on hostile text. Jinja shows it through ``__html__``; ``str``, ``len`` and
    truth make it too.
    """

    __slots__ = ("_source", "_html")

    def __init__(self, source: str) -> None:
        self._source = source
        self._html: Markup | None = None

    def markup(self) -> Markup:
        """The HTML (made once)."""
        if self._html is None:
            self._html = rich_html(self._source)
        return self._html

    def __html__(self) -> str:
        return str(self.markup())

    def __str__(self) -> str:
        return str(self.markup())

    def __len__(self) -> int:
        return len(self.markup())


def rich_html(value: str, limit: int = 20_000) -> Markup:
    """Return sanitised HTML for a long text: HTML cleaned, Markdown rendered, plain text in <p>."""
    text = value[:limit]
    if has_markup(text) and (
        _BLOCK_TAG.search(text[:_SCAN]) or not looks_like_markdown(_TEXT_ONLY.clean(text))
    ):  # "<p>1. Preheat the oven</p>" is HTML, whatever its words look like
        cleaned = _clean_html(text)
    elif looks_like_markdown(text):
        cleaned = _clean_html(_MARKDOWN.render(text))
    else:
        paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
        cleaned = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 or escaped above


# --------------------------------------------------------------------------
# Numbers and prices

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
_SYMBOL_CODES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
# Matched against stripped, short strings only (see _numeric_text): no leading or
# trailing \s*, which on a long run of spaces made the match quadratic.
_NUMBER_TEXT = re.compile(r"([$€£¥₹])? ?(-?\d{1,3}(?:,\d{3})+|-?\d{1,15})(\.\d{1,6})? ?([A-Z]{3})?")
_NUMBER_MAX = 40


def _numeric_text(value: str) -> re.Match | None:
    text = value.strip()
    return _NUMBER_TEXT.fullmatch(text) if len(text) <= _NUMBER_MAX else None


_CODE = re.compile(r"^[A-Za-z]{3}$")


def number(value: Any) -> float | None:
    """Return a finite number from a JSON number or a numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if finite(value) else None
    if isinstance(value, str):
        match = _numeric_text(value)
        if match and not match.group(1) and not match.group(4):
            try:
                return float(match.group(2).replace(",", "") + (match.group(3) or ""))
            except ValueError:
                return None
    return None


def finite(value: Any) -> bool:
    """Whether a JSON number is finite and fits a float (``10**400`` does not)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def format_count(value: float) -> str:
    """Format a count or measure: ``1850`` -> ``1,850``, ``2.5`` -> ``2.5``."""
    if isinstance(value, int) and not finite(value):
        return str(value)[:24] + "…"  # a number no float holds: its first digits
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def currency_code(value: Any) -> str:
    """Return a three-letter currency code (or the code of a symbol), else ``""``."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
        value = value[1]  # Odoo's reference with its name: [147, "GBP"]
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if text in _SYMBOL_CODES:
        return _SYMBOL_CODES[text]
    return text.upper() if _CODE.match(text) else ""


def format_money(amount: Decimal, currency: str, cents: bool) -> str:
    """Format an amount: ``$220.00``, ``€9.50``, ``$425,000``, ``CHF 12.00``; zero is Free."""
    if amount == 0:
        return "Free"
    text = f"{amount:,.2f}" if cents else f"{amount:,.0f}"
    if not currency:
        return text
    symbol = _SYMBOLS.get(currency)
    if symbol:
        return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"
    return f"{currency} {text}"


# Members on the way to a price's amount (GraphQL shops: pricing.priceRange.start.gross).
_MONEY_STEPS = ("gross", "start", "min", "from", "lowest", "net")  # in that order


def price_text(value: Any, currency: str = "", *, minor: bool = False) -> str:
    """Format a price-like value (number, numeric string, ``{amount, currency}``, an Offer)."""
    if isinstance(value, list):
        for element in value[:5]:
            text = price_text(element, currency, minor=minor)
            if text:
                return text
        return ""
    if isinstance(value, dict):
        inner_currency = ""
        for key in ("priceCurrency", "currency", "currencyCode", "currency_code", "currencyId"):
            inner_currency = inner_currency or currency_code(value.get(key))
        if "major_value" in value:  # Eventbrite: minor units in "value", major in "major_value"
            return price_text(value["major_value"], inner_currency or currency, minor=False)
        divisor = value.get("divisor")  # Etsy: {"amount": 2850, "divisor": 100}
        amount = value.get("amount")
        if (
            isinstance(divisor, int)
            and divisor > 0
            and isinstance(amount, int)
            and abs(amount) < 10**15
        ):
            major = Decimal(value["amount"]) / divisor
            return format_money(
                major, inner_currency or currency, major != major.to_integral_value()
            )
        if "units" in value and "nanos" in value:  # Google's Money: whole units and billionths
            units, nanos = number(value.get("units")), number(value.get("nanos"))
            if units is not None:
                major = Decimal(str(units)) + Decimal(int(nanos or 0)) / 10**9
                return format_money(major, inner_currency or currency, major % 1 != 0)
        display = value.get("display")
        if isinstance(display, str) and display.strip() and any(c.isdigit() for c in display):
            return display.strip()[:30]  # the platform's own formatting
        # Shopware's calculatedPrice is {unitPrice, totalPrice, …}
        prices = ("price", "amount", "value", "lowPrice", "minPrice", "cents", "cost", "total")
        for key in (*prices, "unitPrice"):
            if key in value and not isinstance(value[key], dict | list):
                return price_text(
                    value[key], inner_currency or currency, minor=minor or key == "cents"
                )
        in_cents = next(
            (v for k, v in islice(value.items(), 20) if _counts_cents(str(k))),
            None,
        )  # Open Collective's {"valueInCents": 500, "currency": "USD"}
        if isinstance(in_cents, int) and not isinstance(in_cents, bool):
            return price_text(in_cents, inner_currency or currency, minor=True)
        lowest = next(
            (v for k, v in islice(value.items(), 20) if normal_key(str(k)) in _LOWEST_PRICE_KEYS),
            None,
        )  # Humanitix's pricing: {minimumPrice, maximumPrice}
        if isinstance(lowest, int | float | str) and not isinstance(lowest, bool):
            return price_text(lowest, inner_currency or currency, minor=minor)
        amount = next(
            (v for k, v in islice(value.items(), 20)
             if words(str(k))[-1:] == ["amount"] and not _NOT_THE_PRICE & set(words(str(k)))),
            None,
        )  # fmt: skip  # Medusa's calculated_price: {"calculated_amount": 16, …}
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            return price_text(amount, inner_currency or currency, minor=minor)
        spec = value.get("priceSpecification")
        if isinstance(spec, dict | list):
            return price_text(spec, inner_currency or currency, minor=minor)
        steps = [key for key in _MONEY_STEPS if isinstance(value.get(key), dict)]
        for key in steps or list(value)[:20]:  # {"minimum_ticket_price": {...}}
            inner = value[key]
            if isinstance(inner, list) and inner and "price" in key.lower():
                inner = inner[0]  # Lightspeed's {"ItemPrice": [{Default}, {MSRP}, …]}
            if isinstance(inner, dict) and ("price" in key.lower() or key in _MONEY_STEPS):
                paddle = key == "unit_price" and _paddle_money(inner)
                return price_text(inner, inner_currency or currency, minor=minor or paddle)
        return _price_further_in(value, inner_currency or currency, minor)
    return _scalar_price_text(value, currency, minor)


# Amounts beside a price that are not it: a deposit, a tax, a discount, a delivery charge.
_NOT_THE_PRICE = frozenset(
    {"deposit", "tax", "vat", "discount", "shipping", "delivery", "fee", "fees", "refund",
     "paid", "due", "balance", "tip"}
)  # fmt: skip
_LOWEST_PRICE_KEYS = frozenset(
    {"minimumprice", "minprice", "pricemin", "lowestprice", "fromprice", "startingprice"}
)


def _counts_cents(key: str) -> bool:
    """A key that holds an amount in cents ("valueInCents", "amount_minor"), never a
    currency's exponent ("currency_minor_unit")."""
    parts = set(words(key))
    return "cents" in parts or ({"minor", "amount"} <= parts and "unit" not in parts)


def _paddle_money(value: dict) -> bool:
    """Paddle's money ({"amount": "5900", "currency_code": "USD"}): documented in the
    currency's lowest denomination, the amount a string of digits."""
    amount = value.get("amount")
    return "currency_code" in value and isinstance(amount, str) and amount.isdigit()


# Members that lead to an object's own price (Checkfront's rate.summary.price), never to
# another's (a deposit, a cancellation fee, a VIP tier).
_LEADS_TO_PRICE = frozenset({"summary", "pricing", "current", "default", "regular", "base"})


def _price_further_in(value: dict, currency: str, minor: bool, depth: int = 0) -> str:
    """A price a few members down, through members that lead to one (Checkfront's
    ``rate: {summary: {price: {total: "£55.00", unit: "per day"}}}``)."""
    if depth >= 3:
        return ""
    for key, inner in islice(value.items(), 20):
        if not isinstance(inner, dict) or str(key).lower() not in _LEADS_TO_PRICE:
            continue
        price = inner.get("price")
        if isinstance(price, dict | str | int | float) and not isinstance(price, bool):
            return price_text(price, currency, minor=minor)
        found = _price_further_in(inner, currency, minor, depth + 1)
        if found:
            return found
    return ""


def _scalar_price_text(value: Any, currency: str, minor: bool) -> str:
    """A number or a text as a price."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        if not finite(value):
            return ""
        if minor and isinstance(value, int):
            return format_money(Decimal(value) / 100, currency, True)
        amount = Decimal(str(value))
        return format_money(amount, currency, amount != amount.to_integral_value())
    if isinstance(value, str):
        match = _numeric_text(value)
        if not match:
            text = value.strip()[:100]
            # "From £12", "Free", "$$": shown as written when short and price-like.
            if 0 < len(text) <= 30 and (any(c.isdigit() for c in text) or text.lower() == "free"):
                return text
            return ""
        symbol, whole, fraction, code = match.groups()
        currency = _SYMBOL_CODES.get(symbol or "", "") or code or currency
        try:
            amount = Decimal(whole.replace(",", "") + (fraction or ""))
        except InvalidOperation:
            return ""
        if minor and not fraction:
            return format_money(amount / 100, currency, True)
        return format_money(amount, currency, bool(fraction))
    return ""


# --------------------------------------------------------------------------
# Dates

_ISO_DATE = re.compile(
    r"^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|GMT|UTC)?$"  # Tumblr's "… GMT", SoundCloud's "2026/03/24 …"
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EPOCH_MIN = 946_684_800  # 2000-01-01
_EPOCH_MAX = 4_102_444_800  # 2100-01-01


def parse_date(value: Any) -> tuple[str, str, bool] | None:
    """Return ``(sortable ISO, display text, has time)`` for a date value, else None.

    ISO dates and date-times (shown in their own time zone, as the site wrote
    them) and epoch seconds or milliseconds between 2000 and 2100.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and finite(value):
        seconds = value / 1000 if value > _EPOCH_MAX else value
        if not _EPOCH_MIN <= seconds <= _EPOCH_MAX:
            return None
        moment = datetime.fromtimestamp(seconds, UTC)
        has_time = bool(moment.hour or moment.minute)
        return moment.isoformat(), _display(moment, has_time), has_time
    if not isinstance(value, str) or len(value) > 40:
        return None
    match = _ISO_DATE.match(value.strip())
    if not match or value.strip()[4] != value.strip()[7]:  # one separator: "2026/03/24"
        return _rfc822(value) or _written_date(value.strip())
    year, month, day, hour, minute = (int(g) if g else None for g in match.groups()[:5])
    try:
        moment = datetime(year, month, day, hour or 0, minute or 0)  # noqa: DTZ001 - as written
    except ValueError:
        return None
    has_time = hour is not None and (hour, minute) != (0, 0)
    return value.strip(), _display(moment, has_time), has_time


_RFC822 = re.compile(r"^(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4}")
_CLOCK_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?(?: ?([AaPp])\.?[Mm]\.?)?$")


def _rfc822(value: str) -> tuple[str, str, bool] | None:
    """An RSS date ("Thu, 12 Mar 2026 09:00:00 GMT"), shown in the zone it was written in."""
    from email.utils import parsedate_to_datetime

    if not _RFC822.match(value.strip()):
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    has_time = bool(moment.hour or moment.minute)
    return moment.isoformat(), _display(moment, has_time), has_time


# Dates as people write them, the year last: "March 2, 2026", "Sat 2 March 2026",
# "14-02-2026" (setlist.fm's dd-MM-yyyy), "14.02.2026". No time: a written date is a day.
_MONTH_FIRST = re.compile(
    r"^(?:([A-Za-z]{3,9}),? )?([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$"
)
_DAY_FIRST = re.compile(
    r"^(?:([A-Za-z]{3,9}),? )?(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]{3,9})\.?,? (\d{4})$"
)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([-./])(\d{1,2})\2(\d{4})$")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTH_NUMBERS = {
    name: number
    for number, month in enumerate(_MONTH_NAMES, 1)
    for name in (month, month[:3], *(("sept",) if number == 9 else ()))
}
_WEEKDAYS = frozenset(
    name
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for name in (day, day[:3])
)


def _written_date(text: str) -> tuple[str, str, bool] | None:
    """A date written in words or with the day first ("March 2, 2026", "14-02-2026"); a
    numeric date whose day and month could be either ("03-04-2026") is no date, unless
    written with dots (the day first, as wherever dots are used)."""
    if not 8 <= len(text) <= 30:
        return None
    text = " ".join(text.split())
    if (match := _MONTH_FIRST.match(text)) and _weekday_or_none(match[1]):
        month, day, year = _MONTH_NUMBERS.get(match[2].lower()), match[3], match[4]
    elif (match := _DAY_FIRST.match(text)) and _weekday_or_none(match[1]):
        day, month, year = match[2], _MONTH_NUMBERS.get(match[3].lower()), match[4]
    elif match := _NUMERIC_DATE.match(text):
        first, second, year = int(match[1]), int(match[3]), match[4]
        if second > 12:  # "04-14-2026": the month first, as in the US
            first, second = second, first
        elif first <= 12 and match[2] != ".":
            return None  # "03/04/2026": March or April, the writer alone knows
        day, month = first, second
    else:
        return None
    try:
        moment = datetime(int(year), int(month or 0), int(day))  # noqa: DTZ001 - a day
    except ValueError:
        return None
    return moment.date().isoformat(), _display(moment, False), False


def _weekday_or_none(word: str | None) -> bool:
    """Tell whether a date's first word is a weekday or absent ("Top 10 May 2026" is no date)."""
    return word is None or word.lower() in _WEEKDAYS


def _display(moment: datetime, has_time: bool) -> str:
    text = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    return f"{text}, {moment.hour:02d}:{moment.minute:02d}" if has_time else text


def time_of(value: Any) -> str:
    """Return ``HH:MM`` for a date-time or a time string, else ``""``."""
    if isinstance(value, str):
        text = value.strip()
        match = _CLOCK_TIME.match(text)
        if match:
            hour, half = int(match.group(1)), (match.group(3) or "").lower()
            if half and not 1 <= hour <= 12:
                return ""
            hour = hour % 12 + (12 if half == "p" else 0) if half else hour
            return f"{hour:02d}:{match.group(2)}" if hour < 24 else ""
        parsed = _ISO_DATE.match(text)
        if parsed and parsed.group(4):
            return f"{parsed.group(4)}:{parsed.group(5)}"
    return ""


# --------------------------------------------------------------------------
# Addresses

_ADDRESS_PARTS = (
    ("name",),
    ("streetaddress", "street", "line1", "address1", "addressline1", "street1", "road"),
    ("line2", "address2", "addressline2", "street2"),
    ("addresslocality", "city", "town", "locality", "suburb"),
    ("addressregion", "state", "region", "county", "province"),
    ("postalcode", "postcode", "zip", "zipcode", "postal"),
    ("addresscountry", "country", "countrycode"),
)


def address_text(value: Any, limit: int = 200) -> str:
    """Return an address as one line (``18 Quay Street, Port Ellery PE1 4QS``), else ``""``."""
    if isinstance(value, str):
        return plain_text(value, limit)
    if not isinstance(value, dict):
        return ""
    by_norm = {normal_key(k): v for k, v in list(value.items())[:40]}
    if isinstance(by_norm.get("address"), dict | str) and not by_norm.keys() & {
        "street",
        "streetaddress",
        "line1",
        "city",
    }:
        # A Place: {"name": "Hall A", "address": {...}}
        inner = address_text(by_norm["address"], limit)
        name = plain_text(by_norm.get("name"), 80)
        return ", ".join(p for p in (name, inner) if p)
    parts: list[str] = []
    for names in _ADDRESS_PARTS[1:]:
        for name in names:
            part = by_norm.get(name)
            if isinstance(part, dict):
                part = part.get("name")
            text = plain_text(part, 80) if isinstance(part, str | int) else ""
            if text:
                parts.append(text)
                break
    if not parts:
        return ""
    return truncate(", ".join(dict.fromkeys(parts)), limit, at_word=True)


# A schema's type tag ("youtube#playlistItem", "books#volume"): metadata, never content.
_TYPE_TAG = re.compile(r"[a-z][a-z0-9]{1,30}#[a-zA-Z][\w.]{0,60}")
# A code a program wrote ("made_to_order", "IN_PERSON", "PHYSICAL"), not a person.
_SNAKE_CODE = re.compile(r"[A-Za-z]{1,20}(?:_[A-Za-z0-9]{1,20}){1,6}")
_CAPS_CODE = re.compile(r"[A-Z]{6,30}")
# Humps after two lower-case letters or more ("dinnerOrGala"); "iPhone", "eBay" start with one.
_CAMEL_CODE = re.compile(r"[a-z]{2,20}(?:[A-Z][a-z]{1,20}){1,6}")
_CAMEL_HUMP = re.compile(r"[A-Z]")


def is_type_tag(value: Any) -> bool:
    """Tell whether a value is a schema's type tag ("youtube#playlistItem")."""
    return isinstance(value, str) and _TYPE_TAG.fullmatch(value.strip()) is not None


def readable_code(text: str) -> str:
    """A program's code as words ("made_to_order" -> "Made to order", "PHYSICAL" ->
    "Physical"); any other text unchanged."""
    snake = _SNAKE_CODE.fullmatch(text) and (text.islower() or text.isupper())
    if snake or _CAPS_CODE.fullmatch(text):  # "New_York_City" and "DJ_Shadow" stay
        words_of = text.replace("_", " ").lower()
        return words_of[0].upper() + words_of[1:]
    if _CAMEL_CODE.fullmatch(text):  # Humanitix's "charityAndCauses"
        words_of = _CAMEL_HUMP.sub(lambda m: " " + m.group().lower(), text)
        return words_of[0].upper() + words_of[1:]
    return text


_EDITOR_MAX = 200_000  # characters of an Editor.js document read as text


def editor_blocks_html(text: str) -> str | None:
    """An Editor.js document stored as a JSON string ({"time", "blocks": [{type, data}]},
    as Saleor and other headless shops keep descriptions) as HTML to sanitise; None for
    any other text."""
    if not text.startswith("{") or '"blocks"' not in text[:2000] or len(text) > _EDITOR_MAX:
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # a hostile "[[[[…" nests past the stack
        return None
    blocks = document.get("blocks") if isinstance(document, dict) else None
    if not isinstance(blocks, list):
        return None
    html = "\n".join(_block_html(block) for block in blocks[:500] if isinstance(block, dict))
    return html if html.strip() else None  # nothing read: the text stays as it was


def _block_html(block: dict) -> str:
    """One Editor.js block (its inline text is HTML, sanitised with the rest)."""
    data = block.get("data") if isinstance(block.get("data"), dict) else {}
    text = data.get("text") if isinstance(data.get("text"), str) else ""
    kind = block.get("type")
    if kind == "header":
        level = data.get("level") if data.get("level") in (2, 3, 4) else 3
        return f"<h{level}>{text}</h{level}>"
    if kind == "list" and isinstance(data.get("items"), list):
        items = [i if isinstance(i, str) else str(i.get("content", "")) for i in data["items"]
                 if isinstance(i, str | dict)]  # fmt: skip
        tag = "ol" if data.get("style") == "ordered" else "ul"
        return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items[:200]) + f"</{tag}>"
    if kind == "quote":
        return f"<blockquote>{text}</blockquote>"
    if kind == "code" and isinstance(data.get("code"), str):
        return f"<pre>{html.escape(data['code'])}</pre>"
    caption = data.get("caption") if isinstance(data.get("caption"), str) else ""
    return f"<p>{text or caption}</p>" if text or caption else ""

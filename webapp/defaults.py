"""Every default of the app in one place (overridden by the environment)."""

# Storage
SESSION_TTL_SECONDS = 24 * 60 * 60  # sliding expiry of a site session
# Sliding expiry may be reset lazily, at most this long after the last reset (the
# memory backend re-pickles a session to reset it); never more than a tenth of the TTL.
TTL_REFRESH_SECONDS = 300
KEY_PREFIX = ""  # prepended to every Redis key (several apps, one Redis)
# Flask-Session's own keys: never "session:", which the contract gives to site content.
BROWSER_SESSION_KEY_PREFIX = "browser:"
# Short timeouts and one quick retry so that a Redis outage is answered in well under 2 s.
REDIS_SOCKET_TIMEOUT = 0.5
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_RETRIES = 1
REDIS_RETRY_BACKOFF_CAP = 0.05
REDIS_MAX_CONNECTIONS = 50
# Creating a session sends the whole document (up to MAX_CONTENT_LENGTH) in one call:
# its own client waits this long (no retry), time for 16 MB to reach a remote Redis at
# about 20 Mbit/s, and with a 20 s fetch still inside gunicorn's 30 s worker timeout.
REDIS_BULK_TIMEOUT = 8.0
# A Cluster client retries a little more: a moved slot or a failed-over node is normal there.
REDIS_CLUSTER_RETRIES = 2
# After a Redis timeout, answer 503 at once for this long instead of making every
# request wait a full timeout (a circuit breaker); the first request after it tries again.
REDIS_BREAKER_SECONDS = 2.0
# Sentinel with replicas: a write a user is told succeeded waits this long (WAIT 1)
# for a replica's acknowledgement; past it the write stands and replication is "degraded".
REDIS_WAIT_TIMEOUT_MS = 500
# How often the master's replica count (INFO replication) is checked again.
REDIS_REPLICAS_CHECK_SECONDS = 10
# /healthz writes a key of its own, living this long, to tell whether Redis takes writes.
HEALTH_PROBE_TTL_SECONDS = 10

# --- Damaged data and refused writes (issue 17: hardening) ---
# /healthz says "degraded" (not writable, with the refusal's kind) for this long after
# storage refused a change (out of memory, read-only, no permission), even when its own
# tiny probe key gets through: a full Redis may still take that key but not a site.
HEALTH_REFUSAL_WINDOW_SECONDS = 60
# --- end of damaged data and refused writes ---

# SimpleCache holds 4 keys per site session plus one per browser session.
MEMORY_THRESHOLD = 50_000
# Seconds a client is told to wait before retrying when storage is down.
RETRY_AFTER_SECONDS = 5

# Browser session: refresh its stored copy at most this often (saves a Redis write).
BROWSER_SESSION_REFRESH_SECONDS = 300
# A browser session replaced on connect (new id) lives on this long, for a form sent twice.
REPLACED_SESSION_SECONDS = 60

# Input limits
MAX_CONTENT_LENGTH = 16 * 1024 * 1024  # largest document, in bytes
# Room for the multipart envelope and the other form fields around a document.
REQUEST_OVERHEAD = 1024 * 1024
# Arrays and objects one inside another, at most, in a document (the forms) or an /api
# body (400 past it). Real content nests a few dozen deep at most; half of Python's
# recursion limit leaves room to every step that recurses afterwards (JSON encoders,
# the content model, rendering).
MAX_JSON_DEPTH = 500
# Fetching content: the whole fetch (redirects and body included) ends well within
# gunicorn's 30 s worker timeout, so the user always gets an answer with a reason.
URL_CONNECT_TIMEOUT = 3.0
URL_READ_TIMEOUT = 5.0
URL_TOTAL_TIMEOUT = 20.0
# Connects that fetch content or read a large document (an upload, a paste or API content
# over READ_AHEAD_BYTES) at once in one process; past it a connect answers 503 "busy, try
# again" at once. Slow remotes and slow uploads can then hold at most this many of a
# worker's threads, and a worker holds at most this many documents in memory.
CONNECT_CONCURRENCY = 2
# A document this large or larger is parsed, and its model built, in a child process
# (webapp/document_reader.py): the worker's memory then grows by a few times the document,
# not 10-20 times; a child that has not finished within the seconds below is given up on.
DOCUMENT_PROCESS_BYTES = 1024 * 1024
DOCUMENT_PROCESS_SECONDS = 25.0
# ...and may grow by this many times the document's size (reading takes about 13 times at
# the worst, a document of tiny records); past it the connect answers 413.
DOCUMENT_MEMORY_FACTOR = 24
# A request's head, and a body up to READ_AHEAD_BYTES, are read by the worker's main loop
# as they arrive (webapp.worker): a slow client holds no thread. Past BODY_READ_SECONDS
# from its first byte (the head), or from the head (the body), it is answered 408.
BODY_READ_SECONDS = 30.0
READ_AHEAD_BYTES = 64 * 1024
# A body that arrives at least this fast is never cut short: each such amount received
# gives its request a second more (a 16 MB upload at 2 Mbit/s takes 64 s, and gets them).
MIN_BYTES_PER_SECOND = 64 * 1024
# Large bodies one client (address) may have read at once, per process: one client alone
# cannot take every connect slot.
LARGE_BODIES_PER_CLIENT = 1
# gunicorn: threads per worker (gthread workers: waiting on a remote does not block a worker).
WEB_THREADS = 4
SLEEKCMS_API_BASE = "https://pub.sleekcms.com"

# Pages generated on view (detail pages, later listing pages) are stored up to this
# many per site session; past it they are served without being kept, so crawling a
# 50,000-item collection cannot fill Redis. Intent pages are always stored.
MAX_STORED_PAGES = 300
# Optional AI planning (ANTHROPIC_API_KEY set): a current small, fast Claude model.
ANTHROPIC_MODEL = "claude-haiku-5-5"
# A request waits on the AI service at most this long in all, retries included...
AI_BUDGET_SECONDS = 15.0
# ...and never past this long after the request began (gunicorn's worker timeout is 30 s,
# and a content fetch may have taken up to 20 of them).
AI_REQUEST_DEADLINE_SECONDS = 25.0
# App pages (the connected home, a page in the app) rendered once per change of what they
# show, kept per process: about 20 KB each, so 256 of them cost ~5 MB per worker.
RENDER_CACHE_PAGES = 256
# An export holds at most this many detail pages (made during the export if not stored):
# 2,000 pages render in a few seconds, well within gunicorn's 30 s worker timeout.
EXPORT_MAX_DETAIL_PAGES = 2000
# Per client (its address; see PROXY_HOPS): connects a minute, whatever their outcome, and
# bytes of documents connected a day (429 past either, saying when to come back).
CONNECTS_PER_MINUTE = 10
CONNECT_BYTES_PER_DAY = 128 * 1024 * 1024
# Proxies in front whose X-Forwarded-For is trusted for a client's address (0: none, the
# connection's own address; behind one proxy, such as a platform's router or nginx: 1).
PROXY_HOPS = 0
# Exports one process streams at once (503 "an export is already running" past it), and
# how long a site session's own export claim lives at most (one export per session at
# once: 429 for another until it ends; the claim outlives a killed worker this long).
EXPORT_CONCURRENCY = 1
EXPORT_CLAIM_SECONDS = 120
# Item pages an export makes (those not stored yet) are made for this long at most; the
# rest are left out, and its index says so (2,000 usual pages take a few seconds).
EXPORT_SECONDS = 60
# Search in a listing covers this many of a collection's items: its index is made from
# their chunks on the first search (about 0.1-0.4 ms per item) and kept with the session.
SEARCH_INDEX_MAX_ITEMS = 5000
# Search indexes one process makes at once: a search that would start another answers
# 503 "busy" at once (eight first searches of a hostile 3,000-item list held every thread).
SEARCH_INDEX_CONCURRENCY = 1

"""A small server of our own that speaks the subset of the Messages API the app uses.

``POST /v1/messages`` answers what the test scripted, in order (then the last answer
again): a tool-use message with usage, an error body with a status and headers
(``retry-after``), bytes that are not JSON, or any of these after a delay. Every request
is kept (headers and JSON body) so that tests can check what the app sent.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    """One scripted answer."""

    status: int = 200
    body: bytes | None = None  # None: a tool-use message built from ``tool_input``
    tool_input: dict | None = None
    echo: bool = False  # the plan's titles are the first <script…> found in the prompt
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    usage: tuple[int, int] = (812, 96)


def tool_message(name: str, tool_input: dict, usage: tuple[int, int]) -> dict:
    return {
        "id": "msg_stub",
        "type": "message",
        "role": "assistant",
        "model": "stub-model",
        "content": [{"type": "tool_use", "id": "toolu_stub", "name": name, "input": tool_input}],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def error_body(kind: str, message: str) -> bytes:
    return json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode()


HOSTILE = re.compile(r"<script[^\"\\]*")


class StubMessagesAPI:
    """The stub, on a free loopback port, in a thread; ``url`` is its base URL."""

    def __init__(self) -> None:
        self.script: list[Answer] = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                body = json.loads(raw or b"{}")
                with stub.lock:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    stub.requests.append({"path": self.path, "headers": headers, "body": body})
                    answer = stub.script.pop(0) if len(stub.script) > 1 else (
                        stub.script[0] if stub.script else Answer(tool_input={"intents": []})
                    )  # fmt: skip
                if answer.delay:
                    time.sleep(answer.delay)
                if self.path != "/v1/messages":
                    payload, status = error_body("not_found_error", "no such route"), 404
                elif answer.body is not None:
                    payload, status = answer.body, answer.status
                else:
                    tool = (body.get("tool_choice") or {}).get("name", "tool")
                    tool_input = answer.tool_input or {}
                    if answer.echo:
                        prompt = json.dumps(body.get("messages", []))
                        found = HOSTILE.search(prompt.replace("\\u003c", "<"))
                        text = found.group(0) if found else "<script>alert(1)</script>"
                        planned = tool_input.get("intents", [])
                        tool_input = {
                            "intents": [
                                {"id": i["id"], "title": text, "description": text} for i in planned
                            ]
                        }
                    payload = json.dumps(tool_message(tool, tool_input, answer.usage)).encode()
                    status = answer.status
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> StubMessagesAPI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, *answers: Answer) -> None:
        """Script the next answers (the last one repeats)."""
        with self.lock:
            self.script = list(answers)
            self.requests.clear()

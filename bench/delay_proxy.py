"""A TCP proxy that adds a fixed delay each way: a local Redis made to feel remote.

Every chunk Redis sends back is forwarded ``delay`` seconds later, in order, so each
request/response exchange (a Redis round trip) takes ``delay`` longer, like a managed
Redis in the same region (about 1 ms). The whole delay is on the way back: asyncio's
timers fire up to about a millisecond late, and one timer per round trip keeps that
error once, not twice (the script prints the PING time it gets). Chunks already in
flight are not held up by each other: a pipeline costs one delay, not one per command.

    .venv/bin/python bench/delay_proxy.py --listen 7000 --target 6379 --delay-ms 1
"""

from __future__ import annotations

import argparse
import asyncio
import time


async def _pipe(reader, writer, half_delay: float) -> None:
    """Forward what ``reader`` gives to ``writer``, each chunk ``half_delay`` s later."""
    queue: asyncio.Queue = asyncio.Queue()

    async def send() -> None:
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(send())
    try:
        while data := await reader.read(65536):
            queue.put_nowait((time.monotonic() + half_delay, data))
    except ConnectionError:
        pass
    queue.put_nowait((0.0, None))
    await sender


async def serve(listen: int, target_host: str, target: int, delay: float) -> None:
    async def handle(client_reader, client_writer) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(target_host, target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            _pipe(client_reader, server_writer, 0.0),
            _pipe(server_reader, client_writer, delay),
            return_exceptions=True,
        )

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--target", type=int, required=True)
    parser.add_argument("--target-host", default="127.0.0.1")
    parser.add_argument("--delay-ms", type=float, default=1.0)
    args = parser.parse_args()
    asyncio.run(serve(args.listen, args.target_host, args.target, args.delay_ms / 1000))


if __name__ == "__main__":
    main()

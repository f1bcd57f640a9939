#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that adds a fixed one-way delay to every byte, in both
directions, so a loopback server answers as one across a network would (a runner in one
AWS region talking to ECR, STS and S3: every request a round trip of RTT_MS).

    latency-proxy.py LISTEN_PORT TARGET_PORT RTT_MS

Bytes are forwarded unchanged (TLS passes through) and in order; each chunk leaves RTT_MS/2
after it arrived, so a connection's throughput is not limited, only its round trips. Stops
on SIGTERM. Used by compare-whole-step.sh (RTT_MS=…); for benchmarks only.
"""
import asyncio
import signal
import sys
import time


async def pipe(reader, writer, delay):
    """Copies reader to writer, each chunk `delay` seconds after it was read."""
    queue = asyncio.Queue()

    async def send():
        while True:
            due, chunk = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if chunk is None:
                break
            writer.write(chunk)
            await writer.drain()
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    sender = asyncio.ensure_future(send())
    try:
        while True:
            chunk = await reader.read(256 * 1024)
            queue.put_nowait((time.monotonic() + delay, chunk or None))
            if not chunk:
                break
        await sender
    except (ConnectionError, OSError):
        sender.cancel()
    finally:
        writer.close()


async def main(listen_port, target_port, rtt_ms):
    delay = rtt_ms / 2000

    async def accept(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, delay), pipe(server_reader, client_writer, delay),
                             return_exceptions=True)

    server = await asyncio.start_server(accept, "127.0.0.1", listen_port)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))

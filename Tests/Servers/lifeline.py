#!/usr/bin/env python3
"""Runs one test server so that it cannot outlive the test process that started it.

usage: lifeline.py PROGRAM [ARGS...]

The test process holds the write end of this script's stdin. When stdin reaches EOF (the
test process released the server, ended, or crashed: the kernel closes the pipe in every
case) or this script gets SIGTERM/SIGINT, the server gets SIGTERM and, if it is still
running 2 seconds later, SIGKILL; then everything left in this process group (the server's
own children) gets SIGKILL. The server inherits stdout and stderr (the READY line passes
through) and starts with no signals blocked: the Swift test runner's threads block SIGTERM,
and a blocked mask is inherited across exec, which is how moto_server came to ignore it.
Exits with the server's status when the server ends on its own. Standard library only.
"""

import os
import signal
import subprocess
import sys
import threading

GRACE_SECONDS = 2


def main():
    if len(sys.argv) < 2:
        print("usage: lifeline.py PROGRAM [ARGS...]", file=sys.stderr)
        return 2
    signal.pthread_sigmask(signal.SIG_UNBLOCK, signal.valid_signals())
    if os.getpgid(0) != os.getpid():
        os.setpgid(0, 0)  # a group of our own: the final SIGKILL must reach nothing else
    server = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
    lock = threading.Lock()

    def stop(*_):
        with lock:
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            if os.getpgid(0) == os.getpid():
                os.killpg(0, signal.SIGKILL)  # this script too: nothing of the group is left
            os._exit(0)

    def watch():
        while sys.stdin.buffer.read(4096):
            pass
        stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=watch, daemon=True).start()
    status = server.wait()
    with lock:
        return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())

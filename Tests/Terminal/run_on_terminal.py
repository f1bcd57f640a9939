#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal and reads what it drew with a VT100 emulator (pyte).

    run_on_terminal.py --raw RAW --screen SCREEN [--columns 100] [--rows 40] -- COMMAND ARG...

The command's standard input, output and error are the terminal (TERM=xterm unless the
environment says otherwise), of the given size. RAW gets every byte it wrote; SCREEN the
text a terminal shows once it has ended (pyte's screen, tall enough that nothing scrolls
away), one line each, trailing blanks and empty trailing lines dropped. Exits with the
command's status. Standard library and pyte only; never touches the network.
"""
import argparse
import fcntl
import os
import pty
import struct
import sys
import termios

import pyte


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--raw", required=True)
    parser.add_argument("--screen", required=True)
    parser.add_argument("--columns", type=int, default=100)
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")

    pid, master = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", args.rows, args.columns, 0, 0))
        os.environ.setdefault("TERM", "xterm")
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)

    raw = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer of the terminal is gone
            break
        if not chunk:
            break
        raw += chunk
    _, status = os.waitpid(pid, 0)
    with open(args.raw, "wb") as out:
        out.write(raw)

    screen = pyte.Screen(args.columns, 5000)
    stream = pyte.Stream(screen)
    stream.feed(raw.decode("utf-8", errors="replace"))
    lines = [line.rstrip() for line in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    with open(args.screen, "w", encoding="utf-8") as out:
        out.write("".join(line + "\n" for line in lines))
    sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""GitHub Actions' file commands, read as the runner reads them.

`GITHUB_OUTPUT` and `GITHUB_ENV` hold `name=value` lines and the delimiter form
`name<<DELIMITER` ... `DELIMITER` (actions/runner, FileCommandManager.cs): the first `=`
or `<<`, whichever comes first, splits a line; an empty name, or a delimiter never found,
is an error (the runner fails the step). A later value of a name replaces an earlier one.

    python3 github_files.py FILE     prints the pairs as one JSON object
"""
import json
import sys


class FileCommandError(Exception):
    pass


def parse(text):
    pairs = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        line = lines[index].removesuffix("\r")
        index += 1
        if line == "":
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, value = line[:equals], line[equals + 1:]
        elif heredoc >= 0:
            name, delimiter = line[:heredoc], line[heredoc + 2:]
            if delimiter == "":
                raise FileCommandError(f"line {index}: empty delimiter for {name!r}")
            body = []
            while True:
                if index >= len(lines):
                    raise FileCommandError(f"matching delimiter not found: {delimiter!r}")
                candidate = lines[index].removesuffix("\r")
                index += 1
                if candidate == delimiter:
                    break
                body.append(candidate)
            value = "\n".join(body)
        else:
            raise FileCommandError(f"line {index}: invalid format {line!r}")
        if name == "":
            raise FileCommandError(f"line {index}: empty name")
        pairs[name] = value
    return pairs


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(json.dumps(parse(handle.read()), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

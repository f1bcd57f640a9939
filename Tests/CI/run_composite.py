#!/usr/bin/env python3
"""Runs a composite action's steps as the GitHub Actions runner would, on this machine.

    python3 run_composite.py ACTION.yml --workspace DIR [--inputs JSON] [--github JSON]
                             [--env JSON] [--runner-temp DIR]

What it does as the runner does:
  - inputs: `with:` values (--inputs), else each input's default; an unknown input or a
    missing required one is an error;
  - contexts: `inputs`, `github` (action_path, workspace, and --github's values),
    `runner` (os, arch, temp, tool_cache), `steps.ID.outputs.NAME`, `steps.ID.outcome`,
    `env`; expressions `${{ ... }}` with GitHub's operators (`||`, `&&`, `==` ignoring
    case for strings, `!=`, `!`, `<`...), literals and the functions success(),
    failure(), always(), cancelled(), contains(), startsWith(), endsWith(), format(),
    join(), toJSON(), fromJSON(); `if:` with the implicit success() check;
  - `run:` steps: the script written to a file and run with its `shell` (bash as
    `bash --noprofile --norc -eo pipefail {0}`, sh as `sh -e {0}`, python, or a template
    with {0}), in `working-directory`, with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV
    and GITHUB_PATH files fresh for each step, read back afterwards (github_files.py);
    GITHUB_ACTIONS=true, CI=true, RUNNER_*, GITHUB_* variables;
  - workflow commands in a step's output (`::warning::`, `::error::`, `::add-mask::`) are
    collected; the deprecated `::set-output` / `::save-state` are reported as such;
  - the action's `outputs:` evaluated at the end.

What it does not do, by design: `uses:` steps (another action, such as actions/cache) are
skipped and reported as skipped with the reason; their outputs are empty, as a cache miss
would leave them. Nothing here contacts the network.

Prints one JSON object: outputs, steps (id, name, outcome, note, stdout, stderr), summary,
annotations, masks, deprecated_commands. Exit status 0 when the action succeeded, 1 when a
step failed, 2 for a harness error (bad action file, bad inputs).
"""
import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import github_files  # noqa: E402


class HarnessError(Exception):
    pass


# ---------------------------------------------------------------- expressions

TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<number>-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))
    | (?P<op>\|\||&&|==|!=|<=|>=|<|>|!|\(|\)|\[|\]|\.|,|\*)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
    )""", re.VERBOSE)


def tokenize(text):
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise HarnessError(f"cannot read expression at {text[position:]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def truthy(value):
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def as_number(value):
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0
        try:
            return int(text, 16) if text.lower().startswith("0x") else float(text)
        except ValueError:
            return math.nan
    return math.nan


def equal(left, right):
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if type(left) is type(right) or left is None and right is None:
        return left == right
    if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
        return False
    return as_number(left) == as_number(right)


def as_string(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2)
    return str(value)


class Evaluator:
    def __init__(self, contexts, status):
        self.contexts = contexts
        self.status = status  # "success" or "failure"

    def evaluate(self, text):
        self.tokens, self.index = tokenize(text), 0
        value = self.or_()
        if self.index != len(self.tokens):
            raise HarnessError(f"unexpected {self.tokens[self.index][1]!r} in {text!r}")
        return value

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None)

    def take(self, expected=None):
        token = self.peek()
        if token[0] is None or (expected is not None and token[1] != expected):
            raise HarnessError(f"expected {expected!r}, found {token[1]!r}")
        self.index += 1
        return token

    def or_(self):
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self):
        value = self.equality()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.equality()
            value = right if truthy(value) else value
        return value

    def equality(self):
        value = self.comparison()
        while self.peek() in (("op", "=="), ("op", "!=")):
            operator = self.take()[1]
            right = self.comparison()
            value = equal(value, right) if operator == "==" else not equal(value, right)
        return value

    def comparison(self):
        value = self.unary()
        while self.peek() in (("op", "<"), ("op", "<="), ("op", ">"), ("op", ">=")):
            operator = self.take()[1]
            right = self.unary()
            if isinstance(value, str) and isinstance(right, str):
                a, b = value.casefold(), right.casefold()
            else:
                a, b = as_number(value), as_number(right)
            value = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[operator]
        return value

    def unary(self):
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self):
        kind, text = self.take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return int(text, 16) if text.lower().startswith(("0x", "-0x")) else float(text)
        if kind == "op" and text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "ident":
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            if self.peek() == ("op", "("):
                self.take()
                arguments = []
                while self.peek() != ("op", ")"):
                    arguments.append(self.or_())
                    if self.peek() == ("op", ","):
                        self.take()
                self.take(")")
                return self.call(text, arguments)
            if text not in self.contexts:
                raise HarnessError(f"unknown context {text!r}")
            return self.contexts[text]
        raise HarnessError(f"unexpected {text!r}")

    def postfix(self, value):
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == ".":
                kind, name = self.take()
                if kind != "ident":
                    raise HarnessError(f"expected a property name, found {name!r}")
                value = self.property(value, name)
            else:
                key = self.or_()
                self.take("]")
                value = self.property(value, key)
        return value

    @staticmethod
    def property(value, key):
        if isinstance(value, dict):
            if isinstance(key, str):
                for name, item in value.items():  # property names ignore case
                    if name.casefold() == key.casefold():
                        return item
            return None
        if isinstance(value, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
            index = int(key)
            return value[index] if 0 <= index < len(value) else None
        return None

    def call(self, name, arguments):
        name = name.lower()
        if name == "success":
            return self.status == "success"
        if name == "failure":
            return self.status == "failure"
        if name == "always":
            return True
        if name == "cancelled":
            return False
        if name == "contains":
            haystack, needle = arguments
            if isinstance(haystack, list):
                return any(equal(item, needle) for item in haystack)
            return as_string(needle).casefold() in as_string(haystack).casefold()
        if name == "startswith":
            return as_string(arguments[0]).casefold().startswith(as_string(arguments[1]).casefold())
        if name == "endswith":
            return as_string(arguments[0]).casefold().endswith(as_string(arguments[1]).casefold())
        if name == "format":
            template, rest = as_string(arguments[0]), arguments[1:]
            return re.sub(r"\{\{|\}\}|\{(\d+)\}",
                          lambda m: "{" if m.group(0) == "{{" else "}" if m.group(0) == "}}" else as_string(rest[int(m.group(1))]),
                          template)
        if name == "join":
            items, separator = arguments[0], (as_string(arguments[1]) if len(arguments) > 1 else ",")
            return separator.join(as_string(item) for item in items) if isinstance(items, list) else as_string(items)
        if name == "tojson":
            return json.dumps(arguments[0], indent=2)
        if name == "fromjson":
            return json.loads(as_string(arguments[0]))
        raise HarnessError(f"function {name}() is not supported by this harness")


EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def interpolate(text, evaluator):
    if not isinstance(text, str):
        return as_string(text)
    return EXPRESSION.sub(lambda match: as_string(evaluator.evaluate(match.group(1))), text)


def condition(text, evaluator):
    if text is None:
        return evaluator.status == "success"
    if isinstance(text, bool):
        return text
    text = str(text).strip()
    whole = re.fullmatch(r"\$\{\{(.*)\}\}", text, re.S)
    if whole:
        text = whole.group(1)
    if not re.search(r"\b(success|failure|always|cancelled)\s*\(", text):
        text = f"success() && ({text})"
    return truthy(evaluator.evaluate(text))


# ---------------------------------------------------------------- running

SHELLS = {
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"],
    "sh": ["sh", "-e", "{0}"],
    "python": ["python3", "{0}"],
}


def workflow_commands(text, result):
    for line in text.splitlines():
        if line.startswith("::add-mask::"):
            result["masks"].append(line[len("::add-mask::"):])
        elif line.startswith(("::warning", "::error", "::notice")):
            result["annotations"].append(line)
        elif line.startswith(("::set-output", "::save-state", "::set-env", "::add-path")):
            result["deprecated_commands"].append(line)


def run(action_file, workspace, inputs, github, extra_env, runner_temp):
    with open(action_file, encoding="utf-8") as handle:
        action = yaml.safe_load(handle)
    if (action.get("runs") or {}).get("using") != "composite":
        raise HarnessError("not a composite action")
    declared = action.get("inputs") or {}
    unknown = sorted(set(inputs) - set(declared))
    if unknown:
        raise HarnessError(f"unexpected inputs: {', '.join(unknown)}")
    action_path = os.path.dirname(os.path.abspath(action_file))
    github = dict(github)
    github.update({"action_path": action_path, "workspace": workspace})
    github.setdefault("run_id", "1")
    github.setdefault("run_attempt", "1")
    runner = {"os": "Linux", "arch": {"x86_64": "X64", "aarch64": "ARM64"}.get(platform.machine(), platform.machine()),
              "temp": runner_temp, "tool_cache": os.path.join(runner_temp, "tool_cache"), "name": "harness"}
    contexts = {"github": github, "runner": runner, "steps": {}, "env": dict(extra_env), "inputs": {}}
    evaluator = Evaluator(contexts, "success")
    for name, spec in declared.items():
        spec = spec or {}
        if name in inputs:
            contexts["inputs"][name] = as_string(inputs[name])
        elif "default" in spec:
            contexts["inputs"][name] = interpolate(as_string(spec["default"]), evaluator)
        elif spec.get("required"):
            raise HarnessError(f"input {name} is required")
        else:
            contexts["inputs"][name] = ""

    base = dict(os.environ)
    base.update(extra_env)
    base.update({
        "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": workspace, "GITHUB_ACTION_PATH": action_path,
        "RUNNER_TEMP": runner_temp, "RUNNER_OS": runner["os"], "RUNNER_ARCH": runner["arch"],
        "RUNNER_TOOL_CACHE": runner["tool_cache"],
    })
    for key, value in github.items():
        if isinstance(value, (str, int, float)) and key not in ("action_path", "workspace", "token"):
            base["GITHUB_" + key.upper()] = as_string(value)
    result = {"outputs": {}, "steps": [], "summary": "", "annotations": [], "masks": [], "deprecated_commands": []}
    extra_path = []
    files = tempfile.mkdtemp(prefix="file_commands", dir=runner_temp)
    for number, step in enumerate((action["runs"].get("steps") or []), start=1):
        step_id = step.get("id") or f"__step{number}"
        name = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
        record = {"id": step_id, "name": name, "outcome": None, "note": None, "stdout": "", "stderr": ""}
        result["steps"].append(record)
        contexts["steps"][step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
        if not condition(step.get("if"), evaluator):
            record["outcome"], record["note"] = "skipped", f"if: {step.get('if')} is false"
            continue
        if "uses" in step:
            record["outcome"] = "skipped"
            record["note"] = f"uses: {step['uses']} is another action; this harness runs only run: steps (its outputs stay empty, as on a cache miss)"
            continue
        env = dict(base)
        env["PATH"] = os.pathsep.join(extra_path + [base.get("PATH", "")])
        for key, value in (step.get("env") or {}).items():
            env[key] = interpolate(value, evaluator)
        for kind in ("OUTPUT", "STEP_SUMMARY", "ENV", "PATH"):
            path = os.path.join(files, f"{kind.lower()}_{number}")
            open(path, "w").close()
            env["GITHUB_" + kind] = path
        shell = step.get("shell")
        if not shell:
            raise HarnessError(f"step {name!r}: a composite run step needs shell")
        template = SHELLS.get(shell) or shell.split()
        if "{0}" not in template:
            template = template + ["{0}"]
        script = os.path.join(files, f"script_{number}")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write(interpolate(step["run"], evaluator))
        directory = interpolate(step.get("working-directory", ""), evaluator) or "."
        directory = os.path.normpath(os.path.join(workspace, directory))
        completed = subprocess.run([part.replace("{0}", script) for part in template], cwd=directory, env=env,
                                   capture_output=True, text=True, check=False)
        record["stdout"], record["stderr"] = completed.stdout, completed.stderr
        workflow_commands(completed.stdout + "\n" + completed.stderr, result)
        with open(env["GITHUB_OUTPUT"], encoding="utf-8") as handle:
            outputs = github_files.parse(handle.read())
        with open(env["GITHUB_ENV"], encoding="utf-8") as handle:
            base.update(github_files.parse(handle.read()))
        with open(env["GITHUB_PATH"], encoding="utf-8") as handle:
            extra_path = [line for line in handle.read().splitlines() if line] + extra_path
        with open(env["GITHUB_STEP_SUMMARY"], encoding="utf-8") as handle:
            result["summary"] += handle.read()
        outcome = "success" if completed.returncode == 0 else "failure"
        record["outcome"] = outcome
        contexts["steps"][step_id] = {"outputs": outputs, "outcome": outcome, "conclusion": outcome}
        if outcome == "failure":
            evaluator.status = "failure"
    for name, spec in (action.get("outputs") or {}).items():
        result["outputs"][name] = interpolate((spec or {}).get("value", ""), evaluator)
    return result, evaluator.status == "success"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action")
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--inputs", default="{}")
    parser.add_argument("--github", default="{}")
    parser.add_argument("--env", default="{}")
    parser.add_argument("--runner-temp")
    arguments = parser.parse_args()
    try:
        runner_temp = arguments.runner_temp or tempfile.mkdtemp(prefix="runner_temp")
        result, succeeded = run(arguments.action, os.path.abspath(arguments.workspace), json.loads(arguments.inputs),
                                json.loads(arguments.github), json.loads(arguments.env), runner_temp)
    except (HarnessError, github_files.FileCommandError, yaml.YAMLError, OSError) as error:
        print(f"run_composite: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(main())

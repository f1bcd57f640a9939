#!/usr/bin/env python3
"""Runs a composite action's steps as the GitHub Actions runner would, on this machine.

    python3 run_composite.py ACTION.yml --workspace DIR [--inputs JSON] [--github JSON]
                             [--env JSON] [--runner-temp DIR]
    python3 run_composite.py WORKFLOW.yml --job ID --workspace DIR [--secrets JSON]
                             [--local-action REF=ACTION.yml] [--skip-step NAME=REASON] ...

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

A workflow job (--job) runs the same way: workflow and job `env:`, `defaults.run.shell`
(else `bash -e {0}`), the `secrets` context, and `uses:` of a composite action given with
--local-action run as that action with its `with:` inputs and the step's `env:`.

What it does not do, by design: `uses:` steps of other actions (actions/cache,
actions/checkout, aws-actions/configure-aws-credentials) are skipped and reported as
skipped with the reason; their outputs are empty, as a cache miss would leave them. A test
may skip a named step it cannot run here (--skip-step, with its reason in the result).
Nothing here contacts the network.

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
# A workflow run: step without shell (Linux): bash -e.
DEFAULT_WORKFLOW_SHELL = ["bash", "-e", "{0}"]


def workflow_commands(text, result):
    for line in text.splitlines():
        if line.startswith("::add-mask::"):
            result["masks"].append(line[len("::add-mask::"):])
        elif line.startswith(("::warning", "::error", "::notice")):
            result["annotations"].append(line)
        elif line.startswith(("::set-output", "::save-state", "::set-env", "::add-path")):
            result["deprecated_commands"].append(line)


class Runner:
    """One job on one machine: the GitHub and runner contexts, the environment every step
    starts from, the record of what ran."""

    def __init__(self, workspace, github, extra_env, runner_temp, local_actions=None, skips=None):
        self.workspace = workspace
        self.github = dict(github)
        self.github["workspace"] = workspace
        self.github.setdefault("run_id", "1")
        self.github.setdefault("run_attempt", "1")
        self.runner = {"os": "Linux", "arch": {"x86_64": "X64", "aarch64": "ARM64"}.get(platform.machine(), platform.machine()),
                       "temp": runner_temp, "tool_cache": os.path.join(runner_temp, "tool_cache"), "name": "harness"}
        self.runner_temp = runner_temp
        self.local_actions = local_actions or {}
        self.skips = skips or {}
        self.base = dict(os.environ)
        self.base.update(extra_env)
        self.base.update({
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": workspace,
            "RUNNER_TEMP": runner_temp, "RUNNER_OS": self.runner["os"], "RUNNER_ARCH": self.runner["arch"],
            "RUNNER_TOOL_CACHE": self.runner["tool_cache"],
        })
        for key, value in self.github.items():
            if isinstance(value, (str, int, float)) and key not in ("action_path", "workspace", "token"):
                self.base["GITHUB_" + key.upper()] = as_string(value)
        self.extra_path = []
        self.files = tempfile.mkdtemp(prefix="file_commands", dir=runner_temp)
        self.counter = 0
        self.result = {"outputs": {}, "steps": [], "summary": "", "annotations": [], "masks": [], "deprecated_commands": []}

    def run_steps(self, steps, contexts, evaluator, step_env, default_shell, action_path=None, depth=0):
        """Runs steps in order as the runner does; returns the steps context."""
        for number, step in enumerate(steps or [], start=1):
            step_id = step.get("id") or f"__step{number}"
            name = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
            record = {"id": step_id, "name": name, "depth": depth, "outcome": None, "note": None, "stdout": "", "stderr": ""}
            self.result["steps"].append(record)
            contexts["steps"][step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            if not condition(step.get("if"), evaluator):
                record["outcome"], record["note"] = "skipped", f"if: {step.get('if')} is false"
                continue
            if name in self.skips:
                record["outcome"], record["note"] = "skipped", f"skipped by the test: {self.skips[name]}"
                continue
            env = dict(step_env)
            for key, value in (step.get("env") or {}).items():
                env[key] = interpolate(value, evaluator)
            if "uses" in step:
                reference = step["uses"]
                if reference not in self.local_actions:
                    record["outcome"] = "skipped"
                    record["note"] = (f"uses: {reference} is another action; this harness runs only run: steps "
                                      "(its outputs stay empty, as on a cache miss)")
                    continue
                inputs = {key: interpolate(value, evaluator) for key, value in (step.get("with") or {}).items()}
                outputs, succeeded = self.run_composite(self.local_actions[reference], inputs, env, depth + 1)
                outcome = "success" if succeeded else "failure"
            else:
                outputs, outcome = self.run_script(step, evaluator, env, default_shell, action_path, record)
            record["outcome"] = outcome
            contexts["steps"][step_id] = {"outputs": outputs, "outcome": outcome, "conclusion": outcome}
            if outcome == "failure":
                evaluator.status = "failure"
        return contexts["steps"]

    def run_script(self, step, evaluator, step_env, default_shell, action_path, record):
        self.counter += 1
        number = self.counter
        env = dict(self.base)
        env.update(step_env)
        env["PATH"] = os.pathsep.join(self.extra_path + [self.base.get("PATH", "")])
        if action_path:
            env["GITHUB_ACTION_PATH"] = action_path
        for kind in ("OUTPUT", "STEP_SUMMARY", "ENV", "PATH"):
            path = os.path.join(self.files, f"{kind.lower()}_{number}")
            open(path, "w").close()
            env["GITHUB_" + kind] = path
        shell = step.get("shell")
        if not shell and default_shell is None:
            raise HarnessError(f"step {record['name']!r}: a composite run step needs shell")
        template = (SHELLS.get(shell) or shell.split()) if shell else default_shell
        if "{0}" not in template:
            template = template + ["{0}"]
        script = os.path.join(self.files, f"script_{number}")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write(interpolate(step["run"], evaluator))
        directory = interpolate(step.get("working-directory", ""), evaluator) or "."
        directory = os.path.normpath(os.path.join(self.workspace, directory))
        completed = subprocess.run([part.replace("{0}", script) for part in template], cwd=directory, env=env,
                                   capture_output=True, text=True, check=False)
        record["stdout"], record["stderr"] = completed.stdout, completed.stderr
        workflow_commands(completed.stdout + "\n" + completed.stderr, self.result)
        with open(env["GITHUB_OUTPUT"], encoding="utf-8") as handle:
            outputs = github_files.parse(handle.read())
        with open(env["GITHUB_ENV"], encoding="utf-8") as handle:
            self.base.update(github_files.parse(handle.read()))
        with open(env["GITHUB_PATH"], encoding="utf-8") as handle:
            self.extra_path = [line for line in handle.read().splitlines() if line] + self.extra_path
        with open(env["GITHUB_STEP_SUMMARY"], encoding="utf-8") as handle:
            self.result["summary"] += handle.read()
        return outputs, "success" if completed.returncode == 0 else "failure"

    def run_composite(self, action_file, inputs, step_env, depth=0):
        """Runs a composite action with `with:` inputs; returns its outputs and whether it succeeded."""
        with open(action_file, encoding="utf-8") as handle:
            action = yaml.safe_load(handle)
        if (action.get("runs") or {}).get("using") != "composite":
            raise HarnessError("not a composite action")
        declared = action.get("inputs") or {}
        unknown = sorted(set(inputs) - set(declared))
        if unknown:
            raise HarnessError(f"unexpected inputs: {', '.join(unknown)}")
        action_path = os.path.dirname(os.path.abspath(action_file))
        github = dict(self.github, action_path=action_path)
        contexts = {"github": github, "runner": self.runner, "steps": {}, "env": dict(step_env), "inputs": {}}
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
        self.run_steps(action["runs"].get("steps"), contexts, evaluator, step_env, None, action_path, depth)
        outputs = {name: interpolate((spec or {}).get("value", ""), evaluator) for name, spec in (action.get("outputs") or {}).items()}
        return outputs, evaluator.status == "success"

    def run_job(self, workflow_file, job, secrets):
        """Runs one job of a workflow (its run: steps, and its uses: of local composite actions)."""
        with open(workflow_file, encoding="utf-8") as handle:
            workflow = yaml.safe_load(handle)
        jobs = workflow.get("jobs") or {}
        if job not in jobs:
            raise HarnessError(f"no job {job!r}")
        contexts = {"github": self.github, "runner": self.runner, "steps": {}, "env": {}, "secrets": secrets, "vars": {}}
        evaluator = Evaluator(contexts, "success")
        env = {}
        for level in (workflow.get("env") or {}, jobs[job].get("env") or {}):
            for key, value in level.items():
                env[key] = interpolate(value, evaluator)
        contexts["env"] = dict(env)
        shell = ((jobs[job].get("defaults") or {}).get("run") or {}).get("shell") or ((workflow.get("defaults") or {}).get("run") or {}).get("shell")
        default_shell = (SHELLS.get(shell) or shell.split()) if shell else DEFAULT_WORKFLOW_SHELL
        self.run_steps(jobs[job].get("steps"), contexts, evaluator, env, default_shell)
        self.result["outputs"] = {step_id: step["outputs"] for step_id, step in contexts["steps"].items() if not step_id.startswith("__")}
        return evaluator.status == "success"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="the composite action's action.yml, or with --job a workflow")
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--job", help="run this job of the workflow FILE")
    parser.add_argument("--inputs", default="{}", help="the action's with: values (JSON)")
    parser.add_argument("--secrets", default="{}", help="the workflow's secrets context (JSON)")
    parser.add_argument("--github", default="{}")
    parser.add_argument("--env", default="{}")
    parser.add_argument("--runner-temp")
    parser.add_argument("--local-action", action="append", default=[], metavar="REF=ACTION.yml",
                        help="run uses: REF as this local composite action")
    parser.add_argument("--skip-step", action="append", default=[], metavar="NAME=REASON",
                        help="do not run the step named NAME, and say why")
    arguments = parser.parse_args()
    try:
        runner_temp = arguments.runner_temp or tempfile.mkdtemp(prefix="runner_temp")
        runner = Runner(os.path.abspath(arguments.workspace), json.loads(arguments.github), json.loads(arguments.env), runner_temp,
                        dict(item.split("=", 1) for item in arguments.local_action),
                        dict(item.split("=", 1) for item in arguments.skip_step))
        if arguments.job:
            succeeded = runner.run_job(arguments.file, arguments.job, json.loads(arguments.secrets))
        else:
            runner.result["outputs"], succeeded = runner.run_composite(arguments.file, json.loads(arguments.inputs), {})
    except (HarnessError, github_files.FileCommandError, yaml.YAMLError, OSError) as error:
        print(f"run_composite: {error}", file=sys.stderr)
        return 2
    print(json.dumps(runner.result, indent=2, sort_keys=True))
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(main())

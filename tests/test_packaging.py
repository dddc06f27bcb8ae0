"""The kit installs the same way with pip and with conda/Binder, and stays lint-clean."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
# PyPI and conda-forge spell a few names differently.
CONDA_NAMES = {
    "pyyaml": "pyyaml",
    "jupyter-bokeh": "jupyter_bokeh",
    "jupyter-server": "jupyter_server",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = {}
    for line in project["dependencies"]:
        req = Requirement(line)
        found[_normal(req.name)] = str(req.specifier)
    return found


def _conda_requirements() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found, pip = {}, []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            pip.extend(item.get("pip", []))
            continue
        match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", item)
        assert match, f"cannot read conda dependency {item!r}"
        name, spec = match.groups()
        if name in {"python", "pip"}:
            continue
        found[_normal(name)] = str(Requirement(f"x{spec.replace(' ', '')}").specifier)
    return found, pip


def test_environment_yml_matches_pyproject() -> None:
    pyproject = _pyproject_requirements()
    conda, pip = _conda_requirements()
    assert set(conda) == set(pyproject), (
        f"only in pyproject: {sorted(set(pyproject) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(pyproject))}"
    )
    for name, spec in pyproject.items():
        assert conda[name] == spec, (
            f"{name}: pyproject says {spec!r}, environment.yml {conda[name]!r}"
        )
    assert "-e ." in pip or "." in pip, "environment.yml must install the kit itself with pip"


def test_environment_yml_uses_conda_forge_and_python_311() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"][0] == "conda-forge"
    assert "python>=3.11" in env["dependencies"]


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    head = readme[: readme.index("\n## ", readme.index("make test"))]
    assert "make serve" in head and "make test" in head
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^serve:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "chromium" in ci and "postgresql" in ci

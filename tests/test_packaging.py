"""A non-editable install must find the prompts: they live at the top of the repository but
ship inside the wheel as the package kresearch.prompts."""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_the_prompts(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "-q", "-w", str(tmp_path)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("kresearch-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for prompt in (ROOT / "prompts").glob("*.md"):
        assert f"kresearch/prompts/{prompt.name}" in names
    assert "kresearch/prompts/__init__.py" in names
    # and every module of the source tree (a sub-package missing from pyproject's list is not shipped)
    for module in (ROOT / "src").rglob("*.py"):
        assert module.relative_to(ROOT / "src").as_posix() in names


def test_prompts_render():
    from kresearch.prompts import render

    assert "Question: why?" in render("task", question="why?")

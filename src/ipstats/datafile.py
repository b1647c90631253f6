"""Where the dataset lives and how a file becomes a validated Dataset."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ipstats.errors import Problem
from ipstats.model import Dataset

ENV_VAR = "IPSTATS_DATA"
_PACKAGED = Path(__file__).parent / "data" / "indicators.yaml"  # inside an installed wheel
_CHECKOUT = Path(__file__).resolve().parents[2] / "data" / "indicators.yaml"  # source tree


def default_path() -> Path:
    """The shipped dataset: packaged with the wheel, or in the checkout for editable installs."""
    return _PACKAGED if _PACKAGED.is_file() else _CHECKOUT


def choose_path(option: Path | None = None) -> Path:
    """--data wins over $IPSTATS_DATA, which wins over the shipped dataset."""
    if option is not None:
        return option
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else default_path()


@dataclass(frozen=True, slots=True)
class Loaded:
    dataset: Dataset
    warnings: tuple[Problem, ...]
    path: Path


def load(path: Path | None = None) -> Loaded:
    """Read, parse and validate a dataset file. Raises DatasetError with located problems."""
    from ipstats.loader import load_tree
    from ipstats.schema import build_dataset

    chosen = choose_path(path)
    dataset, warnings = build_dataset(load_tree(chosen), str(chosen))
    return Loaded(dataset, warnings, chosen)

"""Progress reporting shared by long-running ETL functions and the command line.

Library functions (``load_paths``, ``build_demo``, ``synth`` …) take an optional ``progress``
callable instead of printing, so the same code runs silently in tests, drives a rich bar in the
terminal, and feeds ``st.progress`` in the dashboard. The contract is deliberately tiny:

    progress(done: int, total: int, label: str) -> None

called once before the first unit of work (``done == 0``) and after each unit. ``total`` may
be 0 when unknown.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator, Protocol


class ProgressFn(Protocol):
    def __call__(self, done: int, total: int, label: str) -> None: ...


def null_progress(done: int, total: int, label: str) -> None:
    """A progress callable that does nothing (the default everywhere)."""


@contextmanager
def rich_progress(description: str, *, enabled: bool | None = None) -> Iterator[ProgressFn]:
    """A progress callable drawing a rich bar on stderr, for the command line.

    Disabled (a no-op) when stderr is not a terminal unless ``enabled`` is forced, so that
    piped output and test logs stay clean.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield null_progress
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[label]}"),
        console=Console(stderr=True),
        transient=False,
    )
    task = bar.add_task(description, total=None, label="")

    def update(done: int, total: int, label: str) -> None:
        bar.update(task, completed=done, total=total or None, label=_short(label))

    with bar:
        yield update


def _short(label: str, width: int = 40) -> str:
    return label if len(label) <= width else "…" + label[-(width - 1):]


def make_counter(progress: Callable[[int, int, str], None] | None, total: int) -> Callable[[str], None]:
    """Turn a ``progress`` callable into a step function ``step(label)`` counting up to total."""
    fn = progress or null_progress
    state = {"done": 0}
    fn(0, total, "")

    def step(label: str) -> None:
        state["done"] += 1
        fn(state["done"], total, label)

    return step

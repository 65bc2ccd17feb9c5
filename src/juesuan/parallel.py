"""One job per file in parallel processes, for the batches of ``juesuan report`` and
``juesuan audit``: never more processes than files, a worker that dies becomes that file's
outcome, Ctrl+C stops the batch (only the files under way finish) without a traceback from
every worker."""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

T = TypeVar("T")


def _ignore_interrupt() -> None:
    # Ctrl+C reaches every process of the group: the parent stops the batch, the workers
    # must not each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_each(jobs: Sequence[str], work: Callable[..., T], args: tuple[Any, ...], *, workers: int,
             crashed: Callable[[str, BaseException], T],
             progress: Callable[[T], None] | None = None) -> list[T]:
    """``work(job, *args)`` for every job, in the jobs' order (in this process for one job
    or one worker). ``crashed`` makes the outcome of a job whose worker died."""
    if len(jobs) <= 1 or workers <= 1:
        results = []
        for job in jobs:
            outcome = work(job, *args)
            results.append(outcome)
            if progress:
                progress(outcome)
        return results
    outcomes: dict[str, T] = {}
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)),  # a fork start makes them all at once
                             initializer=_ignore_interrupt) as pool:
        futures = {pool.submit(work, job, *args): job for job in jobs}
        try:
            for future in as_completed(futures):
                job = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker died (BrokenProcessPool) or a pickling bug
                    outcome = crashed(job, exc)
                outcomes[job] = outcome
                if progress:
                    progress(outcome)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)  # only the files under way finish
            raise
    return [outcomes[job] for job in jobs]

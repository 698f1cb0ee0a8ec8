"""`dlpaths serve` notices a saved file sooner than MkDocs' default.

MkDocs watches files by polling every 0.5 s, a quarter of a second of waiting on average before
a rebuild even starts. Looking at docs/ and notebooks/ takes under a millisecond, so polling every
0.1 s costs about 1% of one core.
"""

from __future__ import annotations

POLL_SECONDS = 0.1


def poll_faster(observer, seconds: float = POLL_SECONDS) -> None:
    """Shorten a watchdog polling observer's interval, for the folders it watches and those added later.

    watchdog (pinned in requirements.lock) keeps the interval in private attributes; a test fails
    if that changes.
    """
    if not hasattr(observer, "_timeout"):
        raise RuntimeError("watchdog's observer changed: update dlpaths.devserver.poll_faster")
    observer._timeout = seconds
    for emitter in observer.emitters:
        emitter._timeout = seconds

"""What is wrong on the box right now, sent with every heartbeat as the fleet page's "Lỗi gần nhất".

Each part of the agent reports under its own topic and clears it as soon as that part works again, so the
office never reads a problem that has gone away (a box that kept saying "cannot reach the station" while
online, until restarted, was the complaint). A lost link is not a topic: heartbeats only travel over the
link, so any link error they could carry would already be over; the fleet page shows the box offline instead.

The texts are English and start with a fixed phrase (SOUND_DEVICE, AUDIO_NOT_CACHED, CONTROL_NOT_APPLIED),
which the fleet page turns into a Vietnamese label.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from radio.agent.sinks import AgentSink

log = logging.getLogger(__name__)

SOUND_DEVICE = "sound device"
AUDIO_NOT_CACHED = "audio not cached"
CONTROL_NOT_APPLIED = "remote control not applied"


class Problems:
    """Standing problems by topic, the newest last; written from the playout thread and the event loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_topic: dict[str, str] = {}

    def report(self, topic: str, text: str) -> None:
        with self._lock:
            self._by_topic.pop(topic, None)
            self._by_topic[topic] = text

    def clear(self, topic: str) -> None:
        with self._lock:
            self._by_topic.pop(topic, None)

    @property
    def latest(self) -> str:
        """The newest standing problem, or "" when all is well."""
        with self._lock:
            return next(reversed(self._by_topic.values()), "")


class WatchedSink:
    """The sound output, whose failure is reported (and logged once, not 20 times a second) until a block goes
    out again; a failing device never stops the playout clock (the next blocks are tried as usual)."""

    def __init__(self, sink: AgentSink, problems: Problems) -> None:
        self.sink = sink
        self.problems = problems
        self._failing = False

    def write(self, block: np.ndarray) -> None:
        try:
            self.sink.write(block)
        except Exception as error:  # PortAudioError, OSError, … have no common base; the device is what failed
            if not self._failing:
                log.exception("the sound device failed; retrying with every block")
            self._failing = True
            self.problems.report(SOUND_DEVICE, f"{SOUND_DEVICE}: {error}")
            return
        if self._failing:
            log.info("the sound device works again")
            self._failing = False
            self.problems.clear(SOUND_DEVICE)

    def close(self) -> None:
        self.sink.close()

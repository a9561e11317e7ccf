"""The live performance: hear, compose and animate online, one audio block at a time."""

from __future__ import annotations

from dataclasses import dataclass

from redshoes.compose.choreography import Stage, Step
from redshoes.live.animate import Frames, OnlineAnimate
from redshoes.live.compose import ComposeUpdate, OnlineCompose
from redshoes.live.hear import HearUpdate, OnlineHear
from redshoes.live.stage import AudioBlock


@dataclass(frozen=True)
class LiveOptions:
    """What the user chooses for a live performance: seed, level, frames per second, stage, look-ahead."""

    seed: int = 0
    level: str = "advanced"
    fps: float = 30.0
    stage: Stage = Stage()
    lead: float = 0.15  # seconds of frames sent ahead of the audio heard (the page's jitter buffer)


@dataclass(frozen=True, eq=False)
class LiveUpdate:
    """Everything one block changed: what was heard, the steps decided, the frames to show."""

    hear: HearUpdate
    compose: ComposeUpdate
    frames: Frames

    @property
    def time(self) -> float:
        return self.hear.time

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.compose.steps

    @property
    def message(self) -> str:
        return self.hear.message


class LivePerformance:
    """The three online stages in sequence (`OnlineStage[AudioBlock, LiveUpdate]`)."""

    def __init__(self, options: LiveOptions = LiveOptions()) -> None:
        self.options = options
        self.hear = OnlineHear()
        # counts within the frames already sent stay; the ones further ahead follow the beats as heard
        self.compose = OnlineCompose(seed=options.seed, level=options.level, stage=options.stage,
                                     fixed_ahead=options.lead)
        self.animate = OnlineAnimate(fps=options.fps, lead=options.lead, stage=options.stage)

    def reset(self) -> None:
        """Start a new performance: every stage forgets."""
        self.hear.reset()
        self.compose.reset()
        self.animate.reset()

    def process(self, block: AudioBlock) -> LiveUpdate:
        """Hear the block, decide what is due, emit the frames now due."""
        heard = self.hear.process(block)
        composed = self.compose.process(heard)
        return LiveUpdate(hear=heard, compose=composed, frames=self.animate.process(composed))

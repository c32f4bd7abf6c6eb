"""What a change in the outcome measures means, by published thresholds.

NPRS (numeric pain rating): a drop of 2 points or 30% is a change that matters to people with
chronic musculoskeletal pain (Salaffi et al. 2004). PSFS: a change of 2 points in the mean of the
activities matters (Stratford et al. 1995). Below those, a change is within everyday ups and downs.
"""

from dataclasses import dataclass

PAIN_POINTS = 2
PAIN_SHARE = 0.30
PSFS_POINTS = 2


@dataclass(frozen=True)
class PainChange:
    before: float
    after: float

    @property
    def points(self) -> float:
        return self.after - self.before

    @property
    def share(self) -> float | None:
        return abs(self.points) / self.before if self.before else None

    @property
    def matters(self) -> bool:
        return abs(self.points) >= PAIN_POINTS or (
            self.share is not None and self.share >= PAIN_SHARE and self.points != 0
        )

    def in_words(self) -> str:
        direction = "down" if self.points < 0 else "up"
        share = f" ({self.share:.0%})" if self.share else ""
        if self.points == 0:
            return f"Your weekly hip pain is the same as at the start ({_n(self.before)} of 10)."
        told = f"Your weekly hip pain went {direction} from {_n(self.before)} to {_n(self.after)}"
        if self.matters and self.points < 0:
            return f"{told}{share}: a change large enough to matter. Well done."
        if self.matters:
            return (
                f"{told}{share}: a change large enough to notice. Ease off a little and ask "
                "the instructor what to adjust."
            )
        return f"{told}: a small change, within the ups and downs of any week."


@dataclass(frozen=True)
class ActivityChange:
    before: float
    after: float

    @property
    def points(self) -> float:
        return self.after - self.before

    @property
    def matters(self) -> bool:
        return abs(self.points) >= PSFS_POINTS

    def in_words(self) -> str:
        told = (
            f"Your activities went from {_n(self.before)} to {_n(self.after)} out of 10 on average"
        )
        if self.matters and self.points > 0:
            return f"{told}: a change large enough to matter in daily life."
        if self.matters:
            return f"{told}: harder than at the start. Tell the instructor, she can adjust."
        return f"{told}: a small change so far."


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")

"""Budget performance self-evaluation (预算绩效自评): indicator targets, actual values and scoring."""

# juesuan.filing.model imports juesuan.performance.model, which imports juesuan.filing.base.
# Initialise the filing package first, so that importing a performance module on its own
# (before anything has imported juesuan.filing) does not meet a half-initialised module.
import juesuan.filing  # noqa: F401

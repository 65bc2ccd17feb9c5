"""Budget performance self-evaluation (预算绩效自评): indicator targets, actuals and scoring inputs."""

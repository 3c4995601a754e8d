"""Steps for other data pipelines; each needs its own optional extra."""

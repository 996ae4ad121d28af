"""`make bench`: the figures the committee's pages must reach at ten years of data (see BENCHMARKS.md)."""

"""Results on disk (tables, summaries, figures) and the HTML report."""

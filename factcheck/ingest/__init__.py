"""Reading articles and indexing them: readers for each format, the indexing pipeline."""

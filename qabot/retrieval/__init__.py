"""Retrieval: hybrid dense + BM25 search grouped by paper, and the relevance decisions over it."""

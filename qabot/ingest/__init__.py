"""Ingest: reading a corpus (profile pages, JSONL, bibliographies), chunking it, and building a
new index generation from it."""

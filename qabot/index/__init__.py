"""The persisted index: the store's layout, the manifest, the vector index behind its seam,
BM25, the paper table, chunk texts, the router's vocabulary, opening a generation, replicas
and integrity checks."""

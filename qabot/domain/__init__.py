"""The domain layer: records (papers, profiles, answers), filters and the filter decision,
the taxonomy of categories and affiliations, name identity, and checks of what callers pass in.
Everything above builds on these; they import nothing of qabot's but errors."""

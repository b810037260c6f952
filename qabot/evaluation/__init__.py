"""Evaluation: grounding metrics and judges (`grounding`), and eval runs and reports (`runner`)."""

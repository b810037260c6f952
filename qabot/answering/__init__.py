"""Answering: routing a question to an answer shape, the answer chain, citations, prompts,
the extractive answerer, follow-ups and the chat model client."""

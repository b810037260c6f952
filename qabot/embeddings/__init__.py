"""Embedding backends: the bundled MiniLM through ONNX Runtime (default) or torch, and OpenAI."""

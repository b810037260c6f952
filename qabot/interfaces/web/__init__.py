"""The web chat: starting the served app, the Gradio page, and what makes its cold start short."""

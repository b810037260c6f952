"""The MCP tools (ask, search, portfolio_statistics), over stdio and on Gradio's MCP server."""

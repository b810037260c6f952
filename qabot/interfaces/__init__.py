"""The interfaces over `QABot`: the CLI, the web chat, the MCP tools and the LangChain adapters."""

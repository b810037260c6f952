"""The `qabot` command (typer): `main` is its entry point."""

from qabot.interfaces.cli.commands import main

__all__ = ["main"]

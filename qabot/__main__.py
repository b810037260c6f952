"""`python -m qabot …` is the `qabot` command."""

from qabot.interfaces.cli import main

main()

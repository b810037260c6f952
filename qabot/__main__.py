"""`python -m qabot …` is the `qabot` command."""

from qabot.cli import main

main()

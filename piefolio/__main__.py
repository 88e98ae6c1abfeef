"""``python -m piefolio`` runs the command-line interface."""

from piefolio.cli import main

main()

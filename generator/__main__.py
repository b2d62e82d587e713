"""``python -m generator``: the command line."""

from generator.edges.cli import main

main()

"""`python -m pmquiz` runs the same CLI as the `pmquiz` script."""

from pmquiz.cli import main

main()

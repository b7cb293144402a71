"""`python -m pmquiz` runs the same CLI as the `pmquiz` script."""

from pmquiz.entry import main

main()

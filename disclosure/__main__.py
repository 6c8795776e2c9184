"""`python -m disclosure` is the same command line as `disclosure`."""

from disclosure.cli import main

main()

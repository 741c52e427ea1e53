"""`python -m monitor` is the `defwatch` command."""

from monitor.cli import main

main()

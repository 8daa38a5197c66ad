"""`python -m tracker` runs the command line."""
from tracker.cli.app import main

main()

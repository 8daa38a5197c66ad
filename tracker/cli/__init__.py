"""The command line: the only place that prints, reads the terminal or picks an exit code."""

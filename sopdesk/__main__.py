"""`python -m sopdesk`: the same command line as the `sopdesk` console script."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())

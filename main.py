"""Launch the SOP Desk window."""
import sys

from ui.app import run

if __name__ == "__main__":
    sys.exit(run(sys.argv))

"""``python -m dedupe`` runs the command line."""

from dedupe.cli import main

if __name__ == "__main__":
    main()

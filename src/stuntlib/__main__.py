"""``python -m stuntlib``: the command line of :mod:`stuntlib.cli`."""

from stuntlib.cli import run

if __name__ == "__main__":
    run()

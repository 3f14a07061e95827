"""`python -m veche` does what the `veche` console script does."""

from veche.manage import main

main()

"""One module per scenario: NAME, TARGET (max ratio), REPEAT, setup(), ours(), baseline(),
check(). Later issues add S1 (companies list), S3 (availability), S4 (parallel leases) and
S5 (directory feed) of design/README.md."""

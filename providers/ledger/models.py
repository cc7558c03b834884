"""Individual Service Fund ledgers."""

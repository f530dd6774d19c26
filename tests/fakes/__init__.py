"""Fake upstream servers on 127.0.0.1 for the tests: never the internet."""

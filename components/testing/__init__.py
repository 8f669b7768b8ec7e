"""Test support shared by several components' tests: fakes and generators that only tests import.

Production code never imports it (tests/architecture checks that), and its BUILD has only
`python_test_utils` and test targets, so no Lambda artifact or binary includes it.
"""

# fixture/ is a separate Pants repository that the e2e harness copies and tests through Pants;
# a plain `pytest tests/` must not collect its tests as Polo's.
collect_ignore = ["fixture"]

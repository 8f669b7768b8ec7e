"""Sum the JUnit XML reports `pants test` wrote and print pytest-style closing counts.

Pants prints one line per test file; CI wants the number of test cases. Exits non-zero when no
test case ran at all, so an empty run can never pass.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(report_dir: str) -> int:
    passed = failed = skipped = 0
    for report in sorted(Path(report_dir).rglob("*.xml")):
        for case in ET.parse(report).getroot().iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if passed + failed == 0:
        print("no test ran: that is a failure", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "dist/test/reports"))

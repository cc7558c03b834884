from tests.faults import tally


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not tally.faults and not tally.invariants:
        return
    write = terminalreporter.write_line
    terminalreporter.section("fault suite")
    for kind, count in sorted(tally.faults.items()):
        write(f"fault     {count:4d}  {kind}")
    for kind, count in sorted(tally.invariants.items()):
        write(f"invariant {count:4d}  {kind}")
    write(
        f"faults injected: {sum(tally.faults.values())}; invariants checked: {sum(tally.invariants.values())}"
    )

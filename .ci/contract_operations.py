"""CI only: the project's operation documents (graph/operations) still hold every operation of the
contract (../shared/contract/operations) unchanged, fragments included. The project may add
operations; it may not change or drop the contract's. Prints each problem, exits 1 on any."""

import sys
from pathlib import Path

from graphql import parse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.documents import canonical_operations, operation_files, operations  # noqa: E402


def main(contract_dir: Path) -> int:
    contract = canonical_operations([parse(path.read_text()) for path in operation_files(contract_dir)])
    ours = operations()
    problems = [
        f"{name}: missing from graph/operations" if name not in ours else f"{name}: differs from the contract"
        for name, text in sorted(contract.items())
        if ours.get(name) != text
    ]
    for problem in problems:
        print(problem)
    print(f"contract operations: {len(contract)} checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

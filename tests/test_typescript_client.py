"""The generated TypeScript client (clients/typescript): its persisted-query manifest holds the
server's canonical texts and hashes, it covers every operation, and with node it runs the buy flow
against a live server. The node tests skip, saying why, where node or `npm ci` is missing (CI runs
`make client` before its PostgreSQL leg)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import subprocess

import pytest
from graphql import parse

from graph.documents import OPERATIONS_DIR, canonical_operations, operations

from .live import ROOT, WEBHOOK_SECRET

CLIENT = ROOT / "clients" / "typescript"
MANIFEST = CLIENT / "src" / "generated" / "persisted-queries.json"
GENERATED = CLIENT / "src" / "generated" / "graphql.ts"


def manifest_script():
    spec = importlib.util.spec_from_file_location("client_manifest", CLIENT / "scripts" / "manifest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_manifest_is_what_the_operations_give():
    assert MANIFEST.read_text() == manifest_script().rendered(), "run `make client-generate`"


def test_the_manifest_holds_the_servers_canonical_text_and_its_sha256():
    entries = json.loads(MANIFEST.read_text())["operations"]
    assert set(entries) == set(operations())
    for name, text in operations().items():
        assert entries[name]["text"] == text
        assert entries[name]["sha256"] == hashlib.sha256(text.encode()).hexdigest()
        assert entries[name]["type"] in ("query", "mutation", "subscription")


def test_a_server_manifest_with_other_hashes_is_refused(tmp_path, monkeypatch):
    script = manifest_script()
    ours = script.manifest()["operations"]
    server = tmp_path / "manifest.json"
    monkeypatch.setattr(script, "SERVER_MANIFEST", server)
    assert script.check_server_manifest(ours) == []  # no server manifest yet
    server.write_text(json.dumps([{"name": name, "sha256": e["sha256"]} for name, e in ours.items()]))
    assert script.check_server_manifest(ours) == []
    server.write_text(json.dumps({"operations": {"Me": {"sha256": "0" * 64}}}))
    problems = script.check_server_manifest(ours)
    assert problems[0].startswith("Me: the server's manifest says 000")


def test_the_generated_client_has_a_typed_document_for_every_operation():
    generated = GENERATED.read_text()
    documents = set(re.findall(r"^export const (\w+)Document = ", generated, re.MULTILINE))
    assert documents == set(operations())


# The documents of buying and selling (live: the buyer's page waits for the payment on a websocket;
# delivery: the seller's zones and the buyer's addresses, options and choice per store); account
# upkeep (e-mailed links and the like) is left out.
BUY_FLOW_DOCUMENTS = ["storefront", "auth", "seller", "admin", "live", "delivery"]


def test_the_buy_flow_runs_every_operation_of_buying_and_selling():
    wanted = canonical_operations(
        [parse((OPERATIONS_DIR / f"{name}.graphql").read_text()) for name in BUY_FLOW_DOCUMENTS]
    )
    sources = "".join((CLIENT / "src" / name).read_text() for name in ("buy-flow.ts", "client.ts", "live.ts"))
    used = set(re.findall(r"\b(\w+)Document\b", sources))
    assert set(wanted) - used == set()


# ---------------------------------------------------------------- with node


def node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the TypeScript client is not run (see README, Build a client)")
    if not (CLIENT / "node_modules" / ".bin" / "tsc").exists():
        pytest.skip("clients/typescript/node_modules is missing: run `make client` (npm ci) first")
    return node


def node_command(node: str) -> list[str]:
    """node, with its WebSocket turned on where it is not yet by default (Node 20's is experimental;
    the live updates of the buy flow need one: src/live.ts)."""
    probe = [node, "-e", "process.exit(typeof WebSocket === 'function' ? 0 : 1)"]
    if subprocess.run(probe, capture_output=True, timeout=60).returncode == 0:
        return [node]
    return [node, "--experimental-websocket"]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> tuple[list[str], str]:
    """The client compiled into a temporary folder: (the node command, that folder)."""
    node = node_or_skip()
    out = tmp_path_factory.mktemp("client-js")
    build = subprocess.run(
        [str(CLIENT / "node_modules" / ".bin" / "tsc"), "-p", "tsconfig.json", "--outDir", str(out)],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    # The compiled modules import the JSON manifest relative to themselves, are ES modules, and
    # import their packages (graphql-ws) from node_modules.
    shutil.copy(CLIENT / "package.json", out / "package.json")
    (out / "node_modules").symlink_to(CLIENT / "node_modules")
    return node_command(node), str(out)


def run_node(compiled, script: str, env: dict | None = None) -> subprocess.CompletedProcess:
    node, out = compiled
    return subprocess.run(
        [*node, f"{out}/{script}"], cwd=CLIENT, capture_output=True, text=True, timeout=300, env=env
    )


def test_queries_fall_back_from_persisted_get_to_post(compiled):
    result = run_node(compiled, "persisted-check.js")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "persisted-query fallbacks passed" in result.stdout


def test_the_buy_flow_runs_against_a_live_server(compiled, kitanda_server):
    env = {
        **kitanda_server.env,
        "KITANDA_URL": kitanda_server.url,
        "PAYMENT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PAYMENT_REFERENCE_ENTITY": kitanda_server.env.get("PAYMENT_REFERENCE_ENTITY", "11223"),
    }
    result = run_node(compiled, "buy-flow.js", env)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the payment arrived live on myOrderUpdates" in result.stdout  # not by polling
    assert "buy flow passed" in result.stdout

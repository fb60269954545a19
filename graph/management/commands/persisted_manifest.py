"""Writes graph/operations/manifest.json, the persisted-query manifest: every operation of
graph/operations by name, with the sha256 of its canonical text (graph/documents.py) and the text.
The server loads it at start-up; generated clients use the same hashes."""

from django.core.management.base import BaseCommand

from graph.persisted import MANIFEST_PATH, manifest_json


class Command(BaseCommand):
    help = "Write the persisted-query manifest (graph/operations/manifest.json) from graph/operations."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="exit 1 when the manifest is stale")

    def handle(self, *args, check: bool = False, **options):
        content = manifest_json()
        if check:
            if not MANIFEST_PATH.exists() or MANIFEST_PATH.read_text() != content:
                self.stderr.write("The persisted-query manifest is stale: run manage.py persisted_manifest")
                raise SystemExit(1)
            self.stdout.write("The persisted-query manifest is current.")
            return
        MANIFEST_PATH.write_text(content)
        self.stdout.write(f"Wrote {MANIFEST_PATH.name}.")

"""The deploy tests that restore backups use the fault suite's private PostgreSQL cluster and its
migrated template (a site with meters): see tests/faults/conftest.py."""

from tests.faults.conftest import fault_cluster  # noqa: F401 - the fixture, shared with this folder

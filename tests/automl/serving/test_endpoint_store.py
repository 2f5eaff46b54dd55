"""The endpoint store: two processes changing one endpoint at once both take effect."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from automl.serving import EndpointStore

CHANGES = 40
CHANGER = textwrap.dedent("""
    import sys, time
    from automl.serving import EndpointStore
    store = EndpointStore(sys.argv[1])
    for _ in range({changes}):
        with store.locked("shared"):
            record = store.read("shared")
            time.sleep(0.002)  # a command's read-modify-write takes time: room for the other process
            record["changes"] += 1
            store.write(record)
""").format(changes=CHANGES)


def test_changes_from_two_processes_are_never_lost(tmp_path):
    store = EndpointStore(tmp_path)
    store.write({"name": "shared", "changes": 0})
    changers = [subprocess.Popen([sys.executable, "-c", CHANGER, str(tmp_path)]) for _ in range(2)]
    assert [c.wait(120) for c in changers] == [0, 0]
    record = store.read("shared")
    assert record["changes"] == 2 * CHANGES
    assert record["version"] == 1 + 2 * CHANGES


def test_the_lock_is_reentrant_within_a_thread(tmp_path):
    store = EndpointStore(tmp_path)
    store.write({"name": "e", "changes": 0})
    with store.locked("e"), store.locked("e"):  # a change calling another (create_deployment -> _running)
        store.write({**store.read("e"), "changes": 1})
    assert store.read("e")["changes"] == 1
    with store.locked("missing"):  # locking a name makes no endpoint folder (list and show stay right)
        pass
    assert not store.folder("missing").exists() and store.names() == ["e"]

"""Every notebook executes (nbclient), with small budgets, its outputs and MLflow in a temp folder."""
from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the test extra installs nbformat")
nbclient = pytest.importorskip("nbclient", reason="the test extra installs nbclient")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Each notebook's parameters cell is replaced by this, so tests stay fast and write nothing in the checkout;
#: four trials leave room for the VotingEnsemble that closes a search. The notebooks check their own
#: results with ``assert`` (a failed one is an error output).
PARAMETERS = 'EXAMPLES = {examples!r}\nOUTPUT_DIR = {output!r}\nTIMEOUT_MINUTES = 1\nMAX_TRIALS = 4\n'


def _parameterize(notebook, output: Path) -> None:
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "a notebook has one cell tagged 'parameters'"
    cells[0].source = PARAMETERS.format(examples=str(ROOT / "examples"), output=str(output))


def test_the_notebooks_are_all_found_and_committed_without_outputs():
    names = [p.name for p in NOTEBOOKS]
    assert {"01_classification_quickstart.ipynb", "02_regression.ipynb", "03_forecasting.ipynb",
            "04_batch_scoring_and_registry.ipynb"} <= set(names)
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert all(not c.get("outputs") and c.get("execution_count") is None
                   for c in notebook.cells if c.cell_type == "code"), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    monkeypatch.setenv("AUTOML_TRACKING", "on")
    monkeypatch.setenv("PYTHONWARNINGS", "ignore")
    notebook = nbformat.read(path, as_version=4)
    _parameterize(notebook, tmp_path / "outputs")
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors

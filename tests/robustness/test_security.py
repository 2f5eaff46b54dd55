"""Security: nothing in a data asset or a job file is run as code, tracking credentials are
never written anywhere, report output is escaped, and loading pickles is documented as unsafe.
"""
from __future__ import annotations

import logging
import socket
from pathlib import Path

import cloudpickle
import pytest

import automl
from automl import Input, tracking
from automl.errors import AutoMLError, DataError
from tests.robustness.conftest import labelled_frame, quick_job, refused

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok-3f9a1c77e2b54d0c-not-for-logs"
PASSWORD = "pw-8d21be6a-not-for-logs"


def _mltable(folder: Path, expression: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    labelled_frame().to_csv(folder / "train.csv", index=False)
    quoted = expression.replace("'", "''")  # a single-quoted YAML scalar
    (folder / "MLTable").write_text(
        "paths:\n  - file: ./train.csv\ntransformations:\n"
        "  - read_delimited:\n      delimiter: ','\n"
        f"  - filter: '{quoted}'\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("template", [
    '__import__("os").system("touch {marker}")',
    'col("x").__class__.__mro__[1].__subclasses__() or open("{marker}", "w")',
    '(lambda: __import__("pathlib").Path("{marker}").touch())()',
    'col("x") > 1 and exec("open(\'{marker}\', \'w\')")',
    'getattr(__builtins__, "open")("{marker}", "w")',
], ids=["import-os", "dunder-walk", "lambda", "exec", "getattr-builtins"])
def test_mltable_filter_is_never_run_as_code(tmp_path, template):
    marker = tmp_path / "pwned"
    table = _mltable(tmp_path / "table", template.format(marker=marker))
    job = quick_job(Input(type="mltable", path=str(table)))
    with refused(DataError, match=r"transformations\[1\]\.filter.*Allowed: col"):
        job.submit(show_progress=False)
    assert not marker.exists()


def test_a_plain_mltable_filter_still_works(tmp_path):
    table = _mltable(tmp_path / "table", 'col("x") >= 10 and col("colour") != "blue"')
    result = quick_job(Input(type="mltable", path=str(table))).submit(show_progress=False)
    frame = labelled_frame()
    kept = int(((frame["x"] >= 10) & (frame["colour"] != "blue")).sum())
    assert result.status == "Completed" and result.data_shape[0] == kept < len(frame)


@pytest.mark.parametrize("payload", [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    '!!python/name:os.system',
], ids=["apply-os-system", "apply-subprocess", "python-name"])
def test_job_yaml_tags_are_never_constructed(tmp_path, payload):
    marker = tmp_path / "pwned"
    labelled_frame().to_csv(tmp_path / "train.csv", index=False)
    (tmp_path / "job.yml").write_text(
        "type: automl\ntask: classification\nprimary_metric: accuracy\n"
        "target_column_name: label\n"
        "training_data:\n  type: uri_file\n  path: ./train.csv\n"
        f"tags:\n  owner: {payload.format(marker=marker)}\n", encoding="utf-8")
    with refused(AutoMLError, match=r"job\.yml, line 9, column \d+: not valid YAML: could not determine a "
                                          r"constructor for the tag '[^']*python/"):
        automl.load_job(tmp_path / "job.yml")
    assert not marker.exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _everything_written(root: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in root.rglob("*") if p.is_file()]


def test_tracking_credentials_are_never_written(tmp_path, monkeypatch, caplog, capfd):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUTOML_OUTPUTS_DIR", str(tmp_path / "outputs"))  # the jobs' state folders, read below
    monkeypatch.delenv("AUTOML_TRACKING", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", TOKEN)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", PASSWORD)
    frame = labelled_frame()
    frame['<script>alert("x")</script>'] = frame["x"] * 2  # report output must be escaped
    caplog.set_level(logging.DEBUG)
    result = quick_job(frame, algorithms=("LogisticRegression", "DecisionTree"), max_trials=2,
                       n_cross_validations=2, name="secrets").submit(show_progress=True)
    report = result.save_report(tmp_path / "report.html")

    # The same job against a server that does not answer, its URI carrying a password.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "3")
    unreachable = quick_job(frame, tracking_uri=f"http://user:{PASSWORD}@127.0.0.1:{_closed_port()}",
                            name="secrets_remote").submit(show_progress=True)
    assert result.status == unreachable.status == "Completed" and unreachable.tracking_errors

    written = _everything_written(tmp_path)
    assert {"job.pkl", "result.pkl"} <= {p.name for p, _ in written} and report.exists()
    said = capfd.readouterr()
    texts = {"logs": caplog.text, "stdout": said.out, "stderr": said.err,
             "results": repr([{k: v for k, v in vars(r).items() if not k.startswith("_")}
                              for r in (result, unreachable)]),  # in memory only: _-prefixed
             "model": cloudpickle.dumps(result.best_model).decode("latin-1")}
    for secret in (TOKEN, PASSWORD):
        for what, text in texts.items():
            assert secret not in text, f"{what} holds a tracking secret"
        for path, content in written:
            assert secret.encode() not in content, f"{path} holds a tracking secret"
    html = report.read_text(encoding="utf-8")
    assert '<script>alert("x")</script>' not in html and "&lt;script&gt;" in html


def test_loading_pickles_is_documented_as_unsafe():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    reliability = readme.split("## Reliability", 1)[1].split("\n## ", 1)[0]
    assert "untrusted" in reliability and "pickle" in reliability and "ONNX" in reliability
    assert "untrusted" in automl.AutoMLResult.register_model.__doc__
    assert "untrusted" in tracking.__doc__

"""Azure ML CLI v2 AutoML job YAML -> the same job objects as the Python API.

The schema is a table: the top-level keys (:data:`TOP_LEVEL_KEYS`), and one
:class:`Section` per nested block (``limits:``, ``training:``,
``featurization:``, ``forecasting:``) naming the job setter it feeds. A
section's valid keys are its setter's keyword arguments (with Azure's YAML
spellings where they differ), so the YAML can never drift from the API. Unknown
keys are errors naming the key, its line and the closest valid key, as Azure's
schema validation does.

Differences from Azure, on purpose: relative ``path:`` entries resolve against
the YAML file's folder (``--set`` paths against the working directory);
``compute``, ``resources``, ``queue_settings``, ``identity``, ``outputs`` and
``environment_variables`` are accepted and ignored with a warning (there is no
workspace); ``seed`` and ``tracking_uri`` are local extensions.
"""
from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from automl.data import Input
from automl.errors import ConfigError, did_you_mean
from automl.jobs._factories import FACTORIES, JOB_ARGUMENTS
from automl.jobs._job import AutoMLJob
from automl.jobs._task_jobs import JOB_CLASSES
from automl.jobs._yaml_loader import SourceMapping, parse_value, read_yaml
from automl.settings import DATA_SETTINGS, INPUT_SETTINGS, StackEnsembleSettings
from automl.tasks import get_task

__all__ = ["SECTIONS", "TOP_LEVEL_KEYS", "Section", "apply_overrides", "job_from_mapping", "load_job"]

#: Azure keys that mean nothing on one machine: accepted, ignored with a warning.
IGNORED_KEYS = ("compute", "resources", "queue_settings", "identity", "outputs", "environment_variables")
#: Keys passed to the factory as keyword arguments of the job.
JOB_KEYS = tuple(k for k in JOB_ARGUMENTS if k not in IGNORED_KEYS)
#: Keys of an ``Input`` mapping.
INPUT_FIELDS = ("type", "path", "mode", "description")


def _factory_keys(task: str) -> list[str]:
    """The top-level keys the factory of ``task`` takes besides the data and the job's own: ``primary_metric``,
    and the task's own (``positive_label`` for classification), read from its signature."""
    parameters = inspect.signature(FACTORIES[task]).parameters.values()
    return [p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY
            and p.name not in (*DATA_SETTINGS, "enable_model_explainability", "forecasting_settings")]


def _task_only_keys() -> dict[str, tuple[str, ...]]:
    """Keys only the factories of some tasks take (``positive_label``), and those tasks."""
    keys = {task: set(_factory_keys(task)) for task in FACTORIES}
    shared = set.intersection(*keys.values())
    return {key: tuple(t for t in FACTORIES if key in keys[t]) for key in sorted(set.union(*keys.values()) - shared)}


#: Keys only the factories of some tasks take (``positive_label``).
TASK_ONLY: dict[str, tuple[str, ...]] = _task_only_keys()


@dataclass(frozen=True)
class Section:
    """A nested YAML block and the job setter it feeds.

    Attributes
    ----------
    setter : str
        Method of the job called with the block's keys.
    renames : dict of str to str
        YAML key -> setter argument, where Azure's YAML spells it differently.
    nested : dict of str to callable
        Keys holding a mapping, and the dataclass whose fields are their valid keys.
    """

    setter: str
    renames: Mapping[str, str] = field(default_factory=dict)
    nested: Mapping[str, Callable] = field(default_factory=dict)

    def tasks(self) -> list[str]:
        """The tasks whose jobs have the setter (and so accept the block)."""
        return [task for task, job_class in JOB_CLASSES.items() if hasattr(job_class, self.setter)]

    def valid_keys(self, job: AutoMLJob) -> list[str]:
        """The YAML keys of this block, read from the setter's signature (and, where an override
        passes ``**kwargs`` on, from the overridden setters')."""
        back = {arg: key for key, arg in self.renames.items()}
        keys: list[str] = []
        for cls in type(job).__mro__:
            if self.setter not in vars(cls):
                continue
            parameters = inspect.signature(vars(cls)[self.setter]).parameters.values()
            keys += [back.get(p.name, p.name) for p in parameters
                     if p.kind is inspect.Parameter.KEYWORD_ONLY and back.get(p.name, p.name) not in keys]
            if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
                break
        return keys


SECTIONS: dict[str, Section] = {
    "limits": Section("set_limits"),
    "training": Section(
        "set_training",
        renames={"ensemble_model_download_timeout_minutes": "ensemble_model_download_timeout"},
        nested={"stack_ensemble_settings": StackEnsembleSettings}),
    "featurization": Section("set_featurization"),
    "forecasting": Section("set_forecast_settings"),
}

TOP_LEVEL_KEYS = ("$schema", "type", "task", "primary_metric", *TASK_ONLY, *JOB_KEYS, *DATA_SETTINGS,
                  *IGNORED_KEYS, *SECTIONS)


def _unknown_key(mapping: SourceMapping, key: str, valid: Iterable[str], within: str) -> ConfigError:
    valid = sorted(valid)
    place = f" in '{within}'" if within else ""
    return ConfigError(f"{mapping.where(key)}: unknown key '{key}'{place}.{did_you_mean(key, valid)} "
                       f"Valid keys{place}: {', '.join(valid)}.")


def _check_keys(mapping: SourceMapping, valid: Iterable[str], within: str = "") -> None:
    valid = list(valid)
    for key in mapping:
        if key not in valid:
            raise _unknown_key(mapping, key, valid, within)


def _is_remote(path: str) -> bool:
    return "://" in path or path.startswith("azureml:")


def _resolve_path(path: Any, base: Path, where: str) -> str:
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise ConfigError(f"{where}: 'path' must be a file or folder path, got {path!r}.")
    path = os.fspath(path)
    if _is_remote(path) or os.path.isabs(path):
        return path
    return os.path.normpath(base / path)


def _input(spec: SourceMapping, key: str, base: Path) -> Input | str:
    """An ``Input`` from ``{type, path}`` (or a bare path) with the path resolved."""
    value, where = spec[key], spec.where(key)
    base = spec.base_dirs.get(key, base)
    if isinstance(value, (str, os.PathLike)):
        return _resolve_path(value, base, where)
    if not isinstance(value, SourceMapping):
        raise ConfigError(f"{where}: '{key}' must be {{type: mltable, path: ...}} or a path, got {value!r}.")
    _check_keys(value, INPUT_FIELDS, key)
    if "path" not in value:
        raise ConfigError(f"{where}: '{key}' needs a 'path' (e.g. path: ./data/train).")
    path = _resolve_path(value["path"], value.base_dirs.get("path", base), value.where("path"))
    options = {k: value[k] for k in ("mode", "description") if value.get(k) is not None}
    try:
        return Input(type=value.get("type", "mltable"), path=path, **options)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _locate(exc: ConfigError, mapping: SourceMapping, keys: Iterable[str]) -> ConfigError:
    """``exc`` prefixed with the place of the first of ``keys`` its message names."""
    text = str(exc)
    for key in sorted(keys, key=len, reverse=True):
        if key in text:
            return ConfigError(f"{mapping.where(key)}: {text}")
    return ConfigError(f"{mapping.where()}: {text}")


def _task(spec: SourceMapping) -> str:
    kind = spec.get("type")
    if kind is None:
        raise ConfigError(f"{spec.where()}: the job has no 'type'; add 'type: automl'.")
    if str(kind).lower() != "automl":
        raise ConfigError(f"{spec.where('type')}: type must be 'automl', got {kind!r}.")
    task = spec.get("task")
    factories = FACTORIES
    if task is None:
        raise ConfigError(f"{spec.where()}: the job has no 'task'; add one of {', '.join(factories)}.")
    task = str(task).lower()
    if task not in factories:
        raise ConfigError(f"{spec.where('task')}: unknown task {spec['task']!r}."
                          f"{did_you_mean(task, factories)} Valid tasks: {', '.join(factories)}.")
    return task


def _factory_kwargs(spec: SourceMapping, task: str, base: Path) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for key in ("primary_metric", *TASK_ONLY, *JOB_KEYS, *DATA_SETTINGS):
        if key not in spec or spec[key] is None:
            continue
        if task not in TASK_ONLY.get(key, (task,)):
            raise ConfigError(f"{spec.where(key)}: '{key}' applies to {', '.join(TASK_ONLY[key])} "
                              f"jobs only; remove it from this {task} job.")
        kwargs[key] = _input(spec, key, base) if key in INPUT_SETTINGS else spec[key]
    if "primary_metric" not in kwargs:  # Azure's YAML default (classification: AUC_weighted, not accuracy)
        kwargs["primary_metric"] = get_task(task).yaml_primary_metric
    for key in ("tags", "properties"):
        if key in kwargs and not isinstance(kwargs[key], Mapping):
            raise ConfigError(f"{spec.where(key)}: '{key}' must be a mapping of names to values.")
        if key in kwargs:
            kwargs[key] = {str(k): str(v) for k, v in kwargs[key].items()}
    return kwargs


def _section_kwargs(section: Section, block: SourceMapping, name: str, job: AutoMLJob) -> dict[str, Any]:
    _check_keys(block, section.valid_keys(job), name)
    kwargs = {}
    for key, value in block.items():
        if key in section.nested and value is not None:
            if not isinstance(value, SourceMapping):
                raise ConfigError(f"{block.where(key)}: '{key}' must be a mapping.")
            _check_keys(value, [f.name for f in fields(section.nested[key])], f"{name}.{key}")
            value = dict(value)
        kwargs[section.renames.get(key, key)] = value
    return kwargs


def _apply_sections(job: AutoMLJob, spec: SourceMapping, task: str) -> None:
    for name, section in SECTIONS.items():
        block = spec.get(name)
        if block is None:
            continue
        if not hasattr(job, section.setter):
            raise ConfigError(f"{spec.where(name)}: a '{name}:' section applies to "
                              f"{', '.join(section.tasks())} jobs only; remove it from this {task} job.")
        if not isinstance(block, SourceMapping):
            raise ConfigError(f"{spec.where(name)}: '{name}' must be a mapping of settings, got {block!r}.")
        kwargs = _section_kwargs(section, block, name, job)
        try:
            getattr(job, section.setter)(**kwargs)
        except ConfigError as exc:
            raise _locate(exc, block, block) from None


def job_from_mapping(spec: SourceMapping, base_dir: str | os.PathLike = ".") -> AutoMLJob:
    """Build the job a parsed job YAML describes.

    Parameters
    ----------
    spec : SourceMapping
        The parsed YAML (:func:`~automl.jobs._yaml_loader.read_yaml`), overrides applied.
    base_dir : path
        Folder that relative ``path:`` entries resolve against.

    Returns
    -------
    AutoMLJob
    """
    _check_keys(spec, TOP_LEVEL_KEYS)
    task = _task(spec)
    ignored = [k for k in IGNORED_KEYS if spec.get(k) not in (None, "local", {}, [])]
    if ignored:
        warnings.warn(f"{spec.where(ignored[0])}: {', '.join(ignored)} ignored: jobs run on this "
                      "machine (compute 'local') and record their outputs in MLflow.", UserWarning,
                      stacklevel=3)
    kwargs = _factory_kwargs(spec, task, Path(base_dir))
    try:
        job = FACTORIES[task](**kwargs)
    except ConfigError as exc:
        raise _locate(exc, spec, kwargs) from None
    except TypeError:  # a required argument is missing
        missing = [k for k in ("training_data", "target_column_name") if k not in kwargs]
        if not missing:
            raise
        raise ConfigError(f"{spec.where()}: the job has no '{missing[0]}'; add it "
                          f"(e.g. {missing[0]}: {_EXAMPLES[missing[0]]}).") from None
    _apply_sections(job, spec, task)
    return job


_EXAMPLES = {"training_data": "{type: mltable, path: ./data/train}", "target_column_name": "label"}


def apply_overrides(spec: SourceMapping, overrides: Mapping[str, Any] | Iterable[str],
                    *, base_dir: str | os.PathLike | None = None,
                    labels: Mapping[str, str] | None = None) -> SourceMapping:
    """Set dotted keys of ``spec`` in place, as ``az ml job create --set`` does.

    Parameters
    ----------
    spec : SourceMapping
        The parsed job.
    overrides : iterable of "key=value", or mapping of dotted key to value
        ``limits.max_trials=3``; string values are read as YAML (``3``, ``true``, ``[a, b]``).
    base_dir : path, optional
        Folder relative paths in the overrides resolve against (default: the working directory).
    labels : mapping of dotted key to str, optional
        How errors name an override (a command-line flag); default ``--set <key>``.

    Returns
    -------
    SourceMapping
        ``spec``.
    """
    items = overrides.items() if isinstance(overrides, Mapping) else [_split(o) for o in overrides]
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    for dotted, value in items:
        source = (labels or {}).get(dotted) or f"--set {dotted}"
        parts = str(dotted).split(".")
        if not all(parts):
            raise ConfigError(f"{source}: '{dotted}' is not a dotted key such as limits.max_trials.")
        target = spec
        for part in parts[:-1]:
            target = target.child(part, source)
        target[parts[-1]] = value
        target.origins[parts[-1]] = source
        target.base_dirs[parts[-1]] = base
    return spec


def _split(override: str) -> tuple[str, Any]:
    key, sep, value = str(override).partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {override!r}: write key=value, e.g. --set limits.max_trials=4.")
    return key.strip(), parse_value(value)


def load_job(source: str | os.PathLike, *, overrides: Mapping[str, Any] | Iterable[str] = ()) -> AutoMLJob:
    """Read an Azure ML CLI v2 AutoML job YAML into a job object.

    Parameters
    ----------
    source : path
        The job YAML (``type: automl``, ``task``, ``training_data``, ``limits:`` ...).
        Relative ``path:`` entries resolve against its folder.
    overrides : iterable of "key=value" or mapping
        Dotted keys set after reading, like ``--set`` (``limits.max_trials=4``).

    Returns
    -------
    ClassificationJob, RegressionJob or ForecastingJob
        Ready to ``submit()``.

    Raises
    ------
    ConfigError
        Unknown key (named with its line and the closest valid key), bad value or invalid YAML.

    Examples
    --------
    >>> import automl
    >>> job = automl.load_job("examples/classification/job.yml",  # doctest: +SKIP
    ...                       overrides=["limits.max_trials=4"])
    """
    path = Path(source)
    spec = read_yaml(path)
    apply_overrides(spec, overrides)
    return job_from_mapping(spec, path.resolve().parent)

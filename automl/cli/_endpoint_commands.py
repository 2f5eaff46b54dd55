"""``automl endpoint`` and ``automl deployment``: online endpoints as Azure's CLI v2 has them
(:mod:`automl.serving`)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from automl.cli._exit_codes import EXIT_CODES, EXIT_FAILED, EXIT_OK

ENDPOINT_EXAMPLES = """\
examples:
  automl endpoint create --file endpoint.yml
  automl deployment create --file blue.yml --all-traffic
  automl deployment create --file green.yml
  automl endpoint update --name titanic --traffic "blue=90,green=10"
  automl endpoint update --name titanic --mirror-traffic "green=10"
  automl endpoint invoke --name titanic --request-file sample.json [--deployment-name green]
  automl endpoint get-credentials --name titanic ; automl endpoint regenerate-keys --name titanic
  automl endpoint list ; automl endpoint show --name titanic ; automl endpoint delete --name titanic

endpoint.yml holds name and auth_mode: key; a deployment YAML holds name, endpoint_name, model
(models:/NAME/VERSION, azureml:NAME:VERSION, job:NAME, or a model folder or model.onnx),
instance_count and request_settings (request_timeout_ms, max_concurrent_requests_per_instance,
max_queue_wait_ms). Endpoints live in $AUTOML_ENDPOINTS_HOME (default ~/.automl/endpoints); their
processes run in the background until the endpoint is deleted.

"""


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2))


def _endpoints() -> Any:
    from automl.serving import _endpoints as endpoints

    return endpoints


def _create_endpoint(args: argparse.Namespace) -> int:
    from automl.serving._specs import read_endpoint

    _print(_endpoints().create_endpoint(read_endpoint(args.file, args.name)))
    return EXIT_OK


def _update(args: argparse.Namespace) -> int:
    from automl.errors import ConfigError
    from automl.serving._specs import parse_traffic

    if args.traffic is None and args.mirror_traffic is None:
        raise ConfigError("endpoint update: give --traffic \"blue=90,green=10\" and/or --mirror-traffic \"green=10\".")
    traffic = parse_traffic(args.traffic) if args.traffic is not None else None
    mirror = parse_traffic(args.mirror_traffic, "--mirror-traffic") if args.mirror_traffic is not None else None
    _print(_endpoints().update_traffic(args.name, traffic, mirror))
    return EXIT_OK


def _invoke(args: argparse.Namespace) -> int:
    from automl.errors import ConfigError

    path = Path(args.request_file)
    if not path.is_file():
        raise ConfigError(f"--request-file '{path}' does not exist.")
    answer = _endpoints().invoke(args.name, path.read_bytes(), deployment=args.deployment_name)
    if answer.status_code >= 400:
        print(f"automl: error: the endpoint answered {answer.status_code}: {answer.text}", file=sys.stderr)
        return EXIT_FAILED
    print(answer.text)
    return EXIT_OK


def _command(runner: Callable[[argparse.Namespace], Any], printed: bool = True) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        value = runner(args)
        if printed:
            _print(value)
        return EXIT_OK
    return handler


def _group(commands: argparse._SubParsersAction, name: str, text: str,
           description: str) -> argparse._SubParsersAction:
    """The parser of ``automl NAME`` and its sub-commands' table."""
    parser = commands.add_parser(name, help=text, description=description, epilog=ENDPOINT_EXAMPLES + EXIT_CODES,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")


def add_endpoint(commands: argparse._SubParsersAction) -> None:
    """Register ``automl endpoint`` and its sub-commands."""
    sub = _group(commands, "endpoint", "online endpoints: create, update traffic, invoke, keys, delete",
                 "Online endpoints in the shape of Azure ML's CLI v2.")
    create = sub.add_parser("create", help="create an endpoint from endpoint.yml and start its router")
    create.add_argument("--file", "-f", required=True)
    create.add_argument("--name", "-n", help="overrides the file's name")
    create.set_defaults(handler=_create_endpoint)
    update = sub.add_parser("update", help="set the traffic split and mirror traffic")
    update.add_argument("--name", "-n", required=True)
    update.add_argument("--traffic", help='percent per deployment, e.g. "blue=90,green=10" (adds up to 100)')
    update.add_argument("--mirror-traffic", help='percent copied to a deployment, e.g. "green=10" (answers dropped)')
    update.set_defaults(handler=_update)
    invoke = sub.add_parser("invoke", help="send a request file to the endpoint")
    invoke.add_argument("--name", "-n", required=True)
    invoke.add_argument("--request-file", "-r", required=True)
    invoke.add_argument("--deployment-name", "-d", help="send it to this deployment, whatever the traffic")
    invoke.set_defaults(handler=_invoke)
    for name, text, runner, printed in (
            ("show", "describe an endpoint", lambda a: _endpoints().show_endpoint(a.name), True),
            ("get-credentials", "print the keys", lambda a: _endpoints().get_credentials(a.name), True),
            ("delete", "stop and remove an endpoint", lambda a: _endpoints().delete_endpoint(a.name), False)):
        command = sub.add_parser(name, help=text)
        command.add_argument("--name", "-n", required=True)
        command.set_defaults(handler=_command(runner, printed))
    keys = sub.add_parser("regenerate-keys", help="replace the primary or secondary key")
    keys.add_argument("--name", "-n", required=True)
    keys.add_argument("--key-type", choices=["primary", "secondary"], default="primary")
    keys.set_defaults(handler=_command(lambda a: _endpoints().regenerate_keys(a.name, a.key_type), False))
    listing = sub.add_parser("list", help="list the endpoints")
    listing.set_defaults(handler=_command(lambda a: _endpoints().list_endpoints()))


def _create_deployment(args: argparse.Namespace) -> int:
    from automl.serving._specs import read_deployment

    spec = read_deployment(args.file, args.name, args.endpoint_name)
    _print(_endpoints().create_deployment(spec, all_traffic=args.all_traffic))
    return EXIT_OK


def add_deployment(commands: argparse._SubParsersAction) -> None:
    """Register ``automl deployment`` and its sub-commands."""
    sub = _group(commands, "deployment", "deployments of an online endpoint: create, delete",
                 "Deployments of an online endpoint (Azure ML's CLI v2).")
    create = sub.add_parser("create", help="start a deployment from its YAML file")
    create.add_argument("--file", "-f", required=True)
    create.add_argument("--name", "-n", help="overrides the file's name")
    create.add_argument("--endpoint-name", "-e", help="overrides the file's endpoint_name")
    create.add_argument("--all-traffic", action="store_true", help="send all the endpoint's traffic to it")
    create.set_defaults(handler=_create_deployment)
    delete = sub.add_parser("delete", help="stop and remove a deployment without traffic")
    delete.add_argument("--name", "-n", required=True)
    delete.add_argument("--endpoint-name", "-e", required=True)
    delete.set_defaults(handler=_command(lambda a: _endpoints().delete_deployment(a.name, a.endpoint_name), False))

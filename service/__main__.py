"""The command line: ``python -m service`` prepare, seed, schema, tokens, backup, restore,
replicate, export and purge-worker (the CDN purger).

Every command honours CONTENT_DB.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, get_args

from schema.admin import Role
from schema.export import content_json_schema_bytes
from seed.loader import load_seed
from service.config import Settings
from service.startup import prepare_database
from service.store.db import ContentDB
from service.store.migrations import migrate

Command = Callable[[argparse.Namespace, Settings], int]


def _prepare(args: argparse.Namespace, settings: Settings) -> int:
    prepare_database(ContentDB(settings.content_db))
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    db = ContentDB(settings.content_db)
    migrate(db)
    result = load_seed(db)
    state = f"published as revision {result.revision}" if result.created else "already present"
    print(f"{result.slug}: {state}", file=sys.stderr)
    return 0


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    sys.stdout.buffer.write(content_json_schema_bytes())
    return 0


def _tokens(args: argparse.Namespace, settings: Settings) -> int:
    from service.editorial import tokens
    from service.errors import InvalidInput

    db = ContentDB(settings.content_db)
    prepare_database(db)
    try:
        if args.tokens_command == "create":
            try:
                token = tokens.issue_token(db, args.name, args.role)
            except InvalidInput as error:
                print(error.detail, file=sys.stderr)
                return 2
            print(token)
            print(f"token for {args.name} as {args.role}; shown only now", file=sys.stderr)
        elif args.tokens_command == "list":
            print(f"{'id':>4}  {'name':<24} {'role':<9} {'created':<20} status")
            for info in tokens.list_tokens(db, include_revoked=args.all):
                status = "active" if info.revoked_at is None else f"revoked {info.revoked_at:%F}"
                print(
                    f"{info.id:>4}  {info.name:<24} {info.role:<9} "
                    f"{info.created_at:%Y-%m-%d %H:%M:%S} {status}"
                )
        else:
            count = tokens.revoke_tokens(db, args.name, args.role)
            print(f"revoked {count} token(s) of {args.name}", file=sys.stderr)
            return 0 if count else 1
    finally:
        db.close()
    return 0


def _outcome(run: Callable[[], object], failure: type[Exception], verb: str, done: str) -> int:
    """Run one step of an operation command: say what failed (exit 1) or what was done (0)."""
    try:
        run()
    except failure as error:
        print(f"{verb} failed: {error}", file=sys.stderr)
        return 1
    print(done, file=sys.stderr)
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from service.store.backup import BackupError, backup_database

    return _outcome(
        lambda: backup_database(ContentDB(settings.content_db), Path(args.path)),
        BackupError,
        "backup",
        f"backed up {settings.content_db} to {args.path} (integrity ok)",
    )


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    if args.from_replica:
        return _restore_from_replica(args, settings)
    if args.path is None:
        print("restore needs a backup path, or --from-replica", file=sys.stderr)
        return 2
    from service.store.backup import BackupError, restore_database

    # Alike in shape to _backup's call: the shared part is _outcome; the step and words differ.
    return _outcome(
        lambda: restore_database(Path(args.path), ContentDB(settings.content_db)),
        BackupError,
        "restore",
        f"restored {settings.content_db} from {args.path}",
    )


def _restore_from_replica(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime

    from service.store.replica_restore import RestoreError, restore_from_replica

    at = None
    if args.at is not None:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            print(f"--at needs an ISO instant with a UTC offset, not {args.at!r}", file=sys.stderr)
            return 2
    output = Path(args.output) if args.output else settings.content_db
    try:
        report = restore_from_replica(settings, output, at=at, force=args.force)
    except RestoreError as error:
        print(f"restore failed: {error}", file=sys.stderr)
        return 1
    print(
        f"restored {report.path} from {settings.replica_url} in {report.seconds:.2f}s: "
        f"integrity ok, schema {report.schema_version}, {report.live_articles} live article(s)",
        file=sys.stderr,
    )
    return 0


def _replicate(args: argparse.Namespace, settings: Settings) -> int:
    import os

    from service.store.replication import (
        ReplicationError,
        replicate_command,
        write_litestream_config,
    )

    prepare_database(ContentDB(settings.content_db))
    child = args.command_line[1:] if args.command_line[:1] == ["--"] else args.command_line
    if not child:
        granian = Path(sys.executable).parent / "granian"
        child = [str(granian), "--interface", "asgi", "--factory", "--host", settings.host]
        child += ["--port", str(settings.port), "--workers", str(settings.workers)]
        child.append("service.asgi:app")
    try:
        command = replicate_command(write_litestream_config(settings), child)
    except ReplicationError as error:
        print(f"replicate failed: {error}", file=sys.stderr)
        return 1
    # Litestream runs the server as its child, forwards SIGTERM to it and syncs once more.
    os.execve(command[0], command, {**os.environ, "REPLICATION": "true"})


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from service.delivery.export import export_site

    db = ContentDB(settings.content_db)
    migrate(db)
    manifest = export_site(db, settings, Path(args.directory))
    print(
        f"exported {manifest.articles} article(s), {len(manifest.files)} files, "
        f"to {args.directory} (see manifest.json)",
        file=sys.stderr,
    )
    return 0


def _purge_worker(args: argparse.Namespace, settings: Settings) -> int:
    from service.jobs.purger import PurgerSettings, serve

    secret = os.environ.get("PURGER_WEBHOOK_SECRET", "")
    if args.secret_file:
        secret = Path(args.secret_file).read_text().strip()
    if not secret:
        print("set PURGER_WEBHOOK_SECRET or pass --secret-file", file=sys.stderr)
        return 2
    host, _, port = args.listen.rpartition(":")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    serve(
        PurgerSettings(
            host=host or "127.0.0.1", port=int(port), varnish_url=args.varnish, secret=secret
        )
    )
    return 0


def _add_purge_command(commands: Any) -> None:
    purge = commands.add_parser("purge-worker", help="receive publish webhooks, purge Varnish")
    purge.add_argument(
        "--listen", default=os.environ.get("PURGER_LISTEN", "127.0.0.1:8090"), help="HOST:PORT"
    )
    purge.add_argument(
        "--varnish", default=os.environ.get("VARNISH_URL", "http://127.0.0.1:8080"), help="URL"
    )
    purge.add_argument("--secret-file", help="the subscription's whsec_ secret (else env)")


def _add_operation_commands(commands: Any) -> None:
    backup = commands.add_parser("backup", help="online copy of the database (integrity-checked)")
    backup.add_argument("path", help="where to write the copy (must not exist)")
    restore = commands.add_parser(
        "restore", help="replace the database's content with a backup, or restore the replica"
    )
    restore.add_argument("path", nargs="?", help="a backup made by `backup`")
    restore.add_argument(
        "--from-replica", action="store_true", help="restore from REPLICA_URL (Litestream)"
    )
    restore.add_argument("--at", help="the ISO instant to restore to (default: newest)")
    restore.add_argument("--output", help="where to write it (default: CONTENT_DB if missing)")
    restore.add_argument(
        "--force", action="store_true", help="replace an existing database that nothing has open"
    )
    replicate = commands.add_parser(
        "replicate", help="run the server (or a command) under Litestream, replicating continuously"
    )
    replicate.add_argument(
        "command_line", nargs=argparse.REMAINDER, help="-- the server command (default: granian)"
    )
    export = commands.add_parser("export", help="write published content as static files")
    export.add_argument("directory", help="where to write the files and manifest.json")


def _add_token_commands(commands: Any) -> None:
    tokens = commands.add_parser("tokens", help="create, list and revoke admin API tokens")
    actions = tokens.add_subparsers(dest="tokens_command", required=True)
    create = actions.add_parser("create", help="make a token; prints it alone on stdout, once")
    create.add_argument("--name", required=True, help="the person it belongs to")
    create.add_argument("--role", required=True, choices=get_args(Role))
    listing = actions.add_parser("list", help="list active tokens (never the tokens themselves)")
    listing.add_argument("--all", action="store_true", help="include revoked tokens")
    revoke = actions.add_parser("revoke", help="revoke every active token of a name")
    revoke.add_argument("name", help="whose tokens to revoke")
    revoke.add_argument("--role", choices=get_args(Role), help="only this role")


def build_parser() -> argparse.ArgumentParser:
    """The CLI's arguments; each sub-command sets ``handler``."""
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "prepare", help="create and migrate the database; seed it if it was missing"
    )
    commands.add_parser("seed", help="load the seed article (idempotent)")
    commands.add_parser("schema", help="print the content model's JSON Schema")
    _add_token_commands(commands)
    _add_operation_commands(commands)
    _add_purge_command(commands)
    return parser


HANDLERS: dict[str, Command] = {
    "prepare": _prepare,
    "seed": _seed,
    "schema": _schema,
    "tokens": _tokens,
    "backup": _backup,
    "restore": _restore,
    "replicate": _replicate,
    "export": _export,
    "purge-worker": _purge_worker,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one CLI command."""
    args = build_parser().parse_args(argv)
    return HANDLERS[args.command](args, Settings.from_env())


if __name__ == "__main__":
    raise SystemExit(main())

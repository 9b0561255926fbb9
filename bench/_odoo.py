"""Shared set-up of the benchmarks: the project's private PostgreSQL and an Odoo registry.

``with odoo_env("bench_ingest", ["social_crm"]) as env:`` starts PostgreSQL (scripts/lib.sh),
creates the database with the given addons on first use (no demo data), and yields a superuser
environment on a cursor that is rolled back at the end, so every run starts from the same state.
"""

import contextlib
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _pg_env():
    out = subprocess.run(
        [
            "bash",
            "-c",
            f"source {ROOT}/scripts/lib.sh && setup_all >&2 && "
            "echo PGHOST=$PGHOST && echo PGPORT=$PGPORT && echo PGUSER=$PGUSER && "
            "echo ADDONS_PATH=$(addons_path)",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(line.split("=", 1) for line in out.strip().splitlines() if "=" in line)


def _db_exists(env, dbname):
    import psycopg2

    conn = psycopg2.connect(
        host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], dbname="postgres"
    )
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            return cr.fetchone() is not None
    finally:
        conn.close()


def _manifest_versions():
    """{addon: version} of the project's addons, read from their manifests."""
    import ast

    versions = {}
    for name in sorted(os.listdir(ROOT)):
        path = os.path.join(ROOT, name, "__manifest__.py")
        if name.startswith("social_crm") and os.path.isfile(path):
            with open(path, encoding="utf-8") as manifest:
                versions[name] = ast.literal_eval(manifest.read()).get("version")
    return versions


def _stale_addons(env, dbname):
    """The project's addons installed in ``dbname`` at another version than their manifest
    (the database was made by older code: its tables may lack today's columns)."""
    import psycopg2

    versions = _manifest_versions()
    conn = psycopg2.connect(
        host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], dbname=dbname
    )
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT name, latest_version FROM ir_module_module "
                "WHERE state = 'installed' AND name = ANY(%s)",
                (list(versions),),
            )
            return sorted(name for name, got in cr.fetchall() if got != versions[name])
    finally:
        conn.close()


@contextlib.contextmanager
def odoo_env(dbname, modules, rebuild=False):
    env_vars = _pg_env()
    common = [
        f"--addons-path={env_vars['ADDONS_PATH']}",
        f"--db_host={env_vars['PGHOST']}",
        f"--db_port={env_vars['PGPORT']}",
        f"--db_user={env_vars['PGUSER']}",
    ]
    if not rebuild and _db_exists(env_vars, dbname):
        stale = _stale_addons(env_vars, dbname)
        if stale:
            print(f"database {dbname} was made by older code ({', '.join(stale)}): "
                  "made again", file=sys.stderr)
            rebuild = True
    if rebuild and _db_exists(env_vars, dbname):
        subprocess.run(
            [
                "dropdb",
                "-h",
                env_vars["PGHOST"],
                "-p",
                env_vars["PGPORT"],
                "-U",
                env_vars["PGUSER"],
                dbname,
            ],
            check=True,
        )
    if not _db_exists(env_vars, dbname):
        print(f"creating database {dbname} with {', '.join(modules)} …", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from odoo.cli.command import main; sys.argv[0] = 'odoo'; main()",
                *common,
                "-d",
                dbname,
                "-i",
                ",".join(modules),
                "--stop-after-init",
                "--log-level=warn",
                "--http-port=8999",
            ],
            check=True,
            cwd="/",
        )
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(common + ["--log-level=warn"])
    odoo.netsvc.init_logger() if hasattr(odoo, "netsvc") else None
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {"tracking_disable": True})
        try:
            yield env
        finally:
            cr.rollback()

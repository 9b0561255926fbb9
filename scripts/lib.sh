# Shared set-up for scripts/run and scripts/test. Sourced, not executed.
# Everything here is idempotent: a second call reuses what the first one made.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${SOCIAL_CRM_STATE:-$ROOT/.local}"        # git-ignored
PGDATA_DIR="$STATE/pgdata"
PGPORT="${SOCIAL_CRM_PGPORT:-54329}"
PGUSER_ODOO="odoo"
PY="${PYTHON:-python3}"
ODOO_BRANCH="19.0"
ODOO_OFFICIAL_SOURCE="https://github.com/odoo/odoo/archive/refs/heads/${ODOO_BRANCH}.tar.gz"
ADDONS="${SOCIAL_CRM_ADDONS:-social_crm social_crm_scoring social_crm_helpdesk social_crm_helpdesk_scoring social_crm_privacy_forgotten social_crm_helpdesk_dm}"

log() { printf '\033[1m[social-crm]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[social-crm] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (install it yourself, or run as root)"; fi
}

apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: please install $* by hand"
  if [ ! -f "$STATE/.apt-updated" ]; then
    as_root apt-get update -qq >&2 || die "apt-get update failed"
    mkdir -p "$STATE" && touch "$STATE/.apt-updated"
  fi
  log "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed"
}

# --- Odoo ------------------------------------------------------------------------------------
odoo_importable() {
  (cd / && "$PY" -c 'import odoo.release as r, sys; sys.exit(0 if r.version.startswith("19.0") else 1)') 2>/dev/null
}

install_odoo() {
  # An Odoo 19 that is importable already is used as it is. Otherwise install Odoo 19.0 from
  # ODOO_SOURCE (a directory, a .tar.gz/.zip file or an URL of one) or, by default, from Odoo's
  # official source archive.
  odoo_importable && return 0
  local src="${ODOO_SOURCE:-$ODOO_OFFICIAL_SOURCE}" dir
  log "Odoo 19 is not importable by $PY: installing Odoo ${ODOO_BRANCH} from $src"
  mkdir -p "$STATE"   # every path below writes into the state folder (a fresh clone has none)
  if [ -d "$src" ]; then
    dir="$src"
  else
    mkdir -p "$STATE/odoo-src"
    local archive="$STATE/odoo-src/odoo.tar.gz"
    if [ -f "$src" ]; then cp "$src" "$archive"; elif [[ "$src" != *://* ]]; then
      die "ODOO_SOURCE=$src is neither a directory, nor an archive file, nor an URL.
  Point it at a checkout of Odoo ${ODOO_BRANCH} (the folder holding setup.py and odoo/), at a
  .tar.gz/.zip of one, or at an URL of such an archive."
    else
      if ! curl -fsSL --connect-timeout 20 --max-time 1800 -o "$archive" "$src"; then
        die "could not download Odoo ${ODOO_BRANCH} from $src.
  This machine may have no access to Odoo's source. Either install Odoo 19 into $PY yourself
  (so that 'python3 -c \"import odoo\"' works), or point ODOO_SOURCE at a local checkout or
  archive of Odoo ${ODOO_BRANCH} Community (e.g. ODOO_SOURCE=/srv/odoo-19.0 scripts/test)."
      fi
    fi
    rm -rf "$STATE/odoo-src/tree" && mkdir -p "$STATE/odoo-src/tree"
    case "$src" in
      *.zip) (cd "$STATE/odoo-src/tree" && unzip -q "$archive") ;;
      *) tar -xzf "$archive" -C "$STATE/odoo-src/tree" ;;
    esac
    local setup_py
    setup_py="$(find "$STATE/odoo-src/tree" -maxdepth 3 -name setup.py | head -n1)"
    [ -n "$setup_py" ] || die "the archive from $src holds no Odoo source tree (no setup.py found)"
    dir="$(dirname "$setup_py")"
  fi
  [ -f "$dir/requirements.txt" ] && [ -d "$dir/odoo" ] || die "$dir does not look like an Odoo source tree"
  "$PY" -m pip install -q packaging wheel setuptools >&2
  "$PY" "$ROOT/scripts/odoo_requirements.py" "$dir/requirements.txt" > "$STATE/odoo-requirements.txt"
  "$PY" -m pip install -q --prefer-binary -r "$STATE/odoo-requirements.txt" >&2 \
    || die "installing Odoo's Python requirements failed (see above)"
  "$PY" -m pip install -q --no-deps --no-build-isolation -e "$dir" >&2 || die "pip could not install Odoo from $dir"
  odoo_importable || die "Odoo was installed from $dir but '$PY -c \"import odoo\"' still fails"
}

install_python_deps() {
  # pip runs once per content of the requirement files (a stamp in the state folder): a new
  # requirement is installed on the next run, a prepared machine skips pip.
  local stamp
  stamp="$STATE/.requirements-$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" | md5sum | cut -c1-12)"
  [ -f "$stamp" ] && return 0
  log "installing Python packages from requirements.txt and requirements-dev.txt"
  "$PY" -m pip install -q -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt" >&2 \
    || die "pip install failed (see above)"
  mkdir -p "$STATE" && touch "$stamp"
}

# --- PostgreSQL ------------------------------------------------------------------------------
pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  return 1
}

run_pg() {  # run a PostgreSQL binary as a non-root user (postgres refuses to run as root)
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

start_postgres() {
  local bin
  bin="$(pg_bin)" || { apt_install postgresql; bin="$(pg_bin)" || die "PostgreSQL not found after install"; }
  if [ "$(id -u)" = 0 ] && [ ! -e "$PGDATA_DIR" ] && ! runuser -u postgres -- test -x "$ROOT"; then
    # the postgres user cannot reach this checkout (e.g. under /root): keep the cluster in
    # /var/tmp and link it from .local/pgdata
    local outside="/var/tmp/social-crm-$(echo "$ROOT" | md5sum | cut -c1-8)/pgdata"
    mkdir -p "$outside" "$STATE"
    ln -sfn "$outside" "$PGDATA_DIR"
  fi
  if [ -L "$PGDATA_DIR" ]; then PGDATA_DIR="$(readlink -f "$PGDATA_DIR")"; fi
  PGSOCK="$PGDATA_DIR"
  # unix socket paths are limited to 107 bytes
  if [ ${#PGSOCK} -gt 90 ]; then PGSOCK="/tmp/social-crm-pg-$(echo "$ROOT" | md5sum | cut -c1-8)"; fi
  mkdir -p "$STATE" "$PGSOCK"
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $PGDATA_DIR"
    mkdir -p "$PGDATA_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA_DIR"
    run_pg "$bin/initdb" -D "$PGDATA_DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || die "initdb failed"
  fi
  [ "$(id -u)" = 0 ] && chown postgres: "$PGSOCK"
  if ! run_pg "$bin/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    log "starting PostgreSQL (socket in $PGSOCK, port $PGPORT)"
    run_pg "$bin/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $PGSOCK -p $PGPORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { tail -20 "$PGDATA_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  run_pg "$bin/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER_ODOO'" | grep -q 1 \
    || run_pg "$bin/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres -qc \
      "CREATE ROLE $PGUSER_ODOO LOGIN SUPERUSER" >/dev/null
  export PGHOST="$PGSOCK" PGPORT PGUSER="$PGUSER_ODOO"
}

db_exists() {
  "$(pg_bin)/psql" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1
}

addons_path() {
  # Odoo's own addons, any odoo/addons folders of installed OCA wheels, and this checkout.
  (cd / && "$PY" - "$ROOT" <<'PYEOF'
import os, sys
import odoo.addons
paths = [p for p in odoo.addons.__path__ if os.path.isdir(p)]
print(",".join(dict.fromkeys(paths + [sys.argv[1]])))
PYEOF
  )
}

odoo_cmd() {
  (cd / && exec "$PY" -c 'import sys; from odoo.cli.command import main; sys.argv[0] = "odoo"; main()' "$@")
}

setup_all() {
  install_odoo
  install_python_deps
  start_postgres
}

write_odoo_conf() {
  # A config file for Odoo's other commands (shell, i18n export): scripts/odoo-conf prints it.
  mkdir -p "$STATE"
  cat > "$STATE/odoo.conf" <<CONF
[options]
addons_path = $(addons_path)
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
data_dir = $STATE/filestore
http_interface = 127.0.0.1
CONF
  echo "$STATE/odoo.conf"
}

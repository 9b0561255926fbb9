#!/usr/bin/env python3
"""Turn Odoo's requirements.txt into a list pip can install on this Python.

Odoo pins the versions Debian/Ubuntu ship. On Python 3.11 several of those
pins are old source distributions that no longer build with current
setuptools (``cbor2==5.4.2``, ``psycopg2==2.9.5``...). For Python < 3.12 we
therefore use the *Python 3.12* (Ubuntu Noble) pins, which are the nearest
versions that ship wheels for 3.11 too. Optional, system-library heavy
packages (python-ldap) and Windows-only ones are left out.

Usage: odoo_requirements.py ODOO_REQUIREMENTS_TXT > out.txt
"""

import platform
import sys

from packaging.requirements import Requirement

SKIP = {"python-ldap", "pypiwin32", "rl-renderpm"}


def translate(lines, python_version):
    env = {
        "python_version": python_version,
        "python_full_version": python_version + ".0",
        "sys_platform": sys.platform,
        "platform_system": platform.system(),
    }
    out = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.name.lower() in SKIP:
            continue
        if req.marker and not req.marker.evaluate(env):
            continue
        name = req.name
        if name.lower() == "psycopg2":
            # same module, prebuilt wheel: no libpq headers or compiler needed
            name = "psycopg2-binary"
        out.append(f"{name}{req.specifier}")
    return out


def main():
    path = sys.argv[1]
    major, minor = sys.version_info[:2]
    version = f"{major}.{minor}"
    if (major, minor) < (3, 12):
        version = "3.12"
    with open(path, encoding="utf-8") as fh:
        print("\n".join(translate(fh, version)))


if __name__ == "__main__":
    main()

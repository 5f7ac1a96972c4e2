"""The national data set the national benchmark runs on: every English council the DfE's 2025
statistical neighbours name (153), each with a copy of Norfolk's profile and catalogue under its
own LA code and name, and Norfolk-sized demo returns stored through the services layer.

Making each council's demo from scratch takes about 8 s (the placement lists and their checks),
so a few variants are made, each with its own seed, and each council is given one of them. The
result is kept under the system's temporary folder, keyed by a hash of everything it is made
from: a SQLite file, or a PostgreSQL database of its own on the server given. A later run with the
same inputs reuses it; --rebuild makes it again.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from kpis.council import Council, read_council, read_councils
from kpis.council_draft import COUNCILS_FILE, DraftError, PublishedCouncil, find_council, quote
from loaders.submissions import CheckedWorkbook, check_workbook
from services.demo import DEMO_LOADER, build_council_demo
from services.submissions import store_checked
from storage.database import create_database_engine, upgrade_database, write_session

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_DIR = ROOT / "data" / "public"
TEMPLATE = ROOT / "councils" / "E10000020"  # Norfolk: 46 measures and a demo
TODAY = date(2026, 11, 22)
# A day on which one more term (Autumn 2026) is complete: its return is the "new submission".
LATER = date(2027, 1, 10)
MAX_BYTES = 20_000_000
FORMAT = "national-1"  # changed whenever what is built changes
# Whatever decides what is stored: the template council, the generator, the checks, the schema.
INPUTS = (
    "councils/E10000020",
    "loaders",
    "storage/models.py",
    "storage/migrations",
    "services/stores.py",
    "services/submissions.py",
    "services/demo.py",
)


@dataclass(frozen=True)
class NationalData:
    """Where the built data is: the councils' folder, the database, and the workbooks of the
    term after the stored ones, one per variant, to store as new submissions."""

    councils_dir: Path
    database_url: str
    councils: dict[str, Council]
    variant_of: dict[str, int]  # LA code -> its variant
    new_returns: tuple[tuple[str, bytes], ...]  # (file name, bytes), one per variant


def published_councils(limit: int) -> list[PublishedCouncil]:
    """The councils the DfE's lists hold with a new-style code, in the lists' order."""
    found = []
    for line in (PUBLIC_DIR / COUNCILS_FILE).read_text(encoding="utf-8").splitlines()[1:]:
        old_code = line.split(",", 1)[0]
        try:
            found.append(find_council(old_code, public_dir=PUBLIC_DIR))
        except DraftError:
            continue  # a council that no longer exists, or a code outside the model
    return found[:limit]


def inputs_key(councils: int, variants: int) -> str:
    digest = hashlib.sha256(f"{FORMAT} {councils} {variants} {TODAY} {LATER}".encode())
    for name in INPUTS:
        path = ROOT / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _substitute(text_: str, key: str, value: str) -> str:
    pattern = re.compile(rf"^{key} = .*$", re.MULTILINE)
    if not pattern.search(text_):
        raise SystemExit(f"{TEMPLATE} has no {key} line to replace")
    return pattern.sub(lambda _: f"{key} = {value}", text_, count=1)


def write_folders(root: Path, published: list[PublishedCouncil], variants: int) -> dict[str, int]:
    """A folder per council: Norfolk's files under the council's codes and name, its demo's
    seed that of its variant. LA code -> variant."""
    profile = (TEMPLATE / "council.toml").read_text(encoding="utf-8")
    demo = (TEMPLATE / "demo" / "demo.toml").read_text(encoding="utf-8")
    seed = int(re.search(r"^seed = (\d+)$", demo, re.MULTILINE).group(1))  # type: ignore[union-attr]
    variant_of = {}
    for n, council in enumerate(published):
        folder = root / council.la_code
        shutil.copytree(TEMPLATE, folder)
        text_ = profile
        for key, value in (
            ("la_code", council.la_code),
            ("old_la_code", council.old_la_code),
            ("name", council.name),
            ("short_name", council.name),
        ):
            text_ = _substitute(text_, key, quote(value))
        (folder / "council.toml").write_text(text_, encoding="utf-8")
        variant_of[council.la_code] = n % variants
        (folder / "demo" / "demo.toml").write_text(
            _substitute(demo, "seed", str(seed + n % variants)), encoding="utf-8"
        )
    return variant_of


def checked_demo(council: Council, today: date) -> list[CheckedWorkbook]:
    checked = []
    for name, data in build_council_demo(council, today):
        result = check_workbook(
            data, file_name=name, shape=council.shape, max_bytes=MAX_BYTES, today=today
        )
        if not result.report.ok:
            raise SystemExit(f"the demo workbook {name} has errors: {result.report.errors[:3]}")
        checked.append(result)
    return checked


def store_councils(url: str, councils: dict[str, Council], variant_of: dict[str, int]) -> None:
    """Each council's variant's workbooks, stored as a demo load stores them: one transaction a
    council, through services.submissions.store_checked."""
    engine = create_database_engine(url)
    upgrade_database(engine)
    first = {v: code for code, v in reversed(variant_of.items())}
    start = time.perf_counter()
    for variant, code in sorted(first.items()):
        workbooks = checked_demo(councils[code], TODAY)
        members = [c for c, v in variant_of.items() if v == variant]
        for n, member in enumerate(members, 1):
            with write_session(engine) as session:
                for workbook in workbooks:
                    store_checked(session, member, workbook, is_demo=True, loaded_by=DEMO_LOADER)
            if n % 10 == 0:
                elapsed = time.perf_counter() - start
                print(
                    f"    variant {variant}: {n} of {len(members)} councils stored ({elapsed:.0f} s)"
                )
    engine.dispose()


def new_returns(
    councils: dict[str, Council], variant_of: dict[str, int]
) -> list[tuple[str, bytes]]:
    """Each variant's High Needs Block return for Autumn 2026, the term after the stored ones."""
    first = {v: code for code, v in reversed(variant_of.items())}
    found = []
    for _, code in sorted(first.items()):
        built = build_council_demo(councils[code], LATER)
        found.append(next((n, d) for n, d in built if n.startswith("demo-hnb-2026-autumn")))
    return found


@dataclass(frozen=True)
class Place:
    """Where one build lives: its folder, and its database's URL."""

    folder: Path
    url: str
    admin_url: str | None  # PostgreSQL: the server's URL, to create and drop the database


def place_for(key: str, database_url: str | None) -> Place:
    folder = Path(tempfile.gettempdir()) / "lfi-national" / key
    if database_url is None:
        return Place(folder, f"sqlite:///{folder / 'national.sqlite3'}", None)
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("--database-url must be a PostgreSQL URL (SQLite is the default)")
    name = f"lfi_national_{key}"
    return Place(folder, url.set(database=name).render_as_string(False), database_url)


def _postgres(admin_url: str) -> Iterator:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _database_exists(place: Place) -> bool:
    if place.admin_url is None:
        return (place.folder / "national.sqlite3").exists()
    name = make_url(place.url).database
    for connection in _postgres(place.admin_url):
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
    return found is not None


def _drop_database(place: Place) -> None:
    if place.admin_url is None:
        for suffix in ("", "-wal", "-shm"):
            (place.folder / f"national.sqlite3{suffix}").unlink(missing_ok=True)
        return
    for connection in _postgres(place.admin_url):
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(place.url).database}"'))


def _create_database(place: Place) -> None:
    if place.admin_url is not None:
        for connection in _postgres(place.admin_url):
            connection.execute(text(f'CREATE DATABASE "{make_url(place.url).database}"'))


def national_data(
    councils: int, variants: int, database_url: str | None, rebuild: bool
) -> NationalData:
    """The built data, made now unless a build with the same inputs is kept."""
    key = inputs_key(councils, variants)
    place = place_for(key, database_url)
    done = place.folder / ("built-" + ("sqlite" if place.admin_url is None else "postgresql"))
    if rebuild or not done.exists() or not _database_exists(place):
        done.unlink(missing_ok=True)
        _drop_database(place)
        shutil.rmtree(place.folder / "councils", ignore_errors=True)
        place.folder.mkdir(parents=True, exist_ok=True)
        published = published_councils(councils)
        print(f"  building {len(published)} councils' data in {place.folder} (once; kept)")
        start = time.perf_counter()
        variant_of = write_folders(place.folder / "councils", published, variants)
        held = read_councils(place.folder / "councils")
        _create_database(place)
        store_councils(place.url, held, variant_of)
        for n, (name, data) in enumerate(new_returns(held, variant_of)):
            (place.folder / f"new-{n}-{name}").write_bytes(data)
        done.write_text(json.dumps(variant_of), encoding="utf-8")
        print(f"  built in {time.perf_counter() - start:.0f} s")
    variant_of = json.loads(done.read_text(encoding="utf-8"))
    held = {code: read_council(place.folder / "councils" / code) for code in variant_of}
    files = sorted(place.folder.glob("new-*-*.xlsx"))
    return NationalData(
        councils_dir=place.folder / "councils",
        database_url=place.url,
        councils=held,
        variant_of=variant_of,
        new_returns=tuple((f.name.split("-", 2)[2], f.read_bytes()) for f in files),
    )

"""Database bytes per stored file: what files-rest keeps in PostgreSQL per file.

The bytes of the files live in the storage (EOS, S3, a folder); the
database holds a bucket per draft, an object version per key and a file
instance per stored file (URI, size, checksum), each with its indexes.
This creates ``--files`` of them through files-rest's public models
(``--per-bucket`` keys per bucket, as a draft's files; a published record's
snapshot bucket adds one more object version per key pointing at the same
file instance, ``--published`` of the buckets) and prints the tables'
sizes divided by their rows, for the sizing note (``docs/sizing.md``).
Nothing is timed. Own database ``cap_bench_<pid>``, dropped on exit. Run:
``.venv/bin/python -m benchmarks.bench_file_rows [--files 20000]``
"""

import argparse
import hashlib
import sys
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_file_rows.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common  # noqa: E402

TABLES = ("files_bucket", "files_object", "files_files")


def create_files(count, per_bucket, published):
    """``count`` file instances, object versions and buckets (a progress bar)."""
    from invenio_db import db
    from invenio_files_rest.models import Bucket, FileInstance, ObjectVersion
    from tqdm import tqdm

    buckets = 0
    with tqdm(total=count, unit="file", desc="files") as bar:
        for start in range(0, count, per_bucket):
            bucket = Bucket.create()
            files = []
            for i in range(start, min(start + per_bucket, count)):
                instance = FileInstance.create()
                # An EOS-style path, as a storage location would give.
                instance.set_uri(
                    f"root://eosproject.cern.ch//eos/project/cap/data/{instance.id.hex[:2]}/"
                    f"{instance.id.hex[2:4]}/{instance.id}/data",
                    10 * 1024 * 1024, "md5:" + hashlib.md5(str(i).encode()).hexdigest())
                ObjectVersion.create(bucket, f"analysis/code/file-{i:07d}.root").set_file(instance)
                files.append(instance)
            if buckets < published * (count // per_bucket):
                snapshot = Bucket.create()
                for i, instance in enumerate(files):
                    ObjectVersion.create(snapshot, f"analysis/code/file-{start + i:07d}.root") \
                        .set_file(instance)
            buckets += 1
            db.session.commit()
            bar.update(len(files))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000, help="stored files")
    parser.add_argument("--per-bucket", type=int, default=10, help="files per draft")
    parser.add_argument("--published", type=float, default=0.2,
                        help="share of the drafts published (a snapshot bucket each)")
    args = parser.parse_args(argv)
    with common.bench_instance() as (app, user):
        from invenio_db import db
        from sqlalchemy import text

        create_files(args.files, args.per_bucket, args.published)
        db.session.execute(text("ANALYZE"))
        print(f"{args.files:,} files, {args.per_bucket} per bucket, "
              f"{args.published:.0%} of the buckets snapshotted")
        print("| table | rows | total bytes (with indexes, TOAST) | bytes per row | per file |")
        print("|---|---|---|---|---|")
        whole = 0
        for table in TABLES:
            rows = db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            size = db.session.execute(
                text("SELECT pg_total_relation_size(:t)"), {"t": table}).scalar()
            whole += size
            print(f"| {table} | {rows:,} | {size:,} | {size / max(rows, 1):,.0f} | "
                  f"{size / args.files:,.0f} |")
        print(f"database bytes per stored file: {whole / args.files:,.0f}")
        db.session.remove()


if __name__ == "__main__":
    main()

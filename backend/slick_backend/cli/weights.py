"""`slick-backend weights`: list, verify, download or convert pretrained base weights."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers):
    p = subparsers.add_parser(
        "weights",
        help="list / verify / download / convert pretrained base weights (ImageNet, Meta SAM)",
        description="Manage the local models dir (--models-dir, else $SLICK_MODELS_DIR, else ~/.cache/slick/models). "
        "Entries are safetensors files with a recorded SHA-256; upstream .pth pickles are checked against their "
        "published digest and converted once, so training never unpickles anything.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--models-dir", default=None, help="models dir")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("list", help="known weights and their status here (ok / missing / CORRUPTED), "
                   "and the shipped models (ready / not installed)")
    v = sub.add_parser("verify", help="check SHA-256 of one entry (or all present ones)")
    v.add_argument("name", nargs="?", default=None)
    d = sub.add_parser("download", help="download, verify and convert weights (needs the network)")
    d.add_argument("name", help="e.g. resnet50, resnet18, sam_vit_b")
    c = sub.add_parser("convert", help="convert a downloaded upstream .pth (checked against its published SHA-256) "
                       "or a .safetensors file into a models-dir entry")
    c.add_argument("file", help="e.g. sam_vit_b_01ec64.pth or resnet50-0676ba61.pth")
    c.add_argument("--name", default=None, help="entry name (required for .safetensors input)")
    return p


def run(args, progress) -> int:
    from ..errors import InputError
    from ..models import weights as w

    directory = w.models_dir(args.models_dir)
    if args.action == "list":
        from ..models.catalog import list_shipped, shipped_dir

        print(f"models dir: {directory}")
        for row in w.list_entries(directory):
            print(f"{row['name']:14s} {row['status']:10s} {row['size_mb']:>6d} MB  {row['description']}  <{row['url']}>")
        print(f"shipped models: {shipped_dir()}")
        for row in list_shipped():
            size = f"{row['size_mb']:>6.1f} MB" if "size_mb" in row else "     - MB"
            print(f"{row['name']:16s} {row['status']:14s} {size}  {row['title']}: {row['role']}")
            if not row["ready"]:
                print(f"{'':16s} {row['error']}")
        return 0
    if args.action == "verify":
        names = [args.name] if args.name else [r["name"] for r in w.list_entries(directory) if r["status"] != "missing"]
        if not names:
            raise InputError(f"{directory}: no weights present; run `slick-backend weights download NAME`")
        for name in names:
            meta = w.verify(name, directory)
            print(f"{name}: ok (sha256 {meta['sha256'][:16]}...)")
        return 0
    if args.action == "download":
        meta = w.download(args.name, directory, progress)
    else:
        meta = w.convert(args.file, directory, args.name)
    print(json.dumps(meta, indent=2))
    return 0

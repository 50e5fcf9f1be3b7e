"""Convert the CDNOW text files shipped by the lifetimes package into the course's CSVs.

Used once to make ``datasets/cdnow_sample.csv`` and ``datasets/cdnow_master.csv``:
``pip download --no-deps lifetimes==0.11.3``, unzip, then
``python -m crmlab.datasets._cdnow lifetimes/datasets datasets``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def convert(source: Path, out: Path) -> None:
    from crmlab.datasets import write

    sample = pd.read_csv(source / "CDNOW_sample.txt", sep=r"\s+", header=None,
                         names=["master_id", "customer_id", "date", "quantity", "amount"])
    master = pd.read_csv(source / "CDNOW_master.txt", sep=r"\s+", header=0,
                         names=["customer_id", "date", "quantity", "amount"])
    tables = {}
    for name, frame in (("cdnow_sample", sample), ("cdnow_master", master)):
        frame = frame.assign(date=pd.to_datetime(frame["date"].astype(str), format="%Y%m%d"))
        tables[name] = frame[["customer_id", "date", "quantity", "amount"]]
    write(tables, out)


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))

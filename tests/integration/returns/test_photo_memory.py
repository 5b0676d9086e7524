"""Eight crafted photos at once cannot exhaust the server's memory.

Each is a valid PNG of about 100 KB and 24 megapixels in one colour: decoded in the server, each would
take 96 MB (RGBA), eight at once most of a gigabyte. A fresh process (the server's stand-in) cleans the
eight from eight threads at the same time and reports its own peak memory (its high-water mark, VmHWM),
which must stay under 150 MB: the decoding happens in bounded child processes. A truncated file is
refused by the child as damaged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

PEAK_LIMIT_MB = 150
SCRIPT = """
import json, sys, threading
import django
django.setup()
from retour.returns.errors import PhotoRefused
from retour.returns.services.photos import clean_photo

def peak_kb():
    # VmHWM: this process's own high-water mark (ru_maxrss would carry the forking parent's over exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

data = open(sys.argv[1], "rb").read()
before = peak_kb()
results = []
def clean():
    try:
        photo = clean_photo(data)
        results.append((photo.width, photo.height))
    except PhotoRefused as error:
        results.append(error.details["reason"])
threads = [threading.Thread(target=clean) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
refused = ""
try:
    clean_photo(data[:100] + b"garbage")
except PhotoRefused as error:
    refused = error.details["reason"]
peak = peak_kb()
print(json.dumps({"upload_kb": len(data) // 1024, "before_mb": before / 1024, "peak_mb": peak / 1024,
                  "results": results, "refused": refused}))
"""


@pytest.mark.django_db
def test_eight_crafted_photos_at_once_keep_the_server_under_150_mb(tmp_path: Path) -> None:
    crafted = tmp_path / "crafted.png"
    Image.new("RGBA", (6000, 4000), (200, 30, 30, 255)).save(crafted, "PNG")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "retour.config.settings", "RETOUR_DATA_DIR": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", SCRIPT, str(crafted)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"8 photos of {seen['upload_kb']} KB at once: server peak {seen['peak_mb']:.0f} MB "
        f"(before {seen['before_mb']:.0f} MB)"
    )
    assert seen["results"] == [[6000, 4000]] * 8
    assert seen["refused"] == "damaged"
    assert seen["peak_mb"] < PEAK_LIMIT_MB

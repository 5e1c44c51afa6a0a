"""`make test` on a machine without chromium: it installs it (root) or stops at once saying
what to install, instead of failing the browser test after minutes of other tests."""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings


def test_without_chromium_and_without_root_make_test_stops_at_once_naming_the_package(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "env"):  # what the script needs before its check
        (bin_dir / tool).symlink_to(shutil.which(tool))
    fake_id = bin_dir / "id"  # an ordinary user, whatever runs the suite
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    script = Path(settings.BASE_DIR) / "scripts" / "test.sh"
    environment = {
        **os.environ,
        "PATH": str(bin_dir),
        "CHROMIUM": str(tmp_path / "no-chromium-here"),
    }

    result = subprocess.run(  # noqa: S603 (our own script)
        [str(bin_dir / "bash"), str(script)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"!!!!! {tmp_path / 'no-chromium-here'} is missing: run 'sudo apt-get install -y "
        "chromium' (the admin's browser test drives it), then make test again !!!!!"
    ]

# SPDX-License-Identifier: MIT
"""The Kconfig optimisation choice (menu "Build"): each choice reaches the
compiler, the image still boots, and the sizes rank as the help texts say
(-Os smallest, plain -O2 largest)."""

import os
import subprocess

import pytest

from conftest import ROOT, boot

CHOICES = {
    "OPTIMIZE_SPEED": "-O2 -falign-functions=1 -falign-jumps=1 -falign-loops=1",
    "OPTIMIZE_SPEED_ALIGNED": "-O2 -g",
    "OPTIMIZE_SIZE": "-Os",
}


def make(build, *goals):
    r = subprocess.run(["make", "--no-print-directory", "APP=helloworld",
                        "BUILD=" + build] + list(goals),
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    out = {}
    for choice in CHOICES:
        build = str(tmp_path_factory.mktemp(choice.lower()))
        make(build, "defconfig")
        with open(os.path.join(build, ".config"), "a") as f:
            for other in CHOICES:
                if other != choice:
                    f.write("# CONFIG_%s is not set\n" % other)
            f.write("CONFIG_%s=y\n" % choice)
        make(build, "olddefconfig")
        make(build, "all")
        out[choice] = build
    return out


@pytest.mark.parametrize("choice", sorted(CHOICES))
def test_choice_reaches_the_compiler_and_boots(images, choice):
    build = images[choice]
    with open(os.path.join(build, ".config")) as f:
        assert "CONFIG_%s=y\n" % choice in f.read()
    with open(os.path.join(build, ".cflags")) as f:
        kernel_flags = f.read().split(" | ")[0]
    assert CHOICES[choice] in kernel_flags
    b = boot(os.path.join(build, "helloworld"), append="-- x")
    assert b.rc == 0, b
    assert "Hello from Pith" in b.out, b


def test_sizes_rank_as_documented(images):
    size = {c: os.path.getsize(os.path.join(b, "helloworld"))
            for c, b in images.items()}
    assert size["OPTIMIZE_SIZE"] < size["OPTIMIZE_SPEED"] < \
        size["OPTIMIZE_SPEED_ALIGNED"], size

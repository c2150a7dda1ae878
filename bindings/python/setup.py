"""Builds awsval's Python package: the cffi extension (awsval_build.py) over the static library.
Set AWSVAL_PREFIX to an awsval install prefix, or have pkg-config find awsval."""
import os
import re
import sys

from setuptools import setup

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
sys.path.insert(0, here)
import awsval_build  # noqa: E402


def version():
    """The library header's version, as PEP 440 writes it (0.2.0-dev -> 0.2.0.dev0)."""
    text = awsval_build.read_header(awsval_build.header)
    num = ".".join(re.search(r"#define AWSVAL_VERSION_%s (\d+)" % p, text).group(1)
                   for p in ("MAJOR", "MINOR", "PATCH"))
    release = re.search(r"#define AWSVAL_VERSION_IS_RELEASE (\d+)", text).group(1) != "0"
    return num if release else num + ".dev0"


setup(version=version(), packages=["awsval"], cffi_modules=["awsval_build.py:ffibuilder"])

"""cffi builder (API mode) for awsval._awsval: the public header include/awsval.h only, with the
static library linked into the one extension module.

Where the library comes from (first that applies):
  AWSVAL_PREFIX=DIR   an install prefix of awsval (cmake --install): DIR/include/awsval.h and
                      DIR/lib*/libawsval.a
  pkg-config awsval   an installed awsval (its includedir and libdir)

The declarations given to cffi are read from that header, so they are the ones the module is
compiled against; the C compiler checks every one of them (API mode).
"""
import glob
import os
import re
import shlex
import subprocess

from cffi import FFI

_CODE_ENTRY = re.compile(r"X\((\w+),\s*(\d+),")
_INT_DEFINE = re.compile(r"^#define\s+(AWSVAL_[A-Z0-9_]+)\s+(.+)$")
_INT_VALUE = re.compile(r"^[\s()0-9a-fA-FxXuU<>|&+\-A-Z_]+$")


def cdef_from_header(text):
    """The header's declarations as cffi reads them: integer macros and the code map become
    `#define NAME ...` (their values come from the compiler), preprocessor lines and the
    visibility macro go, typedefs, structs and prototypes stay as written."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = text.replace("\\\n", " ")
    text = re.sub(r'#ifdef __cplusplus\s*(extern "C" \{|\})\s*#endif', "", text)
    defines, body = [], []
    for line in text.split("\n"):
        s = line.strip()
        if s.startswith("#define AWSVAL_CODE_MAP("):
            defines += ["#define AWSVAL_%s ..." % m.group(1) for m in _CODE_ENTRY.finditer(s)]
            continue
        if s.startswith("#"):
            m = _INT_DEFINE.match(s)
            # Integer constants only: not function-like macros, strings or the visibility macro.
            if (m and not m.group(1).startswith("AWSVAL__") and m.group(1) not in ("AWSVAL_API", "AWSVAL_H")
                    and "(" not in m.group(1) and '"' not in m.group(2)
                    and not re.match(r"__|AWSVAL__", m.group(2).strip())
                    and _INT_VALUE.match(m.group(2))):
                defines.append("#define %s ..." % m.group(1))
            continue
        if s.startswith("AWSVAL_CODE_MAP("):
            continue
        body.append(line)
    decls = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", "\n".join(body).replace("AWSVAL_API ", ""))
    if not defines or "awsval_check" not in decls:
        raise RuntimeError("awsval.h: no declarations found; is this the awsval header?")
    return "\n".join(defines) + "\n" + decls


def _pkg_config(*args, env=None):
    out = subprocess.run(["pkg-config", *args], check=True, capture_output=True, text=True, env=env)
    return shlex.split(out.stdout)


def find_library():
    """(header path, static library path, other link arguments)."""
    env = dict(os.environ)
    prefix = os.environ.get("AWSVAL_PREFIX")
    if prefix:
        pcs = glob.glob(os.path.join(prefix, "lib*", "pkgconfig", "awsval.pc")) + \
            glob.glob(os.path.join(prefix, "lib*", "*", "pkgconfig", "awsval.pc"))
        if not pcs:
            raise RuntimeError("AWSVAL_PREFIX=%s: no lib*/pkgconfig/awsval.pc (cmake --install?)" % prefix)
        env["PKG_CONFIG_PATH"] = os.pathsep.join([os.path.dirname(pcs[0]), env.get("PKG_CONFIG_PATH", "")])
    includedir = _pkg_config("--variable=includedir", "awsval", env=env)[0]
    libdir = _pkg_config("--variable=libdir", "awsval", env=env)[0]
    header = os.path.join(includedir, "awsval.h")
    static = os.path.join(libdir, "libawsval.a")
    if not os.path.isfile(static):
        raise RuntimeError("%s not found: build awsval with -DBUILD_SHARED_LIBS=OFF" % static)
    # The library's own dependencies (PCRE2, utf8proc, zlib, libm) stay shared system libraries.
    libs = [a for a in _pkg_config("--static", "--libs", "awsval", env=env)
            if a != "-lawsval" and a != "-L" + libdir]
    return includedir, header, static, libs


includedir, header, static_lib, link_libs = find_library()

def read_header(path):
    """The header's text with its own quoted includes (awsval/version.h) put in place."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return re.sub(r'#include "([^"]+)"',
                  lambda m: read_header(os.path.join(os.path.dirname(path), m.group(1))), text)


CDEF = cdef_from_header(read_header(header))

ffibuilder = FFI()
ffibuilder.cdef(CDEF + """
const char *awsval_py_header_version(void);
""")
ffibuilder.set_source(
    "awsval._awsval",
    """
#include <awsval.h>
/* The version of the header this module was compiled against (the library reports its own). */
static const char *awsval_py_header_version(void) { return AWSVAL_VERSION_STRING; }
""",
    include_dirs=[includedir],
    extra_objects=[static_lib],
    extra_link_args=link_libs + ["-Wl,--exclude-libs,ALL"],
    extra_compile_args=["-Wall", "-Werror"],
)

if __name__ == "__main__":
    print(CDEF)

"""Great Expectations Data Docs that work offline.

GX 1.x writes pages that load jQuery, Bootstrap, bootstrap-table, Font Awesome, Vega and more
from CDNs; without a network the index shows empty lists. This module fetches those files
once, at the versions GX asks for, from the npm registry (checked against pinned sha512
integrity values), keeps them in ``warehouse/cache/docs_assets/`` and, after each Data Docs
build, copies them to ``<docs>/static/vendor/`` and points every page at the local copies.

``python -m cs_kpi.quality.offline_docs [--fetch-only] [DOCS_DIR]``
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("CS_KPI_DOCS_ASSETS", PROJECT / "warehouse" / "cache" / "docs_assets"))
REGISTRY = os.environ.get("CS_KPI_NPM_REGISTRY", "https://registry.npmjs.org")


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # the npm registry's dist.integrity of the tarball
    files: tuple[str, ...]  # paths inside the package; a trailing "/" takes a folder


PACKAGES = (
    Package("jquery", "3.7.1",
            "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
            ("dist/jquery.min.js",)),
    Package("bootstrap", "4.3.1",
            "sha512-rXqOmH1VilAt2DyPzluTi2blhk17bO7ef+zLLPlWvG494pDxcM234pJ8wTc/6R40UWizAIIMgxjvxZg5kmsbag==",
            ("dist/css/bootstrap.min.css", "dist/js/bootstrap.min.js")),
    Package("popper.js", "1.12.9",
            "sha512-s0EEi9xiSCdqz9lV4IiVH5yIZnDX/U1t0tCjB+0jXx9jW8lrR7kOpVupiUg175ogqVoudpDXHF1p6dKATCHMeg==",
            ("dist/umd/popper.min.js",)),
    Package("bootstrap-table", "1.19.1",
            "sha512-WvV+l1AI/C+zThaKmfHmi/IuayVNB0qdFyEhFx1jyZhO0oLtNJNANkCR3rvJf6Dkh72dsLElxpE/bzK9seEQLA==",
            ("dist/bootstrap-table.min.css", "dist/bootstrap-table.min.js",
             "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
             "dist/extensions/filter-control/bootstrap-table-filter-control.min.js")),
    Package("bootstrap-datepicker", "1.9.0",
            "sha512-9rYYbaVOheGYxjOr/+bJCmRPihfy+LkLSg4fIFMT9Od8WwWB/MB50w0JO1eBgKUMbb7PFHQD5uAfI3ArAxZRXA==",
            ("dist/css/bootstrap-datepicker.min.css", "dist/js/bootstrap-datepicker.min.js")),
    Package("@fortawesome/fontawesome-free", "6.6.0",
            "sha512-60G28ke/sXdtS9KZCpZSHHkCbdsOGEhIUGlwq6yhY74UpTiToIh8np7A8yphhM4BWsvNFtIvLpi4co+h9Mr9Ow==",
            ("css/all.min.css", "webfonts/")),
    Package("@forevolve/bootstrap-dark", "1.1.0",
            "sha512-A3ucpEpxPoTVO490lZZCfjPXxv832l7mm1IxX3bXyxvgwnPGXDLyh7dWrphXKO8YBAu3EswbBEu3VSW8NRMW3A==",
            ("dist/css/bootstrap-prefers-dark.css",)),
    Package("vega", "5.33.1",
            "sha512-1fArfVDUqVbb5z8n+/nVQb+VNBzx8svY6CrsyTK4Ujm4yrd9I1auoKxBAPXLCavY1LcrbHUskQbGUP8gXOzyQw==",
            ("build/vega.min.js",)),
    Package("vega-lite", "5.23.0",
            "sha512-l4J6+AWE3DIjvovEoHl2LdtCUkfm4zs8Xxx7INwZEAv+XVb6kR6vIN1gt3t2gN2gs/y4DYTs/RPoTeYAuEg6mA==",
            ("build/vega-lite.min.js",)),
    Package("vega-embed", "6.29.0",
            "sha512-PmlshTLtLFLgWtF/b23T1OwX53AugJ9RZ3qPE2c01VFAbgt3/GSNI/etzA/GzdrkceXFma+FDHNXUppKuM0U6Q==",
            ("build/vega-embed.min.js",)),
)

# CDN address in the pages (a regular expression) -> local file under static/vendor/
REWRITES = (
    (r"https://code\.jquery\.com/jquery-3\.7\.1\.min\.js", "jquery/dist/jquery.min.js"),
    (r"https://maxcdn\.bootstrapcdn\.com/bootstrap/4\.3\.1/css/bootstrap\.min\.css",
     "bootstrap/dist/css/bootstrap.min.css"),
    (r"https://stackpath\.bootstrapcdn\.com/bootstrap/4\.3\.1/js/bootstrap\.min\.js",
     "bootstrap/dist/js/bootstrap.min.js"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/popper\.js/1\.12\.9/umd/popper\.min\.js",
     "popper.js/dist/umd/popper.min.js"),
    (r"https://unpkg\.com/bootstrap-table@1\.19\.[01]/dist/bootstrap-table(?:\.min)?\.(css|js)",
     r"bootstrap-table/dist/bootstrap-table.min.\1"),
    (r"https://unpkg\.com/bootstrap-table@1\.19\.[01]/dist/extensions/filter-control/bootstrap-table-filter-control(?:\.min)?\.(css|js)",
     r"bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.\1"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/bootstrap-datepicker/1\.9\.0/(css|js)/bootstrap-datepicker\.min\.(css|js)",
     r"bootstrap-datepicker/dist/\1/bootstrap-datepicker.min.\2"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/font-awesome/6\.6\.0/css/all\.min\.css",
     "@fortawesome/fontawesome-free/css/all.min.css"),
    (r"https://cdn\.jsdelivr\.net/npm/@forevolve/bootstrap-dark@1\.1\.0/dist/css/bootstrap-prefers-dark\.css",
     "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css"),
    (r"https://cdn\.jsdelivr\.net/npm/vega@5", "vega/build/vega.min.js"),
    (r"https://cdn\.jsdelivr\.net/npm/vega-lite@5", "vega-lite/build/vega-lite.min.js"),
    (r"https://cdn\.jsdelivr\.net/npm/vega-embed@6", "vega-embed/build/vega-embed.min.js"),
)
# The logos GX loads from S3: GX ships the long logo in the site's static/images/.
LOGO = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/"
                  r"(?:logo-long|full_logo_dark)\.png(\?[^\"']*)?")
CDN_ATTRIBUTES = re.compile(r"""\s+(?:integrity=["'][^"']*["']|crossorigin=["'][^"']*["'])""")
# Anything still loaded from the network after the rewrite (links to GX's docs are not loads).
REMOTE_LOAD = re.compile(
    r"""(?:src|srcset|href)=["'](https?://[^"']+\.(?:js|css|png|svg|gif)[^"']*|https?://cdn[^"']*)["']""")


class AssetsUnavailable(RuntimeError):
    """The registry could not be reached or a download did not match its pinned integrity."""


def _verify(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise AssetsUnavailable(f"integrity mismatch ({algorithm} {digest[:12]}... != pinned)")


def _tarball_url(package: Package) -> str:
    short = package.name.split("/")[-1]
    return f"{REGISTRY}/{package.name}/-/{short}-{package.version}.tgz"


def fetch(cache: Path = CACHE, timeout: float = 60.0) -> Path:
    """Download the pinned packages into `cache` (once; a complete cache is reused)."""
    done = cache / "complete.json"
    wanted = [f"{p.name}@{p.version}" for p in PACKAGES]
    if done.exists() and json.loads(done.read_text()) == wanted:
        return cache
    staging = cache.with_name(cache.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    for package in PACKAGES:
        url = _tarball_url(package)
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                data = response.read()
        except OSError as error:
            raise AssetsUnavailable(f"{package.name}@{package.version}: {error}") from None
        _verify(data, package.integrity)
        target = staging / package.name
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                inner = member.name.split("/", 1)[1] if "/" in member.name else ""
                wanted_file = any(inner == f or (f.endswith("/") and inner.startswith(f))
                                  for f in package.files)
                if not member.isfile() or not wanted_file:
                    continue
                out = target / inner
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.extractfile(member).read())
    (staging / "complete.json").write_text(json.dumps(wanted))
    shutil.rmtree(cache, ignore_errors=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(cache)
    return cache


def localise(docs_dir: Path, cache: Path = CACHE) -> int:
    """Copy the assets into the site and rewrite every page to them; returns pages changed."""
    vendor = docs_dir / "static" / "vendor"
    shutil.rmtree(vendor, ignore_errors=True)
    shutil.copytree(cache, vendor, ignore=shutil.ignore_patterns("complete.json"))
    logo = docs_dir / "static" / "images" / "logo-long.png"
    changed = 0
    for page in docs_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = text
        for pattern, local in REWRITES:
            relative = os.path.relpath(vendor, page.parent).replace(os.sep, "/")
            new = re.sub(pattern, lambda m, local=local, relative=relative:
                         f"{relative}/{m.expand(local)}", new)
        if logo.exists():
            new = LOGO.sub(os.path.relpath(logo, page.parent).replace(os.sep, "/"), new)
        # Subresource-integrity and CORS attributes were for the CDN copies: a browser refuses
        # a crossorigin script from a file:// page (the files' integrity is checked at fetch).
        new = CDN_ATTRIBUTES.sub("", new)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def remote_loads(docs_dir: Path) -> list[str]:
    """Scripts and stylesheets a page still loads from the network (empty when offline-ready)."""
    return sorted({f"{page.relative_to(docs_dir)}: {url}"
                   for page in docs_dir.rglob("*.html")
                   for url in REMOTE_LOAD.findall(page.read_text(encoding="utf-8"))})


def make_offline(docs_dir: Path) -> str:
    """Fetch (if needed) and localise; one line for the gate's output."""
    try:
        cache = fetch()
    except AssetsUnavailable as unavailable:
        return (f"Data Docs: pages load their scripts from CDNs (offline assets unavailable: "
                f"{unavailable})")
    pages = localise(docs_dir, cache)
    left = remote_loads(docs_dir)
    if left:
        return f"Data Docs: {pages} pages made offline, {len(left)} remote loads left ({left[0]})"
    return f"Data Docs: {pages} pages made offline (assets in {docs_dir / 'static' / 'vendor'})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docs_dir", nargs="?", type=Path,
                        default=PROJECT / "expectations" / "uncommitted" / "data_docs")
    parser.add_argument("--fetch-only", action="store_true", help="only fill the asset cache")
    args = parser.parse_args(argv)
    if args.fetch_only:
        try:
            print(f"Data Docs assets: {fetch()}")
        except AssetsUnavailable as unavailable:
            print(f"Data Docs assets unavailable: {unavailable}", file=sys.stderr)
            return 1
        return 0
    print(make_offline(args.docs_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

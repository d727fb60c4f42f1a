"""The official ZATCA and EN 16931 schematron rules (XSLT 2.0, from ../shared/zatca), run with saxonche.

Tests only: the product never reads ../shared. Compiling both stylesheets takes a few seconds, so the
processor and executables are built once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

SHARED = Path(__file__).parents[3] / "shared" / "zatca"
RULES = SHARED / "sdk" / "Data" / "Rules" / "Schematrons"
XSD = SHARED / "sdk" / "Data" / "Schemas" / "xsds" / "UBL2.1" / "xsd" / "maindoc" / "UBL-Invoice-2.1.xsd"
SAMPLES = SHARED / "sdk" / "Data" / "Samples"
STYLESHEETS = ("CEN-EN16931-UBL.xsl", "20210819_ZATCA_E-invoice_Validation_Rules.xsl")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@dataclass(frozen=True)
class Assertion:
    rule: str  # e.g. "BR-CO-15"
    flag: str  # "error" or "warning" ("fatal" in EN 16931 counts as error)
    text: str
    location: str

    @property
    def is_error(self) -> bool:
        return self.flag in ("error", "fatal")


@lru_cache(maxsize=1)
def _executables() -> tuple[Any, list[Any]]:
    from saxonche import PySaxonProcessor

    proc = PySaxonProcessor(license=False)
    xslt = proc.new_xslt30_processor()
    return proc, [xslt.compile_stylesheet(stylesheet_file=str(RULES / name)) for name in STYLESHEETS]


def run_schematron(xml: bytes) -> list[Assertion]:
    """Every failed assertion of both rule sets on the document."""
    proc, executables = _executables()
    node = proc.parse_xml(xml_text=xml.decode("utf-8"))
    found: list[Assertion] = []
    for executable in executables:
        svrl = executable.transform_to_string(xdm_node=node)
        root = etree.fromstring(svrl.encode("utf-8"))
        for fa in root.iter(f"{SVRL}failed-assert"):
            text = " ".join("".join(fa.itertext()).split())
            found.append(Assertion(fa.get("id") or "", fa.get("flag") or "error", text, fa.get("location") or ""))
    return found


def schematron_errors(xml: bytes) -> set[str]:
    return {a.rule for a in run_schematron(xml) if a.is_error}


@lru_cache(maxsize=1)
def official_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def sample_files() -> list[Path]:
    """The 19 signed SDK samples; missing ../shared is an error, never an empty (skipped) parameter set."""
    files = sorted(SAMPLES.rglob("*.xml"))
    if len(files) != 19:
        raise FileNotFoundError(f"expected the 19 SDK samples under {SAMPLES}, found {len(files)}")
    return files

#!/usr/bin/env python3
"""Check the annotations and notes of exported SBML documents against the
annotation table and the parameter table.

usage: sbml_annotations.py TABLE.csv PARAMS.csv ORGANISM:DOC.xml...

TABLE.csv is data/sbml_annotations.csv, PARAMS.csv the output of
`ketsim params --csv` for the same settings, each DOC an export for ORGANISM
(human, rat or mouse).  For every document: libsbml's consistency check
(all categories, units included) reports no error; every table row that
applies to one of its elements is on that element (SBO term, or the
identifiers.org URI under its qualifier); no URI is there that the table
does not give for that organism; every parameter has notes, and notes that
name a parameter-table row repeat that row's unit, kind, source and meaning.
Over all documents, every row of the table is exercised at least once.
exit: 0 all checks pass, 1 a check fails, 77 libsbml missing.
"""
import csv
import html
import sys

try:
    import libsbml
except ImportError as exc:
    print(f"SKIP: {exc} (install python3-sbml5)")
    sys.exit(77)


def uri_of(database, identifier):
    """The identifiers.org URI the table's identifier stands for."""
    if database == "chebi":
        return f"https://identifiers.org/{identifier}"
    return f"https://identifiers.org/{database}:{identifier}"


def read_table(path):
    with open(path, newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    for r in rows:
        r["kind"], r["target"] = r["element"].split(":", 1)
        r["uri"] = None if r["qualifier"] == "sbo" else uri_of(r["database"], r["identifier"])
        r["sbo_term"] = r["identifier"] if r["qualifier"] == "sbo" else None
        r["used"] = False
    return rows


def applies(row, organism):
    return row["organism"] in ("any", organism)


def matches(row, name):
    t = row["target"]
    return name.endswith(t[1:]) if t.startswith("*") else name == t


def expected_sbo(rows, kind, name, organism):
    """First exact SBO row, else first matching pattern (the table's rule)."""
    for pattern in (False, True):
        for r in rows:
            if (r["sbo_term"] and r["kind"] == kind and applies(r, organism)
                    and r["target"].startswith("*") == pattern and matches(r, name)):
                return r
    return None


def cv_terms(sb):
    found = set()
    for i in range(sb.getNumCVTerms()):
        cv = sb.getCVTerm(i)
        qual = libsbml.BiolQualifierType_toString(cv.getBiologicalQualifierType())
        for j in range(cv.getNumResources()):
            found.add((qual, cv.getResourceURI(j)))
    return found


class Checker:
    def __init__(self, rows, params):
        self.rows, self.params = rows, params
        self.failures = 0

    def fail(self, msg):
        print("FAIL:", msg)
        self.failures += 1

    def check_sbo(self, sb, kind, ident, name, organism):
        row = expected_sbo(self.rows, kind, name, organism)
        got = sb.getSBOTermID() if sb.isSetSBOTerm() else None
        want = row["sbo_term"] if row else None
        if got != want:
            self.fail(f"{ident}: SBO term {got}, table says {want}")
        elif row:
            row["used"] = True

    def check_refs(self, sb, ident, kind, name, organism, allowed):
        """The element carries every applicable row's URI; what it carries
        is in `allowed` (the table's URIs for this organism)."""
        have = cv_terms(sb)
        for r in self.rows:
            if r["uri"] and r["kind"] == kind and applies(r, organism) and matches(r, name):
                if (r["qualifier"], r["uri"]) in have:
                    r["used"] = True
                else:
                    self.fail(f"{ident}: missing {r['qualifier']} {r['uri']} ({r['element']})")
        for qual, uri in have - allowed:
            self.fail(f"{ident}: {qual} {uri} is not in the table for {organism}")
        return have

    def compound_of(self, species_id, compounds):
        """The compound a species belongs to: the longest compound name in
        its id that is not its prefix only when a later one is (a transit
        state s_ket_transit_to_s_nk holds s_nk)."""
        if "_transit_to_" in species_id:
            return species_id.split("_transit_to_", 1)[1]
        best = [c for c in compounds if species_id.startswith(c + "_")]
        return max(best, key=len) if best else None

    def check_notes(self, p):
        if not p.isSetNotes() or not p.getNotesString().strip():
            self.fail(f"parameter {p.getId()} has no notes")
            return 0
        text = html.unescape(libsbml.XMLNode.convertXMLNodeToString(p.getNotes()))
        marker = "Parameter-table row "
        if marker not in text:
            return 0
        row = text.split(marker, 1)[1].split(" = ", 1)[0]
        info = self.params.get(row)
        if info is None:
            self.fail(f"{p.getId()}: notes name row {row}, which ketsim params does not list")
            return 0
        unit = info["unit"] or "1"
        for what, value in (("unit", unit), ("kind", info["kind"]), ("source", info["source"]),
                            ("meaning", info["description"])):
            if value not in text:
                self.fail(f"{p.getId()}: notes lack the {what} of row {row}: {value!r}")
        return 1

    def document(self, organism, path):
        doc = libsbml.readSBMLFromFile(path)
        if doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) or doc.getModel() is None:
            self.fail(f"{path} does not read")
            return
        for cat in (libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, libsbml.LIBSBML_CAT_SBO_CONSISTENCY,
                    libsbml.LIBSBML_CAT_MODELING_PRACTICE, libsbml.LIBSBML_CAT_IDENTIFIER_CONSISTENCY,
                    libsbml.LIBSBML_CAT_GENERAL_CONSISTENCY, libsbml.LIBSBML_CAT_MATHML_CONSISTENCY,
                    libsbml.LIBSBML_CAT_OVERDETERMINED_MODEL):
            doc.setConsistencyChecks(cat, True)
        doc.checkConsistency()
        errors = [doc.getError(i) for i in range(doc.getNumErrors())
                  if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
        for e in errors[:5]:
            self.fail(f"{path}: {e.getShortMessage()}: {e.getMessage().strip()[:200]}")
        m = doc.getModel()
        allowed = {(r["qualifier"], r["uri"]) for r in self.rows if r["uri"] and applies(r, organism)}
        n_refs = n_sbo = n_notes = 0
        n_refs += len(self.check_refs(m, "model", "model", organism, organism, allowed))
        compounds = {r["target"] for r in self.rows if r["kind"] == "compound" and not r["target"].startswith("*")}
        compounds |= {s.getId()[: -len("_central")] for s in m.getListOfSpecies() if s.getId().endswith("_central")}
        for c in m.getListOfCompartments():
            self.check_sbo(c, "compartment", c.getId(), c.getId(), organism)
            n_sbo += c.isSetSBOTerm()
        for s in m.getListOfSpecies():
            if s.getSubstanceUnits() == "dimensionless":
                kind, name = "state", s.getId()
            else:
                kind, name = "compound", self.compound_of(s.getId(), compounds)
                if name is None:
                    self.fail(f"species {s.getId()} belongs to no compound")
                    continue
            self.check_sbo(s, kind, s.getId(), name, organism)
            n_sbo += s.isSetSBOTerm()
            n_refs += len(self.check_refs(s, s.getId(), kind, name, organism, allowed))
        for p in m.getListOfParameters():
            self.check_sbo(p, "parameter", p.getId(), p.getId(), organism)
            n_sbo += p.isSetSBOTerm()
            n_refs += len(self.check_refs(p, p.getId(), "parameter", p.getId(), organism, allowed))
            n_notes += self.check_notes(p)
        print(f"{path} ({organism}, L{doc.getLevel()}V{doc.getVersion()}): {len(errors)} errors, "
              f"{doc.getNumErrors() - len(errors)} warnings; {n_sbo} SBO terms, {n_refs} references, "
              f"{n_notes} parameters with a table row checked against ketsim params")


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    rows = read_table(sys.argv[1])
    with open(sys.argv[2], newline="") as fh:
        params = {r["name"]: r for r in csv.DictReader(fh)}
    ck = Checker(rows, params)
    for arg in sys.argv[3:]:
        organism, path = arg.split(":", 1)
        ck.document(organism, path)
    for r in rows:
        if not r["used"]:
            ck.fail(f"table row {r['element']} {r['qualifier']} {r['identifier']} was not exercised")
    print(f"{len(rows)} table rows, {ck.failures} failures")
    return 1 if ck.failures else 0


if __name__ == "__main__":
    sys.exit(main())

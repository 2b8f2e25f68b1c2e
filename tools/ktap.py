#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ktap: parse KTAP v1 output of ktest (in the image) and hosttest (host).

    tools/ktap.py [--summary] FILE|-      report; exit 1 on any failure
    python3 -c 'import ktap; r = ktap.parse(text); print(r.failed)'

Reads the KUnit-style layout: a top-level `KTAP version 1` and `1..N`,
then per suite an indented block (`    KTAP version 1`, `    # Subtest:
NAME`, `    1..M`, `    ok K name`, `    not ok K name`, `    ok K name #
SKIP reason`, `    # diagnostic`) closed by `ok N NAME` / `not ok N NAME`.
Console noise between the lines and a `[    0.001234] ` timestamp prefix
are tolerated. Diagnostics belong to the case result that follows them
(ktest and hosttest print failure messages before `not ok`). Several
top-level documents in one log (host test binaries run one after another)
are read in turn.

The CLI prints failures and problems, then `N passed, N failed, N skipped`
as its last line. It exits 1 if a case failed, a plan does not match what
was seen (cases missing after a crash or timeout count as failed), a suite
says `not ok` with no failed case, or no KTAP header was seen; 2 on usage
errors. Stdlib only.
"""

import argparse
import re
import sys

PASS, FAIL, SKIP = "pass", "fail", "skip"

_TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\] ?")
_VERSION = re.compile(r"^K?TAP version \d+$")
_PLAN = re.compile(r"^1\.\.(\d+)$")
_RESULT = re.compile(r"^(not ok|ok)\s+(\d+)(?:\s+(?:-\s+)?(.*))?$")
_DIRECTIVE = re.compile(r"^(.*?)\s*#\s*(SKIP|TODO)\b\s*(.*)$", re.I)
_SUBTEST = re.compile(r"^#\s*Subtest:\s*(.*)$")
_DIAG = re.compile(r"^#\s?(.*)$")


class Case:
    """One test case: name, number, status (pass|fail|skip), diagnostics."""

    def __init__(self, name, number, status, reason=None, diagnostics=()):
        self.name = name
        self.number = number
        self.status = status
        self.reason = reason            # SKIP/TODO text, if any
        self.diagnostics = list(diagnostics)
        self.synthetic = False          # made up for a missing case

    def __repr__(self):
        return "Case(%r, %s)" % (self.name, self.status)


class Suite:
    """One suite (a top-level test with subtests) and its cases."""

    def __init__(self, name=None):
        self.name = name
        self.number = None
        self.plan = None                # the suite's 1..M
        self.cases = []
        self.status = None              # from its result line; else fail
        self.reason = None
        self.result_seen = False
        self.diagnostics = []           # lines after the last case
        self.missing = 0                # planned cases never reported
        self.version_seen = False
        self.last_noise = None          # first other line after a case

    @property
    def passed(self):
        return sum(c.status == PASS for c in self.cases)

    @property
    def failed(self):
        return sum(c.status == FAIL for c in self.cases)

    @property
    def skipped(self):
        return sum(c.status == SKIP for c in self.cases)

    def __repr__(self):
        return "Suite(%r, %r)" % (self.name, self.cases)


class Result:
    """What parse() found: suites, errors and totals."""

    def __init__(self):
        self.suites = []
        self.errors = []                # plan mismatches, crashes, ...
        self.header_seen = False
        self.documents = 0

    @property
    def cases(self):
        return [c for s in self.suites for c in s.cases]

    @property
    def passed(self):
        return sum(s.passed for s in self.suites)

    @property
    def failed(self):
        return sum(s.failed for s in self.suites)

    @property
    def skipped(self):
        return sum(s.skipped for s in self.suites)

    @property
    def missing(self):
        return sum(s.missing for s in self.suites)

    @property
    def totals(self):
        return {"passed": self.passed, "failed": self.failed,
                "skipped": self.skipped, "missing": self.missing}

    @property
    def ok(self):
        """True when everything ran and nothing failed."""
        return self.header_seen and not self.failed and not self.errors

    def summary(self):
        return "%d passed, %d failed, %d skipped" % (
            self.passed, self.failed, self.skipped)


def _split_name(rest):
    """"name # SKIP reason" -> (name, directive or None, reason)."""
    rest = (rest or "").strip()
    m = _DIRECTIVE.match(rest)
    if m:
        return m.group(1), m.group(2).upper(), m.group(3) or None
    return rest, None, None


def _status(ok, directive):
    if directive == "SKIP":
        return SKIP
    if directive == "TODO":
        return PASS if ok else SKIP
    return PASS if ok else FAIL


class _Parser:
    def __init__(self):
        self.r = Result()
        self.doc_plan = None
        self.doc_suites = None          # suites of the current document
        self.suite = None               # open suite
        self.pending = []               # diagnostics for the next case

    # -- documents ---------------------------------------------------------

    def start_doc(self, explicit):
        self.end_doc()
        self.doc_plan = None
        self.doc_suites = []
        self.r.documents += 1
        if explicit:
            self.r.header_seen = True

    def end_doc(self):
        if self.doc_suites is None:
            return
        self.close_suite()
        seen = len(self.doc_suites)
        plan = self.doc_plan
        if plan is None:
            if not seen:
                self.r.errors.append("no test plan after the KTAP header "
                                     "(crashed or timed out?)")
        elif seen < plan:
            last = self.doc_suites[-1].name if seen else None
            where = ("after suite %s" % last if last
                     else "before the first suite")
            self.r.errors.append("%d of %d suites missing: crashed or "
                                 "timed out %s" % (plan - seen, plan, where))
            for k in range(seen + 1, plan + 1):
                s = Suite("(missing suite %d)" % k)
                s.number = k
                s.status = FAIL
                s.missing = 1
                c = Case("(suite %d never ran)" % k, 1, FAIL,
                         diagnostics=["missing: crashed or timed out %s"
                                      % where])
                c.synthetic = True
                s.cases.append(c)
                self.r.suites.append(s)
        elif seen > plan:
            self.r.errors.append("%d suites reported, plan was %d"
                                 % (seen, plan))
        self.doc_suites = None

    def ensure_doc(self):
        if self.doc_suites is None:
            self.start_doc(explicit=False)

    # -- suites ------------------------------------------------------------

    def open_suite(self, name=None):
        self.ensure_doc()
        self.close_suite()
        self.suite = Suite(name)
        self.pending = []
        return self.suite

    def close_suite(self, ok=None, number=None, rest=None):
        """Close the open suite; ok None means no result line came."""
        s = self.suite
        if s is None:
            return
        self.suite = None
        s.diagnostics += self.pending
        self.pending = []
        label = s.name or "(unnamed suite)"
        last = s.cases[-1].name if s.cases else None
        where = ("after case %s" % last if last
                 else "before the first case")
        if s.last_noise:
            where += " (then: %s)" % s.last_noise

        if ok is not None:
            name, directive, reason = _split_name(rest)
            s.result_seen = True
            s.number = number
            s.status = _status(ok, directive)
            s.reason = reason
            if s.name is None:
                s.name = name or None
                label = s.name or label
        else:
            s.status = FAIL

        if s.plan is not None and len(s.cases) < s.plan:
            s.missing = s.plan - len(s.cases)
            msg = "missing: crashed or timed out %s" % where
            self.r.errors.append("%s: %d of %d cases missing: crashed or "
                                 "timed out %s" % (label, s.missing,
                                                   s.plan, where))
            for k in range(len(s.cases) + 1, s.plan + 1):
                c = Case("(missing case %d)" % k, k, FAIL,
                         diagnostics=[msg])
                c.synthetic = True
                s.cases.append(c)
        elif s.plan is not None and len(s.cases) > s.plan:
            self.r.errors.append("%s: %d cases reported, plan was %d"
                                 % (label, len(s.cases), s.plan))
        elif ok is None:
            if s.plan is None:
                s.missing = 1
                c = Case("(cases never reported)", 1, FAIL,
                         diagnostics=["missing: crashed or timed out %s"
                                      % where])
                c.synthetic = True
                s.cases.append(c)
            self.r.errors.append("%s: no result line: crashed or timed "
                                 "out %s" % (label, where))

        if s.status == SKIP and not s.cases and not s.plan:
            # A skipped suite with no cases counts as one skip.
            s.cases.append(Case(s.name, 1, SKIP, s.reason))
        if s.status == FAIL and ok is False and not s.failed:
            self.r.errors.append("%s: suite reported not ok but no case "
                                 "failed" % label)
        self.doc_suites.append(s)
        self.r.suites.append(s)

    # -- lines -------------------------------------------------------------

    def line(self, raw):
        text = _TIMESTAMP.sub("", raw.rstrip("\r\n"), count=1).rstrip()
        body = text.lstrip(" ")
        indent = len(text) - len(body)
        if not body or indent % 4:
            return self.noise(body)
        level = indent // 4
        if level == 0:
            return self.top(body)
        if level == 1 and self.doc_suites is not None:
            return self.nested(body)
        if level >= 2 and self.suite is not None:
            # Deeper subtests (parameterised cases): keep as diagnostics.
            self.pending.append(text.strip())
            return None
        return self.noise(body)

    def noise(self, body):
        # Remember the first console line after the latest case: after a
        # crash it is usually the panic message.
        if self.suite is not None and body and \
           self.suite.last_noise is None:
            self.suite.last_noise = body[:120]

    def top(self, body):
        if _VERSION.match(body):
            return self.start_doc(explicit=True)
        if self.doc_suites is None:
            return self.noise(body)
        m = _PLAN.match(body)
        if m and self.doc_plan is None:
            self.doc_plan = int(m.group(1))
            return None
        m = _RESULT.match(body)
        if m:
            ok = m.group(1) == "ok"
            number = int(m.group(2))
            if self.suite is None:
                # A top-level test without subtests: a suite of one.
                name, directive, reason = _split_name(m.group(3))
                s = self.open_suite(name)
                s.cases.append(Case(name, 1, _status(ok, directive),
                                    reason, self.pending))
                self.pending = []
                s.plan = 1
            return self.close_suite(ok, number, m.group(3))
        return self.noise(body)

    def nested(self, body):
        s = self.suite
        if _VERSION.match(body):
            if s is None or s.version_seen or s.plan is not None or \
               s.cases:
                s = self.open_suite()
            s.version_seen = True
            return None
        m = _SUBTEST.match(body)
        if m:
            if s is None or s.name is not None or s.plan is not None or \
               s.cases:
                s = self.open_suite()
            s.name = m.group(1).strip() or None
            return None
        m = _PLAN.match(body)
        if m:
            if s is None:
                s = self.open_suite()
            if s.plan is None:
                s.plan = int(m.group(1))
            return None
        m = _RESULT.match(body)
        if m:
            if s is None:
                s = self.open_suite()
            name, directive, reason = _split_name(m.group(3))
            s.cases.append(Case(name, int(m.group(2)),
                                _status(m.group(1) == "ok", directive),
                                reason, self.pending))
            self.pending = []
            s.last_noise = None
            return None
        m = _DIAG.match(body)
        if m and s is not None:
            self.pending.append(m.group(1))
            return None
        return self.noise(body)

    def finish(self):
        self.end_doc()
        if not self.r.header_seen:
            self.r.errors.insert(0, "no KTAP header found (did the tests "
                                    "run at all?)")
        return self.r


def parse(text):
    """Parse a log (str or iterable of lines) into a Result."""
    p = _Parser()
    lines = text.splitlines() if isinstance(text, str) else text
    for raw in lines:
        p.line(raw)
    return p.finish()


def report(r, summary=False, out=sys.stdout):
    """Print r in human form; the last line is the totals."""
    for s in r.suites:
        if not summary:
            print("%s: %d passed, %d failed, %d skipped"
                  % (s.name or "(unnamed suite)", s.passed, s.failed,
                     s.skipped), file=out)
        for c in s.cases:
            if c.status != FAIL:
                continue
            print("  FAIL %s.%s" % (s.name or "?", c.name), file=out)
            if not summary:
                for d in c.diagnostics:
                    print("    # %s" % d, file=out)
    for e in r.errors:
        print("ktap: %s" % e, file=out)
    print(r.summary(), file=out)


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="tools/ktap.py",
        description="Check KTAP test output; exit 1 on any failure.")
    ap.add_argument("--summary", action="store_true",
                    help="print only failed cases, problems and totals")
    ap.add_argument("file", metavar="FILE|-",
                    help="log to read, - for standard input")
    args = ap.parse_args(argv)
    if args.file == "-":
        text = sys.stdin.buffer.read()
    else:
        try:
            with open(args.file, "rb") as f:
                text = f.read()
        except OSError as e:
            print("ktap: %s" % e, file=sys.stderr)
            return 2
    r = parse(text.decode("utf-8", "replace"))
    report(r, args.summary)
    return 0 if r.ok else 1


if __name__ == "__main__":
    sys.exit(main())

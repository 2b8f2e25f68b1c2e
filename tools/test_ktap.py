# SPDX-License-Identifier: MIT
"""Tests for tools/ktap.py, on the stored logs in tools/testdata/ktap/.

    python3 -m pytest -q tools/test_ktap.py

Also feeds it the output of a real hosttest program (tests/host/hosttest.h)
when gcc is there.
"""

import os
import shutil
import subprocess
import sys

import pytest

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import ktap  # noqa: E402

DATA = os.path.join(TOOLS, "testdata", "ktap")
KTAP = os.path.join(TOOLS, "ktap.py")
ROOT = os.path.dirname(TOOLS)


def load(name):
    with open(os.path.join(DATA, name)) as f:
        return ktap.parse(f.read())


def cli(*args, stdin=None):
    return subprocess.run([sys.executable, KTAP] + list(args), input=stdin,
                          capture_output=True, text=True)


def statuses(suite):
    return [(c.name, c.status) for c in suite.cases]


# ---------------------------------------------------------------------------
# Stored logs


def test_all_pass():
    r = load("all_pass.log")
    assert r.ok and r.header_seen and not r.errors
    assert r.totals == {"passed": 5, "failed": 0, "skipped": 0,
                        "missing": 0}
    assert [s.name for s in r.suites] == ["list", "printk"]
    assert [s.number for s in r.suites] == [1, 2]
    assert statuses(r.suites[0]) == [
        ("list_add_tail_keeps_order", "pass"),
        ("list_del_unlinks", "pass"),
        ("list_empty_after_init", "pass"),
    ]
    assert all(s.status == "pass" and s.plan == len(s.cases)
               for s in r.suites)


def test_one_failure():
    r = load("one_failure.log")
    assert not r.ok and not r.errors
    assert (r.passed, r.failed, r.skipped) == (4, 1, 0)
    rb = r.suites[1]
    assert rb.name == "rbtree" and rb.status == "fail"
    case = rb.cases[1]
    assert (case.name, case.status, case.number) == \
        ("rbtree_erase_rebalances", "fail", 2)
    assert case.diagnostics == [
        "lib/core/tests/rbtree.c:42: rb_first(&t) == &n[0]: 0 != 1",
        "lib/core/tests/rbtree.c:43: failed: rb_is_black(root)",
    ]
    assert rb.cases[0].diagnostics == [] and rb.cases[2].diagnostics == []


def test_skip():
    r = load("skip.log")
    assert r.ok
    assert (r.passed, r.failed, r.skipped) == (2, 0, 2)
    sched = r.suites[0]
    assert sched.cases[1].name == "sched_two_cpus_pingpong"
    assert sched.cases[1].status == "skip"
    assert sched.cases[1].reason == "needs two CPUs"
    net = r.suites[1]
    assert net.name == "virtio_net" and net.status == "skip"
    assert net.reason == "no virtio-net device"


def test_noise_and_timestamps():
    r = load("noise_timestamps.log")
    assert r.header_seen and not r.errors
    assert (r.passed, r.failed, r.skipped) == (3, 1, 0)
    assert [s.name for s in r.suites] == ["timer", "string"]
    timer = r.suites[0]
    assert statuses(timer) == [("timer_monotonic", "pass"),
                               ("timer_tick_within_10ms", "fail")]
    assert timer.cases[1].diagnostics == ["expected a tick within 10 ms"]
    assert statuses(r.suites[1]) == [("strlen_counts", "pass"),
                                     ("memcpy_copies", "pass")]


def test_crash_mid_suite():
    r = load("crash_mid_suite.log")
    assert not r.ok
    alloc = r.suites[1]
    assert alloc.name == "alloc" and alloc.status == "fail"
    assert not alloc.result_seen
    assert alloc.missing == 3
    assert [c.status for c in alloc.cases] == ["pass"] * 2 + ["fail"] * 3
    for c in alloc.cases[2:]:
        assert c.synthetic
        assert c.diagnostics[0].startswith(
            "missing: crashed or timed out after case alloc_aligned")
        assert "PANIC: page fault" in c.diagnostics[0]
    # Suite 3 of 3 never started: one more failure.
    assert len(r.suites) == 3 and r.suites[2].status == "fail"
    assert (r.passed, r.failed) == (4, 4)
    assert any("3 of 5 cases missing" in e for e in r.errors)
    assert any("1 of 3 suites missing" in e for e in r.errors)


def test_empty():
    r = load("empty.log")
    assert not r.ok and not r.header_seen
    assert r.suites == []
    assert "no KTAP header" in r.errors[0]


def test_concatenated_documents():
    r = load("hosttest_concat.log")
    assert r.documents == 2 and not r.errors
    assert [s.name for s in r.suites] == ["rbtree", "bitmap"]
    assert (r.passed, r.failed) == (2, 1)


# ---------------------------------------------------------------------------
# CLI


@pytest.mark.parametrize("name,rc,last", [
    ("all_pass.log", 0, "5 passed, 0 failed, 0 skipped"),
    ("one_failure.log", 1, "4 passed, 1 failed, 0 skipped"),
    ("skip.log", 0, "2 passed, 0 failed, 2 skipped"),
    ("noise_timestamps.log", 1, "3 passed, 1 failed, 0 skipped"),
    ("crash_mid_suite.log", 1, "4 passed, 4 failed, 0 skipped"),
    ("empty.log", 1, "0 passed, 0 failed, 0 skipped"),
    ("hosttest_concat.log", 1, "2 passed, 1 failed, 0 skipped"),
])
@pytest.mark.parametrize("summary", [False, True])
def test_cli(name, rc, last, summary):
    args = ["--summary"] if summary else []
    r = cli(*args, os.path.join(DATA, name))
    assert r.returncode == rc, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == last


def test_cli_details():
    r = cli(os.path.join(DATA, "one_failure.log"))
    assert "  FAIL rbtree.rbtree_erase_rebalances" in r.stdout
    assert "rb_is_black(root)" in r.stdout
    r = cli("--summary", os.path.join(DATA, "one_failure.log"))
    assert "  FAIL rbtree.rbtree_erase_rebalances" in r.stdout
    assert "rb_is_black" not in r.stdout
    assert "list:" not in r.stdout


def test_cli_crash_message():
    r = cli("--summary", os.path.join(DATA, "crash_mid_suite.log"))
    assert "missing: crashed or timed out after case alloc_aligned" \
        in r.stdout


def test_cli_empty_message():
    r = cli(os.path.join(DATA, "empty.log"))
    assert "no KTAP header" in r.stdout


def test_cli_stdin():
    with open(os.path.join(DATA, "all_pass.log")) as f:
        r = cli("-", stdin=f.read())
    assert r.returncode == 0
    assert r.stdout.splitlines()[-1] == "5 passed, 0 failed, 0 skipped"


def test_cli_missing_file(tmp_path):
    r = cli(str(tmp_path / "absent.log"))
    assert r.returncode == 2


# ---------------------------------------------------------------------------
# Edge cases


def doc(*suite_lines, plan=1):
    return "KTAP version 1\n1..%d\n" % plan + "\n".join(suite_lines) + "\n"


def test_plan_mismatch_with_result_line():
    r = ktap.parse(doc("    KTAP version 1", "    # Subtest: s",
                       "    1..3", "    ok 1 a", "    ok 2 b", "ok 1 s"))
    assert not r.ok
    assert r.suites[0].missing == 1 and r.failed == 1
    assert "after case b" in r.suites[0].cases[2].diagnostics[0]


def test_more_cases_than_planned():
    r = ktap.parse(doc("    KTAP version 1", "    # Subtest: s",
                       "    1..1", "    ok 1 a", "    ok 2 b", "ok 1 s"))
    assert not r.ok and r.failed == 0
    assert "plan was 1" in r.errors[0]


def test_suite_not_ok_without_failed_case():
    r = ktap.parse(doc("    KTAP version 1", "    # Subtest: s",
                       "    1..1", "    ok 1 a", "not ok 1 s"))
    assert not r.ok
    assert "no case failed" in r.errors[0]


def test_crash_before_first_case():
    r = ktap.parse(doc("    KTAP version 1", "    # Subtest: s",
                       "    1..2", "PANIC: boom"))
    assert r.failed == 2
    assert "before the first case" in r.suites[0].cases[0].diagnostics[0]


def test_crash_before_suite_plan():
    r = ktap.parse(doc("    KTAP version 1", "    # Subtest: s",
                       "PANIC: boom"))
    assert not r.ok and r.failed == 1


def test_crash_right_after_header():
    r = ktap.parse("KTAP version 1\n")
    assert not r.ok and "no test plan" in r.errors[0]


def test_crash_after_last_case_before_result_line():
    r = ktap.parse(doc("    KTAP version 1", "    # Subtest: s",
                       "    1..1", "    ok 1 a", "PANIC: in suite exit"))
    assert not r.ok and r.failed == 0
    assert "no result line" in r.errors[0]
    assert "PANIC: in suite exit" in r.errors[0]


def test_crlf_and_old_style_subtest_first():
    text = doc("    # Subtest: s", "    1..1", "    ok 1 a", "ok 1 s")
    r = ktap.parse(text.replace("\n", "\r\n"))
    assert r.ok and r.suites[0].name == "s" and r.passed == 1


def test_top_level_case_without_subtests():
    r = ktap.parse("KTAP version 1\n1..2\nok 1 alpha\nnot ok 2 beta\n")
    assert (r.passed, r.failed) == (1, 1)
    assert [s.name for s in r.suites] == ["alpha", "beta"]


def test_noise_that_looks_indented_is_ignored():
    r = ktap.parse(doc("    KTAP version 1", "    # Subtest: s",
                       "    1..1", "   three spaces: not ktap",
                       "\tok 9 tab-indented noise", "    ok 1 a",
                       "ok 1 s"))
    assert r.ok and r.passed == 1


def test_nested_subtests_become_diagnostics():
    r = ktap.parse(doc("    KTAP version 1", "    # Subtest: s",
                       "    1..1", "        KTAP version 1",
                       "        # Subtest: param", "        1..2",
                       "        ok 1 p=1", "        not ok 2 p=2",
                       "    not ok 1 param", "not ok 1 s"))
    assert (r.passed, r.failed) == (0, 1)
    assert "not ok 2 p=2" in r.suites[0].cases[0].diagnostics
    assert not r.errors


def test_todo_directive():
    r = ktap.parse(doc("    1..2", "    not ok 1 a # TODO later",
                       "    ok 2 b # todo", "ok 1 s"))
    assert [c.status for c in r.suites[0].cases] == ["skip", "pass"]


# ---------------------------------------------------------------------------
# Real hosttest output

HOSTTEST_SRC = r"""
#include "hosttest.h"
TEST(adds) { EXPECT_EQ(1 + 1, 2); }
TEST(fails) { EXPECT_EQ(2 * 2, 5); ASSERT_TRUE(0); EXPECT_TRUE(1); }
TEST(strings) { EXPECT_STREQ("a", "a"); }
HOSTTEST_MAIN("sample")
"""


@pytest.mark.skipif(not shutil.which("gcc") or not os.path.exists(
    os.path.join(ROOT, "tests", "host", "hosttest.h")),
    reason="needs gcc and tests/host/hosttest.h")
def test_real_hosttest_output(tmp_path):
    src = tmp_path / "sample.c"
    src.write_text(HOSTTEST_SRC)
    exe = str(tmp_path / "sample")
    subprocess.run(["gcc", "-O1", "-I", os.path.join(ROOT, "tests", "host"),
                    str(src), "-o", exe], check=True)
    out = subprocess.run([exe], capture_output=True, text=True)
    assert out.returncode == 1
    r = ktap.parse(out.stdout)
    assert not r.errors
    assert [s.name for s in r.suites] == ["sample"]
    got = {c.name: c for c in r.suites[0].cases}
    assert {n: c.status for n, c in got.items()} == \
        {"adds": "pass", "fails": "fail", "strings": "pass"}
    diags = got["fails"].diagnostics
    assert len(diags) == 2 and "2 * 2 == 5: 4 != 5" in diags[0]

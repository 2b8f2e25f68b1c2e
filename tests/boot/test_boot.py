# SPDX-License-Identifier: MIT
"""Foundation boot tests: arguments, exit status, crash reports, bad
command lines, poweroff without the exit device."""

import re

import pytest

from conftest import PANIC_EXIT_STATUS, boot

MACHINES = ["microvm", "pc", "q35"]


@pytest.mark.parametrize("machine", MACHINES)
def test_helloworld_prints_args_and_exits_0(helloworld, machine):
    b = boot(helloworld, machine, append='-- one "two words" 3')
    assert b.rc == 0, b
    lines = [l.rstrip("\r") for l in b.out.splitlines()]
    i = lines.index("Hello from Pith")
    assert lines[i + 1:i + 4] == ["one", "two words", "3"], b
    assert re.search(r"booted in \d+ us \(entry to main\)", b.out), b


def test_initcall_debug_prints_phases_and_init_functions(helloworld):
    b = boot(helloworld, append="initcall_debug")
    assert b.rc == 0, b
    for phase in ("entry", "paging", "clock", "acpi"):
        assert re.search(r"boot: %s \d+ us" % phase, b.out), b
    assert re.search(r"init: early syscall_init \d+ us, returned 0", b.out), b
    assert "Hello from Pith" in b.out, b


def test_quiet_boot_still_prints_the_boot_line(helloworld):
    b = boot(helloworld, append="loglevel=5")
    assert b.rc == 0, b
    assert re.search(r"booted in \d+ us \(entry to main\)", b.out), b
    assert "clock: " not in b.out, b      # an info line


@pytest.mark.parametrize("status", [0, 3, 42, 127])
def test_exit_status_reaches_the_host(exitcode, status):
    b = boot(exitcode, append="-- %d" % status)
    assert "exiting with %d" % status in b.out, b
    assert b.rc == status, b


@pytest.mark.parametrize("machine", MACHINES)
def test_poweroff_without_exit_device_is_acpi(helloworld, machine):
    b = boot(helloworld, machine, args=["--no-exit-device"])
    assert "Hello from Pith" in b.out, b
    assert b.rc == 0, b          # ACPI S5: QEMU exits 0


def test_malformed_command_line_boots_with_warnings(helloworld):
    b = boot(helloworld, append='loglevel=99 bogus =x loglevel=abc '
             'env.=1 "unterminated -- a')
    assert b.rc == 0, b
    assert "Hello from Pith" in b.out, b
    assert "bad value '99' for loglevel" in b.out, b
    assert "unknown parameter 'bogus' ignored" in b.out, b
    assert "has no parameter name" in b.out, b
    assert "bad value 'abc' for loglevel" in b.out, b
    assert "unterminated quote" in b.out, b


def test_env_parameters_reach_the_app_environment(ktest_image):
    # ktest's posix suite checks its own environment: see posix_ktest.c
    b = boot(ktest_image, append="env.PITH_TEST=yes -- posix")
    assert b.rc == 0, b
    assert re.search(r"    ok \d+ posix_env_param_reaches_getenv\r?\n", b.out), b


@pytest.mark.parametrize("kind,exc,func", [
    ("null", "exception 14 #PF page fault", "crash_null"),
    ("ud", "exception 6 #UD invalid opcode", "crash_ud"),
    ("div", "exception 0 #DE divide error", "crash_div"),
])
def test_fault_prints_registers_and_backtrace(ktest_image, kind, exc, func):
    b = boot(ktest_image, append="test.crash=%s" % kind)
    assert b.rc == PANIC_EXIT_STATUS, b
    assert exc in b.out, b
    assert re.search(r"rip [0-9a-f]{16} rsp [0-9a-f]{16}", b.out), b
    assert re.search(r"r15 [0-9a-f]{16}", b.out), b
    assert re.search(r"backtrace:\n.*\] %s\+0x" % func, b.out.replace("\r", "")), b
    assert "crash_test_run+0x" in b.out, b
    assert "KTAP version" not in b.out, b     # the app never started


def test_stack_overflow_hits_guard_page(ktest_image):
    b = boot(ktest_image, append="test.crash=stack")
    assert b.rc == PANIC_EXIT_STATUS, b
    assert "stack overflow in the boot stack" in b.out, b
    assert re.search(r"\] crash_stack(\.\w+)*\+0x", b.out), b


def test_panic_reports_and_exits_nonzero(ktest_image):
    b = boot(ktest_image, append="test.crash=panic")
    assert b.rc == PANIC_EXIT_STATUS, b
    assert "*** panic: test.crash=panic" in b.out, b
    assert "wq: pool 0 " in b.out, b      # LIBWQ_DEBUG_DUMP's dump
    assert "crash_test_run+0x" in b.out, b


def test_strace_prints_system_calls(helloworld):
    b = boot(helloworld, append="strace=1 -- x")
    assert b.rc == 0, b
    assert "arch_prctl(0x1002, " in b.out, b
    assert re.search(r'writev\(1, 0x[0-9a-f]+, \d\)', b.out), b
    assert "exit_group(0)" in b.out, b


def test_ktest_image_on_q35(ktest_image):
    b = boot(ktest_image, "q35")
    assert b.rc == 0, b
    assert "# ktest: 0 failed" in b.out, b

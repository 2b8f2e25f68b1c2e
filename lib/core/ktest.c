/* SPDX-License-Identifier: MIT */
/*
 * ktest runner: every suite in the .ktest_suites section, KTAP version 1
 * on the console (see <pith/ktest.h>). A failed ASSERT or kt_skip() leaves
 * the case through kjmp_long back to the runner.
 */
#include <stdarg.h>
#include <pith/ktest.h>
#include <pith/plat.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/trap.h>

extern struct ktest_suite *const __ktest_start[], *const __ktest_end[];

/* KTAP goes out raw: no timestamps, which would break indentation. */
static __printf(1, 2) void out(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	plat_console_write(buf, n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1);
}

void kt_fail(struct ktest *t, bool fatal, const char *file, int line,
	     const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out("        # %s: %s:%d: %s\n", t->name, file, line, msg);
	t->status = KT_FAIL;
	if (fatal)
		kjmp_long(t->abort_ctx, 1);
}

void kt_skip(struct ktest *t, const char *reason)
{
	t->status = KT_SKIP;
	t->skip_reason = reason;
	kjmp_long(t->abort_ctx, 1);
}

static bool match(const char *filter, const char *suite, const char *name)
{
	size_t n = kstrlen(suite);

	if (!filter || !filter[0])
		return true;
	if (kstrncmp(filter, suite, n) || (filter[n] && filter[n] != '.'))
		return false;
	return !filter[n] || !name || !kstrcmp(filter + n + 1, name);
}

static int count_cases(const struct ktest_suite *s, const char *filter)
{
	int n = 0;

	for (const struct ktest_case *c = s->cases; c->fn; c++)
		n += match(filter, s->name, c->name);
	return n;
}

static void run_case(const struct ktest_suite *s, const struct ktest_case *c,
		     struct ktest *t)
{
	struct kjmp_buf jb;

	*t = (struct ktest){ .name = c->name, .abort_ctx = &jb };
	if (kjmp_set(&jb))
		goto done;
	if (s->init && s->init(t)) {
		kt_fail(t, false, __FILE__, __LINE__, "suite init failed");
		goto done;
	}
	c->fn(t);
done:
	/* The exit hook runs once, also after an ASSERT jumped here. */
	if (s->exit && t->abort_ctx) {
		t->abort_ctx = NULL;
		s->exit(t);
	}
}

/* Runs one suite; returns the number of failed cases. */
static int run_suite(const struct ktest_suite *s, int index,
		     const char *filter)
{
	int n = 0, failed = 0;
	struct ktest t;

	out("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", s->name,
	    count_cases(s, filter));
	for (const struct ktest_case *c = s->cases; c->fn; c++) {
		if (!match(filter, s->name, c->name))
			continue;
		run_case(s, c, &t);
		n++;
		if (t.status == KT_SKIP)
			out("    ok %d %s # SKIP %s\n", n, c->name,
			    t.skip_reason);
		else
			out("    %sok %d %s\n", t.status ? "not " : "", n,
			    c->name);
		failed += t.status == KT_FAIL;
	}
	out("%sok %d %s\n", failed ? "not " : "", index, s->name);
	return failed;
}

int ktest_run_all(const char *filter)
{
	int suites = 0, index = 0, failed = 0;

	for (struct ktest_suite *const *s = __ktest_start; s < __ktest_end; s++)
		suites += count_cases(*s, filter) > 0;
	out("KTAP version 1\n1..%d\n", suites);
	for (struct ktest_suite *const *s = __ktest_start; s < __ktest_end; s++)
		if (count_cases(*s, filter) > 0)
			failed += run_suite(*s, ++index, filter);
	out("# ktest: %d failed\n", failed);
	return failed;
}

/* SPDX-License-Identifier: MIT */
/*
 * Kernel parameters: the setters for typed parameters and the walk that
 * applies the kernel's words of the command line. See <pith/param.h>.
 */
#include <stdbool.h>
#include <pith/errno.h>
#include <pith/param.h>
#include <pith/printk.h>
#include <pith/string.h>
#include "core.h"

extern const struct kernel_param __param_start[], __param_end[];

int param_set_int(const struct kernel_param *kp, const char *val)
{
	long long v;

	if (!val || kstrtoll(val, 0, &v) || v < kp->min || v > kp->max)
		return -EINVAL;
	*(int *)kp->var = (int)v;
	return 0;
}

int param_set_bool(const struct kernel_param *kp, const char *val)
{
	static const char *const yes[] = { "1", "y", "yes", "on", "true" };
	static const char *const no[] = { "0", "n", "no", "off", "false" };

	if (!val) {
		*(bool *)kp->var = true;
		return 0;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!kstrcmp(val, yes[i]))
			return *(bool *)kp->var = true, 0;
		if (!kstrcmp(val, no[i]))
			return *(bool *)kp->var = false, 0;
	}
	return -EINVAL;
}

int param_set_string(const struct kernel_param *kp, const char *val)
{
	if (!val || kstrlen(val) >= (size_t)kp->max)
		return -EINVAL;
	kstrlcpy(kp->var, val, kp->max);
	return 0;
}

static const struct kernel_param *param_find(const char *name)
{
	for (const struct kernel_param *p = __param_start; p < __param_end;
	     p++)
		if (!kstrcmp(p->name, name))
			return p;
	return NULL;
}

/* Apply one "name=value" or "name" word. */
void param_apply(char *word)
{
	char *eq = kstrchr(word, '=');
	const char *val = NULL;
	const struct kernel_param *p;

	if (eq) {
		*eq = 0;
		val = eq + 1;
	}
	if (!word[0]) {
		pr_warn("cmdline: '=%s' has no parameter name, ignored\n",
			val ? val : "");
		return;
	}
	if (!kstrncmp(word, "env.", 4)) {
		if (!word[4] || !val)
			pr_warn("cmdline: '%s' needs the form env.NAME=value\n",
				word);
		else
			app_env_add(word + 4, val);
		return;
	}
	p = param_find(word);
	if (!p) {
		pr_warn("cmdline: unknown parameter '%s' ignored\n", word);
		return;
	}
	if (p->set(p, val))
		pr_warn("cmdline: bad value '%s' for %s (%s), default kept\n",
			val ? val : "(none)", word, p->help);
}

/* SPDX-License-Identifier: MIT */
/* Private to lib/core. */
#ifndef LIB_CORE_PRIVATE_H
#define LIB_CORE_PRIVATE_H

void param_apply(char *word);
void app_env_add(const char *name, const char *val);
#ifdef CONFIG_LIBCORE_DEBUG_CRASH
void crash_test_run(void);
#else
static inline void crash_test_run(void)
{
}
#endif

#endif

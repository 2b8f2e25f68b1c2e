/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for tests (LIBWQ_FAULT_INJECT): make worker creation
 * fail as if memory ran out, to drive the mayday path and the rescuers.
 *
 * Interface:
 *   wq_fail_worker_creation(on)   <pith/wq.h>, tests
 *   wq_fault_create_fails()       pool.c, before creating a worker
 */
#include "wq_internal.h"

static volatile bool fail_create;

void wq_fail_worker_creation(bool on)
{
	fail_create = on;
}

bool wq_fault_create_fails(void)
{
	return fail_create;
}

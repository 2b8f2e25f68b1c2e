/* SPDX-License-Identifier: MIT */
/* Private to lib/sched. */
#ifndef LIB_SCHED_PRIVATE_H
#define LIB_SCHED_PRIVATE_H

#include <pith/sched_class.h>

void __switch_to(uintptr_t *prev_ksp, uintptr_t next_ksp);
void thread_trampoline(void);
const struct sched_class *class_for_policy(int policy);
void sched_classes_init(struct rq *rq);
struct thread *pick_next_thread(struct rq *rq);
void sched_tunables_print(void);
/* Preemptive classes (policy.c sets them up). */
void rt_rq_init(struct rt_rq *rt);
void fair_tunables(uint64_t *latency, uint64_t *min_gran, uint64_t *wakeup);

#endif

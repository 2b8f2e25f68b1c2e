/* SPDX-License-Identifier: MIT */
/*
 * lwIP's operating-system types for Pith (see lwip/sys.h for the calls):
 * semaphores and mailboxes are spinlock-guarded counters and rings with
 * wait queues; a mutex is a binary semaphore; threads are kthreads.
 * Implemented in lib/net/sys_arch.c.
 */
#ifndef PITH_LWIP_ARCH_SYS_ARCH_H
#define PITH_LWIP_ARCH_SYS_ARCH_H

#include <stdbool.h>
#include <pith/spinlock.h>
#include <pith/wait.h>

struct sys_sem {
	spinlock_t lock;
	unsigned int count;		/* guarded by lock */
	struct wait_queue_head wq;
	bool valid;
};

struct sys_mbox {
	spinlock_t lock;
	void **ring;			/* guarded by lock, with head/count */
	unsigned int size, head, count;
	struct wait_queue_head not_empty, not_full;
	bool valid;
};

typedef struct sys_sem sys_sem_t;
typedef struct sys_sem sys_mutex_t;
typedef struct sys_mbox sys_mbox_t;
typedef struct thread *sys_thread_t;
typedef unsigned long sys_prot_t;

#define sys_sem_valid(s)	((s) != NULL && (s)->valid)
#define sys_sem_set_invalid(s)	do { if (s) (s)->valid = false; } while (0)
#define sys_mutex_valid(m)	sys_sem_valid(m)
#define sys_mutex_set_invalid(m) sys_sem_set_invalid(m)
#define sys_mbox_valid(m)	((m) != NULL && (m)->valid)
#define sys_mbox_set_invalid(m)	do { if (m) (m)->valid = false; } while (0)

#endif

// SPDX-License-Identifier: MIT
/*
 * lwIP's operating-system layer on Pith (the contract is lwip/sys.h):
 * counting semaphores and bounded mailboxes built from a spinlock and
 * wait queues (interrupts off inside, so a driver may post from any
 * context), mutexes as binary semaphores, threads as kthreads,
 * sys_now() from the monotonic clock, SYS_ARCH_PROTECT as interrupts
 * off, and lwIP's memory from kmalloc.
 *
 * Timeouts are in milliseconds; 0 means wait forever. A wait returns
 * the milliseconds it took (at least 0), or SYS_ARCH_TIMEOUT.
 */
#include <lwip/sys.h>
#include <lwip/opt.h>
#include <stdarg.h>
#include <stdint.h>
#include <pith/io.h>
#include <pith/irqflags.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/sched.h>
#include <pith/time.h>

int pith_lwip_errno;

/* ---- semaphores and mutexes ---- */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	spin_lock_init(&sem->lock);
	init_waitqueue_head(&sem->wq);
	sem->count = count;
	sem->valid = true;
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
	sem->valid = false;
}

void sys_sem_signal(sys_sem_t *sem)
{
	unsigned long flags = spin_lock_irqsave(&sem->lock);

	sem->count++;
	spin_unlock_irqrestore(&sem->lock, flags);
	wake_up(&sem->wq);
}

static bool sem_trydown(sys_sem_t *sem)
{
	unsigned long flags = spin_lock_irqsave(&sem->lock);
	bool ok = sem->count > 0;

	if (ok)
		sem->count--;
	spin_unlock_irqrestore(&sem->lock, flags);
	return ok;
}

static uint64_t ms_to_ns(u32_t ms)
{
	return ms ? ms * NSEC_PER_MSEC : UINT64_MAX;
}

static u32_t elapsed_ms(uint64_t start)
{
	return (ktime_get_ns() - start) / NSEC_PER_MSEC;
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	uint64_t start = ktime_get_ns();

	if (!timeout) {
		wait_event(sem->wq, sem_trydown(sem));
		return elapsed_ms(start);
	}
	if (!wait_event_timeout(sem->wq, sem_trydown(sem), ms_to_ns(timeout)))
		return SYS_ARCH_TIMEOUT;
	return elapsed_ms(start);
}

err_t sys_mutex_new(sys_mutex_t *m)
{
	return sys_sem_new(m, 1);
}

void sys_mutex_free(sys_mutex_t *m)
{
	sys_sem_free(m);
}

void sys_mutex_lock(sys_mutex_t *m)
{
	sys_arch_sem_wait(m, 0);
}

void sys_mutex_unlock(sys_mutex_t *m)
{
	sys_sem_signal(m);
}

/* ---- mailboxes ---- */

err_t sys_mbox_new(sys_mbox_t *mb, int size)
{
	mb->size = size > 0 ? size : 64;
	mb->ring = kmalloc(mb->size * sizeof(void *), GFP_KERNEL);
	if (!mb->ring)
		return ERR_MEM;
	spin_lock_init(&mb->lock);
	init_waitqueue_head(&mb->not_empty);
	init_waitqueue_head(&mb->not_full);
	mb->head = mb->count = 0;
	mb->valid = true;
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mb)
{
	if (mb->count)
		pr_warn("net: mailbox freed with %u messages\n", mb->count);
	kfree(mb->ring);
	mb->ring = NULL;
	mb->valid = false;
}

static bool mbox_tryput(sys_mbox_t *mb, void *msg)
{
	unsigned long flags = spin_lock_irqsave(&mb->lock);
	bool ok = mb->count < mb->size;

	if (ok) {
		mb->ring[(mb->head + mb->count) % mb->size] = msg;
		mb->count++;
	}
	spin_unlock_irqrestore(&mb->lock, flags);
	if (ok)
		wake_up(&mb->not_empty);
	return ok;
}

static bool mbox_tryget(sys_mbox_t *mb, void **msg)
{
	unsigned long flags = spin_lock_irqsave(&mb->lock);
	bool ok = mb->count > 0;

	if (ok) {
		void *m = mb->ring[mb->head];

		if (msg)
			*msg = m;
		mb->head = (mb->head + 1) % mb->size;
		mb->count--;
	}
	spin_unlock_irqrestore(&mb->lock, flags);
	if (ok)
		wake_up(&mb->not_full);
	return ok;
}

void sys_mbox_post(sys_mbox_t *mb, void *msg)
{
	wait_event(mb->not_full, mbox_tryput(mb, msg));
}

err_t sys_mbox_trypost(sys_mbox_t *mb, void *msg)
{
	return mbox_tryput(mb, msg) ? ERR_OK : ERR_MEM;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mb, void *msg)
{
	return sys_mbox_trypost(mb, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mb, void **msg, u32_t timeout)
{
	uint64_t start = ktime_get_ns();

	if (!timeout) {
		wait_event(mb->not_empty, mbox_tryget(mb, msg));
		return elapsed_ms(start);
	}
	if (!wait_event_timeout(mb->not_empty, mbox_tryget(mb, msg),
				ms_to_ns(timeout)))
		return SYS_ARCH_TIMEOUT;
	return elapsed_ms(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mb, void **msg)
{
	return mbox_tryget(mb, msg) ? 0 : SYS_MBOX_EMPTY;
}

/* ---- threads, time, protection ---- */

struct lwip_thread_start {
	lwip_thread_fn fn;
	void *arg;
};

static int lwip_thread_entry(void *p)
{
	struct lwip_thread_start s = *(struct lwip_thread_start *)p;

	kfree(p);
	s.fn(s.arg);
	return 0;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg,
			    int stacksize, int prio)
{
	struct lwip_thread_start *s = kmalloc(sizeof(*s), GFP_KERNEL);
	struct thread_attr attr = {
		.stack_size = stacksize > 0 ? (size_t)stacksize : 0,
		.detached = true,
	};
	struct thread *t;

	LWIP_ASSERT("sys_thread_new: out of memory", s != NULL);
	*s = (struct lwip_thread_start){ fn, arg };
	t = kthread_create_attr(lwip_thread_entry, s, name, &attr);
	LWIP_ASSERT("sys_thread_new: cannot create thread", t != NULL);
	wake_up_process(t);
	return t;
}

void sys_init(void)
{
}

u32_t sys_now(void)
{
	return ktime_get_ns() / NSEC_PER_MSEC;
}

sys_prot_t sys_arch_protect(void)
{
	return local_irq_save();
}

void sys_arch_unprotect(sys_prot_t pval)
{
	local_irq_restore(pval);
}

/* ---- memory and diagnostics ---- */

static gfp_t lwip_gfp(void)
{
	return irqs_disabled() ? GFP_ATOMIC : GFP_KERNEL;
}

void *pith_lwip_malloc(size_t size)
{
	return kmalloc(size, lwip_gfp());
}

void *pith_lwip_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size, lwip_gfp());
}

void pith_lwip_free(void *p)
{
	kfree(p);
}

void pith_lwip_diag(const char *fmt, ...)
{
	va_list ap;
	char buf[160];

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_info("lwip: %s", buf);
}

void pith_lwip_assert(const char *msg, const char *file, int line)
{
	panic("lwip: assertion \"%s\" failed at %s:%d\n", msg, file, line);
}

uint32_t pith_lwip_rand(void)
{
	static uint64_t state;

	if (!state)
		state = rdtsc() | 1;
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (uint32_t)(state >> 16);
}

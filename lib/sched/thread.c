/* SPDX-License-Identifier: MIT */
/*
 * Thread lifecycle: create (stack with a guard page, FPU area), start,
 * exit, join, reap; the idle thread (the boot context) and the app's main
 * thread; the thread dump printed by sched_dump() and on panic.
 */
#include <pith/cpu.h>
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/irqflags.h>
#include <pith/kernel.h>
#include <pith/mm.h>
#include <pith/preempt.h>
#include <pith/paging.h>
#include <pith/plat.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/time.h>
#include "sched.h"

static LIST_HEAD(all_threads);
static int next_tid = 2;	/* 0 idle, 1 the app's main thread */
static int nr_threads;
static struct thread idle_thread;

void sched_core_init(struct rq *rq);
void schedule_dead(void);
void sched_reap_later(struct thread *t);

struct thread *sched_find_thread(int tid)
{
	unsigned long flags = local_irq_save();
	struct thread *t, *found = NULL;

	list_for_each_entry(t, &all_threads, all_node)
		if (t->tid == tid && t->state != TASK_DEAD) {
			found = t;
			break;
		}
	local_irq_restore(flags);
	return found;
}

int sched_nr_threads(void)
{
	return nr_threads;
}

static void *alloc_fpu_area(void)
{
	void *a = kmalloc(ALIGN_UP(fpu_area_size(), 64) + 64, GFP_KERNEL);

	if (!a)
		return NULL;
	/* XSAVE wants 64-byte alignment; kmalloc gives 16 or more. */
	void *al = (void *)ALIGN_UP((uintptr_t)a + 1, 64);

	((void **)al)[-1] = a;
	fpu_init_area(al);
	return al;
}

static void free_fpu_area(void *al)
{
	if (al)
		kfree(((void **)al)[-1]);
}

static void set_initial_frame(struct thread *t)
{
	uintptr_t *sp = (uintptr_t *)((uintptr_t)t->stack + t->stack_size);

	*--sp = 0;				/* alignment: entry sees rsp%16==8 */
	*--sp = (uintptr_t)thread_trampoline;	/* __switch_to's ret */
	for (int i = 0; i < 6; i++)
		*--sp = 0;			/* rbp rbx r12-r15 */
	t->ksp = (uintptr_t)sp;
}

static int setup_stack(struct thread *t, const struct thread_attr *a)
{
	size_t size = a && a->stack_size ? a->stack_size
					 : CONFIG_LIBSCHED_STACK_KB * 1024;

	t->stack_size = ALIGN_UP(size, PAGE_SIZE);
	if (a && a->stack) {
		t->stack = a->stack;
		t->stack_size = size;
		return 0;
	}
	t->stack = vm_map(t->stack_size, VM_READ | VM_WRITE, VM_STACK,
			  t->name);
	if (IS_ERR_OR_NULL(t->stack))
		return -ENOMEM;
	t->stack_owned = true;	/* vm_map pages come zeroed: the high-water
				 * mark needs nothing more */
	return 0;
}

struct thread *kthread_create_attr(int (*fn)(void *), void *arg,
				   const char *name,
				   const struct thread_attr *a)
{
	struct thread *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return ERR_PTR(-ENOMEM);
	kstrlcpy(t->name, name, sizeof(t->name));
	t->fn = fn;
	t->arg = arg;
	t->state = TASK_NEW;
	t->detached = a && a->detached;
	t->fpu = alloc_fpu_area();
	if (!t->fpu || setup_stack(t, a)) {
		free_fpu_area(t->fpu);
		kfree(t);
		return ERR_PTR(-ENOMEM);
	}
	set_initial_frame(t);
	t->fs_base = 0;
	t->pi_waiters = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&t->rt.run_list);
	if (sched_setattr(t, a ? a->policy : SCHED_NORMAL, a ? a->nice : 0,
			  a ? a->rt_priority : 0)) {
		/* A bad policy/nice/priority: no class to run it in. */
		if (t->stack_owned)
			vm_unmap(t->stack, t->stack_size);
		free_fpu_area(t->fpu);
		kfree(t);
		return ERR_PTR(-EINVAL);
	}
	unsigned long flags = local_irq_save();

	t->tid = next_tid++;
	list_add_tail(&t->all_node, &all_threads);
	nr_threads++;
	local_irq_restore(flags);
	return t;
}

struct thread *kthread_create(int (*fn)(void *), void *arg, const char *name)
{
	return kthread_create_attr(fn, arg, name, NULL);
}

struct thread *kthread_run(int (*fn)(void *), void *arg, const char *name)
{
	struct thread *t = kthread_create(fn, arg, name);

	if (!IS_ERR(t))
		wake_up_process(t);
	return t;
}

/* First code a new thread runs (from thread_trampoline). */
__noreturn void thread_entry(void)
{
	local_irq_enable();
	thread_exit(current->fn(current->arg));
}

void thread_free(struct thread *t)
{
	unsigned long flags = local_irq_save();

	list_del(&t->all_node);
	nr_threads--;
	local_irq_restore(flags);
	if (t->stack_owned)
		vm_unmap(t->stack, t->stack_size);
	free_fpu_area(t->fpu);
	kfree(t);
}

__noreturn void thread_exit(int code)
{
	struct thread *t = current;

	local_irq_disable();
	t->exit_code = code;
	if (t->detached)
		sched_reap_later(t);
	else if (t->joiner)
		wake_up_process(t->joiner);
	t->state = TASK_DEAD;
	schedule_dead();
	panic("thread %s ran after its exit\n", t->name);
}

int kthread_join(struct thread *t, int *ret)
{
	if (t == current || t->detached || t->joiner)
		return -EINVAL;
	local_irq_disable();
	t->joiner = current;
	while (t->state != TASK_DEAD) {
		current->state = TASK_UNINTERRUPTIBLE;
		local_irq_enable();
		schedule();
		local_irq_disable();
	}
	local_irq_enable();
	if (ret)
		*ret = t->exit_code;
	thread_free(t);
	return 0;
}

int sched_setattr(struct thread *t, int policy, int nice, int rt_priority)
{
	const struct sched_class *c = class_for_policy(policy);
	unsigned long flags;
	int old_prio;

	if (!c || nice < -20 || nice > 19 || rt_priority < 0 ||
	    rt_priority > 99 || ((policy == SCHED_FIFO ||
				  policy == SCHED_RR) != (rt_priority > 0)))
		return -EINVAL;
	preempt_disable();	/* switch at the end if t should give way */
	flags = local_irq_save();
	old_prio = t->prio;
	sched_change_begin(&runqueue, t);
	t->policy = policy;
	t->nice = nice;
	t->rt_priority = rt_priority;
	t->normal_prio = rt_priority ? MAX_RT_PRIO - 1 - rt_priority
				     : NICE_TO_PRIO(nice);
	t->prio = t->normal_prio;
	t->class = c;
	c->task_init(t);
	sched_change_end(&runqueue, t, old_prio);
	local_irq_restore(flags);
	preempt_enable();
	return 0;
}

static size_t stack_used(const struct thread *t)
{
	const uint64_t *p = t->stack;
	size_t n = t->stack_size / 8, i = 0;

	if (!p || !t->stack_owned)
		return 0;
	while (i < n && !p[i])
		i++;
	return (n - i) * 8;
}

static const char *state_name(int s)
{
	return s == TASK_RUNNING ? "R" : s == TASK_DEAD ? "X" :
	       s == TASK_NEW ? "N" : s == TASK_INTERRUPTIBLE ? "S" : "D";
}

static void dump_one(struct thread *t)
{
	char how[64] = "";

	if (t->class && t->class->describe)
		t->class->describe(t, how, sizeof(how));
	printk(LOGLEVEL_EMERG, "%c%4d %-15s %s %-5s %-22s cpu %8lu us "
	       "stack %5zu/%zu\n", t == current ? '*' : ' ', t->tid, t->name,
	       state_name(t->state), t->class ? t->class->name : "-", how,
	       (unsigned long)(t->se.sum_exec_runtime / 1000), stack_used(t),
	       t->stack_size);
}

void sched_dump(void)
{
	struct thread *t;

	printk(LOGLEVEL_EMERG, "  tid name            st class how"
	       "                    cpu           stack used/size\n");
	dump_one(&idle_thread);
	list_for_each_entry(t, &all_threads, all_node)
		dump_one(t);
}

static void panic_context(void)
{
	printk(LOGLEVEL_EMERG, "thread: %s (tid %d)\n", current->name,
	       current->tid);
	if (!in_interrupt())
		sched_dump();
}

/* The app's main thread: the launcher (musl's _start) or main(). */
static int main_thread_fn(void *entry)
{
	return ((int (*)(void))entry)();
}

static __noreturn void start_app(int (*entry)(void), void *stack,
				 size_t size)
{
	struct thread_attr a = { .stack = stack, .stack_size = size };
	struct thread *t = kthread_create_attr(main_thread_fn, entry, "main",
					       stack ? &a : NULL);

	if (IS_ERR(t))
		panic("sched: cannot create the main thread\n");
	t->tid = 1;
	next_tid--;
	wake_up_process(t);
	/* The boot context is the idle thread from now on. */
	for (;;) {
		local_irq_disable();
		while (!need_resched()) {
			safe_halt();
			local_irq_disable();
		}
		local_irq_enable();
		schedule();
	}
}

static int sched_init(void)
{
	struct rq *rq = &runqueue;

	kstrlcpy(idle_thread.name, "idle", sizeof(idle_thread.name));
	idle_thread.state = TASK_RUNNING;
	idle_thread.fpu = alloc_fpu_area();
	idle_thread.class = NULL;
	idle_thread.prio = 140;
	INIT_LIST_HEAD(&idle_thread.rt.run_list);
	if (!idle_thread.fpu)
		return -ENOMEM;
	extern char boot_stack_bottom[], boot_stack_top[];

	idle_thread.stack = boot_stack_bottom;
	idle_thread.stack_size = boot_stack_top - boot_stack_bottom;
	rq->idle = rq->curr = current_thread = &idle_thread;
	plat_set_kernel_stack((uintptr_t)boot_stack_bottom,
			      (uintptr_t)boot_stack_top);
	sched_classes_init(rq);
	sched_core_init(rq);
	panic_set_context_hook(panic_context);
	app_set_runner(start_app);
	sched_tunables_print();
	return 0;
}
core_initcall(sched_init);

/* SPDX-License-Identifier: MIT */
/*
 * Exceptions and interrupts after the entry stubs (vectors.S).
 *
 * A CPU exception is fatal unless a test armed trap_catch(): the report
 * names the exception, error code, CR2, every register, what the faulting
 * address is (guard pages, via the describe hook), the symbolized
 * backtrace, then the image powers off with PANIC_EXIT_STATUS.
 */
#include <pith/bootinfo.h>
#include <pith/errno.h>
#include <pith/io.h>
#include <pith/kernel.h>
#include <pith/ksym.h>
#include <pith/paging.h>
#include <pith/plat.h>
#include <pith/preempt.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/trap.h>
#include "x86.h"

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault",
	"reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection",
};

static fault_describe_t describe_hooks[TRAP_MAX_DESCRIBE];
static struct kjmp_buf *catch_jb;
static struct fault_info last_fault;
static int (*fatal_hook)(const struct fault_info *fi);
static bool (*signal_fault_hook)(struct trap_regs *r,
				 const struct fault_info *fi);
static void (*signal_return_hook)(struct trap_regs *r);

void trap_set_signal_hooks(bool (*fault)(struct trap_regs *r,
					 const struct fault_info *fi),
			   void (*ret)(struct trap_regs *r))
{
	signal_fault_hook = fault;
	signal_return_hook = ret;
}

/* vectors.S, on every way out of a trap or interrupt (interrupts off). */
void trap_return(struct trap_regs *r);
void trap_return(struct trap_regs *r)
{
	if (signal_return_hook)
		signal_return_hook(r);
}

static bool (*fault_fixup)(uintptr_t addr, unsigned int access);

void trap_set_fault_fixup(bool (*fn)(uintptr_t addr, unsigned int access))
{
	fault_fixup = fn;
}

/* A not-present page fault the fixup backs (error code: bit 0 present,
 * bit 1 write, bit 4 instruction fetch). */
static bool fault_fixed_up(const struct trap_regs *r)
{
	unsigned int access;

	if (r->vector != 14 || !fault_fixup || (r->error & 1))
		return false;
	access = r->error & 16 ? VM_EXEC : r->error & 2 ? VM_WRITE : VM_READ;
	return fault_fixup(read_cr2(), access);
}

void trap_set_fatal_hook(int (*fn)(const struct fault_info *fi))
{
	fatal_hook = fn;
}

int trap_add_describe(fault_describe_t fn)
{
	for (int i = 0; i < TRAP_MAX_DESCRIBE; i++)
		if (!describe_hooks[i]) {
			describe_hooks[i] = fn;
			return 0;
		}
	return -ENOSPC;
}

void trap_catch(struct kjmp_buf *jb)
{
	catch_jb = jb;
}

const struct fault_info *trap_last_fault(void)
{
	return &last_fault;
}

/* pc is a return address, except for the faulting rip (arg != NULL). */
static void print_frame(uintptr_t pc, void *arg)
{
	char sym[128];

	if (arg)
		ksym_format(pc, sym, sizeof(sym));
	else
		ksym_format_ret(pc, sym, sizeof(sym));
	printk(LOGLEVEL_EMERG, "  [<%016lx>] %s\n", (unsigned long)pc, sym);
}

/* Follow saved %rbp links while they point at mapped, ascending,
 * aligned memory: code without frame pointers (libc) ends the walk. */
void plat_backtrace(uintptr_t rbp, void (*fn)(uintptr_t pc, void *arg),
		    void *arg)
{
	for (int depth = 0; rbp && depth < 32; depth++) {
		if (rbp & 7 || !paging_is_mapped(rbp) ||
		    !paging_is_mapped(rbp + 15))
			break;
		uintptr_t next = ((uintptr_t *)rbp)[0];
		uintptr_t ret = ((uintptr_t *)rbp)[1];

		if (!ret)
			break;
		fn(ret, arg);
		if (next <= rbp)
			break;
		rbp = next;
	}
}

void plat_dump_stack(void)
{
	printk(LOGLEVEL_EMERG, "backtrace:\n");
	plat_backtrace((uintptr_t)__builtin_frame_address(0), print_frame,
		       NULL);
}

static void fill_fault(const struct trap_regs *r)
{
	last_fault = (struct fault_info){
		.vector = r->vector, .error = r->error, .rip = r->rip,
		.rsp = r->rsp,
		.addr = r->vector == 14 ? read_cr2() : 0,
	};
	for (int i = 0; i < TRAP_MAX_DESCRIBE && r->vector == 14; i++)
		if (describe_hooks[i] &&
		    describe_hooks[i](last_fault.addr, last_fault.what,
				      sizeof(last_fault.what)))
			break;
}

/* A leaf function that keeps no frame (gcc omits it even with frame
 * pointers on) leaves its return address at [rsp]: print it when it is
 * one, that is, it points into .text right after a call instruction. */
static void leaf_caller(const struct trap_regs *r)
{
	uintptr_t ret, rbp_ret = 0;
	const uint8_t *p;

	if (r->rsp & 7 || !paging_is_mapped(r->rsp))
		return;
	ret = *(const uintptr_t *)r->rsp;
	if (ret < (uintptr_t)__text_start + 5 || ret >= (uintptr_t)__text_end)
		return;
	p = (const uint8_t *)ret;
	if (p[-5] != 0xe8)	/* call rel32 */
		return;
	if (r->rbp && !(r->rbp & 7) && paging_is_mapped(r->rbp + 8))
		rbp_ret = ((const uintptr_t *)r->rbp)[1];
	if (ret != rbp_ret)
		print_frame(ret, NULL);
}

void trap_dump(const struct trap_regs *r, const char *what)
{
	char sym[128];

	ksym_format(r->rip, sym, sizeof(sym));
	printk(LOGLEVEL_EMERG, "\n*** %s, error %#lx at %s\n", what,
	       (unsigned long)r->error, sym);
	if (r->vector == 14)
		printk(LOGLEVEL_EMERG, "cr2 %016lx (%s %s%s)%s%s\n",
		       (unsigned long)last_fault.addr,
		       r->error & 2 ? "write," : "read,",
		       r->error & 1 ? "protection" : "not present",
		       r->error & 16 ? ", instruction fetch" : "",
		       last_fault.what[0] ? ": " : "", last_fault.what);
	printk(LOGLEVEL_EMERG,
	       "rip %016lx rsp %016lx rflags %08lx\n"
	       "rax %016lx rbx %016lx rcx %016lx\n"
	       "rdx %016lx rsi %016lx rdi %016lx\n"
	       "rbp %016lx r8  %016lx r9  %016lx\n"
	       "r10 %016lx r11 %016lx r12 %016lx\n"
	       "r13 %016lx r14 %016lx r15 %016lx\n",
	       r->rip, r->rsp, r->rflags, r->rax, r->rbx, r->rcx, r->rdx,
	       r->rsi, r->rdi, r->rbp, r->r8, r->r9, r->r10, r->r11, r->r12,
	       r->r13, r->r14, r->r15);
	panic_print_context();
	printk(LOGLEVEL_EMERG, "backtrace:\n");
	print_frame(r->rip, (void *)1);
	leaf_caller(r);
	plat_backtrace(r->rbp, print_frame, NULL);
}

/* Single-step counting (trap_count_steps): each #DB from the trap flag
 * counts one instruction; the flag stays set until the counted code
 * clears it (popf) or the budget runs out. */
static volatile unsigned long step_count, step_budget;

unsigned long trap_count_steps(void (*fn)(void *), void *arg,
			       unsigned long budget)
{
	step_count = 0;
	step_budget = budget;
	__asm__ __volatile__("pushfq; orq $0x100, (%%rsp); popfq" ::: "memory");
	fn(arg);
	__asm__ __volatile__("pushfq; andq $~0x100, (%%rsp); popfq" ::: "memory");
	step_budget = 0;
	return step_count;
}

static bool single_step(struct trap_regs *r)
{
	if (r->vector != 1 || !step_budget)
		return false;
	if (++step_count >= step_budget)
		r->rflags &= ~0x100ul;
	return true;
}

static void exception(struct trap_regs *r)
{
	char what[64];

	if (single_step(r) || fault_fixed_up(r))
		return;
	fill_fault(r);
	if (catch_jb) {
		struct kjmp_buf *jb = catch_jb;

		/* Resume in kjmp_long(jb, vector + 1) on the caught stack. */
		catch_jb = NULL;
		r->rip = (uintptr_t)kjmp_long;
		r->rdi = (uintptr_t)jb;
		r->rsi = r->vector + 1;
		r->rsp = jb->rsp - 64;
		return;
	}
	/* In a thread (not an interrupt): the app's handler, if any. */
	if (signal_fault_hook && !in_interrupt() &&
	    signal_fault_hook(r, &last_fault))
		return;
	ksnprintf(what, sizeof(what), "exception %lu %s",
		  (unsigned long)r->vector, exc_names[r->vector] ?
		  exc_names[r->vector] : "reserved");
	if (r->vector == 14 && last_fault.what[0] &&
	    !kstrncmp(last_fault.what, "stack overflow", 14))
		printk(LOGLEVEL_EMERG, "\n*** %s\n", last_fault.what);
	trap_dump(r, what);
	/* In a thread (not an interrupt), the app sees it as a signal. */
	if (fatal_hook && !in_interrupt()) {
		int status = fatal_hook(&last_fault);

		if (status)
			kernel_exit(status);
	}
	panic_finish();
}

bool irq_exit_wants_preempt(unsigned long rflags);

/* Returns true when the exit path must preempt the interrupted thread. */
int trap_dispatch(struct trap_regs *r)
{
	if (r->vector < 32) {
		exception(r);
		return 0;
	}
	__preempt_count += HARDIRQ_OFFSET;
	irq_dispatch(r->vector);
	__preempt_count -= HARDIRQ_OFFSET;
	return irq_exit_wants_preempt(r->rflags);
}

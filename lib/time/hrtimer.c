/* SPDX-License-Identifier: MIT */
/*
 * hrtimers (see <pith/hrtimer.h>): a red-black tree ordered by expiry,
 * leftmost cached, and the platform one-shot timer armed for the
 * leftmost. The interrupt runs every expired timer in expiry order, then
 * re-arms for what is left.
 *
 * Lock: interrupts off (single CPU) around every tree change.
 */
#include <pith/clock.h>
#include <pith/hrtimer.h>
#include <pith/init.h>
#include <pith/irqflags.h>
#include <pith/printk.h>

static struct rb_root_cached timers = RB_ROOT_CACHED;
static struct hrtimer_stats stats;
static uint64_t armed;		/* what the hardware is set for, 0: none */

void hrtimer_init(struct hrtimer *t,
		  enum hrtimer_restart (*fn)(struct hrtimer *t))
{
	RB_CLEAR_NODE(&t->node);
	t->function = fn;
	t->expires = 0;
	t->queued = false;
}

static bool expires_before(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct hrtimer, node)->expires <
	       rb_entry(b, struct hrtimer, node)->expires;
}

static void reprogram(void)
{
	struct rb_node *first = rb_first_cached(&timers);
	uint64_t next = first ? rb_entry(first, struct hrtimer, node)->expires
			      : 0;

	if (next == armed)
		return;
	armed = next;
	if (next)
		stats.programmed++;
	timer_set_deadline(next);
}

static void enqueue(struct hrtimer *t)
{
	rb_add_cached(&t->node, &timers, expires_before);
	t->queued = true;
}

static void dequeue(struct hrtimer *t)
{
	rb_erase_cached(&t->node, &timers);
	RB_CLEAR_NODE(&t->node);
	t->queued = false;
}

void hrtimer_start(struct hrtimer *t, uint64_t expires)
{
	unsigned long flags = local_irq_save();

	if (t->queued)
		dequeue(t);
	t->expires = expires ? expires : 1;
	enqueue(t);
	reprogram();
	local_irq_restore(flags);
}

void hrtimer_start_rel(struct hrtimer *t, uint64_t delta)
{
	hrtimer_start(t, clock_ns() + delta);
}

int hrtimer_cancel(struct hrtimer *t)
{
	unsigned long flags = local_irq_save();
	int was = t->queued;

	if (was) {
		dequeue(t);
		reprogram();
	}
	local_irq_restore(flags);
	return was;
}

uint64_t hrtimer_forward(struct hrtimer *t, uint64_t now, uint64_t interval)
{
	uint64_t n;

	if (!interval || now < t->expires)
		return 0;
	n = (now - t->expires) / interval + 1;
	t->expires += n * interval;
	return n;
}

void hrtimer_get_stats(struct hrtimer_stats *st)
{
	unsigned long flags = local_irq_save();

	*st = stats;
	local_irq_restore(flags);
}

/* The platform timer's interrupt. */
static void hrtimer_interrupt(void)
{
	struct rb_node *first;
	uint64_t now = clock_ns();

	armed = 0;
	while ((first = rb_first_cached(&timers))) {
		struct hrtimer *t = rb_entry(first, struct hrtimer, node);

		if (t->expires > now) {
			now = clock_ns();	/* callbacks took time */
			if (t->expires > now)
				break;
		}
		dequeue(t);
		stats.fired++;
		stats.last_lateness_ns = now - t->expires;
		if (t->function(t) == HRTIMER_RESTART && !t->queued)
			enqueue(t);
	}
	reprogram();
}

static int hrtimer_setup(void)
{
	timer_set_handler(hrtimer_interrupt);
	return 0;
}
early_initcall(hrtimer_setup);

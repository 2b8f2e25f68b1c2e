/* SPDX-License-Identifier: MIT */
/*
 * flock(2): advisory whole-file locks owned by an open file description
 * (a struct file: dup'd fds share its lock, a second open() of the same
 * file does not). Shared locks coexist; an exclusive lock excludes every
 * lock held through another file. Asking again converts the lock (not
 * atomically, as on Linux: the old one is dropped first). LOCK_NB gives
 * -EWOULDBLOCK instead of sleeping. The last close of a file drops its
 * lock (fput calls locks_remove_file).
 *
 * A sleeping flock is not interrupted by signals (no asynchronous
 * delivery yet); there is no deadlock detection (Linux has none for
 * flock either).
 *
 * Lock: the namespace rule of README (one CPU, no preemption inside).
 *
 * Interface: vfs_flock, locks_remove_file (vfs_internal.h).
 */
#include <pith/mm.h>
#include <pith/mutex.h>
#include <pith/wait.h>
#include "vfs_internal.h"

#define LOCK_SH	1
#define LOCK_EX	2
#define LOCK_NB	4
#define LOCK_UN	8

struct file_lock {
	struct list_head node;		/* in flock_list */
	struct inode *inode;
	struct file *owner;
	int type;			/* LOCK_SH or LOCK_EX */
};

LIST_HEAD(flock_list);
static DECLARE_WAIT_QUEUE_HEAD(flock_wq);
/* flock_list and flock_gen; waiters sleep without it until a lock is
 * dropped (flock_gen moves), then look again under it. */
static DEFINE_MUTEX(flock_mutex);
static unsigned long flock_gen;

static struct file_lock *lock_of(struct file *f)
{
	struct file_lock *fl;

	list_for_each_entry(fl, &flock_list, node)
		if (fl->owner == f)
			return fl;
	return NULL;
}

/* Could f take a lock of this type on its inode now? */
static bool flock_free(struct file *f, int type)
{
	struct file_lock *fl;

	list_for_each_entry(fl, &flock_list, node)
		if (fl->inode == f->f_inode && fl->owner != f &&
		    (type == LOCK_EX || fl->type == LOCK_EX))
			return false;
	return true;
}

static void flock_drop(struct file_lock *fl)
{
	list_del(&fl->node);
	kfree(fl);
	WRITE_ONCE(flock_gen, flock_gen + 1);
	wake_up_all(&flock_wq);
}

void flock_release(struct file *f)
{
	struct file_lock *fl;

	mutex_lock(&flock_mutex);
	fl = lock_of(f);
	if (fl)
		flock_drop(fl);
	mutex_unlock(&flock_mutex);
}

int vfs_flock(struct file *f, int op)
{
	int type = op & ~LOCK_NB;
	struct file_lock *fl, *nfl;

	if (type != LOCK_SH && type != LOCK_EX && type != LOCK_UN)
		return -EINVAL;
	nfl = type == LOCK_UN ? NULL : kmalloc(sizeof(*nfl), GFP_KERNEL);
	if (type != LOCK_UN && !nfl)
		return -ENOMEM;
	mutex_lock(&flock_mutex);
	fl = lock_of(f);
	if (fl && fl->type == type)
		goto out;
	if (fl)
		flock_drop(fl);		/* unlock, or convert */
	if (type == LOCK_UN)
		goto out;
	while (!flock_free(f, type)) {
		unsigned long gen = flock_gen;

		mutex_unlock(&flock_mutex);
		if (op & LOCK_NB) {
			kfree(nfl);
			return -EAGAIN;
		}
		wait_event(flock_wq, READ_ONCE(flock_gen) != gen);
		mutex_lock(&flock_mutex);
	}
	*nfl = (struct file_lock){ .inode = f->f_inode, .owner = f,
				   .type = type };
	list_add_tail(&nfl->node, &flock_list);
	nfl = NULL;
out:
	mutex_unlock(&flock_mutex);
	kfree(nfl);
	return 0;
}

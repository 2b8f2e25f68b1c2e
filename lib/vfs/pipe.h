/* SPDX-License-Identifier: MIT */
/* Private to lib/vfs: the pipe buffer that pipes and AF_UNIX socket
 * pairs share (pipe.c, unix.c). */
#ifndef LIB_VFS_PIPE_H
#define LIB_VFS_PIPE_H

#include <pith/spinlock.h>
#include <pith/wait.h>
#include "vfs_internal.h"

#define PIPE_SIZE	65536		/* Linux's default capacity */
#define PIPE_BUF_K	4096		/* writes up to this are atomic */

/* Legend: [L] lock. */
struct pipe {
	spinlock_t lock;
	char *buf;
	size_t head, len;		/* [L] oldest byte, bytes held */
	int readers, writers;		/* [L] open ends */
	int refs;			/* [L] holders of the memory */
	struct wait_queue_head rd_wait;	/* readers wait for data */
	struct wait_queue_head wr_wait;	/* writers wait for room */
};

/* A pipe with one reader and one writer counted and two references
 * (one per file or socket holding it); NULL without memory. */
struct pipe *pipe_alloc(void);
long pipe_do_read(struct pipe *p, void *buf, size_t len, bool nonblock);
/* -EPIPE (and SIGPIPE unless nosig) when nobody reads. */
long pipe_do_write(struct pipe *p, const void *buf, size_t len,
		   bool nonblock, bool nosig);
unsigned int pipe_rd_poll(struct file *f, struct pipe *p, poll_table *pt);
unsigned int pipe_wr_poll(struct file *f, struct pipe *p, poll_table *pt);
/* Close a reader and/or writer end (shutdown, release); wakes both
 * sides. The caller still holds its reference. */
void pipe_put(struct pipe *p, bool reader, bool writer);
/* Drop a reference; the last frees the pipe. A holder keeps its pipe
 * until its file is released, whatever the other end does, so reads,
 * polls and wake-ups never touch freed memory. */
void pipe_unref(struct pipe *p);
/* Bytes waiting (FIONREAD). */
size_t pipe_avail(struct pipe *p);

#endif

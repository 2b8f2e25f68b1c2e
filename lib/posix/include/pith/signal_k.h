/* SPDX-License-Identifier: MIT */
/*
 * Signals raised by the kernel on the calling thread, the way Linux
 * raises SIGPIPE on a write to a pipe or socket nobody reads: the app's
 * handler runs before the system call returns, a blocked signal stays
 * pending, and the default action ends the image (status 128 + sig).
 *
 * Interface: send_sig_current(sig)   thread context, inside a system call
 *            signal_set_temp_mask(set, size)
 *                ppoll, pselect6, epoll_pwait: the caller's mask while
 *                the call waits; the old one is back when the call
 *                returns (after the handler of a signal that ended it,
 *                as for rt_sigsuspend). set NULL: no change. 0, or
 *                -EINVAL for a size other than 8. Thread context.
 */
#ifndef PITH_SIGNAL_K_H
#define PITH_SIGNAL_K_H

#define SIGPIPE_K	13

void send_sig_current(int sig);
int signal_set_temp_mask(const void *set, unsigned long size);

#endif

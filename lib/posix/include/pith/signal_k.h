/* SPDX-License-Identifier: MIT */
/*
 * Signals raised by the kernel on the calling thread, the way Linux
 * raises SIGPIPE on a write to a pipe or socket nobody reads: the app's
 * handler runs before the system call returns, a blocked signal stays
 * pending, and the default action ends the image (status 128 + sig).
 *
 * Interface: send_sig_current(sig)   thread context, inside a system call
 */
#ifndef PITH_SIGNAL_K_H
#define PITH_SIGNAL_K_H

#define SIGPIPE_K	13

void send_sig_current(int sig);

#endif

/* SPDX-License-Identifier: MIT */
/* SIGALRM: a handler wakes pause() (EINTR); getitimer reports what is
 * left; with the default action the program dies with 142. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int got;

static void on_alarm(int sig)
{
	got = sig;
}

int main(int argc, char **argv)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } }, left;

	if (argc > 1 && !strcmp(argv[1], "default")) {
		printf("waiting for the default action\n");
		fflush(stdout);
		setitimer(ITIMER_REAL, &it, NULL);
		for (;;)
			pause();
	}
	signal(SIGALRM, on_alarm);
	setitimer(ITIMER_REAL, &it, NULL);
	int r = pause();

	printf("pause %d %s, handler got %d\n", r,
	       errno == EINTR ? "EINTR" : "?", got);
	it.it_value.tv_sec = 5;
	it.it_value.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	getitimer(ITIMER_REAL, &left);
	printf("left > 4 s: %d\n", left.it_value.tv_sec >= 4);
	printf("alarm(0) returns %u\n", alarm(0));
	return 0;
}

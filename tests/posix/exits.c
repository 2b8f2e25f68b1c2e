/* SPDX-License-Identifier: MIT */
/* Exit paths: status from main, exit(), atexit handlers, abort(),
 * and raise() with a handler. Which one is argv[1]. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bye(void)
{
	printf("atexit handler ran\n");
}

static void on_usr1(int sig)
{
	printf("handler got signal %d\n", sig);
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "return";

	atexit(bye);
	if (!strcmp(how, "exit"))
		exit(7);
	if (!strcmp(how, "abort")) {
		fflush(stdout);
		abort();
	}
	if (!strcmp(how, "raise")) {
		signal(SIGUSR1, on_usr1);
		raise(SIGUSR1);
		signal(SIGUSR1, SIG_IGN);
		raise(SIGUSR1);
		printf("ignored signal survived\n");
		return 5;
	}
	return 3;
}

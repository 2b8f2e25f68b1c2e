/* SPDX-License-Identifier: MIT */
/* An unimplemented system call fails with ENOSYS; getrandom bytes. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <fcntl.h>
#include <sys/times.h>
#include <sys/wait.h>

static volatile pid_t worker_tid;
static volatile int worker_stop;

static void *worker(void *arg)
{
	worker_tid = (pid_t)syscall(SYS_gettid);
	while (!worker_stop)
		usleep(1000);
	return NULL;
}

/* Another thread's nice value, set and read through its tid. */
static void thread_nice(void)
{
	pthread_t t;

	pthread_create(&t, NULL, worker, NULL);
	while (!worker_tid)
		usleep(1000);
	printf("setpriority(tid, 5) %d\n",
	       setpriority(PRIO_PROCESS, worker_tid, 5));
	printf("getpriority(tid) %d\n", getpriority(PRIO_PROCESS, worker_tid));
	/* (not sched_getscheduler: musl answers ENOSYS itself) */
	worker_stop = 1;
	pthread_join(t, NULL);
}

/* statfs of the working directory's file system: the values differ
 * between file systems, their relations do not. */
static void statfs_checks(void)
{
	struct statfs a, b;
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	int ra = statfs(".", &a), rb = fstatfs(fd, &b);

	printf("statfs %d fstatfs %d same type %d\n", ra, rb,
	       a.f_type == b.f_type);
	printf("bsize>0 %d blocks>=free %d free>=avail %d namelen %ld\n",
	       a.f_bsize > 0, a.f_blocks >= a.f_bfree,
	       a.f_bfree >= a.f_bavail, (long)a.f_namelen);
	errno = 0;
	int rc = statfs("/no/such/dir", &a);

	printf("statfs missing %d %s\n", rc, errno == ENOENT ? "ENOENT" : "?");
	close(fd);
}

/* Process calls whose answers are the same on Linux and Pith. */
static int calls(void)
{
	struct sysinfo si;
	struct rusage ru;
	struct tms t;
	char name[16] = "";

	int r = sysinfo(&si);

	printf("sysinfo %d ram>0 %d\n", r, si.totalram > 0);
	printf("getrusage %d\n", getrusage(RUSAGE_SELF, &ru));
	printf("times>=0 %d\n", times(&t) >= 0);
	printf("prctl set %d\n", prctl(PR_SET_NAME, "worker7"));
	prctl(PR_GET_NAME, name);
	printf("prctl get %s\n", name);
	errno = 0;
	int w = (int)wait4(-1, NULL, WNOHANG, NULL);

	printf("wait4 %d %s\n", w, errno == ECHILD ? "ECHILD" : "?");
	printf("getpgid(0)==getpgrp %d\n", getpgid(0) == getpgrp());
	statfs_checks();
	thread_nice();
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char r[16];

	if (argc > 1 && !strcmp(argv[1], "calls"))
		return calls();
	if (argc > 1 && !strcmp(argv[1], "random")) {
		getrandom(r, sizeof(r), 0);
		for (int i = 0; i < 16; i++)
			printf("%02x", r[i]);
		printf("\n");
		return 0;
	}
	long ret = syscall(SYS_io_uring_setup, 1, NULL);

	printf("io_uring_setup: %ld %s\n", ret,
	       errno == ENOSYS ? "ENOSYS" : errno == EFAULT ? "EFAULT" : "?");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * errname.h: the symbolic name of an errno value for the differential
 * programs, so Linux and Pith print the same words ("ENOENT"), not
 * libc-specific strerror() texts. Values not in the table print as
 * "E<number>".
 */
#ifndef TESTS_POSIX_ERRNAME_H
#define TESTS_POSIX_ERRNAME_H

#include <errno.h>
#include <stdio.h>

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ 0, "OK" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
	{ EBADF, "EBADF" }, { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" },
	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
	{ EMFILE, "EMFILE" }, { ENOSPC, "ENOSPC" }, { ESPIPE, "ESPIPE" },
	{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOTEMPTY, "ENOTEMPTY" },
	{ ELOOP, "ELOOP" }, { ERANGE, "ERANGE" }, { EBUSY, "EBUSY" },
	{ EACCES, "EACCES" }, { ENOTTY, "ENOTTY" }, { EFAULT, "EFAULT" },
	{ ENODEV, "ENODEV" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ EAGAIN, "EAGAIN" },
};

static inline const char *ename(int e)
{
	static char buf[32];

	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

#endif

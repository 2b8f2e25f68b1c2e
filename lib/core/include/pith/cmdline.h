/* SPDX-License-Identifier: MIT */
/*
 * Command-line words. cmdline_split(s, words, max, &app_first, warn)
 * splits s in place into at most max words and returns their number;
 * words[0..app_first) are the kernel's, words[app_first..n) the app's
 * (app_first == n when there is no "--").
 */
#ifndef PITH_CMDLINE_H
#define PITH_CMDLINE_H

int cmdline_split(char *s, char **words, int max, int *app_first,
		  void (*warn)(const char *msg));

#endif

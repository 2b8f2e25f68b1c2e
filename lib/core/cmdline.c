/* SPDX-License-Identifier: MIT */
/*
 * cmdline_split: the command line cut into words, in place. Words are
 * separated by blanks; double quotes group (and are removed); a word "--"
 * ends the kernel's part, the rest are the app's arguments. Problems are
 * reported through 'warn' and the best reading is kept. Host-testable.
 */
#include <stdbool.h>
#include <pith/cmdline.h>

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int cmdline_split(char *s, char **words, int max, int *app_first,
		  void (*warn)(const char *msg))
{
	int n = 0;

	*app_first = -1;
	while (*s) {
		char *out, *w;
		bool quoted = false;

		while (blank(*s))
			s++;
		if (!*s)
			break;
		w = out = s;
		for (; *s && (quoted || !blank(*s)); s++) {
			if (*s == '"')
				quoted = !quoted;
			else
				*out++ = *s;
		}
		if (quoted && warn)
			warn("unterminated quote; taken to the end of the line");
		if (*s)
			s++;
		*out = 0;
		if (*app_first < 0 && w[0] == '-' && w[1] == '-' && !w[2]) {
			*app_first = n;
			continue;
		}
		if (n == max) {
			if (warn)
				warn("too many words on the command line; rest ignored");
			break;
		}
		words[n++] = w;
	}
	if (*app_first < 0)
		*app_first = n;
	return n;
}

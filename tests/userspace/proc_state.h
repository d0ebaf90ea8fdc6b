/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc_state(): the state letter of /proc/<tid>/stat ('S' asleep, 'R'
 * running, ...), 0 if it cannot be read (the task is gone).  How the
 * programs here wait for "the other side is asleep": a state, never a
 * sleep.
 */
#ifndef US_PROC_STATE_H
#define US_PROC_STATE_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static inline char proc_state(int tid)
{
	char path[64], buf[512], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

#endif

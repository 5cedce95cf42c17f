/* since v0.1: messages, hints, the statuses of a failed exec */
/* Error reporting: "minidocker: what failed: why", then "hint: ..." for the
 * usual causes.  See DESIGN.md, "Behaviour a user can rely on". */
#include "md.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void vreport(int errnum, const char *fmt, va_list ap)
{
	/* One fprintf per line would interleave with a container's output;
	 * build the line first and write it once. */
	char msg[1024];
	int n = vsnprintf(msg, sizeof msg, fmt, ap);

	if (n < 0)
		msg[0] = '\0';
	if (errnum)
		fprintf(stderr, "minidocker: %s: %s\n", msg, strerror(errnum));
	else
		fprintf(stderr, "minidocker: %s\n", msg);
}

static void errno_hint(int errnum)
{
	switch (errnum) {
	case EPERM:
		if (geteuid() == 0)	/* sudo would change nothing */
			md_hint("the kernel refused root: a container, a seccomp filter or a "
				"security module (AppArmor, SELinux) stops it, or user namespaces "
				"are off (user.max_user_namespaces); `make doctor` checks this host");
		else
			md_hint("the kernel refused: this needs root (run it with sudo), "
				"or user namespaces from v0.7 on; `make doctor` checks this host");
		break;
	case ENOSPC:
		md_hint("a disk, or a kernel limit such as user.max_user_namespaces, is full");
		break;
	default:
		break;
	}
}

void md_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(saved, fmt, ap);
	va_end(ap);
	errno_hint(saved);
	errno = saved;
}

void md_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
}

void md_hint(const char *fmt, ...)
{
	va_list ap;

	fputs("hint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void md_die(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(saved, fmt, ap);
	va_end(ap);
	errno_hint(saved);
	exit(MD_EXIT_FAILED);
}

void md_diex(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	exit(MD_EXIT_FAILED);
}

void md_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	fputs(usage, stderr);
	exit(MD_EXIT_FAILED);
}

void md_exec_failed(const char *cmd)
{
	int saved = errno;

	/* ENOENT: no such file on PATH; ENOTDIR: a path component is a file.
	 * Anything else (EACCES, ENOEXEC, ...) means it exists but won't run. */
	if (saved == ENOENT || saved == ENOTDIR) {
		md_warnx("%s: command not found", cmd);
		_exit(MD_EXIT_NOT_FOUND);
	}
	errno = saved;
	md_warn("cannot run %s", cmd);
	_exit(MD_EXIT_CANNOT_RUN);
}

/* since v0.6: growing the tree walk's lists */
void *md_realloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (!q && size)
		md_die("out of memory");
	return q;
}

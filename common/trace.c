/* since v0.1: the seed's trace */
/* The seed's trace: Process => [argv] [pid].  Off unless MINIDOCKER_DEBUG=1. */
#include "md.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void md_trace(char **argv)
{
	const char *debug = getenv("MINIDOCKER_DEBUG");
	char line[4096];
	size_t len = 0;

	if (!debug || strcmp(debug, "1") != 0)
		return;
	len += snprintf(line + len, sizeof line - len, "Process => [");
	for (int i = 0; argv[i] && len < sizeof line; i++)
		len += snprintf(line + len, sizeof line - len, "%s%s",
				i ? " " : "", argv[i]);
	if (len < sizeof line)
		snprintf(line + len, sizeof line - len, "] [%d]\n", (int)getpid());
	/* One write, so traces of several processes do not mix mid-line. */
	fputs(line, stderr);
	fflush(stderr);
}

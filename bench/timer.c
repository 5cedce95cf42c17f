/* timer: run commands many times, interleaved, and report how long each
 * took from start to exit, in milliseconds.
 *
 *   timer REPS FILE
 *   timer -p N REPS FILE
 *
 * FILE has one command per line: a label, a tab, then the command's words
 * separated by spaces (no quoting; environment settings as VAR=value
 * words before the command).  Each round runs every command once, in the
 * file's order, so a slow moment of the machine hits all of them alike.
 * Output, one line per command: label, median, 10th and 90th percentile,
 * failures.  A command that exits non-zero counts as a failure.
 *
 * With -p N, a round starts N copies of each command at once and times
 * from the first fork to the last exit (a burst, for throughput: N over
 * the median is containers per second); "%d" in a word becomes the copy's
 * number, 0 to N-1, for runtimes that want a name of their own per
 * container.  Failures count copies, so up to N per round. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAXCMD = 64, MAXWORDS = 64 };

struct cmd {
	char label[64];
	char *env[MAXWORDS], *argv[MAXWORDS];
	double *ms;
	int fails;
};

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int burst = 1;

/* The words of C with "%d" replaced by copy I's number, in a child. */
static void exec_copy(struct cmd *c, int i)
{
	char *argv[MAXWORDS];
	int k;

	for (k = 0; c->env[k]; k++)
		putenv(c->env[k]);
	for (k = 0; c->argv[k]; k++) {
		argv[k] = c->argv[k];
		char *pct = strstr(c->argv[k], "%d");
		if (pct && asprintf(&argv[k], "%.*s%d%s", (int)(pct - c->argv[k]), c->argv[k], i, pct + 2) < 0)
			_exit(127);
	}
	argv[k] = NULL;
	execvp(argv[0], argv);
	_exit(127);
}

static double run(struct cmd *c)
{
	struct timespec a, b;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &a);
	int started = 0;
	for (int i = 0; i < burst; i++) {
		pid_t pid = fork();
		if (pid == 0)
			exec_copy(c, i);
		if (pid < 0)
			c->fails++;
		else
			started++;
	}
	for (; started > 0; started--) {
		if (wait(&status) < 0)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			c->fails++;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAXCMD];
	int n = 0, reps;
	char *line = NULL;
	size_t cap = 0;

	if (argc > 2 && strcmp(argv[1], "-p") == 0) {
		burst = atoi(argv[2]);
		argc -= 2;
		argv += 2;
	}
	reps = argc > 2 ? atoi(argv[1]) : 0;
	FILE *f = argc > 2 && burst > 0 ? fopen(argv[2], "r") : NULL;
	if (!f || reps < 1) {
		fprintf(stderr, "usage: timer [-p N] REPS FILE\n");
		return 2;
	}
	while (n < MAXCMD && getline(&line, &cap, f) > 0) {
		char *tab = strchr(line, '\t');
		if (!tab || line[0] == '#')
			continue;
		struct cmd *c = &cmds[n++];
		memset(c, 0, sizeof *c);
		*tab = '\0';
		snprintf(c->label, sizeof c->label, "%s", line);
		int ne = 0, na = 0;
		for (char *w = strtok(tab + 1, " \n"); w && na < MAXWORDS - 1; w = strtok(NULL, " \n")) {
			if (na == 0 && strchr(w, '=') && ne < MAXWORDS - 1)
				c->env[ne++] = strdup(w);
			else
				c->argv[na++] = strdup(w);
		}
		c->ms = calloc(reps, sizeof *c->ms);
	}
	fclose(f);
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < n; i++)
			cmds[i].ms[r] = run(&cmds[i]);
	for (int i = 0; i < n; i++) {
		qsort(cmds[i].ms, reps, sizeof *cmds[i].ms, cmp);
		printf("%s\t%.2f\t%.2f\t%.2f\t%d\n", cmds[i].label, cmds[i].ms[reps / 2],
		       cmds[i].ms[reps / 10], cmds[i].ms[reps - 1 - reps / 10], cmds[i].fails);
	}
	return 0;
}

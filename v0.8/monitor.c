/* The monitor: the minidocker process that starts a container, waits for
 * it (only a parent can wait(2) for a process), and records its exit
 * status and time when it ends.  In v0.8 that is the `run` or `start`
 * the user typed, attached to its terminal. */
#include "minidocker.h"

#include <unistd.h>

/* Record how it ended (FAILED: it never ran), or remove it (--rm), under
 * its lock like every change to its folder.  If the folder was removed by
 * hand while the container ran, there is nothing to record it in: say
 * so, and go on (the command's status is still the run's). */
static void record_end(struct container *c, int failed, int status)
{
	char path[PATH_MAX];

	if (!failed) {
		c->status = EXITED;
		c->exit_code = status;
		clock_gettime(CLOCK_REALTIME, &c->finished);
	}
	c->monitor = 0;
	c->monitor_start = 0;
	container_path(path, c->id, NULL);
	int lock = lock_container(c->id, 1);
	if (lock < 0) {
		md_warn("record that container %.12s exited: lock %s", c->id, path);
		return;
	}
	if (c->autoremove)
		md_remove_tree(path);
	else if (try_save_state(c) < 0)
		md_warn("record the exit of container %.12s", c->id);
	close(lock);
}

int supervise(struct container *c, int lock)
{
	forward_signals();
	child = spawn_container(c);
	release_signals();
	close(lock);
	if (child < 0) {
		c->monitor = 0;	/* not starting any more: "created" */
		record_end(c, 1, MD_EXIT_FAILED);
		return MD_EXIT_FAILED;
	}
	int status = wait_for(child);
	record_end(c, 0, status);
	return status;
}

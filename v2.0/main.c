/* minidocker v2.0: the command table and main().
 *
 *   minidocker [--root DIR] COMMAND [ARG...]
 *
 * v1.1's table; v1.2 adds run's -u, --cap-add, --cap-drop, --privileged
 * and --security-opt, and exec's -u (handled in user.c and caps.c);
 * v1.3 run's --read-only, --tmpfs and --shm-size (mounts.c).
 * v1.4 adds run's --network, --hostname and -p (endpoint.c), and the
 * network command (network.c).
 * v1.5 adds run's -e, --env-file, -w, --entrypoint (config.c), -v and
 * --mount, and the volume command (volume.c); exec's -e and -w; kill,
 * wait, restart, rename, top (lifecycle.c), inspect (inspect.c), cp
 * (copy.c); logs -t, --since and --until; ps --format, --no-trunc, -f;
 * exec -d, -i, -t.
 */
#include "minidocker.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *self_path;

static const struct command commands[] = {
	{ "run", "Run a command in a new container",
	  "run [OPTIONS] IMAGE [COMMAND [ARG...]]",
	  "  -d, --detach         Run in the background and print the container's id\n"
	  "  -i, --interactive    Keep stdin open\n"
	  "  -t, --tty            Give the command a terminal\n"
	  "      --name NAME      Name the container\n"
	  "      --rm             Remove the container when it exits\n"
	  "  -m, --memory SIZE    Memory limit, swap included (b, k, m, g; at least 6m)\n"
	  "      --cpus N         CPU time limit, in CPUs (a decimal, e.g. 0.5)\n"
	  "      --pids-limit N   At most N processes\n"
	  "  -u, --user USER[:GROUP]  Run as USER (a name in the image, or a uid)\n"
	  "      --cap-add CAP    Add a capability (NET_ADMIN, CAP_SYS_TIME, ALL)\n"
	  "      --cap-drop CAP   Drop a capability (or ALL)\n"
	  "      --privileged     Every capability, and no seccomp filter\n"
	  "      --security-opt no-new-privileges   execve never grants privileges\n"
	  "      --security-opt seccomp=unconfined  no seccomp filter (default: Docker's)\n"
	  "      --read-only      Mount the root filesystem read-only\n"
	  "      --tmpfs PATH[:OPTIONS]  A tmpfs on PATH (size=64m, mode=1777, exec...)\n"
	  "      --shm-size SIZE  /dev/shm's size (b, k, m, g; default 64m)\n"
	  "      --cgroup-parent PATH\n"
	  "                       The cgroups' parent folder (default: minidocker)\n"
	  "      --network NET    bridge (default), none, host, or a network's name;\n"
	  "                       without root: pasta (default), none, host\n"
	  "      --hostname NAME  The container's hostname (default: container)\n"
	  "  -p, --publish [IP:]HOSTPORT:PORT[/tcp|/udp]\n"
	  "                       Forward the host's port to the container's\n"
	  "  -e, --env K=V        Set a variable (-e K: K's value here, if it is set)\n"
	  "      --env-file FILE  Variables from FILE, K=V a line (# comments)\n"
	  "  -w, --workdir PATH   The command's working directory (made if missing)\n"
	  "      --entrypoint CMD Run CMD, with the words after IMAGE as its arguments\n"
	  "                       (the image's Entrypoint and Cmd dropped; '' for none)\n"
	  "  -v, --volume SRC:PATH[:ro|rw]\n"
	  "                       Mount a host path (absolute) or a named volume on PATH\n"
	  "      --mount type=bind|volume|tmpfs,source=SRC,target=PATH[,readonly]\n"
	  "                       The same, in Docker's long form (and a tmpfs)\n", cmd_run },
	{ "ps", "List containers", "ps [OPTIONS]",
	  "  -a, --all            Show all containers (default: only running ones)\n"
	  "  -q, --quiet          Show only container ids\n"
	  "      --no-trunc       Whole ids and commands\n"
	  "  -f, --filter KEY=VALUE  Only those with name=NAME, id=ID or status=STATUS\n"
	  "      --format TEMPLATE  Print TEMPLATE for each: {{.Names}} {{.Status}}, .ID, .Image...\n",
	  cmd_ps },
	{ "exec", "Run a command in a running container",
	  "exec [OPTIONS] CONTAINER COMMAND [ARG...]",
	  "  -u, --user USER[:GROUP]  Run as USER instead of the container's user\n"
	  "  -e, --env K=V        Set a variable, over the container's\n"
	  "  -w, --workdir PATH   The working directory (default: the container's)\n"
	  "  -d, --detach         Run it in the background, and return at once\n"
	  "  -i, --interactive    Keep stdin open (without it, the command reads nothing)\n"
	  "  -t, --tty            Give the command a terminal\n", cmd_exec },
	{ "logs", "Show a container's output", "logs [OPTIONS] CONTAINER",
	  "  -f, --follow         Keep printing new output until the container exits\n"
	  "  -n, --tail N         Only the last N lines\n"
	  "  -t, --timestamps     Each line's time first (RFC 3339, UTC)\n"
	  "      --since WHEN     Only lines from WHEN on (2026-12-02T15:04:05Z, 10m, ...)\n"
	  "      --until WHEN     Only lines up to WHEN\n", cmd_logs },
	{ "start", "Start one or more stopped containers",
	  "start [OPTIONS] CONTAINER...",
	  "  -a, --attach         Attach to its output, and return its exit status\n"
	  "  -i, --interactive    Attach stdin too\n", cmd_start },
	{ "stop", "Stop one or more running containers",
	  "stop [OPTIONS] CONTAINER...",
	  "  -t, --time N         Seconds to wait for SIGTERM before SIGKILL (default 10)\n", cmd_stop },
	{ "rm", "Remove one or more containers", "rm [OPTIONS] CONTAINER...",
	  "  -f, --force          Kill and remove a running container\n", cmd_rm },
	{ "stats", "Show containers' use of memory, CPU and processes",
	  "stats [OPTIONS] [CONTAINER...]",
	  "      --no-stream      Print once and exit\n", cmd_stats },
	{ "images", "List images", "images [OPTIONS]",
	  "  -q, --quiet          Only show image IDs\n", cmd_images },
	{ "import", "Make an image from a tarball (docker export's, say)",
	  "import [OPTIONS] TARBALL NAME[:TAG]",
	  "  -c, --change INSTR   A Dockerfile instruction for its config: CMD, ENTRYPOINT,\n"
	  "                       ENV, EXPOSE, LABEL, USER or WORKDIR\n", cmd_import },
	{ "commit", "Make an image from a container's changes", "commit [OPTIONS] CONTAINER NAME[:TAG]",
	  "  -c, --change INSTR   A Dockerfile instruction for its config: CMD, ENTRYPOINT,\n"
	  "                       ENV, EXPOSE, LABEL, USER or WORKDIR\n",
	  cmd_commit },
	{ "rmi", "Remove one or more images", "rmi [OPTIONS] IMAGE...",
	  "  -f, --force          Remove the image even if a stopped container uses it\n", cmd_rmi },
	{ "load", "Load images from a docker-archive or OCI archive (docker save's, podman save's)",
	  "load [OPTIONS]",
	  "  -i, --input FILE     Read from FILE (plain, gzip or zstd), not stdin\n"
	  "  -q, --quiet          Say nothing of what was loaded\n", cmd_load },
	{ "save", "Save images to a docker-archive or an OCI archive", "save [OPTIONS] IMAGE...",
	  "  -o, --output FILE    Write to FILE, not stdout\n"
	  "      --format FORMAT  docker-archive (default) or oci-archive\n", cmd_save },
	{ "export", "Write a container's files as a tarball (for import)", "export [OPTIONS] CONTAINER",
	  "  -o, --output FILE    Write to FILE, not stdout\n", cmd_export },
	{ "tag", "Give an image another name", "tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", NULL, cmd_tag },
	{ "network", "Manage networks", "network create [--subnet CIDR] NAME | ls | rm NAME... | inspect NAME...",
	  "      --subnet CIDR    create: the network's addresses (default: a free 10.89.N.0/24)\n",
	  cmd_network },
	{ "volume", "Manage volumes", "volume create [NAME] | ls [-q] | rm NAME... | inspect NAME...",
	  "  -q, --quiet          ls: only the volumes' names\n", cmd_volume },	/* v1.5 */
	/* v1.5: the everyday commands (lifecycle.c, inspect.c, copy.c) */
	{ "kill", "Send a signal to one or more running containers",
	  "kill [OPTIONS] CONTAINER...",
	  "  -s, --signal SIGNAL  KILL (the default), TERM, SIGUSR1, 9...\n",
	  cmd_kill },
	{ "wait", "Wait for containers to end, and print their exit codes", "wait CONTAINER...", NULL,
	  cmd_wait },
	{ "inspect", "Show containers, images or networks as JSON",
	  "inspect [OPTIONS] NAME...",
	  "  -f, --format TEMPLATE  Print TEMPLATE for each: {{.State.Status}}, {{json .Config}}\n"
	  "      --type TYPE      Only a container, image, volume or network of that name\n", cmd_inspect },
	{ "cp", "Copy files and folders between a container and the host",
	  "cp CONTAINER:SRC DST | cp SRC CONTAINER:DST", NULL, cmd_cp },
	{ "restart", "Stop, then start one or more containers", "restart [OPTIONS] CONTAINER...",
	  "  -t, --time N         Seconds to wait for SIGTERM before SIGKILL (default 10)\n", cmd_restart },
	{ "rename", "Rename a container", "rename CONTAINER NEW_NAME", NULL, cmd_rename },
	{ "top", "Show a container's processes, with the host's PIDs", "top CONTAINER", NULL, cmd_top },
	{ "version", "Show the minidocker version", "version", NULL, cmd_version },
	{ "help", "Help on a command", "help [COMMAND]", NULL, cmd_help },
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

void main_usage(FILE *f)
{
	fprintf(f, "Usage: minidocker [--root DIR] COMMAND [ARG...]\n\n"
		   "A container runtime, built one lesson at a time (stage " MD_STAGE ").\n\n"
		   "Commands:\n");
	for (int i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nOptions:\n"
		   "      --root DIR  State root (default /var/lib/minidocker for root,\n"
		   "                  ~/.local/share/minidocker otherwise; or $MINIDOCKER_ROOT)\n"
		   "\nRun 'minidocker help COMMAND' for more on a command.\n");
}

void command_usage(const struct command *c, FILE *f)
{
	fprintf(f, "Usage: minidocker %s\n\n%s\n\nOptions:\n%s"
		   "  -h, --help           Show this help\n", c->usage, c->summary,
		c->options ? c->options : "");
}

const struct command *find_command(const char *name)
{
	for (int i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Edit distance, to suggest what a mistyped word may have meant. */
static int distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b), row[64];

	if (la > 62 || lb > 62)
		return 99;
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* A usage error for command C: the message, a suggestion, the usage. */
void usage_error(const struct command *c, const char *suggest, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c)
		md_warnx("%s: %s", c->name, msg);
	else
		md_warnx("%s", msg);
	if (suggest)
		md_hint("did you mean '%s'?", suggest);
	fputc('\n', stderr);
	if (c)
		command_usage(c, stderr);
	else
		main_usage(stderr);
	exit(MD_EXIT_FAILED);
}

/* The flag getopt_long refused, for the message.  A short flag is
 * optopt, not argv[optind - 1]: in a group (-zq) that getopt has not
 * passed yet, argv[optind - 1] is the word before it, which made
 * `exec -zq` say "unknown flag 'exec'".  A long one is its word. */
static void refused_flag(char *buf, size_t len, char **argv, const struct option *longopts)
{
	const char *word = argv[optind - 1];

	if (!strncmp(word, "--", 2)) {
		size_t n = strcspn(word + 2, "=");
		int mine = !optopt;	/* 0: an unknown long flag */
		for (const struct option *o = longopts; o && o->name && !mine; o++)
			mine = o->val == optopt && !strncmp(o->name, word + 2, n);
		if (mine) {
			snprintf(buf, len, "%.*s", (int)n + 2, word);
			return;
		}
	}
	snprintf(buf, len, "-%c", optopt);
}

/* getopt_long for command C; unknown options are ours to report, with a
 * suggestion.  Options may follow the containers or images they apply to
 * (`rm c1 -f`), as Docker takes them: getopt_long permutes argv.  But
 * run and exec stop at the first word that is not an option ("+"), so
 * the container's command keeps its own flags.  Returns the option, or -1. */
int next_opt(const struct command *c, int argc, char **argv, const char *shortopts,
		    const struct option *longopts)
{
	char spec[32], bad[64];

	int stop = !strcmp(c->name, "run") || !strcmp(c->name, "exec");
	snprintf(spec, sizeof spec, "%s:h%s", stop ? "+" : "", shortopts);
	opterr = 0;
	int opt = getopt_long(argc, argv, spec, longopts, NULL);
	if (opt == 'h') {
		command_usage(c, stdout);
		exit(0);
	}
	if (opt == ':' || opt == '?')
		refused_flag(bad, sizeof bad, argv, longopts);
	if (opt == ':')
		usage_error(c, NULL, "flag '%s' needs a value", bad);
	if (opt == '?' && optopt && bad[1] == '-')
		usage_error(c, NULL, "flag '%s' takes no value", bad);
	if (opt == '?') {
		const char *best = NULL;
		int bestd = 3;
		for (const struct option *o = longopts; o && o->name; o++) {
			int d = distance(bad + strspn(bad, "-"), o->name);
			if (d < bestd) {
				bestd = d;
				best = o->name;
			}
		}
		char sugg[64];
		snprintf(sugg, sizeof sugg, "--%s", best ? best : "");
		usage_error(c, best ? sugg : NULL, "unknown flag '%s'", bad);
	}
	return opt;
}

/* `C SUBCOMMAND ...`, as network (and from v1.5 on volume) takes it:
 * Docker's four, create, ls (or list), rm and inspect.  `C -h` prints
 * C's usage; no subcommand, or another, is a usage error.  Returns it
 * ("list" as "ls"); its options and words are the caller's, from ARGV + 1. */
const char *subcommand(const struct command *c, int argc, char **argv)
{
	static const char *const subs[] = { "create", "ls", "rm", "inspect" };

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		command_usage(c, stdout);
		exit(0);
	}
	if (argc < 2 || argv[1][0] == '-')
		usage_error(c, NULL, "no subcommand given: create, ls, rm or inspect");
	if (!strcmp(argv[1], "list"))
		return "ls";
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (!strcmp(argv[1], subs[i]))
			return subs[i];
	usage_error(c, NULL, "unknown subcommand '%s': create, ls, rm or inspect", argv[1]);
}

/* --root's value: never empty, which would mean "the default root"
 * without saying so. */
static void set_root(const char *dir)
{
	if (!dir[0])
		usage_error(NULL, NULL, "flag '--root' needs a folder, not an empty word");
	setenv("MINIDOCKER_ROOT", dir, 1);
}

int main(int argc, char **argv)
{
	/* v2.0: as minidocker-oci (a link to this program), runc's command
	 * line for podman, containerd and others (oci.c), which traces
	 * into its root: its stderr is the container's. */
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (!strcmp(base, "minidocker-oci"))
		return oci_main(argc, argv);
	md_trace(argv);
	self_path = argv[0];
	if (argc > 6 && !strcmp(argv[1], "init"))
		container_init(argc, argv);

	/* Global options come before the command. */
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			main_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--root") && i + 1 < argc) {
			set_root(argv[++i]);
		} else if (!strncmp(argv[i], "--root=", 7)) {
			set_root(argv[i] + 7);
		} else if (!strcmp(argv[i], "--root")) {
			usage_error(NULL, NULL, "flag '--root' needs a value");
		} else {
			usage_error(NULL, distance(argv[i], "--root") <= 2 ? "--root" : NULL,
				    "unknown flag '%s'", argv[i]);
		}
	}
	if (i >= argc)
		usage_error(NULL, NULL, "no command given");
	if (!strcmp(argv[i], "init"))
		md_diex("init is internal to `minidocker run`; use run");
	const struct command *c = find_command(argv[i]);
	if (!c) {
		const char *best = NULL;
		int bestd = 3;
		for (int j = 0; j < NCOMMANDS; j++) {
			int d = distance(argv[i], commands[j].name);
			if (d < bestd) {
				bestd = d;
				best = commands[j].name;
			}
		}
		usage_error(NULL, best, "unknown command '%s'", argv[i]);
	}
	return c->handler(argc - i, argv + i);
}

/* Users (v1.2): -u/--user NAME|UID[:GROUP|GID], the image's own names, and
 * the last steps before the command runs: user, capabilities and
 * no_new_privs, the same for `run` and `exec`. */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Supplementary groups a -u user gets at most; more is an error. */
#define MAX_GROUPS 64

struct ids {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[MAX_GROUPS + 1];	/* the supplementary ones, then the primary */
	char name[64];
	char home[256];
};

/* The image's /etc/passwd or /etc/group, opened in the container's root
 * (we are in it: pivot_root or chroot is done).  Its file, its choice: a
 * FIFO there must not hang us, a device must not be read. */
static FILE *image_file(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return fdopen(fd, "re");
}

static int number(const char *s, unsigned long *v)
{
	char *end;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return *s && !*end && !errno && *v < (1UL << 31);
}

/* The user part: a name from /etc/passwd, or a number that need not be
 * in it (Docker's rule: then group 0 and home /). */
static int find_user(const char *spec, struct ids *u)
{
	unsigned long n;
	int numeric = number(spec, &n);
	FILE *f = image_file("/etc/passwd");
	struct passwd pw, *p;
	char buf[4096];

	*u = (struct ids){ .uid = numeric ? n : 0, .gid = 0, .home = "/" };
	while (f && fgetpwent_r(f, &pw, buf, sizeof buf, &p) == 0)
		if (numeric ? pw.pw_uid == n : !strcmp(pw.pw_name, spec)) {
			u->uid = pw.pw_uid;
			u->gid = pw.pw_gid;
			/* The image's strings: cut, a name could match another's
			 * groups, a home be another folder. */
			if (strlen(pw.pw_name) >= sizeof u->name || strlen(pw.pw_dir) >= sizeof u->home) {
				md_warnx("user %s: the image's /etc/passwd gives it a name or home too long "
					 "(at most %zu and %zu characters)", spec, sizeof u->name - 1,
					 sizeof u->home - 1);
				fclose(f);
				return -1;
			}
			snprintf(u->name, sizeof u->name, "%s", pw.pw_name);
			snprintf(u->home, sizeof u->home, "%s", pw.pw_dir);
			break;
		}
	if (f)
		fclose(f);
	if (!numeric && !u->name[0]) {
		md_warnx("unable to find user %s: no matching entries in the image's /etc/passwd", spec);
		md_hint("use a user the image has (minidocker run IMAGE cat /etc/passwd), or a number");
		return -1;
	}
	return 0;
}

/* The group part, if any, and the supplementary groups: every group of
 * /etc/group that lists the user (initgroups(3), in the image). */
static int find_groups(const char *spec, struct ids *u)
{
	unsigned long n;
	FILE *f = image_file("/etc/group");
	struct group gr, *g;
	char buf[8192];
	int found = !spec || number(spec, &n);

	if (spec && found)
		u->gid = n;
	u->ngroups = 0;
	while (f && fgetgrent_r(f, &gr, buf, sizeof buf, &g) == 0) {
		if (spec && !found && !strcmp(gr.gr_name, spec)) {
			u->gid = gr.gr_gid;
			found = 1;
		}
		for (char **m = gr.gr_mem; !spec && u->name[0] && *m; m++)
			if (!strcmp(*m, u->name) && u->ngroups++ < MAX_GROUPS)
				u->groups[u->ngroups - 1] = gr.gr_gid;
	}
	if (f)
		fclose(f);
	if (u->ngroups > MAX_GROUPS) {
		md_warnx("user %s is in %d groups of the image's /etc/group: at most %d", u->name,
			 u->ngroups, MAX_GROUPS);
		return -1;
	}
	if (!found) {
		md_warnx("unable to find group %s: no matching entries in the image's /etc/group", spec);
		md_hint("use a group the image has, or a number");
		return -1;
	}
	return 0;
}

/* Become SPEC ("" is root): groups, then gid, then uid, the only order in
 * which each step still has the right to the next (credentials(7)). */
static void switch_user(const char *spec, int may_setgroups)
{
	char user[64];
	struct ids u;

	snprintf(user, sizeof user, "%s", spec[0] ? spec : "0");
	char *group = strchr(user, ':');
	if (group)
		*group++ = '\0';
	if (find_user(user, &u) < 0 || find_groups(group, &u) < 0)
		exit(MD_EXIT_FAILED);
	u.groups[u.ngroups++] = u.gid;
	if (may_setgroups && setgroups(u.ngroups, u.groups) < 0)
		md_die("setgroups for user %s", spec);
	if (setresgid(u.gid, u.gid, u.gid) < 0 || setresuid(u.uid, u.uid, u.uid) < 0) {
		md_warn("become user %s (uid %d, gid %d)", spec, (int)u.uid, (int)u.gid);
		if (errno == EINVAL)
			md_hint("the container's user namespace does not map that id: it maps 0-65535 "
				"with a range (subuid(5)), only 0 without one");
		exit(MD_EXIT_FAILED);
	}
	if (setenv("HOME", u.home, 1) < 0)
		md_die("setenv HOME");
}

/* Does /proc/self/setgroups say "allow"? (user_namespaces(7)) */
static int setgroups_allowed(void)
{
	char buf[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && !strncmp(buf, "allow", 5);
}

void security_apply(const struct security *s)
{
	caps_bound(s->caps);
	/* v1.3: the seccomp filter as late as possible, so that few calls
	 * of ours must pass it; but loading one takes CAP_SYS_ADMIN unless
	 * no_new_privs is set (seccomp(2)), so without nnp it is loaded
	 * here, while we still have every capability, as runc and crun do.
	 * Nothing below makes a call it denies. */
	if (!s->nnp)
		seccomp_install(s->filter);
	/* Keep the permitted set across the switch of user (prctl(2),
	 * PR_SET_KEEPCAPS), so that the sets are still ours to set after it;
	 * execve then decides what a user other than root keeps. */
	if (prctl(PR_SET_KEEPCAPS, 1) < 0)
		md_die("prctl PR_SET_KEEPCAPS");
	switch_user(s->user, setgroups_allowed());
	if (prctl(PR_SET_KEEPCAPS, 0) < 0)
		md_die("prctl PR_SET_KEEPCAPS");
	userns_rearm_pdeathsig();
	caps_set(s->caps);
	/* no_new_privs (prctl(2), PR_SET_NO_NEW_PRIVS): execve never grants
	 * anything again, neither setuid bits nor file capabilities. */
	if (s->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		md_die("prctl PR_SET_NO_NEW_PRIVS");
	if (s->nnp)
		seccomp_install(s->filter);	/* v1.3: the last step before exec */
}

/* The security settings as one word of init's command line, and back:
 * "CAPS/NNP/FILTER/SOCK/USER" (USER last: it may hold ':'); FILTER is
 * the fd of the seccomp filter (v1.3), -1 for none. */
void security_word(const struct security *s, int sock, int filter, char *buf, size_t len)
{
	snprintf(buf, len, "%llx/%d/%d/%d/%s", s->caps, s->nnp, filter, sock, s->user);
}

int security_parse(const char *word, struct security *s)
{
	int sock, n = 0;

	memset(s, 0, sizeof *s);
	if (sscanf(word, "%llx/%d/%d/%d/%n", &s->caps, &s->nnp, &s->filter, &sock, &n) != 4 || !n)
		md_diex("init is internal to `minidocker run`; use run");
	snprintf(s->user, sizeof s->user, "%s", word + n);
	s->seccomp = s->filter >= 0;
	return sock;
}

/* -u's value, checked before anything is made: NAME or UID, then
 * optionally :GROUP or :GID, in the characters names are made of. */
int valid_user(const char *spec)
{
	size_t len = strlen(spec);
	const char *colon = strchr(spec, ':');

	return len > 0 && len < 64 && spec[0] != ':' && (!colon || (colon[1] && !strchr(colon + 1, ':'))) &&
	       strspn(spec, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:$") == len;
}

/* v1.3: seccomp=unconfined (Docker also spells it seccomp:unconfined).
 * Docker's seccomp=PROFILE.json names a file of rules; this stage has
 * only its built-in table, and says so rather than ignore the file. */
static void seccomp_option(const struct command *cmd, const char *arg, struct security_opts *o)
{
	if (!strcmp(arg, "seccomp=unconfined") || !strcmp(arg, "seccomp:unconfined")) {
		o->unconfined = 1;
	} else if (!strncmp(arg, "seccomp=", 8) || !strncmp(arg, "seccomp:", 8)) {
		md_warnx("%s: unsupported --security-opt '%s': seccomp profile files are not "
			 "read by this stage", cmd->name, arg);
		md_hint("leave it out for the built-in filter (v1.3/seccomp.c, Docker's default "
			"profile), or use seccomp=unconfined for none");
		exit(MD_EXIT_FAILED);
	} else {
		usage_error(cmd, NULL, "unknown --security-opt '%s': this stage knows "
			    "no-new-privileges and seccomp=unconfined", arg);
	}
}

/* run's options of this lesson, one at a time (OPT is the option's
 * letter in cmd_run), then security_finish() once they are all in. */
void security_option(const struct command *cmd, int opt, const char *arg, struct security_opts *o,
		     struct security *s)
{
	if (opt == 'u') {
		if (!valid_user(arg))
			usage_error(cmd, NULL, "invalid user '%s': NAME or UID, then optionally "
				    ":GROUP or :GID", arg);
		snprintf(s->user, sizeof s->user, "%s", arg);
	} else if (opt == 'A' || opt == 'D') {
		int cap = caps_lookup(arg);
		if (cap == -1)
			usage_error(cmd, NULL, "unknown capability '%s': a name from capabilities(7), "
				    "such as NET_ADMIN or CAP_NET_ADMIN, or ALL", arg);
		int *n = opt == 'A' ? &o->nadd : &o->ndrop;
		if (*n == 64)
			usage_error(cmd, NULL, "too many --cap-%s", opt == 'A' ? "add" : "drop");
		(opt == 'A' ? o->add : o->drop)[(*n)++] = cap;
	} else if (opt == 'P') {
		o->privileged = 1;
	} else if (!strcmp(arg, "no-new-privileges") || !strcmp(arg, "no-new-privileges:true") ||
		   !strcmp(arg, "no-new-privileges=true")) {
		s->nnp = 1;
	} else if (strcmp(arg, "no-new-privileges:false") && strcmp(arg, "no-new-privileges=false")) {
		seccomp_option(cmd, arg, o);	/* v1.3 */
	}
}

void security_finish(const struct security_opts *o, struct security *s)
{
	s->caps = caps_compute(o->privileged, o->add, o->nadd, o->drop, o->ndrop);
	/* v1.3: --privileged turns the filter off too, as in Docker. */
	s->seccomp = !o->privileged && !o->unconfined;
}

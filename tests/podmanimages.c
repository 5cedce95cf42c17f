/* v1.6 with a real image tool: podman (Debian's 4.3) builds a multi-layer
 * image with no network (base's files imported, then two containers
 * committed: one deletes a file of the layer below, one makes a folder
 * opaque), saves it as docker-archive and as oci-archive, and the stage
 * loads and runs each; the other way, the stage saves images (one loaded
 * from imagestore.c's test archives, one it committed with commit -c) in
 * both formats, and podman loads and runs them.  podman runs through
 * podman.c, everything of its own in the test's state root.  And an image
 * that lists one layer twice, which podman runs, as run does now. */
#include "features.h"

#include <stdlib.h>
#include <string.h>

/* ROOT/NAME, for podman, whose working folder is not ROOT.  A rotating
 * buffer: two calls may be used in one podman(). */
static const char *in_root(const char *name)
{
	static char bufs[2][4200];
	static int next;
	char *out = bufs[next++ % 2];
	snprintf(out, 4200, "%s/%s", state_root(), name);
	return out;
}

/* What a container of the image podman built sees: its env and workdir,
 * the whiteouts applied, and the files of the kinds a layer holds (a
 * hard link, a symlink, a fifo, a name of 150 characters, which tar
 * keeps in a PAX header, setuid and sticky modes, an old mtime, owners). */
static const char view[] = "echo $X; pwd; ls -A /data; stat -c %u:%g /etc/kept; cat /etc/gone 2>&1; "
			   "find / -xdev -name '.wh.*'; cd /x && for f in *; do stat -c '%n %u:%g %a %F %h' $f; done; "
			   "readlink sym; cat n*/n*; stat -c %Y old";
static const char view_head[] = "1\n/tmp\nnew\n1234:5678\ncat: can't open '/etc/gone': No such file or directory\n"
				"fifo 0:0 644 fifo 1\nhard 0:0 755 regular file 2\n";
static const char view_tail[] = "old 0:0 644 regular empty file 1\nsticky 0:0 1777 directory 2\n"
				"suid 0:0 4755 regular file 1\nsym 0:0 777 symbolic link 1\n/etc/kept\nlong\n981173106\n";

START_TEST(podman_saved_archives_load_and_run_here)
{
	ck_status(sh("tar -C \"$MINIDOCKER_ROOT/images/base\" -cf \"$MINIDOCKER_ROOT/base.tar\" ."), 0);
	struct result r = podman(NULL, "import", "-q", in_root("base.tar"), "localhost/base", NULL);
	ck_status(r, 0);
	r = podman(NULL, "run", "--name", "one", "localhost/base", "sh", "-c",
		   "mkdir -p /data/old && echo a > /data/old/a && echo b > /data/b && echo gone > /etc/gone && "
		   "echo kept > /etc/kept && chown 1234:5678 /etc/kept && mkdir -p /x/sticky && cd /x && "
		   "n=$(printf 'n%.0s' $(seq 150)) && mkdir $n && echo long > $n/$n && ln /bin/busybox hard && "
		   "ln -s /etc/kept sym && mkfifo fifo && echo s > suid && chmod 4755 suid && chmod 1777 sticky && "
		   "touch -d '2001-02-03 04:05:06' old", NULL);
	ck_status(r, 0);
	ck_status(podman(NULL, "commit", "-q", "one", "localhost/two", NULL), 0);
	r = podman(NULL, "run", "--name", "three", "localhost/two", "sh", "-c",
		   "echo added > /added && rm /etc/gone && rm -r /data && mkdir /data && echo new > /data/new", NULL);
	ck_status(r, 0);
	r = podman(NULL, "commit", "-q", "--change", "CMD [\"/bin/sh\",\"-c\",\"echo from-podman; cat /added\"]",
		   "--change", "ENV X=1", "--change", "WORKDIR /tmp", "three", "localhost/multi", NULL);
	ck_status(r, 0);
	r = podman(NULL, "save", "-q", "--format", "docker-archive", "-o", in_root("d.tar"), "localhost/multi", NULL);
	ck_status(r, 0);
	r = podman(NULL, "save", "-q", "--format", "oci-archive", "-o", in_root("o.tar"), "localhost/multi", NULL);
	ck_status(r, 0);
	/* Three layers, the top one with podman's whiteouts: the file
	 * deleted, the folder made anew (opaque). */
	r = sh("cd \"$MINIDOCKER_ROOT\" && for l in $(tar -xOf d.tar manifest.json | "
	       "python3 -c 'import json, sys; print(*json.load(sys.stdin)[0][\"Layers\"])'); do "
	       "echo layer; tar -xOf d.tar $l | tar -t | grep '\\.wh\\.'; done");
	ck_assert_str_eq(r.out, "layer\nlayer\nlayer\ndata/.wh..wh..opq\netc/.wh.gone\n");
	/* What podman's container sees, all of it the same here. */
	r = podman(NULL, "run", "--rm", "localhost/multi", "sh", "-c", view, NULL);
	ck_status(r, 0);
	char *podman_sees = strdup(r.out);
	ck_assert_msg(!strncmp(podman_sees, view_head, strlen(view_head)), "%s", podman_sees);
	ck_contains(podman_sees, view_tail);
	const char *archives[] = { "d.tar", "o.tar" };
	for (int i = 0; i < 2; i++) {
		r = md(NULL, "load", "-i", in_root(archives[i]), NULL);
		ck_status(r, 0);
		ck_assert_str_eq(r.out, "Loaded image: localhost/multi:latest\n");
		/* No command: the image's, in its workdir, with its env. */
		r = md(NULL, "run", "--rm", "localhost/multi", NULL);
		ck_status(r, 0);
		ck_assert_str_eq(r.out, "from-podman\nadded\n");
		r = md(NULL, "run", "--rm", "localhost/multi", "sh", "-c", view, NULL);
		ck_status(r, 0);
		ck_assert_str_eq(r.out, podman_sees);
		ck_status(md(NULL, "rmi", "localhost/multi", NULL), 0);
	}
	free(podman_sees);
	podman_end();
}
END_TEST

/* The files of an image, as a container of it sees them, under either. */
static const char files_view[] = "for f in /etc/kept /etc/gone /mine /data /data/new /data/sub /bin/busybox; do "
				 "stat -c '%n %u:%g %a %F' $f 2>&1; done; ls -A /data";

START_TEST(archives_saved_here_load_and_run_in_podman)
{
	write_mk();
	struct result r = sh(MK("docker d.tar localhost/wh:1 L/l1.tar L/l2.tar; \"$MD\" load -q -i d.tar"));
	ck_status(r, 0);
	r = md(NULL, "run", "--name", "cc", "localhost/wh:1", "sh", "-c",
	       "echo mine > /mine; chown 42:43 /mine; rm /data/new; mkdir /data/sub", NULL);
	ck_status(r, 0);
	r = md(NULL, "commit", "-c", "CMD [\"sh\",\"-c\",\"echo from-minidocker; echo $GREETING $Y; pwd; cat /mine\"]",
	       "-c", "ENV Y=2", "-c", "WORKDIR /etc", "cc", "localhost/mine", NULL);
	ck_status(r, 0);
	/* The image's env and workdir (the archive's config; commit's). */
	const char *images[] = { "localhost/wh:1", "localhost/mine:latest" };
	const char *env_want[] = { "hi\n/data\n", "hi 2\n/etc\n" };
	const char *formats[] = { "docker-archive", "oci-archive" };
	for (int i = 0; i < 2; i++) {
		r = md(NULL, "run", "--rm", images[i], "sh", "-c", files_view, NULL);
		ck_status(r, 0);
		char *files = strdup(r.out);
		ck_contains(files, i ? "/mine 42:43 644 regular file\n" : "/etc/kept 1234:5678 644 regular file\n");
		for (int f = 0; f < 2; f++) {
			ck_status(sh("rm -f \"$MINIDOCKER_ROOT/s.tar\""), 0);
			r = md(NULL, "save", "--format", formats[f], "-o", in_root("s.tar"), images[i], NULL);
			ck_status(r, 0);
			r = podman(NULL, "load", "-q", "-i", in_root("s.tar"), NULL);
			ck_status(r, 0);
			char want[200];
			snprintf(want, sizeof want, "Loaded image: %s\n", images[i]);
			ck_assert_str_eq(r.out, want);
			r = podman(NULL, "run", "--rm", images[i], "sh", "-c", "echo $GREETING $Y; pwd", NULL);
			ck_status(r, 0);
			ck_assert_str_eq(r.out, env_want[i]);
			r = podman(NULL, "run", "--rm", images[i], "sh", "-c", files_view, NULL);
			ck_status(r, 0);
			ck_assert_str_eq(r.out, files);
			if (i) {	/* no command: commit's CMD */
				r = podman(NULL, "run", "--rm", images[i], NULL);
				ck_status(r, 0);
				ck_assert_str_eq(r.out, "from-minidocker\nhi 2\n/etc\nmine\n");
			}
			ck_status(podman(NULL, "rmi", images[i], NULL), 0);
		}
		free(files);
	}
	podman_end();
}
END_TEST

/* An image listing one layer twice (Docker's empty layer) runs in podman,
 * and here (run mounted the layer twice, which overlayfs refuses); saved
 * here, it runs in podman again. */
START_TEST(a_layer_listed_twice_runs_in_both)
{
	static const char look[] = "ls /etc | grep -c gone; cat /etc/kept; ls -A /data";
	write_mk();
	struct result r = sh(MK("head -c 1024 /dev/zero > L/empty.tar; "
				"docker d.tar localhost/twice:1 L/empty.tar L/l1.tar L/empty.tar L/l2.tar L/empty.tar"));
	ck_status(r, 0);
	ck_status(podman(NULL, "load", "-q", "-i", in_root("d.tar"), NULL), 0);
	r = podman(NULL, "run", "--rm", "localhost/twice:1", "sh", "-c", look, NULL);
	ck_assert_str_eq(r.out, "0\nkept\nnew\n");
	ck_status(podman(NULL, "rmi", "localhost/twice:1", NULL), 0);
	ck_status(md(NULL, "load", "-q", "-i", in_root("d.tar"), NULL), 0);
	r = md(NULL, "run", "--rm", "localhost/twice:1", "sh", "-c", look, NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "0\nkept\nnew\n");
	ck_status(md(NULL, "save", "-o", in_root("s.tar"), "localhost/twice:1", NULL), 0);
	ck_status(podman(NULL, "load", "-q", "-i", in_root("s.tar"), NULL), 0);
	r = podman(NULL, "run", "--rm", "localhost/twice:1", "sh", "-c", look, NULL);
	ck_assert_str_eq(r.out, "0\nkept\nnew\n");
	podman_end();
}
END_TEST

void add_podman_image_tests(Suite *s)
{
	TCase *tc = tcase(s, "podman interop");
	add_podman_test(tc, podman_saved_archives_load_and_run_here);
	add_podman_test(tc, archives_saved_here_load_and_run_in_podman);
	add_podman_test(tc, a_layer_listed_twice_runs_in_both);
}

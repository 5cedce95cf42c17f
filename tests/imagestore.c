/* v1.6: images by digest, names and tags, and images as archives (load,
 * save, export).  The archives are made here, by the tests, with tar and
 * sha256sum, as `docker save` and the OCI image layout lay them out:
 * layers as tars, a config JSON, a manifest; one layer deletes a file of
 * the layer below (.wh.NAME), one makes a folder opaque (.wh..wh..opq). */
#include "features.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The folder of IMAGE's top layer: ROOT/images/IMAGE up to v1.5, and from
 * v1.6 on ROOT/layers/HEX, the last layer of its record in the store.  A
 * rotating buffer: two calls may be used in one sh(). */
const char *layer_dir(const char *image)
{
	static char bufs[4][4096];
	static int next;
	char *out = bufs[next++ % 4], path[4096], line[512], want[300], id[65] = "", layer[80] = "";
	const char *root = getenv("MINIDOCKER_ROOT");

	if (strcmp(stage, "v1.6") < 0 || !strcmp(image, "base")) {
		snprintf(out, 4096, "%s/images/%s", root, image);
		return out;
	}
	snprintf(want, sizeof want, "%s%s ", image, strchr(image, ':') ? "" : ":latest");
	snprintf(path, sizeof path, "%s/imagedb/tags", root);
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, want, strlen(want)))
			sscanf(line + strlen(want), "%64s", id);
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "%s/imagedb/%s/image", root, id);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "layer=", 6))
			sscanf(line + 6, "%79s", layer);
	if (f)
		fclose(f);
	ck_assert_msg(layer[0], "no layer for image %s in %s/imagedb", image, root);
	snprintf(out, 4096, "%s/layers/%s", root, layer);
	return out;
}

/* ---- names and tags ------------------------------------------------------- */

/* An image "one" of base's busybox alone, made with import: its ID. */
static char *import_one(const char *name)
{
	struct result r = sh("set -e; cd \"$MINIDOCKER_ROOT\"; mkdir -p one/bin; cp images/base/bin/busybox one/bin/; "
			     "for a in sh cat echo ls sleep true; do ln -sf busybox one/bin/$a; done; tar -C one -cf one.tar . && \"$MD\" import one.tar %s", name);
	ck_status(r, 0);
	ck_assert_msg(strlen(r.out) == 72 && !strncmp(r.out, "sha256:", 7), "%s", r.out);
	r.out[71] = '\0';
	char *id = strdup(r.out + 7);	/* r.out is the harness's, reused */
	ck_assert_ptr_nonnull(id);
	return id;
}

START_TEST(names_and_tags_point_at_one_image)
{
	char *id = import_one("one");
	ck_status(md(NULL, "tag", "one", "docker.io/library/two:1.0", NULL), 0);
	ck_status(md(NULL, "tag", id, "localhost:5000/three", NULL), 0);
	struct result r = md(NULL, "images", NULL);
	ck_status(r, 0);
	char want[600];
	snprintf(want, sizeof want,
		 "REPOSITORY              TAG        IMAGE ID       CREATED                  SIZE\n"
		 "docker.io/library/two   1.0        %.12s   ", id);
	ck_assert_msg(!strncmp(r.out, want, strlen(want)), "%s", r.out);
	snprintf(want, sizeof want, "\nlocalhost:5000/three    latest     %.12s   ", id);
	ck_contains(r.out, want);
	snprintf(want, sizeof want, "\none                     latest     %.12s   ", id);
	ck_contains(r.out, want);
	ck_contains(r.out, "\nbase                    latest     -              ");
	/* -q: each image once, and v1.1's folder by its name. */
	r = md(NULL, "images", "-q", NULL);
	snprintf(want, sizeof want, "%.12s\nbase\n", id);
	ck_assert_str_eq(r.out, want);
	/* Docker Hub's images are found by their short names too. */
	r = md(NULL, "run", "--rm", "two:1.0", "echo", "ran", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "ran\n");
	r = md(NULL, "run", "--rm", "two", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "image 'two' not found");
	/* One layer, one record, three names. */
	r = sh("ls \"$MINIDOCKER_ROOT/layers\" | wc -l; ls \"$MINIDOCKER_ROOT/imagedb\" | grep -c '^[0-9a-f]*$'; "
	       "wc -l < \"$MINIDOCKER_ROOT/imagedb/tags\"");
	ck_assert_str_eq(r.out, "1\n1\n3\n");
	/* Names Docker refuses. */
	const char *bad[] = { "Upper", "a//b", "x:", "x:y:z", "-x", "nosuch:tag:", NULL };
	for (const char **b = bad; *b; b++) {
		r = md(NULL, "tag", "one", *b, NULL);
		ck_status(r, 125);
	}
	r = md(NULL, "tag", "nosuch", "x", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "No such image: nosuch");
	/* base is v1.1's folder: its name is taken. */
	r = md(NULL, "tag", "one", "base", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "image 'base' already exists");
}
END_TEST

START_TEST(rmi_untags_then_deletes_as_docker_does)
{
	char *id = import_one("one");
	ck_status(md(NULL, "tag", "one", "two", NULL), 0);
	/* A name among others: only the name goes. */
	struct result r = md(NULL, "rmi", "two", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "Untagged: two:latest\n");
	ck_status(md(NULL, "tag", "one", "two", NULL), 0);
	/* By ID while two names point at it: only with -f. */
	r = md(NULL, "rmi", id, NULL);
	ck_status(r, 125);
	ck_contains(r.err, "image is referenced in multiple repositories");
	ck_status(md(NULL, "rmi", "two", NULL), 0);
	/* A container uses it: refused while it runs, even with -f... */
	ck_status(md(NULL, "run", "-d", "--name", "user", "one", "sleep", "30", NULL), 0);
	r = md(NULL, "rmi", "-f", "one", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "(cannot be forced) - image is being used by running container");
	ck_status(md(NULL, "rm", "-f", "user", NULL), 0);
	/* ...and without -f while it is stopped. */
	ck_status(md(NULL, "run", "--name", "stopped", "one", "true", NULL), 0);
	r = md(NULL, "rmi", "one", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "conflict: unable to remove repository reference \"one\" (must force) - container");
	/* -f: the name goes; the image stays, nameless, for the container,
	 * which still starts. */
	r = md(NULL, "rmi", "-f", "one", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "Untagged: one:latest\n");
	r = md(NULL, "images", NULL);
	char want[200];
	snprintf(want, sizeof want, "\n<none>       <none>     %.12s   ", id);
	ck_contains(r.out, want);
	ck_status(md(NULL, "start", "-a", "stopped", NULL), 0);
	/* Once the container is gone, rmi by ID removes the image and its
	 * layer, which no other image lists. */
	ck_status(md(NULL, "rm", "stopped", NULL), 0);
	r = md(NULL, "rmi", id, NULL);
	ck_status(r, 0);
	snprintf(want, sizeof want, "Deleted: sha256:%s\n", id);
	ck_assert_str_eq(r.out, want);
	r = sh("ls -A \"$MINIDOCKER_ROOT/layers\"; ls \"$MINIDOCKER_ROOT/imagedb\"; cat \"$MINIDOCKER_ROOT/imagedb/tags\"");
	ck_assert_str_eq(r.out, "tags\n");
	r = md(NULL, "rmi", "one", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "No such image: one");
}
END_TEST

START_TEST(commit_shares_the_layers_below)
{
	import_one("one");
	ck_status(md(NULL, "run", "--name", "cc", "one", "sh", "-c", "echo x > /x", NULL), 0);
	struct result r = md(NULL, "commit", "cc", "two", NULL);
	ck_status(r, 0);
	/* two is one's layer and its own: the first is stored once. */
	r = sh("ls \"$MINIDOCKER_ROOT/layers\" | wc -l");
	ck_assert_str_eq(r.out, "2\n");
	r = md(NULL, "run", "--rm", "two", "cat", "/x", NULL);
	ck_assert_str_eq(r.out, "x\n");
	/* one's removal leaves the layer two needs. */
	ck_status(md(NULL, "rm", "cc", NULL), 0);
	ck_status(md(NULL, "rmi", "one", NULL), 0);
	r = sh("ls \"$MINIDOCKER_ROOT/layers\" | wc -l");
	ck_assert_str_eq(r.out, "2\n");
	r = md(NULL, "run", "--rm", "two", "cat", "/x", NULL);
	ck_assert_str_eq(r.out, "x\n");
	ck_status(md(NULL, "rmi", "two", NULL), 0);
	r = sh("ls -A \"$MINIDOCKER_ROOT/layers\"");
	ck_assert_str_eq(r.out, "");
	/* A commit of a v1.1 folder image lists the folder as its layer:
	 * base may not go while it does. */
	ck_status(md(NULL, "run", "--name", "bb", "base", "sh", "-c", "echo y > /y", NULL), 0);
	ck_status(md(NULL, "commit", "bb", "three", NULL), 0);
	ck_status(md(NULL, "rm", "bb", NULL), 0);
	r = md(NULL, "rmi", "base", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "image base is the parent of image three:latest");
	r = md(NULL, "run", "--rm", "three", "cat", "/y", NULL);
	ck_assert_str_eq(r.out, "y\n");
}
END_TEST

void add_imagestore_tests(Suite *s)
{
	TCase *tc = tcase(s, "image store");
	add_root_test(tc, names_and_tags_point_at_one_image);
	add_root_test(tc, rmi_untags_then_deletes_as_docker_does);
	add_root_test(tc, commit_shares_the_layers_below);
}

/* v1.6: images by digest, names and tags, and images as archives (load,
 * save, export).  The archives are made here, by the tests, with tar and
 * sha256sum, as `docker save` and the OCI image layout lay them out:
 * layers as tars, a config JSON, a manifest; one layer deletes a file of
 * the layer below (.wh.NAME), one makes a folder opaque (.wh..wh..opq). */
#include "features.h"

#include <fcntl.h>
#include <signal.h>
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
	/* -f: as Docker's (moby/moby#5063), the image is deleted: no name,
	 * no image for any command, but the container still starts from
	 * its layers, kept while it exists. */
	ck_status(sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" save -o one-saved.tar one"), 0);
	r = md(NULL, "rmi", "-f", "one", NULL);
	ck_status(r, 0);
	char want[200];
	snprintf(want, sizeof want, "Untagged: one:latest\nDeleted: sha256:%s\n", id);
	ck_assert_str_eq(r.out, want);
	r = md(NULL, "images", "-q", NULL);
	ck_assert_str_eq(r.out, "base\n");
	r = md(NULL, "rmi", id, NULL);
	ck_status(r, 125);
	ck_contains(r.err, "No such image");
	r = md(NULL, "run", "--rm", id, "true", NULL);
	ck_status(r, 125);
	ck_status(md(NULL, "start", "-a", "stopped", NULL), 0);
	r = sh("ls \"$MINIDOCKER_ROOT/layers\" | wc -l");
	ck_assert_str_eq(r.out, "1\n");
	/* The same image again (load of its archive) takes it back... */
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" load -i one-saved.tar && \"$MD\" images -q");
	ck_status(r, 0);
	snprintf(want, sizeof want, "Loaded image: one:latest\n%.12s\nbase\n", id);
	ck_assert_str_eq(r.out, want);
	/* ...and the container's removal leaves it. */
	ck_status(md(NULL, "rm", "stopped", NULL), 0);
	r = md(NULL, "images", "-q", NULL);
	snprintf(want, sizeof want, "%.12s\nbase\n", id);
	ck_assert_str_eq(r.out, want);
	/* Deleted again: rm of the container takes the image and its
	 * layer, which no other image lists. */
	ck_status(md(NULL, "run", "--name", "stopped", "one", "true", NULL), 0);
	ck_status(md(NULL, "rmi", "-f", "one", NULL), 0);
	ck_status(md(NULL, "rm", "stopped", NULL), 0);
	r = sh("LC_ALL=C ls -A \"$MINIDOCKER_ROOT/layers\" \"$MINIDOCKER_ROOT/imagedb\" | grep -v :$ | grep .; cat \"$MINIDOCKER_ROOT/imagedb/tags\"");
	ck_assert_str_eq(r.out, ".lock\ntags\n");
	r = md(NULL, "rmi", "one", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "No such image: one");
	/* An image with no container and no name: rmi by ID removes it. */
	free(id);
	id = import_one("one");
	ck_status(md(NULL, "tag", "one", "two", NULL), 0);
	ck_status(md(NULL, "rmi", "one", "two", NULL), 0);
	r = sh("LC_ALL=C ls -A \"$MINIDOCKER_ROOT/layers\" \"$MINIDOCKER_ROOT/imagedb\" | grep -v :$ | grep .");
	ck_assert_str_eq(r.out, ".lock\ntags\n");
	free(id);
}
END_TEST

/* An rm killed after its container went, before the image rmi -f had
 * deleted went with it: the next rm or rmi ends what it began. */
START_TEST(a_deleted_image_goes_even_after_a_killed_rm)
{
	char *id = import_one("one");
	ck_status(md(NULL, "run", "--name", "stopped", "one", "true", NULL), 0);
	ck_status(md(NULL, "rmi", "-f", "one", NULL), 0);
	/* What a SIGKILL between rm's two steps leaves: no container, the
	 * image still in the store, hidden by its marker. */
	ck_status(sh("rm -rf \"$MINIDOCKER_ROOT\"/containers/*"), 0);
	struct result r = sh("ls \"$MINIDOCKER_ROOT/imagedb/%s\"; \"$MD\" images -q", id);
	ck_assert_str_eq(r.out, "config.json\ndeleted\nimage\nbase\n");
	r = md(NULL, "rmi", "nosuch", NULL);
	ck_status(r, 125);
	r = sh("LC_ALL=C ls -A \"$MINIDOCKER_ROOT/layers\" \"$MINIDOCKER_ROOT/imagedb\" | grep -v :$ | grep .");
	ck_assert_str_eq(r.out, ".lock\ntags\n");
	/* A removal killed halfway, its record renamed out of sight: swept. */
	free(id);
	id = import_one("one");
	r = sh("cd \"$MINIDOCKER_ROOT/imagedb\" && mv %s .gone-%s && \"$MD\" images -q && "
	       "\"$MD\" rmi nosuch 2>/dev/null; LC_ALL=C ls -A; ls -A ../layers", id, id);
	ck_assert_str_eq(r.out, "base\n.lock\ntags\n");
	free(id);
}
END_TEST

/* A record that cannot be written whole (here its config, past a file
 * size limit: write(2) fails with EFBIG) leaves nothing: no empty
 * record, no layer that no image lists, no half folder. */
START_TEST(a_failed_record_leaves_no_image_and_no_layer)
{
	char *id = import_one("one");
	const char *big = "big=$(head -c 20000 /dev/zero | tr '\\0' x)";
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir tiny && echo hi > tiny/f && tar -C tiny -cf tiny.tar . && "
			     "%s && (ulimit -f 8; trap '' XFSZ; exec \"$MD\" import -c \"LABEL big=$big\" tiny.tar tiny)",
			     big);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: write ");
	ck_contains(r.err, "config.json");
	ck_contains(r.err, ": File too large");
	/* commit: the same. */
	ck_status(md(NULL, "run", "--name", "cc", "one", "sh", "-c", "echo x > /x", NULL), 0);
	r = sh("%s && (ulimit -f 8; trap '' XFSZ; exec \"$MD\" commit -c \"LABEL big=$big\" cc two)", big);
	ck_status(r, 125);
	ck_contains(r.err, ": File too large");
	r = md(NULL, "images", "-q", NULL);
	char want[200];
	snprintf(want, sizeof want, "%.12s\nbase\n", id);
	ck_assert_str_eq(r.out, want);
	r = sh("cd \"$MINIDOCKER_ROOT\" && LC_ALL=C ls -A imagedb; ls layers | wc -l");
	snprintf(want, sizeof want, ".lock\n%s\ntags\n1\n", id);
	ck_assert_str_eq(r.out, want);
	/* Without the limit, both work. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && %s && \"$MD\" import -c \"LABEL big=$big\" tiny.tar tiny >/dev/null && "
	       "\"$MD\" commit -c \"LABEL big=$big\" cc two >/dev/null && \"$MD\" images -q | wc -l", big);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "4\n");
	free(id);
}
END_TEST

START_TEST(commit_shares_the_layers_below)
{
	free(import_one("one"));
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


/* ---- images as archives ----------------------------------------------------- */

/* Shell functions that make test archives, written to ROOT/mk.sh. */
static const char mk_sh[] =
	"# Test archives, as docker save and the OCI image layout lay them out.\n"
	"# layers DIR: two layers in DIR/l1.tar, DIR/l2.tar; l2 deletes etc/gone of l1\n"
	"# (.wh.gone) and makes data opaque (.wh..wh..opq).\n"
	"layers() {\n"
	"	rm -rf \"$1\" && mkdir -p \"$1/l1/bin\" \"$1/l1/etc\" \"$1/l1/data/old\" \"$1/l2/etc\" \"$1/l2/data\"\n"
	"	cp \"$MINIDOCKER_ROOT/images/base/bin/busybox\" \"$1/l1/bin/\"\n"
	"	for a in sh cat ls echo find stat test true; do ln -s busybox \"$1/l1/bin/$a\"; done\n"
	"	echo gone > \"$1/l1/etc/gone\"; echo kept > \"$1/l1/etc/kept\"\n"
	"	echo a > \"$1/l1/data/old/a\"; echo b > \"$1/l1/data/b\"; chown 1234:5678 \"$1/l1/etc/kept\"\n"
	"	: > \"$1/l2/etc/.wh.gone\"; : > \"$1/l2/data/.wh..wh..opq\"; echo new > \"$1/l2/data/new\"\n"
	"	tar -C \"$1/l1\" -cf \"$1/l1.tar\" . && tar -C \"$1/l2\" -cf \"$1/l2.tar\" .\n"
	"}\n"
	"sha() { sha256sum < \"$1\" | cut -d' ' -f1; }\n"
	"# config FILE LAYER...: an OCI config whose diff_ids are the layers'.\n"
	"config() {\n"
	"	f=$1; shift; ids=\n"
	"	for l; do ids=\"$ids${ids:+,}\\\"sha256:$(sha \"$l\")\\\"\"; done\n"
	"	printf '{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\",\"config\":{\"Env\":[\"PATH=/bin\",\"GREETING=hi\"],\"Cmd\":[\"sh\"],\"WorkingDir\":\"/data\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[%s]}}' \"$ids\" > \"$f\"\n"
	"}\n"
	"# docker OUT NAME LAYER...: a docker-archive of one image.\n"
	"docker() {\n"
	"	out=$1; name=$2; shift 2; rm -rf _d; mkdir _d; ls=; i=0\n"
	"	config _d/c.json \"$@\"\n"
	"	for l; do i=$((i+1)); mkdir _d/$i; cp \"$l\" _d/$i/layer.tar; ls=\"$ls${ls:+,}\\\"$i/layer.tar\\\"\"; done\n"
	"	c=$(sha _d/c.json); mv _d/c.json _d/$c.json\n"
	"	printf '[{\"Config\":\"%s.json\",\"RepoTags\":[\"%s\"],\"Layers\":[%s]}]' \"$c\" \"$name\" \"$ls\" > _d/manifest.json\n"
	"	tar -C _d -cf \"$out\" . && rm -rf _d\n"
	"}\n"
	"# blob FILE: FILE into _o/blobs/sha256 by its digest; its descriptor's digest and size.\n"
	"blob() { h=$(sha \"$1\"); s=$(stat -c %s \"$1\"); mv \"$1\" _o/blobs/sha256/$h; echo \"\\\"digest\\\":\\\"sha256:$h\\\",\\\"size\\\":$s\"; }\n"
	"# oci OUT NAME LAYER...: an OCI layout archive of one image, its layers gzipped.\n"
	"oci() {\n"
	"	out=$1; name=$2; shift 2; rm -rf _o; mkdir -p _o/blobs/sha256; ls=\n"
	"	config _o/c.json \"$@\"\n"
	"	for l; do gzip -n -c \"$l\" > _o/l.gz; ls=\"$ls${ls:+,}{\\\"mediaType\\\":\\\"application/vnd.oci.image.layer.v1.tar+gzip\\\",$(blob _o/l.gz)}\"; done\n"
	"	printf '{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",%s},\"layers\":[%s]}' \"$(blob _o/c.json)\" \"$ls\" > _o/m.json\n"
	"	printf '{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",%s,\"annotations\":{\"org.opencontainers.image.ref.name\":\"%s\"}}]}' \"$(blob _o/m.json)\" \"$name\" > _o/index.json\n"
	"	printf '{\"imageLayoutVersion\":\"1.0.0\"}' > _o/oci-layout\n"
	"	tar -C _o -cf \"$out\" . && rm -rf _o\n"
	"}\n";

void write_mk(void)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/mk.sh", state_root());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(mk_sh, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* What a container of IMAGE sees of the two layers: the deleted file
 * absent, the opaque folder holding only the top layer's, no .wh.* left. */
static void sees_the_layers(const char *env, const char *image)
{
	struct result r = sh("%s \"$MD\" run --rm %s sh -c 'ls /etc; ls -A /data; find / -xdev -name \".wh.*\"; "
			     "stat -c %%u:%%g /etc/kept; cat /etc/gone 2>&1'", env, image);
	ck_assert_str_eq(r.out, "hostname\nhosts\nkept\nresolv.conf\nnew\n1234:5678\n"
				"cat: can't open '/etc/gone': No such file or directory\n");
}

START_TEST(load_applies_whiteouts_the_overlay_way)
{
	write_mk();
	struct result r = sh(MK("docker d.tar docker.io/library/wh:1 L/l1.tar L/l2.tar; \"$MD\" load -i d.tar"));
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "Loaded image: docker.io/library/wh:1\n");
	/* In the top layer, overlayfs's markers, not the tar's files. */
	const char *top = layer_dir("docker.io/library/wh:1");
	r = sh("cd %s && stat -c '%%F %%t:%%T' etc/gone && ls -A data && ls -A etc", top);
	ck_assert_str_eq(r.out, "character special file 0:0\nnew\ngone\n");
	r = sh("python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], \"user.overlay.opaque\").decode())' %s/data",
	       top);
	ck_assert_str_eq(r.out, "y\n");
	/* The container sees them so, idmapped or through the shifted copy. */
	sees_the_layers("", "wh:1");
	sees_the_layers("MINIDOCKER_IDMAP=copy", "docker.io/library/wh:1");
	/* The config is the archive's, under the image's ID, its digest. */
	r = sh(MK("c=$(tar -tf d.tar | sed -n 's,^./\\([0-9a-f]*\\).json$,\\1,p'); ls imagedb | grep -c \"^$c$\"; "
		  "grep -c GREETING=hi imagedb/$c/config.json"));
	ck_assert_str_eq(r.out, "1\n1\n");
}
END_TEST

START_TEST(compressed_and_oci_archives_share_their_layers)
{
	write_mk();
	/* gzip on stdin, zstd from a file: the same image, its layers once. */
	struct result r = sh(MK("docker d.tar wh:1 L/l1.tar L/l2.tar; gzip -c d.tar | \"$MD\" load; "
				"zstd -q -c d.tar > d.tar.zst; \"$MD\" load -i d.tar.zst; ls layers | wc -l"));
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "Loaded image: wh:1\nLoaded image: wh:1\n2\n");
	/* The OCI layout, gzipped layers: the same diff_ids, the same layers. */
	r = sh(MK("oci o.tar localhost/oci:1 L/l1.tar L/l2.tar; \"$MD\" load -i o.tar; ls layers | wc -l"));
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "Loaded image: localhost/oci:1\n2\n");
	sees_the_layers("", "localhost/oci:1");
	/* Another image on the same base: one more layer, the base shared. */
	r = sh(MK("mkdir -p t3/etc; echo three > t3/etc/three; tar -C t3 -cf L/l3.tar .; "
		  "docker b.tar other:2 L/l1.tar L/l3.tar; \"$MD\" load -q -i b.tar; ls layers | wc -l"));
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "3\n");
	r = md(NULL, "run", "--rm", "other:2", "sh", "-c", "cat /etc/three /etc/gone", NULL);
	ck_assert_str_eq(r.out, "three\ngone\n");
	/* rmi takes only the layers no other image lists. */
	ck_status(md(NULL, "rmi", "other:2", NULL), 0);
	r = sh("ls \"$MINIDOCKER_ROOT/layers\" | wc -l");
	ck_assert_str_eq(r.out, "2\n");
}
END_TEST

/* The archive the commands CMD make in ROOT, as evil.tar: load refuses
 * it with 125, saying WHY, and leaves no layer, image, name or temporary
 * folder. */
static void load_refused(const char *cmd, const char *why)
{
	struct result r = sh(MK("%s"), cmd);
	ck_status(r, 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" load -i evil.tar");
	ck_status(r, 125);
	ck_contains(r.err, why);
	ck_assert_str_eq(r.out, "");
	r = sh("cd \"$MINIDOCKER_ROOT\" && ls -A layers; ls imagedb 2>/dev/null | grep -v tags; "
	       "cat imagedb/tags 2>/dev/null; ls -A target");
	ck_assert_msg(!strcmp(r.out, ""), "left behind by '%s':\n%s", cmd, r.out);
}

START_TEST(hostile_archives_are_refused_and_leave_nothing)
{
	write_mk();
	ck_status(sh("mkdir \"$MINIDOCKER_ROOT/target\""), 0);
	/* A layer that is not the one the config names (a byte more). */
	load_refused("docker ok.tar x L/l1.tar L/l2.tar; rm -rf e; mkdir e; tar -C e -xf ok.tar; "
		     "echo x >> e/2/layer.tar; tar -C e -cf evil.tar .", "is not the layer the config names");
	/* A config that is not the one its name says. */
	load_refused("rm -rf e; mkdir e; tar -C e -xf ok.tar; c=$(ls e | grep -v manifest | grep json); "
		     "sed -i s/GREETING/GREETINX/ e/$c; tar -C e -cf evil.tar .", "is not the blob its digest names");
	/* A missing blob. */
	load_refused("rm -rf e; mkdir e; tar -C e -xf ok.tar; rm e/2/layer.tar; tar -C e -cf evil.tar .",
		     "'2/layer.tar': No such file or directory");
	/* A blob that is a symlink out of the archive (read, never written). */
	load_refused("rm -rf e; mkdir e; tar -C e -xf ok.tar; ln -sf /etc/hostname e/2/layer.tar; "
		     "tar -C e -cf evil.tar .", "'2/layer.tar'");
	/* A layer climbing out with ../ */
	load_refused("echo x > x; tar -P -cf dotdot.tar --transform 's,^x,../escaped,' x; "
		     "docker evil.tar x L/l1.tar dotdot.tar", "points out of the image");
	/* A layer's symlink, then a file through it. */
	load_refused("rm -rf s; mkdir -p s/evil; echo x > s/evil/f; tar -C s -cf sym.tar evil/f; rm -r s/evil; "
		     "ln -s \"$MINIDOCKER_ROOT/target\" s/evil; tar -C s -rf sym.tar evil; "
		     "tar -C s -cf sym2.tar evil; mkdir -p s2/evil; echo x > s2/evil/f; tar -C s2 -rf sym2.tar evil/f; "
		     "docker evil.tar x L/l1.tar sym2.tar", "evil/f");
	/* A whiteout in a folder longer than PATH_MAX: never cut to another. */
	load_refused("d=$(printf 'd%.0s' $(seq 200)); p=$d; for i in $(seq 21); do p=$p/$d; done; echo x > x; "
		     "tar -cf wh.tar --transform \"s,^x,$p/.wh.x,\" x; docker evil.tar x L/l1.tar wh.tar",
		     "File name too long");
	/* A manifest.json layer that is not a path. */
	load_refused("rm -rf e; mkdir e; tar -C e -xf ok.tar; sed -i 's,\"2/layer.tar\",5,' e/manifest.json; "
		     "tar -C e -cf evil.tar .", "layer 1 is not a path");
	/* A truncated archive, plain and gzipped. */
	load_refused("head -c 30000 ok.tar > evil.tar", "Truncated tar archive");
	load_refused("gzip -c ok.tar | head -c 300000 > evil.tar", "truncated gzip input");
	/* An OCI blob changed after its digest was taken. */
	load_refused("oci o.tar y L/l1.tar L/l2.tar; rm -rf e; mkdir e; tar -C e -xf o.tar; "
		     "b=$(ls -S e/blobs/sha256 | head -n 1); (cd e/blobs/sha256; gzip -dc $b | gzip -1 -c > n; mv n $b); "
		     "tar -C e -cf evil.tar .", "is not the blob its digest names");
	/* Neither layout, and not even a tar. */
	load_refused("rm -rf e; mkdir e; echo x > e/x; tar -C e -cf evil.tar .", "neither manifest.json");
	load_refused("echo 'not an archive' > evil.tar", "Unrecognized archive format");
}
END_TEST

/* A config run would call damaged is refused at load, not stored under a
 * name; a nested index without a digest, and a gzipped layer cut before
 * its trailer, are refused by what they are. */
START_TEST(hostile_configs_and_indexes_are_refused)
{
	write_mk();
	load_refused("docker ok.tar x L/l1.tar; rm -rf e; mkdir e; tar -C e -xf ok.tar; c=$(ls e | grep -v manifest | grep json); "
		     "sed 's/\\[\"sh\"\\]/{\"a\":1}/' e/$c > e/x.json; rm e/$c; sed -i s/$c/x.json/ e/manifest.json; "
		     "tar -C e -cf evil.tar .", "config.Cmd is not what the OCI image spec says");
	load_refused("rm -rf e; mkdir e; echo '{\"imageLayoutVersion\":\"1.0.0\"}' > e/oci-layout; "
		     "echo '{\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:XYZ\",\"size\":3}]}' "
		     "> e/index.json; tar -C e -cf evil.tar .", "an index without a sha256 digest");
	load_refused("oci o.tar y L/l1.tar; rm -rf e; mkdir e; tar -C e -xf o.tar; "
		     "b=$(ls -S e/blobs/sha256 | head -n 1); head -c -8 e/blobs/sha256/$b > n; h=$(sha n); mv n e/blobs/sha256/$h; "
		     "rm e/blobs/sha256/$b; m=$(grep -l $b e/blobs/sha256/*); s=$(stat -c %s e/blobs/sha256/$h); "
		     "sed \"s/$b/$h/; s/\\\"size\\\":[0-9]*}\\]/\\\"size\\\":$s}]/\" $m > n; mh=$(sha n); ms=$(stat -c %s n); mv n e/blobs/sha256/$mh; rm $m; "
		     "sed -i \"s/${m##*/}/$mh/; s/\\\"size\\\":[0-9]*/\\\"size\\\":$ms/\" e/index.json; tar -C e -cf evil.tar .",
		     "truncated or damaged");
}
END_TEST

/* An image that lists a layer twice: Docker's builder makes the same
 * empty layer (1024 zero bytes, a tar's end) for each step that changes
 * no file.  run mounted that folder twice among the overlay's layers,
 * which overlayfs refuses (ELOOP, "Too many levels of symbolic links");
 * it is mounted once now, where it is topmost.  The two layers of
 * `layers` sit between and above two empty ones, and a third listing of
 * L/l1.tar on top must still win over L/l2.tar's whiteout of etc/gone. */
START_TEST(a_layer_listed_twice_is_mounted_once)
{
	write_mk();
	struct result r = sh(MK("head -c 1024 /dev/zero > L/empty.tar; sha L/empty.tar; "
				"docker d.tar twice:1 L/empty.tar L/l1.tar L/empty.tar L/l2.tar L/empty.tar; "
				"\"$MD\" load -i d.tar; ls layers | wc -l"));
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef\n"
				"Loaded image: twice:1\n3\n");
	sees_the_layers("", "twice:1");
	sees_the_layers("MINIDOCKER_IDMAP=copy", "twice:1");
	/* The same layers, l1 again on top: its etc/gone is back. */
	r = sh(MK("oci o.tar again:1 L/l1.tar L/l2.tar L/empty.tar L/l1.tar; \"$MD\" load -q -i o.tar"));
	ck_status(r, 0);
	r = md(NULL, "run", "--rm", "again:1", "sh", "-c", "cat /etc/gone; ls -A /data | sort", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "gone\nb\nnew\nold\n");
	/* save lists it twice again; what it saved loads and runs; rmi
	 * removes each layer once. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" save -o s.tar twice:1 && "
	       "tar -xOf s.tar manifest.json | grep -o layer.tar | wc -l && \"$MD\" --root fresh load -q -i s.tar && "
	       "\"$MD\" --root fresh run --rm twice:1 cat /etc/kept && \"$MD\" rmi twice:1 again:1 > /dev/null && ls -A layers");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "5\nkept\n");
}
END_TEST

/* rmi of the last image listing a layer, while a load of another image on
 * that layer reads its archive: the load had found the layer in the store
 * and skipped it, then died at its rename (and a layer moved before it
 * would have stayed, no image listing it).  The load is stopped, by its
 * pid, once it unpacks its second layer; the rmi runs then. */
START_TEST(rmi_during_a_load_of_a_shared_layer)
{
	write_mk();
	struct result r = sh(MK("docker b.tar base:1 L/l1.tar; \"$MD\" load -q -i b.tar; mkdir -p z; "
				"(cd z && seq 30000 | xargs touch); tar -C z -cf L/big.tar .; "
				"docker s.tar two:1 L/l1.tar L/big.tar; big=$(sha L/big.tar); "
				"\"$MD\" load -i s.tar > out 2> err & p=$!; "
				"until [ -d layers/.load-*/$big ] || ! kill -0 $p 2>/dev/null; do :; done; "
				"c=$(pgrep -P $p); kill -STOP $c; \"$MD\" rmi base:1 > /dev/null; kill -CONT $c; "
				"rc=0; wait $p || rc=$?; echo $rc; cat out err; ls -A layers | grep -c '^\\.' || true"));
	ck_assert_str_eq(r.out, "0\nLoaded image: two:1\n0\n");
	r = md(NULL, "run", "--rm", "two:1", "cat", "/etc/kept", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "kept\n");
}
END_TEST

/* SIGKILL to a load reading its archive from a FIFO, which the test
 * holds open: the child that unpacks and publishes goes with it.  It
 * went on, and once the rest of the archive came, it published the
 * image of a load that had been killed. */
START_TEST(a_killed_load_publishes_nothing)
{
	char fifo[4200], tar[4200];
	write_mk();
	struct result r = sh(MK("docker d.tar k:1 L/l1.tar L/l2.tar; mkfifo fifo"));
	ck_status(r, 0);
	snprintf(fifo, sizeof fifo, "%s/fifo", state_root());
	snprintf(tar, sizeof tar, "%s/d.tar", state_root());
	int in = open(tar, O_RDONLY | O_CLOEXEC), out = -1;
	ck_assert_int_ge(in, 0);
	int pid = start_bg("exec \"$MD\" load -i \"$MINIDOCKER_ROOT/fifo\"");
	/* Open for writing once the load has it open for reading. */
	for (struct deadline d = deadline(10); out < 0 && keep_polling(&d);)
		out = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_msg(out >= 0, "the load never opened its archive");
	ck_assert_int_eq(fcntl(out, F_SETFL, 0), 0);
	static char buf[1 << 16];
	ssize_t n = read(in, buf, 20480);
	ck_assert_int_eq(n, 20480);
	ck_assert_int_eq(write(out, buf, n), n);
	struct procs p = proc_tree(pid, NULL);
	ck_assert_int_eq(p.n, 2);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	/* The rest, for a child still reading (EPIPE if none is). */
	signal(SIGPIPE, SIG_IGN);
	while ((n = read(in, buf, sizeof buf)) > 0 && write(out, buf, n) == n)
		;
	close(out);
	close(in);
	signal(SIGPIPE, SIG_DFL);
	ck_assert_int_eq(wait_ended(&p, 10), 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" images -q; ls layers | wc -l; ls imagedb | grep -c '^[0-9a-f]*$'");
	ck_assert_str_eq(r.out, "base\n0\n0\n");
	/* The next load removes the folder the killed one left. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" load -i d.tar && ls -A layers | grep -c '^\\.'");
	ck_assert_str_eq(r.out, "Loaded image: k:1\n0\n");
}
END_TEST

/* Ctrl-C during save -o FILE: no FILE.PID.tmp left beside FILE. */
START_TEST(an_interrupted_save_leaves_no_file)
{
	write_mk();
	struct result r = sh(MK("mkdir -p z; (cd z && seq 30000 | xargs touch); tar -C z -cf L/big.tar .; "
				"docker s.tar two:1 L/l1.tar L/big.tar; \"$MD\" load -q -i s.tar; mkdir out; "
				"\"$MD\" save -o out/s.tar two:1 2> err & p=$!; "
				"until [ -e layers/.save-*/layer.tmp ] || ! kill -0 $p 2>/dev/null; do :; done; "
				"kill -INT $p; rc=0; wait $p || rc=$?; echo $rc; ls -A out; ls -A layers | grep -c '^\\.' || :"));
	ck_assert_str_eq(r.out, "130\n0\n");
}
END_TEST

/* IMAGE's config as stored, without rootfs (which save writes anew). */
static char *config_of(const char *image)
{
	struct result r = md(NULL, "inspect", "-f", "{{.Id}}", image, NULL);
	ck_status(r, 0);
	r = sh("python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c.pop(\"rootfs\"); "
	       "print(json.dumps(c, sort_keys=True))' \"$MINIDOCKER_ROOT/imagedb/%.64s/config.json\"", r.out + 7);
	ck_status(r, 0);
	return strdup(r.out);
}

/* The files of IMAGE as its container sees them: names, owners, modes. */
static char *files_of(const char *image)
{
	struct result r = md(NULL, "run", "--rm", image, "sh", "-c",
			     "find /bin /etc /data -xdev | sort | while read f; do stat -c '%n %u:%g %a' $f; done; "
			     "cat /etc/kept /data/new", NULL);
	ck_status(r, 0);
	return strdup(r.out);
}

START_TEST(save_then_load_round_trips)
{
	write_mk();
	struct result r = sh(MK("docker d.tar wh:1 L/l1.tar L/l2.tar; \"$MD\" load -q -i d.tar"));
	ck_status(r, 0);
	char *config = config_of("wh:1"), *files = files_of("wh:1");
	ck_contains(files, "/etc/kept 1234:5678 644\n");
	ck_lacks(files, "gone");
	ck_contains(config, "\"GREETING=hi\"");
	/* docker-archive and oci-archive; the image and its layers removed
	 * between, so that load brings them back. */
	const char *formats[] = { "docker-archive", "oci-archive" };
	for (int i = 0; i < 2; i++) {
		r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" save --format %s -o s.tar wh:1 && \"$MD\" rmi wh:1 >/dev/null && "
		       "ls -A layers imagedb | grep -c '^[0-9a-f]\\{64\\}$'; \"$MD\" load -i s.tar", formats[i]);
		ck_status(r, 0);
		ck_assert_str_eq(r.out, "0\nLoaded image: wh:1\n");
		ck_assert_str_eq(config_of("wh:1"), config);
		ck_assert_str_eq(files_of("wh:1"), files);
	}
	/* The layers saved are the tars whose digests name them: a second
	 * round keeps them, and save's whiteouts are the OCI ones. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && ls layers > before && \"$MD\" save -o s2.tar wh:1 && "
	       "tar -tf s2.tar | sed -n 's,/layer.tar$,,p' | sort | diff - before && echo same && "
	       "for l in $(cat before); do tar -xOf s2.tar $l/layer.tar | tar -t; done | grep wh");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "same\ndata/.wh..wh..opq\netc/.wh.gone\n");
	/* save refuses what it cannot do, and leaves no file. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" save -o bad.tar wh:1 nosuch; echo $?; ls bad.tar* 2>/dev/null | wc -l");
	ck_assert_str_eq(r.out, "125\n0\n");
	ck_contains(r.err, "No such image: nosuch");
	r = md(NULL, "save", "--format", "zip", "-o", "x", "wh:1", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "unknown --format 'zip'");
	/* v1.1's folder image too, as one layer. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" save -o b.tar base && \"$MD\" --root fresh load -i b.tar && "
	       "\"$MD\" --root fresh run --rm base cat /etc/passwd | head -n 1");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "Loaded image: base:latest\nroot:x:0:0:root:/root:/bin/sh\n");
}
END_TEST

START_TEST(a_commit_on_a_folder_image_names_its_layers_by_digest)
{
	/* v1.1's folder base has no digest of its own; the config of an
	 * image committed on it names every layer by the sha256 of its tar,
	 * the one save writes: podman and Docker take no other. */
	ck_status(md(NULL, "run", "--name", "fc", "--network", "none", "base", "touch", "/made", NULL), 0);
	struct result r = md(NULL, "commit", "fc", "onbase", NULL);
	ck_status(r, 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && python3 -c 'import json, sys; "
	       "print(\" \".join(json.load(open(sys.argv[1]))[\"rootfs\"][\"diff_ids\"]))' imagedb/%.64s/config.json",
	       r.out + 7);
	ck_status(r, 0);
	char *ids = strdup(r.out);
	ck_assert_msg(strlen(ids) == 2 * 71 + 1 + 1 && !strncmp(ids, "sha256:", 7) && !strncmp(ids + 72, "sha256:", 7) &&
			      strspn(ids + 7, "0123456789abcdef") == 64 && strspn(ids + 79, "0123456789abcdef") == 64,
		      "diff_ids: %s", ids);
	/* The same digests as the layers save writes. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" save -o o.tar onbase && mkdir o && tar -C o -xf o.tar && "
	       "for l in $(python3 -c 'import json; print(\" \".join(json.load(open(\"o/manifest.json\"))[0][\"Layers\"]))'); "
	       "do printf 'sha256:%%s ' $(sha256sum o/$l | cut -c1-64); done");
	ck_status(r, 0);
	ids[strlen(ids) - 1] = ' ';
	ck_assert_str_eq(r.out, ids);
	free(ids);
}
END_TEST

START_TEST(export_then_import_round_trips)
{
	write_mk();
	struct result r = sh(MK("docker d.tar wh:1 L/l1.tar L/l2.tar; \"$MD\" load -q -i d.tar"));
	ck_status(r, 0);
	/* The container's root is a range's id on the host: export maps the
	 * owners back, as the container saw them. */
	r = md(NULL, "run", "--name", "ex", "wh:1", "sh", "-c",
	       "echo hello > /data/h; chown 42:43 /data/h; rm /etc/kept; mkdir /srv", NULL);
	ck_status(r, 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && stat -c %%u containers/*/upper/data/h | awk '{ print ($1 > 65535) }'");
	ck_assert_str_eq(r.out, "1\n");
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" export -o ex.tar ex && tar -tv --numeric-owner -f ex.tar | "
	       "awk '$6 ~ /^(data|etc|srv)/ { print $2, $6 }' | sort");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "0/0 data/\n0/0 data/new\n0/0 etc/\n0/0 etc/hostname\n0/0 etc/hosts\n"
				"0/0 etc/resolv.conf\n0/0 srv/\n42/43 data/h\n");
	/* No whiteout in it: the merged view, not a layer. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && tar -tf ex.tar | grep -c wh; \"$MD\" import ex.tar again >/dev/null");
	ck_assert_str_eq(r.out, "0\n");
	r = md(NULL, "run", "--rm", "again", "sh", "-c", "stat -c '%n %u:%g' /data/h /data/new; ls /etc; cat /data/h",
	       NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/data/h 42:43\n/data/new 0:0\nhostname\nhosts\nresolv.conf\nhello\n");
	/* A running container too; to stdout; no half file for a bad one. */
	ck_status(md(NULL, "run", "-d", "--name", "live", "wh:1", "sh", "-c", "echo x > /x; sleep 30", NULL), 0);
	for (struct deadline d = deadline(5); keep_polling(&d);) {
		r = sh("\"$MD\" export live | tar -t | grep -c '^x$'");
		if (!strcmp(r.out, "1\n"))
			break;
	}
	ck_assert_str_eq(r.out, "1\n");
	ck_status(md(NULL, "rm", "-f", "live", NULL), 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" export -o no.tar nosuch; echo $?; ls no.tar* 2>/dev/null | wc -l");
	ck_assert_str_eq(r.out, "125\n0\n");
}
END_TEST

void add_imagestore_tests(Suite *s)
{
	TCase *tc = tcase(s, "image store");
	add_root_test(tc, names_and_tags_point_at_one_image);
	add_root_test(tc, rmi_untags_then_deletes_as_docker_does);
	add_root_test(tc, a_deleted_image_goes_even_after_a_killed_rm);
	add_root_test(tc, a_failed_record_leaves_no_image_and_no_layer);
	add_root_test(tc, commit_shares_the_layers_below);
	tc = tcase(s, "image archives");
	add_root_test(tc, load_applies_whiteouts_the_overlay_way);
	add_root_test(tc, compressed_and_oci_archives_share_their_layers);
	add_root_test(tc, hostile_archives_are_refused_and_leave_nothing);
	add_root_test(tc, hostile_configs_and_indexes_are_refused);
	add_root_test(tc, a_layer_listed_twice_is_mounted_once);
	add_root_test(tc, rmi_during_a_load_of_a_shared_layer);
	add_root_test(tc, an_interrupted_save_leaves_no_file);
	add_root_test(tc, a_killed_load_publishes_nothing);
	add_root_test(tc, save_then_load_round_trips);
	add_root_test(tc, a_commit_on_a_folder_image_names_its_layers_by_digest);
	add_root_test(tc, export_then_import_round_trips);
}

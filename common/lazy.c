/* since v1.1: shared libraries loaded when first used */
/* The pointers that common/lazy-*.h make of a library's calls, and the
 * library's loading with dlopen(3).  A library is loaded by its first
 * constructor call (the first_* below), which fills in every pointer of
 * that library, its own included.  The sonames are those of the versions
 * these calls were written against (Debian 12, Ubuntu 22.04 and later):
 * a new soname is a new ABI. */
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/stat.h>

#define MD_LAZY_OWN	/* the calls by their own names, not through the pointers */
#include "lazy-archive.h"
#include "md.h"

/* The root this process started in.  A library is loaded from the host's
 * files only: in a container's root (after pivot_root or setns), dlopen
 * would run code from the container's. */
static struct stat start_root;
__attribute__((constructor)) static void note_root(void)
{
	stat("/", &start_root);
}

/* Load SONAME and point each SLOTS[i] at its call NAMES[i]: 0, or -1
 * after saying why (a library missing, or lacking a call), with no
 * pointer changed, so that no call is made to a library half found. */
static int try_load(const char *soname, const char *const names[], void **const slots[], size_t n)
{
	struct stat root;
	void *found[n];

	if (stat("/", &root) < 0 || root.st_dev != start_root.st_dev || root.st_ino != start_root.st_ino) {
		md_warnx("refusing to load %s outside the host's root", soname);
		return -1;
	}
	void *lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
	if (!lib) {
		md_warnx("%s", dlerror());
		md_hint("scripts/install-deps installs the package that has it");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!(found[i] = dlsym(lib, names[i]))) {
			md_warnx("%s", dlerror());
			dlclose(lib);
			return -1;
		}
	for (size_t i = 0; i < n; i++)
		*slots[i] = found[i];
	return 0;
}

/* The same, where a library that cannot be loaded ends the command (125). */
static void load(const char *soname, const char *const names[], void **const slots[], size_t n)
{
	if (try_load(soname, names, slots, n) < 0)
		exit(MD_EXIT_FAILED);
}

/* A list of calls (MD_*_CALLS) as their names, as their pointers, and
 * the pointers' definitions: a constructor's starts at its first_*. */
#define NAME(f) #f,
#define SLOT(f) (void **)&md_lazy_##f,
#define FIRST(f) __typeof__(md_lazy_##f) md_lazy_##f = first_##f;
#define LATER(f) __typeof__(md_lazy_##f) md_lazy_##f;
#define COUNT(a) (sizeof a / sizeof a[0])

static const char *const archive_names[] = { MD_ARCHIVE_CALLS(NAME, NAME) };
static void **const archive_slots[] = { MD_ARCHIVE_CALLS(SLOT, SLOT) };
static void load_archive(void)
{
	load("libarchive.so.13", archive_names, archive_slots, COUNT(archive_names));
}
static struct archive *first_archive_read_new(void)
{
	load_archive();
	return md_lazy_archive_read_new();
}
static struct archive *first_archive_write_new(void)
{
	load_archive();
	return md_lazy_archive_write_new();
}
static struct archive *first_archive_write_disk_new(void)
{
	load_archive();
	return md_lazy_archive_write_disk_new();
}
static struct archive_entry *first_archive_entry_new(void)
{
	load_archive();
	return md_lazy_archive_entry_new();
}
MD_ARCHIVE_CALLS(FIRST, LATER)

/* since v1.4: libnftables, loaded when first used */
#include "lazy-nftables.h"

static const char *const nftables_names[] = { MD_NFTABLES_CALLS(NAME, NAME) };
static void **const nftables_slots[] = { MD_NFTABLES_CALLS(SLOT, SLOT) };
/* A library that cannot be loaded makes no context (NULL), said once:
 * the network code undoes what it began (a bridge without its NAT, a
 * half removed network), which it could not if the command ended here. */
static struct nft_ctx *first_nft_ctx_new(uint32_t flags)
{
	static int failed;

	if (failed || (failed = try_load("libnftables.so.1", nftables_names, nftables_slots,
					 COUNT(nftables_names))) < 0)
		return NULL;
	return md_lazy_nft_ctx_new(flags);
}
MD_NFTABLES_CALLS(FIRST, LATER)

/* since v1.6: libcrypto, loaded when first used */
#include "lazy-crypto.h"

static const char *const crypto_names[] = { MD_CRYPTO_CALLS(NAME, NAME) };
static void **const crypto_slots[] = { MD_CRYPTO_CALLS(SLOT, SLOT) };
static void load_crypto(void)
{
	load("libcrypto.so.3", crypto_names, crypto_slots, COUNT(crypto_names));
}
static EVP_MD_CTX *first_EVP_MD_CTX_new(void)
{
	load_crypto();
	return md_lazy_EVP_MD_CTX_new();
}
static const EVP_MD *first_EVP_sha256(void)
{
	load_crypto();
	return md_lazy_EVP_sha256();
}
MD_CRYPTO_CALLS(FIRST, LATER)

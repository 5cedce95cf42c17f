/* since v1.1: shared libraries loaded when first used */
/* The pointers that common/lazy-*.h make of a library's calls, and the
 * library's loading with dlopen(3).  A library is loaded by its first
 * constructor call (the first_* below), which fills in every pointer of
 * that library, its own included.  The sonames are those of the versions
 * these calls were written against (Debian 12, Ubuntu 22.04 and later):
 * a new soname is a new ABI. */
#include <dlfcn.h>
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

/* Load SONAME and point each SLOTS[i] at its call NAMES[i]; a library
 * that is missing or lacks a call ends the command (125). */
static void load(const char *soname, const char *const names[], void **const slots[], size_t n)
{
	struct stat root;

	if (stat("/", &root) < 0 || root.st_dev != start_root.st_dev || root.st_ino != start_root.st_ino)
		md_diex("refusing to load %s outside the host's root", soname);
	void *lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
	if (!lib)
		md_diex("%s", dlerror());
	for (size_t i = 0; i < n; i++)
		if (!(*slots[i] = dlsym(lib, names[i])))
			md_diex("%s", dlerror());
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
static struct nft_ctx *first_nft_ctx_new(uint32_t flags)
{
	load("libnftables.so.1", nftables_names, nftables_slots, COUNT(nftables_names));
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

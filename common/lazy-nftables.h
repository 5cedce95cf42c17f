/* since v1.4: libnftables, loaded when first used */
/* libnftables (with libnftnl, libxtables and libgmp behind it), loaded
 * with dlopen(3) by the first nft_ctx_new, as common/lazy-archive.h does
 * libarchive: only a run that sets up the bridge's rules needs it, not
 * every start of the runtime nor its re-executed init. */
#ifndef MD_LAZY_NFTABLES_H
#define MD_LAZY_NFTABLES_H

#include <nftables/libnftables.h>

#define MD_NFTABLES_CALLS(NEW, CALL)                                                               \
	NEW(nft_ctx_new) CALL(nft_ctx_free) CALL(nft_ctx_buffer_output)                            \
	CALL(nft_ctx_buffer_error) CALL(nft_ctx_get_error_buffer) CALL(nft_run_cmd_from_buffer)

#define MD_LAZY_POINTER(f) extern __typeof__(f) *md_lazy_##f;
MD_NFTABLES_CALLS(MD_LAZY_POINTER, MD_LAZY_POINTER)

/* common/lazy.c, which fills the pointers in, names the calls themselves. */
#ifndef MD_LAZY_OWN
#define nft_ctx_new (*md_lazy_nft_ctx_new)
#define nft_ctx_free (*md_lazy_nft_ctx_free)
#define nft_ctx_buffer_output (*md_lazy_nft_ctx_buffer_output)
#define nft_ctx_buffer_error (*md_lazy_nft_ctx_buffer_error)
#define nft_ctx_get_error_buffer (*md_lazy_nft_ctx_get_error_buffer)
#define nft_run_cmd_from_buffer (*md_lazy_nft_run_cmd_from_buffer)

#endif
#endif

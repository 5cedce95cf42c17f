/* since v1.6: libcrypto, loaded when first used */
/* libcrypto's SHA-256, loaded with dlopen(3) by the first EVP_MD_CTX_new
 * or EVP_sha256, as common/lazy-archive.h does libarchive: a digest is
 * taken where images are stored, not at every start of the runtime. */
#ifndef MD_LAZY_CRYPTO_H
#define MD_LAZY_CRYPTO_H

#include <openssl/evp.h>

#define MD_CRYPTO_CALLS(NEW, CALL)                                                                 \
	NEW(EVP_MD_CTX_new) NEW(EVP_sha256) CALL(EVP_DigestInit_ex) CALL(EVP_DigestUpdate)         \
	CALL(EVP_DigestFinal_ex) CALL(EVP_MD_CTX_free)

#define MD_LAZY_POINTER(f) extern __typeof__(f) *md_lazy_##f;
MD_CRYPTO_CALLS(MD_LAZY_POINTER, MD_LAZY_POINTER)

/* common/lazy.c, which fills the pointers in, names the calls themselves. */
#ifndef MD_LAZY_OWN
#define EVP_MD_CTX_new (*md_lazy_EVP_MD_CTX_new)
#define EVP_sha256 (*md_lazy_EVP_sha256)
#define EVP_DigestInit_ex (*md_lazy_EVP_DigestInit_ex)
#define EVP_DigestUpdate (*md_lazy_EVP_DigestUpdate)
#define EVP_DigestFinal_ex (*md_lazy_EVP_DigestFinal_ex)
#define EVP_MD_CTX_free (*md_lazy_EVP_MD_CTX_free)

#endif
#endif

// OpenSSL 3 headers Gatehouse uses: one-shot HMAC and SHA-256, EVP digests for
// streaming, CRYPTO_memcmp for constant-time compares, RAND_bytes for ids.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

// SHA-256 on a caller-owned state. OpenSSL 3 marks these deprecated in favour of EVP, but
// an EVP digest or MAC context costs a dozen allocations per use; HMACSHA256Key copies a
// prepared state instead (see there). The wrappers keep the deprecation out of Swift.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
static inline int gh_sha256_init(SHA256_CTX *c) { return SHA256_Init(c); }
static inline int gh_sha256_update(SHA256_CTX *c, const void *data, size_t len) { return SHA256_Update(c, data, len); }
static inline int gh_sha256_final(unsigned char *md, SHA256_CTX *c) { return SHA256_Final(md, c); }
#pragma clang diagnostic pop

// TLS for https subscribers (the notifier's own client). These are macros in OpenSSL's
// headers, which Swift cannot call.
static inline long gh_ssl_set_sni(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
static inline long gh_ssl_ctx_min_tls12(SSL_CTX *ctx) { return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
// Partial writes, and a retried write may pass the same bytes from another address.
static inline long gh_ssl_ctx_write_modes(SSL_CTX *ctx) {
    return SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}
// A close without close_notify reads as the end of the stream; no renegotiation.
static inline uint64_t gh_ssl_ctx_client_options(SSL_CTX *ctx) {
    return SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
}

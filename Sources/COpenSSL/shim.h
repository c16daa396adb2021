// OpenSSL 3 headers Gatehouse uses: one-shot HMAC and SHA-256, EVP digests for
// streaming, CRYPTO_memcmp for constant-time compares, RAND_bytes for ids.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/rand.h>

// HMAC (RFC 2104) over crypto/sha: SHA-1 or SHA-256.
#ifndef MCTPM_CRYPTO_HMAC_H
#define MCTPM_CRYPTO_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sha.h"

namespace crypto {

struct HmacCtx {
  ShaCtx inner;
  uint8_t opad_key[kShaBlockSize];  // key XOR opad, for the outer hash
};

// A key longer than a block is hashed first; an empty key is allowed.
void hmac_init(HmacCtx& ctx, HashAlg alg, const uint8_t* key, size_t key_len);
void hmac_update(HmacCtx& ctx, const uint8_t* data, size_t len);
// Writes digest_size(alg) bytes; the context must be re-initialised before reuse.
void hmac_final(HmacCtx& ctx, uint8_t* out);
void hmac(HashAlg alg, const uint8_t* key, size_t key_len, const uint8_t* data, size_t len,
          uint8_t* out);

}  // namespace crypto

#endif

#include "crypto/hmac.h"

#include <string.h>

namespace crypto {

void hmac_init(HmacCtx& ctx, HashAlg alg, const uint8_t* key, size_t key_len) {
  uint8_t k[kShaBlockSize];
  memset(k, 0, sizeof(k));
  if (key_len > kShaBlockSize) {
    sha(alg, key, key_len, k);
  } else if (key_len != 0) {
    memcpy(k, key, key_len);
  }
  uint8_t ipad_key[kShaBlockSize];
  for (size_t i = 0; i < kShaBlockSize; ++i) {
    ipad_key[i] = static_cast<uint8_t>(k[i] ^ 0x36);
    ctx.opad_key[i] = static_cast<uint8_t>(k[i] ^ 0x5C);
  }
  sha_init(ctx.inner, alg);
  sha_update(ctx.inner, ipad_key, sizeof(ipad_key));
  // The key is secret (an authValue or session key): leave no copy on the stack.
  memset(k, 0, sizeof(k));
  memset(ipad_key, 0, sizeof(ipad_key));
}

void hmac_update(HmacCtx& ctx, const uint8_t* data, size_t len) {
  // Empty inputs (an empty nonce or context) may come with a null pointer.
  if (len != 0) sha_update(ctx.inner, data, len);
}

void hmac_final(HmacCtx& ctx, uint8_t* out) {
  const HashAlg alg = ctx.inner.alg;
  uint8_t inner[kMaxDigestSize];
  sha_final(ctx.inner, inner);
  ShaCtx outer;
  sha_init(outer, alg);
  sha_update(outer, ctx.opad_key, sizeof(ctx.opad_key));
  sha_update(outer, inner, digest_size(alg));
  sha_final(outer, out);
  memset(ctx.opad_key, 0, sizeof(ctx.opad_key));
}

void hmac(HashAlg alg, const uint8_t* key, size_t key_len, const uint8_t* data, size_t len,
          uint8_t* out) {
  HmacCtx ctx;
  hmac_init(ctx, alg, key, key_len);
  hmac_update(ctx, data, len);
  hmac_final(ctx, out);
}

}  // namespace crypto

#include "crypto/kdf.h"

#include <string.h>

#include "crypto/hmac.h"

namespace crypto {
namespace {

void put_u32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace

void kdfa(HashAlg alg, const uint8_t* key, size_t key_len, const char* label,
          const uint8_t* context_u, size_t u_len, const uint8_t* context_v, size_t v_len,
          uint32_t bits, uint8_t* out) {
  const size_t out_len = (bits + 7) / 8;
  const size_t block = digest_size(alg);
  uint8_t bits_be[4];
  put_u32(bits_be, bits);
  uint8_t digest[kMaxDigestSize];
  size_t done = 0;
  for (uint32_t counter = 1; done < out_len; ++counter) {
    uint8_t counter_be[4];
    put_u32(counter_be, counter);
    HmacCtx ctx;
    hmac_init(ctx, alg, key, key_len);
    hmac_update(ctx, counter_be, sizeof(counter_be));
    hmac_update(ctx, reinterpret_cast<const uint8_t*>(label), strlen(label) + 1);
    hmac_update(ctx, context_u, u_len);
    hmac_update(ctx, context_v, v_len);
    hmac_update(ctx, bits_be, sizeof(bits_be));
    hmac_final(ctx, digest);
    const size_t take = out_len - done < block ? out_len - done : block;
    memcpy(out + done, digest, take);
    done += take;
  }
  memset(digest, 0, sizeof(digest));
  if ((bits & 7) != 0) out[0] = static_cast<uint8_t>(out[0] & ((1u << (bits & 7)) - 1));
}

}  // namespace crypto

// Incremental SHA-1 / SHA-256 over the HAL compression functions (which the
// SoC backs with its hash engines). Padding and buffering live here.
#ifndef MCTPM_CRYPTO_SHA_H
#define MCTPM_CRYPTO_SHA_H

#include <stddef.h>
#include <stdint.h>

namespace crypto {

enum class HashAlg : uint8_t { Sha1, Sha256 };

constexpr size_t kShaBlockSize = 64;
constexpr size_t kSha1DigestSize = 20;
constexpr size_t kSha256DigestSize = 32;
constexpr size_t kMaxDigestSize = kSha256DigestSize;

struct ShaCtx {
  uint32_t state[8];
  uint64_t total;               // bytes hashed so far
  uint8_t buf[kShaBlockSize];   // partial block
  uint8_t buf_len;
  HashAlg alg;
};

constexpr size_t digest_size(HashAlg alg) {
  return alg == HashAlg::Sha1 ? kSha1DigestSize : kSha256DigestSize;
}

void sha_init(ShaCtx& ctx, HashAlg alg);
void sha_update(ShaCtx& ctx, const uint8_t* data, size_t len);
// Writes digest_size(ctx.alg) bytes to out. The context must be re-initialised
// before reuse. out may alias data that was passed to sha_update earlier.
void sha_final(ShaCtx& ctx, uint8_t* out);
// One-shot convenience.
void sha(HashAlg alg, const uint8_t* data, size_t len, uint8_t* out);

}  // namespace crypto

#endif

#include "crypto/sha.h"

#include <string.h>

#include "hal/sha_engine.h"

namespace crypto {
namespace {

const uint32_t kSha256Iv[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                               0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
const uint32_t kSha1Iv[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u,
                             0xc3d2e1f0u};

inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

void compress(ShaCtx& ctx, const uint8_t* block) {
  if (ctx.alg == HashAlg::Sha1) {
    hal::sha1_compress(ctx.state, block);
  } else {
    hal::sha256_compress(ctx.state, block);
  }
}

}  // namespace

void sha_init(ShaCtx& ctx, HashAlg alg) {
  ctx.alg = alg;
  ctx.total = 0;
  ctx.buf_len = 0;
  if (alg == HashAlg::Sha1) {
    memcpy(ctx.state, kSha1Iv, sizeof(kSha1Iv));
  } else {
    memcpy(ctx.state, kSha256Iv, sizeof(kSha256Iv));
  }
}

void sha_update(ShaCtx& ctx, const uint8_t* data, size_t len) {
  ctx.total += len;
  if (ctx.buf_len != 0) {
    size_t take = kShaBlockSize - ctx.buf_len;
    if (take > len) take = len;
    memcpy(ctx.buf + ctx.buf_len, data, take);
    ctx.buf_len = static_cast<uint8_t>(ctx.buf_len + take);
    data += take;
    len -= take;
    if (ctx.buf_len < kShaBlockSize) return;
    compress(ctx, ctx.buf);
    ctx.buf_len = 0;
  }
  // Whole blocks straight from the caller's buffer: no copy.
  while (len >= kShaBlockSize) {
    compress(ctx, data);
    data += kShaBlockSize;
    len -= kShaBlockSize;
  }
  if (len != 0) {
    memcpy(ctx.buf, data, len);
    ctx.buf_len = static_cast<uint8_t>(len);
  }
}

void sha_final(ShaCtx& ctx, uint8_t* out) {
  const uint64_t bits = ctx.total * 8u;
  size_t n = ctx.buf_len;
  ctx.buf[n++] = 0x80;
  if (n > kShaBlockSize - 8) {
    memset(ctx.buf + n, 0, kShaBlockSize - n);
    compress(ctx, ctx.buf);
    n = 0;
  }
  memset(ctx.buf + n, 0, kShaBlockSize - 8 - n);
  // The length as two 32-bit halves: no 64-bit shifts on rv32.
  store_be32(ctx.buf + kShaBlockSize - 8, static_cast<uint32_t>(bits >> 32));
  store_be32(ctx.buf + kShaBlockSize - 4, static_cast<uint32_t>(bits));
  compress(ctx, ctx.buf);
  const size_t words = digest_size(ctx.alg) / 4;
  for (size_t i = 0; i < words; ++i) store_be32(out + 4 * i, ctx.state[i]);
}

void sha(HashAlg alg, const uint8_t* data, size_t len, uint8_t* out) {
  ShaCtx ctx;
  sha_init(ctx, alg);
  sha_update(ctx, data, len);
  sha_final(ctx, out);
}

}  // namespace crypto

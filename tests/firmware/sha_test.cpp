// firmware/crypto/sha against OpenSSL.
#include <gtest/gtest.h>

#include <random>

#include "crypto/sha.h"
#include "tpm_client.h"

using tpmtest::Bytes;

namespace {

Bytes fw_hash(crypto::HashAlg alg, const Bytes& data) {
  Bytes out(crypto::digest_size(alg));
  crypto::sha(alg, data.data(), data.size(), out.data());
  return out;
}

Bytes random_bytes(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

}  // namespace

TEST(Sha, Sha256MatchesOpenSslForEveryLengthUpTo300) {
  std::mt19937 rng(1);
  for (size_t n = 0; n <= 300; ++n) {
    const Bytes m = random_bytes(rng, n);
    ASSERT_EQ(fw_hash(crypto::HashAlg::Sha256, m), tpmtest::sha256(m)) << "length " << n;
  }
}

TEST(Sha, Sha1MatchesOpenSslForEveryLengthUpTo300) {
  std::mt19937 rng(2);
  for (size_t n = 0; n <= 300; ++n) {
    const Bytes m = random_bytes(rng, n);
    ASSERT_EQ(fw_hash(crypto::HashAlg::Sha1, m), tpmtest::sha1(m)) << "length " << n;
  }
}

TEST(Sha, LongMessagesInRandomChunksMatchOpenSsl) {
  std::mt19937 rng(3);
  for (crypto::HashAlg alg : {crypto::HashAlg::Sha1, crypto::HashAlg::Sha256}) {
    for (size_t n : {size_t{4096}, size_t{100000}, size_t{1 << 20}}) {
      const Bytes m = random_bytes(rng, n);
      crypto::ShaCtx ctx;
      crypto::sha_init(ctx, alg);
      size_t pos = 0;
      while (pos < n) {
        size_t chunk = rng() % 200;
        if (chunk > n - pos) chunk = n - pos;
        crypto::sha_update(ctx, m.data() + pos, chunk);
        pos += chunk;
      }
      Bytes out(crypto::digest_size(alg));
      crypto::sha_final(ctx, out.data());
      const Bytes want = alg == crypto::HashAlg::Sha1 ? tpmtest::sha1(m) : tpmtest::sha256(m);
      ASSERT_EQ(out, want) << "length " << n;
    }
  }
}

TEST(Sha, OutputMayAliasHashedInput) {
  // pcr_extend relies on this: PCR = H(PCR || digest) in place.
  Bytes buf = tpmtest::sha256({'x'});
  Bytes want = buf;
  want.insert(want.end(), buf.begin(), buf.end());
  want = tpmtest::sha256(want);
  crypto::ShaCtx ctx;
  crypto::sha_init(ctx, crypto::HashAlg::Sha256);
  crypto::sha_update(ctx, buf.data(), 32);
  crypto::sha_update(ctx, buf.data(), 32);
  crypto::sha_final(ctx, buf.data());
  EXPECT_EQ(buf, want);
}

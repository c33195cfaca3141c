// firmware/crypto HMAC and KDFa against OpenSSL (KDFa rebuilt here from
// OpenSSL's HMAC, following Part 1 11.4.10.2).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <random>
#include <string>

#include "crypto/hmac.h"
#include "crypto/kdf.h"
#include "tpm_client.h"

using tpmtest::Bytes;

namespace {

const EVP_MD* md_of(crypto::HashAlg alg) {
  return alg == crypto::HashAlg::Sha1 ? EVP_sha1() : EVP_sha256();
}

Bytes ossl_hmac(crypto::HashAlg alg, const Bytes& key, const Bytes& data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  static const uint8_t kNone = 0;
  HMAC(md_of(alg), key.empty() ? &kNone : key.data(), static_cast<int>(key.size()),
       data.empty() ? &kNone : data.data(), data.size(), out.data(), &len);
  out.resize(len);
  return out;
}

Bytes be32(uint32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

Bytes ossl_kdfa(crypto::HashAlg alg, const Bytes& key, const std::string& label, const Bytes& u,
                const Bytes& v, uint32_t bits) {
  Bytes out;
  for (uint32_t i = 1; out.size() * 8 < bits; ++i) {
    Bytes m = be32(i);
    m.insert(m.end(), label.begin(), label.end());
    m.push_back(0);
    m.insert(m.end(), u.begin(), u.end());
    m.insert(m.end(), v.begin(), v.end());
    const Bytes b = be32(bits);
    m.insert(m.end(), b.begin(), b.end());
    const Bytes h = ossl_hmac(alg, key, m);
    out.insert(out.end(), h.begin(), h.end());
  }
  out.resize((bits + 7) / 8);
  if (bits % 8 != 0) out[0] &= static_cast<uint8_t>((1u << (bits % 8)) - 1);
  return out;
}

Bytes random_bytes(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

}  // namespace

TEST(Hmac, MatchesOpenSslForKeyAndMessageLengthsAroundTheBlockSize) {
  std::mt19937 rng(7);
  for (crypto::HashAlg alg : {crypto::HashAlg::Sha1, crypto::HashAlg::Sha256}) {
    for (size_t key_len : {0, 1, 20, 32, 63, 64, 65, 100}) {
      for (size_t msg_len : {0, 1, 55, 56, 64, 119, 200}) {
        const Bytes key = random_bytes(rng, key_len);
        const Bytes msg = random_bytes(rng, msg_len);
        Bytes got(crypto::digest_size(alg));
        crypto::hmac(alg, key.data(), key.size(), msg.data(), msg.size(), got.data());
        EXPECT_EQ(got, ossl_hmac(alg, key, msg)) << key_len << " " << msg_len;
      }
    }
  }
}

TEST(Hmac, IncrementalUpdatesEqualOneShot) {
  std::mt19937 rng(8);
  const Bytes key = random_bytes(rng, 32);
  const Bytes msg = random_bytes(rng, 150);
  crypto::HmacCtx ctx;
  crypto::hmac_init(ctx, crypto::HashAlg::Sha256, key.data(), key.size());
  for (size_t i = 0; i < msg.size(); i += 7) {
    crypto::hmac_update(ctx, msg.data() + i, std::min<size_t>(7, msg.size() - i));
  }
  Bytes got(32);
  crypto::hmac_final(ctx, got.data());
  EXPECT_EQ(got, ossl_hmac(crypto::HashAlg::Sha256, key, msg));
}

TEST(Kdfa, MatchesHmacCounterModeBuiltFromOpenSsl) {
  std::mt19937 rng(9);
  for (crypto::HashAlg alg : {crypto::HashAlg::Sha1, crypto::HashAlg::Sha256}) {
    for (uint32_t bits : {8u, 128u, 160u, 256u, 257u, 300u, 512u, 1000u}) {
      const Bytes key = random_bytes(rng, bits % 3 == 0 ? 0 : 32);
      const Bytes u = random_bytes(rng, 32);
      const Bytes v = random_bytes(rng, 16);
      Bytes got((bits + 7) / 8);
      crypto::kdfa(alg, key.data(), key.size(), "ATH", u.data(), u.size(), v.data(), v.size(),
                   bits, got.data());
      EXPECT_EQ(got, ossl_kdfa(alg, key, "ATH", u, v, bits)) << bits;
    }
  }
}

TEST(Kdfa, EmptyContextsAndLabelAreAllowed) {
  Bytes got(32);
  crypto::kdfa(crypto::HashAlg::Sha256, nullptr, 0, "", nullptr, 0, nullptr, 0, 256, got.data());
  EXPECT_EQ(got, ossl_kdfa(crypto::HashAlg::Sha256, {}, "", {}, {}, 256));
}

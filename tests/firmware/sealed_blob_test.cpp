// Sealed blobs at the firmware level: the bytes against an independent
// OpenSSL computation of the construction, and every attack RESUME must
// refuse with its response code (spec/management.md, "RESUME checks").
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "chip_harness.h"
#include "context/tpmcs.h"

using namespace tpmtest;

namespace {

uint32_t be32_at(const Bytes& b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}

Bytes hmac256(const Bytes& key, const Bytes& data) {
  Bytes out(32);
  unsigned int n = 32;
  HMAC(EVP_sha256(), key.data(), int(key.size()), data.data(), data.size(), out.data(), &n);
  return out;
}

class SealedBlob : public ChipTest {
 protected:
  void SetUp() override {
    ChipTest::SetUp();
    ASSERT_EQ(startup(), 0u);  // root TPM: its PCRs are the platform state
    ASSERT_EQ(xon(), 0u);
    id_ = launch();
    ASSERT_EQ(startup(), 0u);  // the context
    ASSERT_EQ(extend(16, Bytes(32, 0x16)), 0u);
    blob_ = park_and_commit();
  }
  // RESUME must fail with `want` and leave nothing in the context region.
  void expect_refused(const Bytes& blob, uint32_t want) {
    EXPECT_EQ(resume(blob), want);
    EXPECT_FALSE(ring_model::cr0());
    EXPECT_EQ(state().slot, MCTPM_MGMT_SLOT_EMPTY);
    EXPECT_TRUE(context_region_zero());
  }
  uint32_t id_ = 0;
  Bytes blob_;
};

}  // namespace

TEST_F(SealedBlob, BlobBytesMatchAnIndependentOpenSslComputation) {
  const Bytes& b = blob_;
  ASSERT_GE(b.size(), size_t(MCTPM_BLOB_HEADER_SIZE + MCTPM_BLOB_MAC_SIZE));
  EXPECT_EQ(be32_at(b, MCTPM_BLOB_OFF_MAGIC), uint32_t(MCTPM_BLOB_MAGIC));
  EXPECT_EQ(b[4] << 8 | b[5], int(MCTPM_BLOB_VERSION));
  EXPECT_EQ(b[6] << 8 | b[7], 0);  // shared
  EXPECT_EQ(Bytes(b.begin() + 8, b.begin() + 16), device_id_by_openssl());
  EXPECT_EQ(be32_at(b, MCTPM_BLOB_OFF_CONTEXT_ID), id_);
  EXPECT_EQ(be32_at(b, MCTPM_BLOB_OFF_COUNTER), 1u);
  EXPECT_EQ(be32_at(b, MCTPM_BLOB_OFF_PCR_MASK), uint32_t(MCTPM_MGMT_DEFAULT_PCR_MASK));
  const uint32_t n = be32_at(b, MCTPM_BLOB_OFF_CT_LEN);
  ASSERT_EQ(n % 16, 0u);
  ASSERT_EQ(b.size(), MCTPM_BLOB_HEADER_SIZE + n + MCTPM_BLOB_MAC_SIZE);
  // Platform digest: SHA-256 over the root's SHA-256 PCRs 0-7, read by command.
  Bytes pcrs;
  for (unsigned p = 0; p < 8; ++p) {
    const Bytes v = pcr_read(0x000B, p);
    pcrs.insert(pcrs.end(), v.begin(), v.end());
  }
  EXPECT_EQ(Bytes(b.begin() + 32, b.begin() + 64), sha256(pcrs));
  // KDFa(SHA256, secret, "MCTPM TPMCS SEAL", platformDigest, header[0..32) || nonce, 384).
  const char label[] = "MCTPM TPMCS SEAL";
  Bytes msg(label, label + sizeof label);  // with the zero
  msg.insert(msg.end(), b.begin() + 32, b.begin() + 64);
  msg.insert(msg.end(), b.begin(), b.begin() + 32);
  msg.insert(msg.end(), b.begin() + 64, b.begin() + 80);
  msg.insert(msg.end(), {0, 0, 1, 0x80});
  Bytes k;
  for (uint8_t i = 1; i <= 2; ++i) {
    Bytes m = {0, 0, 0, i};
    m.insert(m.end(), msg.begin(), msg.end());
    const Bytes blk = hmac256(seal_model::secret(), m);
    k.insert(k.end(), blk.begin(), blk.end());
  }
  const Bytes kmac(k.begin(), k.begin() + 32), kenc(k.begin() + 32, k.begin() + 48);
  const Bytes macced(b.begin(), b.begin() + 80 + n);
  EXPECT_EQ(Bytes(b.begin() + 80 + n, b.end()), hmac256(kmac, macced));
  // AES-128-CTR, the nonce as the initial 128-bit big-endian counter block.
  Bytes plain(n);
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  int outl = 0;
  EVP_DecryptInit_ex(c, EVP_aes_128_ctr(), nullptr, kenc.data(), b.data() + 64);
  EVP_DecryptUpdate(c, plain.data(), &outl, b.data() + 80, int(n));
  EVP_CIPHER_CTX_free(c);
  // The plaintext is the TPMCS of the context: version, model, its seeds.
  EXPECT_EQ(plain[0] << 8 | plain[1], int(context::kTpmcsVersion));
  EXPECT_EQ(plain[2], MCTPM_MGMT_PCR_MODEL_SHARED);
  tpm::Tpm back{};  // deserialize fills a zero object (the scrubbed context region)
  ASSERT_TRUE(context::tpmcs_deserialize(back, plain.data(), plain.size(), &root_->tpm));
  // ...and it resumes to the same context.
  uint32_t id = 0;
  ASSERT_EQ(resume(blob_, &id), 0u);
  EXPECT_EQ(id, id_);
  EXPECT_EQ(std::memcmp(&back.seeds, &ctx_->seeds, sizeof back.seeds), 0);
  EXPECT_NE(Bytes(back.seeds.storage, back.seeds.storage + 32), Bytes(32, 0));
}

TEST_F(SealedBlob, EveryFlippedByteIsRefused) {
  for (size_t i = 0; i < blob_.size(); ++i) {
    Bytes b = blob_;
    b[i] ^= 0x01;
    const uint32_t got = resume(b);
    ASSERT_NE(got, 0u) << "byte " << i;
    // Which check catches it depends on the field; all are refusals.
    const bool known = got == MCTPM_MGMT_RC_BLOB_FORMAT || got == MCTPM_MGMT_RC_FOREIGN ||
                       got == MCTPM_MGMT_RC_PLATFORM || got == MCTPM_MGMT_RC_TAMPERED;
    ASSERT_TRUE(known) << "byte " << i << " rc 0x" << std::hex << got;
    if (i >= 80) {
      ASSERT_EQ(got, uint32_t(MCTPM_MGMT_RC_TAMPERED)) << "byte " << i;
    }
    if (i >= 8 && i < 16) {
      ASSERT_EQ(got, uint32_t(MCTPM_MGMT_RC_FOREIGN)) << "byte " << i;
    }
    if (i >= 32 && i < 64) {
      ASSERT_EQ(got, uint32_t(MCTPM_MGMT_RC_PLATFORM)) << "byte " << i;
    }
    ASSERT_TRUE(context_region_zero()) << "byte " << i;
  }
  EXPECT_EQ(state().slot, MCTPM_MGMT_SLOT_EMPTY);
  EXPECT_EQ(resume(blob_), 0u);  // the original still works
}

TEST_F(SealedBlob, TruncatedOrExtendedBlobsAreFormatErrors) {
  for (size_t cut : {size_t(1), size_t(16), size_t(32), blob_.size() - 1}) {
    expect_refused(Bytes(blob_.begin(), blob_.end() - cut), MCTPM_MGMT_RC_BLOB_FORMAT);
  }
  Bytes longer = blob_;
  longer.push_back(0);
  expect_refused(longer, MCTPM_MGMT_RC_BLOB_FORMAT);
  longer.resize(blob_.size() + 16, 0);
  expect_refused(longer, MCTPM_MGMT_RC_BLOB_FORMAT);
}

TEST_F(SealedBlob, AnOlderBlobAfterANewerCommitIsStale) {
  ASSERT_EQ(resume(blob_), 0u);
  park_and_commit();  // counter 2
  expect_refused(blob_, MCTPM_MGMT_RC_STALE);
}

TEST_F(SealedBlob, ABlobWhoseExitWasNeverCommittedIsUncommitted) {
  ASSERT_EQ(resume(blob_), 0u);
  const Bytes newer = exit_blob();  // counter 2, not committed
  power_on();                        // the chip loses the parked context
  ASSERT_EQ(xon(), 0u);
  expect_refused(newer, MCTPM_MGMT_RC_UNCOMMITTED);
  EXPECT_EQ(resume(blob_), 0u);  // the committed one is current
}

TEST_F(SealedBlob, ABlobFromAnotherChipIsForeign) {
  seal_model::set_secret(secret_of(2));
  power_on();
  ASSERT_EQ(xon(), 0u);
  expect_refused(blob_, MCTPM_MGMT_RC_FOREIGN);
}

TEST_F(SealedBlob, ABlobForOtherPlatformPcrsIsRefusedButUnboundPcrsDoNotMatter) {
  ASSERT_EQ(extend(9, Bytes(32, 9)), 0u);  // not in the mask (0-7)
  uint32_t id = 0;
  ASSERT_EQ(resume(blob_, &id), 0u);
  blob_ = park_and_commit();
  ASSERT_EQ(extend(0, Bytes(32, 1)), 0u);  // root PCR 0 changes
  expect_refused(blob_, MCTPM_MGMT_RC_PLATFORM);
}

TEST_F(SealedBlob, ABlobOfAClearedContextIsCleared) {
  ASSERT_EQ(clear(id_), 0u);
  expect_refused(blob_, MCTPM_MGMT_RC_CLEARED);
}

TEST_F(SealedBlob, ChecksComeInTheSpecifiedOrder) {
  // Foreign and tampered at once: the device id is checked first.
  Bytes b = blob_;
  b[8] ^= 1;
  b[b.size() - 1] ^= 1;
  expect_refused(b, MCTPM_MGMT_RC_FOREIGN);
  // Another platform state and a bad MAC at once: the platform comes first.
  ASSERT_EQ(extend(1, Bytes(32, 1)), 0u);
  b = blob_;
  b[b.size() - 1] ^= 1;
  expect_refused(b, MCTPM_MGMT_RC_PLATFORM);
}

TEST_F(SealedBlob, AnExitAfterThePlatformPcrsChangedBindsTheirNewValues) {
  ASSERT_EQ(resume(blob_), 0u);
  const Bytes first = exit_blob();         // trapped, then EXIT in ring 0: PARKED
  ASSERT_EQ(extend(3, Bytes(32, 3)), 0u);  // ring 0: the root's PCR 3, in the mask
  const Bytes second = exit_blob();        // PARKED again: a fresh blob
  Bytes pcrs;
  for (unsigned p = 0; p < 8; ++p) {
    const Bytes v = pcr_read(0x000B, p);
    pcrs.insert(pcrs.end(), v.begin(), v.end());
  }
  EXPECT_NE(Bytes(first.begin() + 32, first.begin() + 64), Bytes(second.begin() + 32, second.begin() + 64));
  EXPECT_EQ(Bytes(second.begin() + 32, second.begin() + 64), sha256(pcrs));
  ASSERT_EQ(commit(), 0u);
  EXPECT_EQ(resume(second), 0u);
}

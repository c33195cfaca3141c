// Sealed blob construction with the sealing engine (format in sealed_blob.h
// and spec/management.md).
#include "context/sealed_blob.h"

#include <string.h>

#include "crypto/sha.h"
#include "hal/seal_engine.h"
#include "tpm/pcr.h"

namespace context {
namespace {

constexpr char kLabel[] = "MCTPM TPMCS SEAL";  // with its terminating zero: 17 bytes
static_assert(sizeof kLabel == 17, "KDFa label and its zero");
constexpr uint32_t kKdfBits = 384;  // Kmac (256) || Kenc (128)
constexpr size_t kBlock = hal::seal::kBlockSize;
static_assert(kBlobHeaderSize % kBlock == 0, "the header is whole MAC blocks");

typedef uint32_t __attribute__((may_alias)) word_t;

void put16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
void put32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}
uint16_t get16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

MCTPM_COLD void write_header(const BlobHeader& h, uint8_t* out) {
  put32(out + MCTPM_BLOB_OFF_MAGIC, MCTPM_BLOB_MAGIC);
  put16(out + MCTPM_BLOB_OFF_VERSION, MCTPM_BLOB_VERSION);
  put16(out + MCTPM_BLOB_OFF_FLAGS, h.flags);
  memcpy(out + MCTPM_BLOB_OFF_DEVICE_ID, h.device_id, kDeviceIdSize);
  put32(out + MCTPM_BLOB_OFF_CONTEXT_ID, h.context_id);
  put32(out + MCTPM_BLOB_OFF_COUNTER, h.counter);
  put32(out + MCTPM_BLOB_OFF_PCR_MASK, h.pcr_mask);
  put32(out + MCTPM_BLOB_OFF_CT_LEN, h.ct_len);
  memcpy(out + MCTPM_BLOB_OFF_PLATFORM, h.platform_digest, kPlatformDigestSize);
  memcpy(out + MCTPM_BLOB_OFF_NONCE, h.nonce, kNonceSize);
}

// DERIVE with the KDF message of this header, IV := nonce.
MCTPM_COLD bool derive_for(const uint8_t* header) {
  alignas(4) uint8_t msg[kKdfMessageSize + 3];
  size_t n = 0;
  memcpy(msg, kLabel, sizeof kLabel);
  n += sizeof kLabel;
  memcpy(msg + n, header + MCTPM_BLOB_OFF_PLATFORM, kPlatformDigestSize);
  n += kPlatformDigestSize;
  memcpy(msg + n, header, 32);
  n += 32;
  memcpy(msg + n, header + MCTPM_BLOB_OFF_NONCE, kNonceSize);
  n += kNonceSize;
  put32(msg + n, kKdfBits);
  n += 4;
  const bool ok = hal::seal::derive(msg, n);
  alignas(4) uint8_t iv[kBlock];
  memcpy(iv, header + MCTPM_BLOB_OFF_NONCE, kBlock);
  hal::seal::set_iv(iv);
  return ok;
}

// One block through the engine from and to any alignment: the engine
// interface takes aligned words.
MCTPM_COLD void engine_block(hal::seal::Mode mode, const uint8_t* in, uint8_t* out) {
  word_t a[kBlock / 4], b[kBlock / 4];
  memcpy(a, in, kBlock);
  hal::seal::block(mode, reinterpret_cast<uint8_t*>(a), out != nullptr ? reinterpret_cast<uint8_t*>(b) : nullptr);
  if (out != nullptr) memcpy(out, b, kBlock);
}

}  // namespace

MCTPM_COLD void platform_digest(const tpm::Tpm& root, uint32_t mask, uint8_t out[kPlatformDigestSize]) {
  crypto::ShaCtx ctx;
  crypto::sha_init(ctx, crypto::HashAlg::Sha256);
  for (unsigned pcr = 0; pcr < tpm::kSharedPcrs; ++pcr) {
    if ((mask & (1u << pcr)) == 0) continue;
    crypto::sha_update(ctx, tpm::pcr_value(root, tpm::TPM_ALG_SHA256, pcr), tpm::kSha256Size);
  }
  crypto::sha_final(ctx, out);
}

MCTPM_COLD size_t seal(BlobHeader& h, const uint8_t* plaintext, size_t len, uint8_t* out) {
  h.ct_len = static_cast<uint32_t>(len);
  write_header(h, out);
  if (!derive_for(out)) {
    hal::seal::clear();
    return 0;
  }
  // MAC over the header, then encrypt-then-MAC over the ciphertext.
  for (size_t i = 0; i < kBlobHeaderSize; i += kBlock) engine_block(hal::seal::kMacOnly, out + i, nullptr);
  uint8_t* ct = out + kBlobHeaderSize;
  for (size_t i = 0; i < len; i += kBlock) engine_block(hal::seal::kEncrypt, plaintext + i, ct + i);
  hal::seal::finish();
  alignas(4) uint8_t tag[kBlobMacSize];
  hal::seal::read_tag(tag);
  memcpy(ct + len, tag, kBlobMacSize);
  hal::seal::clear();
  return kBlobHeaderSize + len + kBlobMacSize;
}

MCTPM_COLD bool parse_header(const uint8_t* blob, size_t len, BlobHeader& h) {
  if (len < kBlobHeaderSize + kBlobMacSize || len > kBlobMax) return false;
  if (get32(blob + MCTPM_BLOB_OFF_MAGIC) != MCTPM_BLOB_MAGIC) return false;
  if (get16(blob + MCTPM_BLOB_OFF_VERSION) != MCTPM_BLOB_VERSION) return false;
  h.flags = get16(blob + MCTPM_BLOB_OFF_FLAGS);
  if ((h.flags & ~MCTPM_BLOB_FLAG_PRIVATE_PCRS) != 0) return false;
  memcpy(h.device_id, blob + MCTPM_BLOB_OFF_DEVICE_ID, kDeviceIdSize);
  h.context_id = get32(blob + MCTPM_BLOB_OFF_CONTEXT_ID);
  h.counter = get32(blob + MCTPM_BLOB_OFF_COUNTER);
  h.pcr_mask = get32(blob + MCTPM_BLOB_OFF_PCR_MASK);
  h.ct_len = get32(blob + MCTPM_BLOB_OFF_CT_LEN);
  if ((h.pcr_mask & ~0xFFFFu) != 0) return false;
  if (h.ct_len % kBlock != 0 || h.ct_len > MCTPM_BLOB_MAX_CT) return false;
  if (len != kBlobHeaderSize + h.ct_len + kBlobMacSize) return false;
  memcpy(h.platform_digest, blob + MCTPM_BLOB_OFF_PLATFORM, kPlatformDigestSize);
  memcpy(h.nonce, blob + MCTPM_BLOB_OFF_NONCE, kNonceSize);
  return true;
}

MCTPM_COLD bool mac_verifies(const uint8_t* blob, const BlobHeader& h) {
  if (!derive_for(blob)) {
    hal::seal::clear();
    return false;
  }
  const size_t macced = kBlobHeaderSize + h.ct_len;
  for (size_t i = 0; i < macced; i += kBlock) engine_block(hal::seal::kMacOnly, blob + i, nullptr);
  alignas(4) uint8_t expect[kBlobMacSize];
  memcpy(expect, blob + macced, kBlobMacSize);
  const bool ok = hal::seal::finish_and_match(expect);
  hal::seal::clear();
  return ok;
}

MCTPM_COLD bool decrypt(const uint8_t* blob, const BlobHeader& h, uint8_t* plaintext) {
  if (!derive_for(blob)) {
    hal::seal::clear();
    return false;
  }
  const uint8_t* ct = blob + kBlobHeaderSize;
  for (size_t i = 0; i < h.ct_len; i += kBlock) engine_block(hal::seal::kCryptOnly, ct + i, plaintext + i);
  hal::seal::clear();
  return true;
}

}  // namespace context

// Sealed blob construction with the sealing engine (format in sealed_blob.h
// and spec/management.md).
#include "context/sealed_blob.h"

#include <string.h>

#include "crypto/sha.h"
#include "hal/seal_engine.h"
#include "tpm/pcr.h"

namespace context {
namespace {

alignas(4) constexpr char kLabel[] = "MCTPM TPMCS SEAL";  // with its terminating zero: 17 bytes
static_assert(sizeof kLabel == 17, "KDFa label and its zero");
constexpr uint32_t kKdfBits = 384;  // Kmac (256) || Kenc (128)
constexpr size_t kBlock = hal::seal::kBlockSize;
static_assert(kBlobHeaderSize % kBlock == 0, "the header is whole MAC blocks");
static_assert(MCTPM_BLOB_OFF_PLATFORM == 32 && MCTPM_BLOB_OFF_NONCE == 64 && kBlobHeaderSize == 80,
              "derive_for takes the KDF message's words from these offsets");

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

// Appends n words one byte on: *m++ = last byte of the previous word and
// the first three of this one.
void shift_in(word_t*& m, uint32_t& prev, const word_t* src, unsigned n) {
  for (const word_t* end = src + n; src != end; ++src) {
    *m++ = (prev >> 24) | (*src << 8);
    prev = *src;
  }
}

// DERIVE with the KDF message of this header, IV := nonce. After the
// label come header words [32..64), [0..32), [64..80) and be32(384), all one
// byte on from a word boundary (the label is 17 bytes): each message word is
// the last byte of one of them and the first three of the next, in the
// little-endian byte order of the CPU and of the engine's registers.
MCTPM_COLD bool derive_for(const uint8_t* header) {
  const word_t* h = reinterpret_cast<const word_t*>(header);
  word_t msg[(kKdfMessageSize + 3) / 4];
  static_assert(sizeof msg == 104, "label 16 + 1, 20 header words, 4 bytes of length");
  memcpy(msg, kLabel, 16);  // the label without its zero, which is the next word's first byte
  word_t* m = msg + 4;
  uint32_t prev = 0;
  shift_in(m, prev, h + 8, 8);   // platform digest
  shift_in(m, prev, h, 8);       // header[0..32)
  shift_in(m, prev, h + 16, 4);  // nonce
  word_t bits;
  put32(reinterpret_cast<uint8_t*>(&bits), kKdfBits);
  shift_in(m, prev, &bits, 1);
  *m = prev >> 24;
  const bool ok = hal::seal::derive(reinterpret_cast<const uint8_t*>(msg), kKdfMessageSize);
  hal::seal::set_iv(header + MCTPM_BLOB_OFF_NONCE);
  return ok;
}

// Equal runs of whole SHA-256 values (4-byte aligned); no early exit, a
// value per turn: the loop is little more than the loads.
bool same_values(const uint8_t* a, const uint8_t* b, size_t n) {
  const word_t* x = reinterpret_cast<const word_t*>(a);
  const word_t* y = reinterpret_cast<const word_t*>(b);
  uint32_t diff = 0;
  for (const word_t* end = x + n / 4; x != end; x += 8, y += 8) {
    diff |= (x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]) | (x[5] ^ y[5]) |
            (x[6] ^ y[6]) | (x[7] ^ y[7]);
  }
  return diff == 0;
}

// The next run of set bits of a PCR mask from bit `end` on: [first, end).
// False when no bit is left.
bool next_run(uint32_t mask, unsigned& end, unsigned& first) {
  while (end < tpm::kSharedPcrs && (mask & (1u << end)) == 0) ++end;
  first = end;
  while (end < tpm::kSharedPcrs && (mask & (1u << end)) != 0) ++end;
  return end != first;
}

}  // namespace

MCTPM_COLD void platform_digest(const tpm::Tpm& root, uint32_t mask, PlatformDigestCache& cache,
                                uint8_t out[kPlatformDigestSize]) {
  // The root's PCRs 0-15 of a bank are one array: each run of set mask bits
  // is compared, hashed and kept in one piece, straight from the ROOT region.
  static_assert(sizeof root.pcrs.sha256_low == sizeof cache.values, "one array");
  static_assert(tpm::kSha256Size == 32, "same_values compares 8 words a value");
  const uint8_t(&pcrs)[tpm::kSharedPcrs][tpm::kSha256Size] = root.pcrs.sha256_low;
  bool same = cache.valid && cache.mask == mask;
  unsigned end = 0, first = 0;
  while (same && next_run(mask, end, first)) {
    same = same_values(cache.values[first], pcrs[first], (end - first) * tpm::kSha256Size);
  }
  if (!same) {
    crypto::ShaCtx ctx;
    crypto::sha_init(ctx, crypto::HashAlg::Sha256);
    end = 0;
    while (next_run(mask, end, first)) {
      const size_t n = (end - first) * tpm::kSha256Size;
      crypto::sha_update(ctx, pcrs[first], n);
      memcpy(cache.values[first], pcrs[first], n);
    }
    crypto::sha_final(ctx, cache.digest);
    cache.mask = mask;
    cache.valid = true;
  }
  memcpy(out, cache.digest, kPlatformDigestSize);
}

MCTPM_COLD size_t seal(BlobHeader& h, const uint8_t* plaintext, size_t len, uint8_t* out) {
  h.ct_len = static_cast<uint32_t>(len);
  write_header(h, out);
  if (!derive_for(out)) {
    hal::seal::clear();
    return 0;
  }
  // MAC over the header, then encrypt-then-MAC over the ciphertext.
  hal::seal::blocks(hal::seal::kMacOnly, out, nullptr, kBlobHeaderSize);
  uint8_t* ct = out + kBlobHeaderSize;
  hal::seal::blocks(hal::seal::kEncrypt, plaintext, ct, len);
  hal::seal::finish();
  hal::seal::read_tag(ct + len);
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

MCTPM_COLD bool unseal(const uint8_t* blob, const BlobHeader& h, uint8_t* plaintext) {
  bool ok = derive_for(blob);
  if (ok) {
    // One pass: the MAC absorbs the header, then the ciphertext as it is
    // decrypted (DECRYPT mode); the tag decides whether anything is kept.
    hal::seal::blocks(hal::seal::kMacOnly, blob, nullptr, kBlobHeaderSize);
    hal::seal::blocks(hal::seal::kDecrypt, blob + kBlobHeaderSize, plaintext, h.ct_len);
    alignas(4) uint8_t expect[kBlobMacSize];
    memcpy(expect, blob + kBlobHeaderSize + h.ct_len, kBlobMacSize);
    ok = hal::seal::finish_and_match(expect);
    if (!ok) memset(plaintext, 0, h.ct_len);
  }
  hal::seal::clear();
  return ok;
}

}  // namespace context

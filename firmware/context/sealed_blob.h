// The sealed blob of a context (spec/management.md, "Sealed blob"): header
// (big-endian fields at the MCTPM_BLOB_OFF_* offsets), AES-128-CTR
// ciphertext of the TPMCS, HMAC-SHA256 over both; encrypt-then-MAC with
// keys the sealing engine derives from the device secret (hal/seal_engine.h).
// Blobs and plaintexts are 4-byte aligned: the engine's registers take their
// words as they are (RESUME's blob sits at offset 12 of the aligned command
// buffer, EXIT's at offset 12 of the aligned response buffer).
#ifndef MCTPM_CONTEXT_SEALED_BLOB_H
#define MCTPM_CONTEXT_SEALED_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "management.h"
#include "tpm/tpm.h"

namespace context {

constexpr size_t kBlobHeaderSize = MCTPM_BLOB_HEADER_SIZE;
constexpr size_t kBlobMacSize = MCTPM_BLOB_MAC_SIZE;
constexpr size_t kBlobMax = kBlobHeaderSize + MCTPM_BLOB_MAX_CT + kBlobMacSize;
constexpr size_t kNonceSize = 16;
constexpr size_t kPlatformDigestSize = 32;
constexpr size_t kDeviceIdSize = 8;
// "MCTPM TPMCS SEAL" || 0 || platform digest || header[0..32) || nonce || u32 384
constexpr size_t kKdfMessageSize = 17 + kPlatformDigestSize + 32 + kNonceSize + 4;
static_assert(kKdfMessageSize <= MCTPM_SEAL_MSG_SIZE, "the KDF message must fit SEAL_MSG");

struct BlobHeader {
  uint16_t flags;
  uint8_t device_id[kDeviceIdSize];
  uint32_t context_id;
  uint32_t counter;
  uint32_t pcr_mask;
  uint32_t ct_len;
  uint8_t platform_digest[kPlatformDigestSize];
  uint8_t nonce[kNonceSize];
};

// EXIT and RESUME need the platform digest at every swap, while the
// platform PCRs rarely change: the last digest and the values it covered,
// so that the next one with the same mask and values is a compare instead
// of SHA-256.
struct PlatformDigestCache {
  bool valid;
  uint32_t mask;
  uint8_t values[tpm::kSharedPcrs][tpm::kSha256Size];  // by PCR index; only the masked ones are set
  uint8_t digest[kPlatformDigestSize];
};

// SHA-256 over the root TPM's SHA-256-bank values of the PCRs in mask (bits
// 0-15), in index order; from the cache if those values did not change.
void platform_digest(const tpm::Tpm& root, uint32_t mask, PlatformDigestCache& cache,
                     uint8_t out[kPlatformDigestSize]);

// Seals plaintext[0..len) (len a multiple of 16, <= MCTPM_BLOB_MAX_CT; the
// caller pads) into out, 4-byte aligned, which must hold
// kBlobHeaderSize + len + kBlobMacSize bytes. h.ct_len is set from len.
// Returns the blob length, 0 if the engine has no keys (no secret).
size_t seal(BlobHeader& h, const uint8_t* plaintext, size_t len, uint8_t* out);

// The framing checks of RESUME: length, magic, version, flags, ciphertext
// length (MGMT_RC_BLOB_FORMAT when false). Fills h.
bool parse_header(const uint8_t* blob, size_t len, BlobHeader& h);
// The MAC over a parsed blob (header and ciphertext), decrypting the
// ciphertext into plaintext (h.ct_len bytes) in the same pass (DERIVE,
// MAC_ONLY over the header, DECRYPT, FINISH with the blob's tag). True if
// the tag matched; else the plaintext is zeroed again. plaintext is scratch
// outside the context region: nothing goes there before the tag matched.
bool unseal(const uint8_t* blob, const BlobHeader& h, uint8_t* plaintext);

}  // namespace context

#endif

// The TPM Control Structure: a context's tpm::Tpm, serialized compactly for
// its sealed blob (only what is in use; <= MCTPM_BLOB_MAX_CT bytes after
// padding to 16). Big-endian, in this order:
//
//   u16  format version (kTpmcsVersion)
//   u8   pcr model (MCTPM_MGMT_PCR_MODEL_SHARED / _PRIVATE)
//   u8   flags: bit0 started, bit1 self-tested, bit2 self-test failed,
//        bit3 startup orderly, bit4 clock safe, bit5 ever started
//   96   seeds: endorsement, storage, platform (32 each)
//   u16  NvState.orderly
//   u32  reset count, u32 restart count
//   u64  Clock at power-on (NvState.clock_ms), u64 Time at the seal (ms)
//   [orderly == TPM_SU_STATE only:]
//     u32 saved pcrUpdateCounter
//     [private model only:] u16 mask of PCRs 0-15 whose saved values
//     differ from the current ones, then per set bit SHA-1 (20) and
//     SHA-256 (32) value
//   u32  own pcrUpdateCounter
//   u32  mask of the context's own PCRs (16-23; private: 0-23) that are not
//        at their reset value, then per set bit SHA-1 (20) and SHA-256 (32)
//   32   StirRandom state
//   u8   mask of loaded session slots, then per slot:
//        u8 type, u16 authHash, u8 digest size d, u8 flags (bit0 bound,
//        bit1 key set, bit2 password needed, bit3 authValue needed, bit4 PCR
//        checked), u32 bind handle, u32 PCR counter, nonceTPM (d),
//        sessionKey (d), policyDigest (d)
//   u8   mask of loaded sequence-object slots, then per slot:
//        u8 event, u8 auth length a, auth (a), then per hash context (event:
//        one per bank, else one): u8 alg (0 SHA-1, 1 SHA-256), u8 buffered
//        length b, u64 total, state words (5 or 8, u32 each), buffer (b)
//   zero padding to a multiple of 16
//
// The platform PCRs of a 'shared' context (0-15) are the root TPM's and are
// not part of it.
#ifndef MCTPM_CONTEXT_TPMCS_H
#define MCTPM_CONTEXT_TPMCS_H

#include <stddef.h>
#include <stdint.h>

#include "management.h"
#include "tpm/tpm.h"

namespace context {

constexpr uint16_t kTpmcsVersion = 1;
constexpr size_t kTpmcsMax = MCTPM_BLOB_MAX_CT;
static_assert(kTpmcsMax % 16 == 0, "the TPMCS budget is whole AES blocks");

// Writes the TPMCS of `ctx` (a context) to out, zero-padded to 16.
// Returns the padded length, 0 if it does not fit `cap`.
size_t tpmcs_serialize(const tpm::Tpm& ctx, uint8_t* out, size_t cap);

// Rebuilds a context from a TPMCS of len bytes into ctx, which must be all
// zero (the scrubbed context region): only what the TPMCS holds and what is
// not zero in a fresh context are written. A 'shared' context reads its
// PCRs 0-15 from `platform`. False (ctx zeroed) on anything malformed:
// wrong version, bad lengths, values out of range, nonzero padding.
bool tpmcs_deserialize(tpm::Tpm& ctx, const uint8_t* in, size_t len, const tpm::Tpm* platform);

}  // namespace context

#endif

// The whole state of one TPM context in one object, and the engine's entry
// point. No other mutable state exists in the engine, so a context can be
// sealed, swapped out and restored as this object.
#ifndef MCTPM_TPM_TPM_H
#define MCTPM_TPM_TPM_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sha.h"
#include "soc_map.h"
#include "tpm/tpm_types.h"

// Rare paths (management commands, TPMCS, sealed blobs, the context log):
// optimised for size and kept out of line, so that they cost ROM once and
// leave -O3 to the TPM commands. The ROM is 64 KiB.
#define MCTPM_COLD __attribute__((cold, noinline))

namespace tpm {

constexpr unsigned kSha1Size = 20;
constexpr unsigned kSha256Size = 32;
constexpr unsigned kStateSavedPcrs = 16;  // PCR 0-15 are saved by Shutdown(STATE)

// How the TPM was last shut down (TPM_SU_CLEAR / TPM_SU_STATE or none).
constexpr uint16_t kOrderlyNone = 0xFFFF;

constexpr unsigned kSharedPcrs = 16;  // PCR 0-15: the platform's, shared with 'shared' contexts
constexpr unsigned kHighPcrs = kPcrCount - kSharedPcrs;

// PCRs 0-15 of both banks and the update counter come first and fill exactly
// ROOT_SHARED_SIZE bytes: the root TPM's copy is the one window of the ROOT
// region that ring 1 may read, so a 'shared' context reads the platform PCRs
// (and their update counter) there. PCRs 16-23 follow. Index with
// pcr_value() (tpm/pcr.h), never directly.
struct PcrBanks {
  uint8_t sha1_low[kSharedPcrs][kSha1Size];
  uint8_t sha256_low[kSharedPcrs][kSha256Size];
  uint32_t update_counter;  // this TPM's own pcrUpdateCounter (read it with pcr_update_counter())
  uint8_t reserved[MCTPM_ROOT_SHARED_SIZE - kSharedPcrs * (kSha1Size + kSha256Size) - 4];
  uint8_t sha1_high[kHighPcrs][kSha1Size];
  uint8_t sha256_high[kHighPcrs][kSha256Size];
};
static_assert(__builtin_offsetof(PcrBanks, update_counter) + 4 <= MCTPM_ROOT_SHARED_SIZE,
              "the update counter must be inside the ring-1 window");
static_assert(__builtin_offsetof(PcrBanks, sha1_high) == MCTPM_ROOT_SHARED_SIZE,
              "PCRs 0-15 of both banks fill exactly the ROOT shared window");

// What a Tpm object is: the root TPM (the platform's; also the plain TPM
// with virtualization off and every unit test's TPM) or a VM's context.
enum TpmRole : uint8_t {
  kRoleRoot = 0,            // owns PCRs 0-23, persists NvState in the flash
  kRoleSharedContext = 1,   // PCRs 0-15 are the platform's (read-only); 16-23 its own
  kRolePrivateContext = 2,  // owns PCRs 0-23
};

// A context's hierarchy seeds, fresh from the entropy source at LAUNCH.
constexpr unsigned kSeedSize = 32;
struct ContextSeeds {
  uint8_t endorsement[kSeedSize];
  uint8_t storage[kSeedSize];
  uint8_t platform[kSeedSize];
};

// What survives a power cycle: saved to the flash by tpm/nv_state.h.
struct NvState {
  uint16_t orderly;  // shutdown type recorded by the last Shutdown, or kOrderlyNone
  bool ever_started;
  uint32_t reset_count;
  uint32_t restart_count;
  uint64_t clock_ms;  // Clock at power-on (the flash record holds Clock at its save)
  // Written by Shutdown(STATE), read by Startup(STATE).
  uint32_t saved_pcr_update_counter;
  uint8_t saved_sha1[kStateSavedPcrs][kSha1Size];
  uint8_t saved_sha256[kStateSavedPcrs][kSha256Size];
};

// One loaded authorization session (tpm/session.h). Handle = type << 24 | slot.
struct AuthSession {
  bool loaded;
  uint8_t type;              // TPM_SE_HMAC / TPM_SE_POLICY / TPM_SE_TRIAL
  TPM_ALG_ID auth_hash;
  uint8_t digest_size;       // of auth_hash: nonceTPM, sessionKey, policyDigest
  bool bound;                // HMAC session bound to bind_handle
  TPM_HANDLE bind_handle;
  bool key_set;              // sessionKey exists (bound or salted), digest_size bytes
  bool password_needed;      // PolicyPassword ran
  bool auth_value_needed;    // PolicyAuthValue ran
  bool pcr_checked;          // PolicyPCR ran: pcrUpdateCounter must stay pcr_counter
  uint32_t pcr_counter;
  uint8_t nonce_tpm[kMaxDigest];
  uint8_t session_key[kMaxDigest];
  uint8_t policy_digest[kMaxDigest];
};

// A hash or event sequence object (tpm/sequence.cpp). Handle = 0x80000000 | slot.
struct SequenceObject {
  bool loaded;
  bool event;                      // event sequence: every PCR bank; else ctx[0] only
  uint8_t auth_len;                // authValue, trailing zeros removed
  uint8_t auth[kMaxDigest];
  crypto::ShaCtx ctx[kNumBanks];   // event: in bank order (SHA-1, SHA-256)
};

struct Tpm {
  PcrBanks pcrs;  // first: the root TPM's PCRs 0-15 sit at ROOT_BASE (static_assert in tpm/chip.h)
  NvState nv;
  bool started;
  bool self_tested;
  bool self_test_failed;
  bool startup_orderly;  // the last Startup followed an orderly Shutdown
  uint64_t power_on_cycles;  // hal::cycles() at power-on: Time = 0
  bool clock_safe;           // Clock cannot have gone back (TPMS_CLOCK_INFO.safe)
  bool nv_failed;            // the flash could not be read at power-on: never save over it
  uint64_t clock_saved_ms;   // Clock at the last save (attempt); the periodic save counts from it
  uint64_t clock_check_cycles;  // hal::cycles() before which no periodic clock save can be due
  uint8_t stir[32];          // StirRandom input, mixed into GetRandom
  // Identity of a context (kept by restart(); zero for the root TPM).
  uint8_t role;              // TpmRole
  const Tpm* platform;       // shared context: the root TPM whose PCRs 0-15 it reads; never serialized
  ContextSeeds seeds;
  AuthSession sessions[kMaxLoadedSessions];  // lost at Startup and power cycles
  SequenceObject objects[kMaxLoadedObjects]; // likewise
};

struct CommandIn {
  const uint8_t* data;
  size_t len;
  uint8_t locality;
  bool overflow;  // the front end dropped bytes: the command is refused
};

// Factory state, then power-on: the TPM needs TPM2_Startup.
void init(Tpm& tpm);
// A power cycle (_TPM_Init) in RAM: keeps NvState, loses everything else.
// A real boot is init() then nv_state::load() (tpm/nv_state.h).
void restart(Tpm& tpm);
inline bool is_context(const Tpm& tpm) { return tpm.role != kRoleRoot; }
// PCRs 0-15 are another TPM's (read-only here).
inline bool pcrs_shared(const Tpm& tpm) { return tpm.role == kRoleSharedContext && tpm.platform != nullptr; }

// Runs one command. Always writes a well-formed response (>= 10 bytes,
// size field = return value) if rsp_cap >= 10; returns 0 only if rsp_cap < 10.
size_t execute(Tpm& tpm, const CommandIn& in, uint8_t* rsp, size_t rsp_cap);

}  // namespace tpm

#endif

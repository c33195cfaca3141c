// TPMCS serialization (layout in tpmcs.h).
#include "context/tpmcs.h"

#include <string.h>

#include "hal/clock.h"
#include "tpm/command.h"
#include "tpm/marshal.h"
#include "tpm/pcr.h"

namespace context {
namespace {

using tpm::Reader;
using tpm::TPM_RC_SUCCESS;
using tpm::Tpm;
using tpm::Writer;

constexpr uint32_t kCyclesPerMs = MCTPM_SYS_CLOCK_HZ / 1000u;
constexpr unsigned kPcrValueSize = tpm::kSha1Size + tpm::kSha256Size;

enum : uint8_t {
  kFlagStarted = 1u << 0,
  kFlagSelfTested = 1u << 1,
  kFlagSelfTestFailed = 1u << 2,
  kFlagStartupOrderly = 1u << 3,
  kFlagClockSafe = 1u << 4,
  kFlagEverStarted = 1u << 5,
  kFlagsKnown = 0x3F,
};
enum : uint8_t {
  kSessBound = 1u << 0,
  kSessKeySet = 1u << 1,
  kSessPasswordNeeded = 1u << 2,
  kSessAuthValueNeeded = 1u << 3,
  kSessPcrChecked = 1u << 4,
  kSessKnown = 0x1F,
};

bool is_private(const Tpm& t) { return t.role == tpm::kRolePrivateContext; }
unsigned first_own_pcr(const Tpm& t) { return is_private(t) ? 0 : tpm::kSharedPcrs; }

// PCR values are word-aligned arrays of whole words (20 and 32 bytes).
typedef uint32_t __attribute__((may_alias)) word_t;
static_assert(tpm::kSha1Size % 4 == 0 && tpm::kSha256Size % 4 == 0, "PCR values are whole words");

constexpr unsigned kSha1Words = tpm::kSha1Size / 4, kSha256Words = tpm::kSha256Size / 4;

uint32_t reset_word(unsigned pcr) { return tpm::pcr_attributes(pcr).drtm ? 0xFFFFFFFFu : 0u; }

MCTPM_COLD bool at_reset_value(const Tpm& t, unsigned pcr) {
  const uint32_t v = reset_word(pcr);
  const word_t* a = reinterpret_cast<const word_t*>(tpm::pcr_storage(const_cast<Tpm&>(t), tpm::TPM_ALG_SHA1, pcr));
  const word_t* b = reinterpret_cast<const word_t*>(tpm::pcr_storage(const_cast<Tpm&>(t), tpm::TPM_ALG_SHA256, pcr));
  uint32_t diff = 0;
#pragma GCC unroll 8
  for (unsigned i = 0; i < kSha1Words; ++i) diff |= a[i] ^ v;
#pragma GCC unroll 8
  for (unsigned i = 0; i < kSha256Words; ++i) diff |= b[i] ^ v;
  return diff == 0;
}

// A PCR not stored in the TPMCS: its reset value into the zero object.
void set_reset_value(Tpm& t, unsigned pcr) {
  const uint32_t v = reset_word(pcr);
  if (v == 0) return;
  word_t* a = reinterpret_cast<word_t*>(tpm::pcr_storage(t, tpm::TPM_ALG_SHA1, pcr));
  word_t* b = reinterpret_cast<word_t*>(tpm::pcr_storage(t, tpm::TPM_ALG_SHA256, pcr));
  for (unsigned i = 0; i < kSha1Words; ++i) a[i] = v;
  for (unsigned i = 0; i < kSha256Words; ++i) b[i] = v;
}

MCTPM_COLD void put_hash_ctx(Writer& w, const crypto::ShaCtx& c) {
  const bool sha1 = c.alg == crypto::HashAlg::Sha1;
  w.u8(sha1 ? 0 : 1);
  w.u8(c.buf_len);
  w.u64(c.total);
  for (unsigned i = 0; i < (sha1 ? 5u : 8u); ++i) w.u32(c.state[i]);
  w.bytes(c.buf, c.buf_len);
}

// Reads into a fixed-size field; false on a short input.
bool get_bytes(Reader& r, uint8_t* dst, size_t n) {
  const uint8_t* p = nullptr;
  if (r.view(n, p) != TPM_RC_SUCCESS) return false;
  memcpy(dst, p, n);
  return true;
}

MCTPM_COLD bool get_hash_ctx(Reader& r, crypto::ShaCtx& c) {
  uint8_t alg = 0;
  if (r.u8(alg) != TPM_RC_SUCCESS || alg > 1) return false;
  c.alg = alg == 0 ? crypto::HashAlg::Sha1 : crypto::HashAlg::Sha256;
  if (r.u8(c.buf_len) != TPM_RC_SUCCESS || c.buf_len >= crypto::kShaBlockSize) return false;
  if (r.u64(c.total) != TPM_RC_SUCCESS) return false;
  // The buffered bytes are the tail of what was hashed.
  if (c.total % crypto::kShaBlockSize != c.buf_len) return false;
  for (unsigned i = 0; i < (alg == 0 ? 5u : 8u); ++i) {
    if (r.u32(c.state[i]) != TPM_RC_SUCCESS) return false;
  }
  return get_bytes(r, c.buf, c.buf_len);
}

bool digest_size_matches(tpm::TPM_ALG_ID alg, uint8_t size) {
  return tpm::hash_alg_implemented(alg) && tpm::hash_digest_size(alg) == size;
}

MCTPM_COLD bool parse(Tpm& t, Reader& r, const Tpm* platform) {
  uint16_t version = 0;
  uint8_t model = 0, flags = 0;
  if (r.u16(version) != TPM_RC_SUCCESS || version != kTpmcsVersion) return false;
  if (r.u8(model) != TPM_RC_SUCCESS || r.u8(flags) != TPM_RC_SUCCESS) return false;
  if (model == MCTPM_MGMT_PCR_MODEL_SHARED) {
    if (platform == nullptr) return false;
    t.role = tpm::kRoleSharedContext;
    t.platform = platform;
  } else if (model == MCTPM_MGMT_PCR_MODEL_PRIVATE) {
    t.role = tpm::kRolePrivateContext;
  } else {
    return false;
  }
  if ((flags & ~kFlagsKnown) != 0) return false;
  t.started = (flags & kFlagStarted) != 0;
  t.self_tested = (flags & kFlagSelfTested) != 0;
  t.self_test_failed = (flags & kFlagSelfTestFailed) != 0;
  t.startup_orderly = (flags & kFlagStartupOrderly) != 0;
  t.clock_safe = (flags & kFlagClockSafe) != 0;
  t.nv.ever_started = (flags & kFlagEverStarted) != 0;
  static_assert(sizeof t.seeds == 3 * tpm::kSeedSize, "the three seeds are one field");
  if (!get_bytes(r, reinterpret_cast<uint8_t*>(&t.seeds), sizeof t.seeds)) return false;
  uint64_t time = 0;
  if (r.u16(t.nv.orderly) != TPM_RC_SUCCESS || r.u32(t.nv.reset_count) != TPM_RC_SUCCESS ||
      r.u32(t.nv.restart_count) != TPM_RC_SUCCESS || r.u64(t.nv.clock_ms) != TPM_RC_SUCCESS ||
      r.u64(time) != TPM_RC_SUCCESS) {
    return false;
  }
  if (t.nv.orderly != tpm::kOrderlyNone && t.nv.orderly != tpm::TPM_SU_CLEAR &&
      t.nv.orderly != tpm::TPM_SU_STATE) {
    return false;
  }
  // Time goes on from the seal; Clock = clock_ms + Time.
  t.power_on_cycles = hal::cycles() - time * kCyclesPerMs;
  t.clock_saved_ms = t.nv.clock_ms + time;
  uint16_t saved_differ = 0;
  if (t.nv.orderly == tpm::TPM_SU_STATE) {
    if (r.u32(t.nv.saved_pcr_update_counter) != TPM_RC_SUCCESS) return false;
    if (is_private(t) && r.u16(saved_differ) != TPM_RC_SUCCESS) return false;
  }
  // The saved values that differ come before the current PCRs they are
  // relative to: keep them aside.
  for (unsigned pcr = 0; pcr < tpm::kSharedPcrs; ++pcr) {
    if ((saved_differ & (1u << pcr)) == 0) continue;
    if (!get_bytes(r, t.nv.saved_sha1[pcr], tpm::kSha1Size) ||
        !get_bytes(r, t.nv.saved_sha256[pcr], tpm::kSha256Size)) {
      return false;
    }
  }
  if (r.u32(t.pcrs.update_counter) != TPM_RC_SUCCESS) return false;
  uint32_t stored = 0;
  if (r.u32(stored) != TPM_RC_SUCCESS) return false;
  const unsigned first = first_own_pcr(t);
  if ((stored & ~((1u << tpm::kPcrCount) - 1) & 0xFFFFFFFFu) != 0 || (stored & ((1u << first) - 1)) != 0) {
    return false;
  }
  // The object is zero (PCRs 0-15 of a shared context stay so): the own
  // PCRs that are not stored get their reset value.
  for (unsigned pcr = first; pcr < tpm::kPcrCount; ++pcr) {
    if ((stored & (1u << pcr)) == 0) {
      set_reset_value(t, pcr);
    } else if (!get_bytes(r, tpm::pcr_storage(t, tpm::TPM_ALG_SHA1, pcr), tpm::kSha1Size) ||
               !get_bytes(r, tpm::pcr_storage(t, tpm::TPM_ALG_SHA256, pcr), tpm::kSha256Size)) {
      return false;
    }
  }
  if (t.nv.orderly == tpm::TPM_SU_STATE && is_private(t)) {
    for (unsigned pcr = 0; pcr < tpm::kSharedPcrs; ++pcr) {
      if ((saved_differ & (1u << pcr)) != 0) continue;
      memcpy(t.nv.saved_sha1[pcr], t.pcrs.sha1_low[pcr], tpm::kSha1Size);
      memcpy(t.nv.saved_sha256[pcr], t.pcrs.sha256_low[pcr], tpm::kSha256Size);
    }
  }
  if (!get_bytes(r, t.stir, sizeof t.stir)) return false;

  uint8_t mask = 0;
  if (r.u8(mask) != TPM_RC_SUCCESS || (mask >> tpm::kMaxLoadedSessions) != 0) return false;
  for (unsigned i = 0; i < tpm::kMaxLoadedSessions; ++i) {
    if ((mask & (1u << i)) == 0) continue;
    tpm::AuthSession& s = t.sessions[i];
    uint8_t sflags = 0;
    if (r.u8(s.type) != TPM_RC_SUCCESS || r.u16(s.auth_hash) != TPM_RC_SUCCESS ||
        r.u8(s.digest_size) != TPM_RC_SUCCESS || r.u8(sflags) != TPM_RC_SUCCESS ||
        r.u32(s.bind_handle) != TPM_RC_SUCCESS || r.u32(s.pcr_counter) != TPM_RC_SUCCESS) {
      return false;
    }
    if (s.type != tpm::TPM_SE_HMAC && s.type != tpm::TPM_SE_POLICY && s.type != tpm::TPM_SE_TRIAL) return false;
    if (!digest_size_matches(s.auth_hash, s.digest_size) || (sflags & ~kSessKnown) != 0) return false;
    s.loaded = true;
    s.bound = (sflags & kSessBound) != 0;
    s.key_set = (sflags & kSessKeySet) != 0;
    s.password_needed = (sflags & kSessPasswordNeeded) != 0;
    s.auth_value_needed = (sflags & kSessAuthValueNeeded) != 0;
    s.pcr_checked = (sflags & kSessPcrChecked) != 0;
    if (!get_bytes(r, s.nonce_tpm, s.digest_size) || !get_bytes(r, s.session_key, s.digest_size) ||
        !get_bytes(r, s.policy_digest, s.digest_size)) {
      return false;
    }
  }
  if (r.u8(mask) != TPM_RC_SUCCESS || (mask >> tpm::kMaxLoadedObjects) != 0) return false;
  for (unsigned i = 0; i < tpm::kMaxLoadedObjects; ++i) {
    if ((mask & (1u << i)) == 0) continue;
    tpm::SequenceObject& o = t.objects[i];
    uint8_t event = 0;
    if (r.u8(event) != TPM_RC_SUCCESS || event > 1) return false;
    if (r.u8(o.auth_len) != TPM_RC_SUCCESS || o.auth_len > tpm::kMaxDigest) return false;
    if (!get_bytes(r, o.auth, o.auth_len)) return false;
    o.loaded = true;
    o.event = event != 0;
    for (unsigned b = 0; b < (o.event ? tpm::kNumBanks : 1u); ++b) {
      if (!get_hash_ctx(r, o.ctx[b])) return false;
    }
    // An event sequence hashes with every bank, in bank order.
    if (o.event && (o.ctx[0].alg != crypto::HashAlg::Sha1 || o.ctx[1].alg != crypto::HashAlg::Sha256)) {
      return false;
    }
  }
  // Only zero padding may follow, less than a block of it.
  if (r.remaining() >= 16) return false;
  uint8_t pad = 0;
  while (r.remaining() != 0) {
    if (r.u8(pad) != TPM_RC_SUCCESS || pad != 0) return false;
  }
  return true;
}

}  // namespace

MCTPM_COLD size_t tpmcs_serialize(const Tpm& t, uint8_t* out, size_t cap) {
  Writer w(out, cap);
  w.u16(kTpmcsVersion);
  w.u8(is_private(t) ? MCTPM_MGMT_PCR_MODEL_PRIVATE : MCTPM_MGMT_PCR_MODEL_SHARED);
  w.u8(static_cast<uint8_t>((t.started ? kFlagStarted : 0) | (t.self_tested ? kFlagSelfTested : 0) |
                            (t.self_test_failed ? kFlagSelfTestFailed : 0) |
                            (t.startup_orderly ? kFlagStartupOrderly : 0) |
                            (t.clock_safe ? kFlagClockSafe : 0) |
                            (t.nv.ever_started ? kFlagEverStarted : 0)));
  w.bytes(reinterpret_cast<const uint8_t*>(&t.seeds), sizeof t.seeds);  // endorsement, storage, platform
  w.u16(t.nv.orderly);
  w.u32(t.nv.reset_count);
  w.u32(t.nv.restart_count);
  w.u64(t.nv.clock_ms);
  w.u64(tpm::time_ms(t));
  if (t.nv.orderly == tpm::TPM_SU_STATE) {
    w.u32(t.nv.saved_pcr_update_counter);
    if (is_private(t)) {
      uint16_t differ = 0;
      for (unsigned pcr = 0; pcr < tpm::kSharedPcrs; ++pcr) {
        if (memcmp(t.nv.saved_sha1[pcr], t.pcrs.sha1_low[pcr], tpm::kSha1Size) != 0 ||
            memcmp(t.nv.saved_sha256[pcr], t.pcrs.sha256_low[pcr], tpm::kSha256Size) != 0) {
          differ = static_cast<uint16_t>(differ | (1u << pcr));
        }
      }
      w.u16(differ);
      for (unsigned pcr = 0; pcr < tpm::kSharedPcrs; ++pcr) {
        if ((differ & (1u << pcr)) == 0) continue;
        w.bytes(t.nv.saved_sha1[pcr], tpm::kSha1Size);
        w.bytes(t.nv.saved_sha256[pcr], tpm::kSha256Size);
      }
    }
  }
  w.u32(t.pcrs.update_counter);
  uint32_t stored = 0;
  for (unsigned pcr = first_own_pcr(t); pcr < tpm::kPcrCount; ++pcr) {
    if (!at_reset_value(t, pcr)) stored |= 1u << pcr;
  }
  w.u32(stored);
  for (unsigned pcr = 0; pcr < tpm::kPcrCount; ++pcr) {
    if ((stored & (1u << pcr)) == 0) continue;
    w.bytes(tpm::pcr_storage(const_cast<Tpm&>(t), tpm::TPM_ALG_SHA1, pcr), tpm::kSha1Size);
    w.bytes(tpm::pcr_storage(const_cast<Tpm&>(t), tpm::TPM_ALG_SHA256, pcr), tpm::kSha256Size);
  }
  w.bytes(t.stir, sizeof t.stir);

  uint8_t mask = 0;
  for (unsigned i = 0; i < tpm::kMaxLoadedSessions; ++i) mask |= t.sessions[i].loaded ? 1u << i : 0u;
  w.u8(mask);
  for (const tpm::AuthSession& s : t.sessions) {
    if (!s.loaded) continue;
    w.u8(s.type);
    w.u16(s.auth_hash);
    w.u8(s.digest_size);
    w.u8(static_cast<uint8_t>((s.bound ? kSessBound : 0) | (s.key_set ? kSessKeySet : 0) |
                              (s.password_needed ? kSessPasswordNeeded : 0) |
                              (s.auth_value_needed ? kSessAuthValueNeeded : 0) |
                              (s.pcr_checked ? kSessPcrChecked : 0)));
    w.u32(s.bind_handle);
    w.u32(s.pcr_counter);
    w.bytes(s.nonce_tpm, s.digest_size);
    w.bytes(s.session_key, s.digest_size);
    w.bytes(s.policy_digest, s.digest_size);
  }
  mask = 0;
  for (unsigned i = 0; i < tpm::kMaxLoadedObjects; ++i) mask |= t.objects[i].loaded ? 1u << i : 0u;
  w.u8(mask);
  for (const tpm::SequenceObject& o : t.objects) {
    if (!o.loaded) continue;
    w.u8(o.event ? 1 : 0);
    w.u8(o.auth_len);
    w.bytes(o.auth, o.auth_len);
    for (unsigned b = 0; b < (o.event ? tpm::kNumBanks : 1u); ++b) put_hash_ctx(w, o.ctx[b]);
  }
  while (w.size() % 16 != 0) w.u8(0);
  return w.overflow() ? 0 : w.size();
}

MCTPM_COLD bool tpmcs_deserialize(Tpm& t, const uint8_t* in, size_t len, const Tpm* platform) {
  Reader r(in, len);
  if (!parse(t, r, platform)) {
    memset(&t, 0, sizeof t);
    return false;
  }
  return true;
}

}  // namespace context

// Hash and event sequences (Part 3 chapter 17): HashSequenceStart,
// SequenceUpdate, SequenceComplete, EventSequenceComplete. tpm2_pcrevent
// uses an event sequence for data it cannot send in one PCR_Event. The
// sequence objects are the only transient objects so far: Name empty,
// exempt from dictionary-attack protection, authValue from the start.
#include <string.h>

#include "crypto/sha.h"
#include "tpm/command.h"
#include "tpm/pcr.h"

namespace tpm {
namespace {

constexpr TPM_HANDLE kTransientFirst = static_cast<TPM_HANDLE>(TPM_HT_TRANSIENT) << HR_SHIFT;

// Banks in TPML_DIGEST_VALUES order; an event sequence keeps one context each.
const TPM_ALG_ID kBanks[kNumBanks] = {TPM_ALG_SHA1, TPM_ALG_SHA256};

crypto::HashAlg crypto_hash(TPM_ALG_ID alg) {
  return alg == TPM_ALG_SHA1 ? crypto::HashAlg::Sha1 : crypto::HashAlg::Sha256;
}

unsigned contexts(const SequenceObject& o) { return o.event ? kNumBanks : 1; }

void update(SequenceObject& o, const uint8_t* data, uint16_t size) {
  if (size == 0) return;
  for (unsigned i = 0; i < contexts(o); ++i) crypto::sha_update(o.ctx[i], data, size);
}

struct BufferIn {
  const uint8_t* data;
  uint16_t size;
};

TPM_RC unmarshal_buffer(Reader& r, BufferIn& in) {
  return rc_param(r.tpm2b(kMaxBuffer, in.data, in.size), 1);
}

// ---- HashSequenceStart ----
TPM_RC hash_sequence_start(Tpm& tpm, Reader& r, TPM_HANDLE& handle) {
  const uint8_t* auth = nullptr;
  uint16_t auth_len = 0;
  TPM_RC rc = r.tpm2b(kMaxDigest, auth, auth_len);
  if (rc != TPM_RC_SUCCESS) return rc_param(rc, 1);
  TPM_ALG_ID alg = 0;
  rc = r.u16(alg);
  // TPMI_ALG_HASH+: TPM_ALG_NULL starts an event sequence.
  if (rc == TPM_RC_SUCCESS && alg != TPM_ALG_NULL && !hash_alg_implemented(alg)) rc = TPM_RC_HASH;
  if (rc != TPM_RC_SUCCESS) return rc_param(rc, 2);
  if (r.remaining() != 0) return TPM_RC_SIZE;

  unsigned slot = 0;
  while (slot < kMaxLoadedObjects && tpm.objects[slot].loaded) ++slot;
  if (slot == kMaxLoadedObjects) return TPM_RC_OBJECT_MEMORY;
  SequenceObject& o = tpm.objects[slot];
  memset(&o, 0, sizeof(o));
  o.loaded = true;
  o.event = alg == TPM_ALG_NULL;
  while (auth_len != 0 && auth[auth_len - 1] == 0) --auth_len;  // as every authValue
  if (auth_len != 0) memcpy(o.auth, auth, auth_len);
  o.auth_len = static_cast<uint8_t>(auth_len);
  if (o.event) {
    for (unsigned b = 0; b < kNumBanks; ++b) crypto::sha_init(o.ctx[b], crypto_hash(kBanks[b]));
  } else {
    crypto::sha_init(o.ctx[0], crypto_hash(alg));
  }
  handle = kTransientFirst | slot;
  return TPM_RC_SUCCESS;
}

// ---- SequenceUpdate ----
TPM_RC sequence_update_action(Tpm& tpm, const Command& cmd, const BufferIn& in, Empty&) {
  update(*sequence_find(tpm, cmd.handles[0]), in.data, in.size);
  return TPM_RC_SUCCESS;
}

// ---- SequenceComplete ----
struct SequenceCompleteIn {
  BufferIn buffer;
  TPM_HANDLE hierarchy;
};

struct SequenceCompleteOut {
  uint8_t digest[kMaxDigest];
  uint16_t size;
};

TPM_RC unmarshal_sequence_complete(Reader& r, SequenceCompleteIn& in) {
  TPM_RC rc = unmarshal_buffer(r, in.buffer);
  if (rc != TPM_RC_SUCCESS) return rc;
  rc = r.u32(in.hierarchy);
  // TPMI_RH_HIERARCHY+
  if (rc == TPM_RC_SUCCESS && in.hierarchy != TPM_RH_OWNER && in.hierarchy != TPM_RH_ENDORSEMENT &&
      in.hierarchy != TPM_RH_PLATFORM && in.hierarchy != TPM_RH_NULL) {
    rc = TPM_RC_VALUE;
  }
  return rc_param(rc, 2);
}

TPM_RC sequence_complete_action(Tpm& tpm, const Command& cmd, const SequenceCompleteIn& in,
                                SequenceCompleteOut& out) {
  SequenceObject& o = *sequence_find(tpm, cmd.handles[0]);
  if (o.event) return rc_handle(TPM_RC_MODE, 1);
  update(o, in.buffer.data, in.buffer.size);
  out.size = static_cast<uint16_t>(crypto::digest_size(o.ctx[0].alg));
  crypto::sha_final(o.ctx[0], out.digest);
  memset(&o, 0, sizeof(o));
  return TPM_RC_SUCCESS;
}

// The ticket is always the NULL ticket: a real one needs the hierarchy's
// proof value, which does not exist yet. Callers may only lose the ability to
// sign this digest with a restricted key.
void marshal_sequence_complete(Writer& w, const SequenceCompleteOut& out) {
  w.tpm2b(out.digest, out.size);
  w.u16(TPM_ST_HASHCHECK);
  w.u32(TPM_RH_NULL);
  w.u16(0);
}

// ---- EventSequenceComplete ----
TPM_RC event_sequence_complete_action(Tpm& tpm, const Command& cmd, const BufferIn& in,
                                      DigestValues& out) {
  const TPM_HANDLE pcr = cmd.handles[0];
  if (pcr != TPM_RH_NULL && !pcr_extend_allowed(tpm, pcr, cmd.locality)) return TPM_RC_LOCALITY;
  SequenceObject& o = *sequence_find(tpm, cmd.handles[1]);
  if (!o.event) return rc_handle(TPM_RC_MODE, 2);
  update(o, in.data, in.size);
  out.count = kNumBanks;
  for (unsigned b = 0; b < kNumBanks; ++b) {
    out.d[b].alg = kBanks[b];
    crypto::sha_final(o.ctx[b], out.d[b].digest);
    if (pcr != TPM_RH_NULL) {
      pcr_extend(tpm, kBanks[b], pcr, out.d[b].digest);
      pcr_changed(tpm, pcr);
    }
  }
  memset(&o, 0, sizeof(o));
  return TPM_RC_SUCCESS;
}

}  // namespace

SequenceObject* sequence_find(Tpm& tpm, TPM_HANDLE h) {
  if (handle_type(h) != TPM_HT_TRANSIENT) return nullptr;
  const uint32_t slot = h & HR_HANDLE_MASK;
  if (slot >= kMaxLoadedObjects || !tpm.objects[slot].loaded) return nullptr;
  return &tpm.objects[slot];
}

unsigned objects_loaded(const Tpm& tpm) {
  unsigned n = 0;
  for (const SequenceObject& o : tpm.objects) n += o.loaded ? 1 : 0;
  return n;
}

void objects_flush_all(Tpm& tpm) { memset(tpm.objects, 0, sizeof(tpm.objects)); }

TPM_RC cmd_hash_sequence_start(Tpm& tpm, Command& cmd, Writer&) {
  return hash_sequence_start(tpm, cmd.params, cmd.response_handle);
}

TPM_RC cmd_sequence_update(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<BufferIn, Empty, unmarshal_buffer, sequence_update_action, marshal_empty>(
      tpm, cmd, w);
}

TPM_RC cmd_sequence_complete(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<SequenceCompleteIn, SequenceCompleteOut, unmarshal_sequence_complete,
                     sequence_complete_action, marshal_sequence_complete>(tpm, cmd, w);
}

TPM_RC cmd_event_sequence_complete(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<BufferIn, DigestValues, unmarshal_buffer, event_sequence_complete_action,
                     marshal>(tpm, cmd, w);
}

}  // namespace tpm

// PCR banks and the PCR command family: PCR_Extend, PCR_Event, PCR_Read,
// PCR_Reset (Part 3, chapter 22).
#include "tpm/pcr.h"

#include <string.h>

#include "crypto/sha.h"
#include "tpm/command.h"

namespace tpm {
namespace {

// TCG PC Client Platform TPM Profile, PCR attributes (the same table as the
// TCG reference implementation). Bit n of a mask = locality n.
//                         reset  extend saved  no-inc drtm
const PcrAttributes kStatic{0x00, 0x1F, true, false, false};  // PCR 0-15, S-RTM
const PcrAttributes kDynamic[8] = {
    {0x0F, 0x1F, false, false, false},  // 16 debug
    {0x10, 0x1C, false, false, true},   // 17 locality 4 (D-RTM)
    {0x10, 0x1C, false, false, true},   // 18 locality 3
    {0x10, 0x0C, false, false, true},   // 19 locality 2
    {0x14, 0x0E, false, true, true},    // 20 locality 1
    {0x14, 0x04, false, true, true},    // 21 dynamic OS
    {0x14, 0x04, false, true, true},    // 22 dynamic OS
    {0x0F, 0x1F, false, false, false},  // 23 application
};

crypto::HashAlg crypto_alg(TPM_ALG_ID alg) {
  return alg == TPM_ALG_SHA1 ? crypto::HashAlg::Sha1 : crypto::HashAlg::Sha256;
}

// Banks in the order TPML_DIGEST_VALUES and TPM_CAP_PCRS report them.
const TPM_ALG_ID kBanks[kNumBanks] = {TPM_ALG_SHA1, TPM_ALG_SHA256};

// ---- PCR_Extend ----
struct PcrExtendIn {
  DigestValues digests;
};

TPM_RC unmarshal_pcr_extend(Reader& r, PcrExtendIn& in) {
  return rc_param(unmarshal(r, in.digests), 1);
}

TPM_RC pcr_extend_action(Tpm& tpm, const Command& cmd, const PcrExtendIn& in, Empty&) {
  const TPM_HANDLE h = cmd.handles[0];
  if (h == TPM_RH_NULL) return TPM_RC_SUCCESS;
  if (!pcr_extend_allowed(tpm, h, cmd.locality)) return TPM_RC_LOCALITY;
  for (uint32_t i = 0; i < in.digests.count; ++i) {
    pcr_extend(tpm, in.digests.d[i].alg, h, in.digests.d[i].digest);
    pcr_changed(tpm, h);
  }
  return TPM_RC_SUCCESS;
}

// ---- PCR_Event ----
struct PcrEventIn {
  const uint8_t* data;
  uint16_t size;
};

TPM_RC unmarshal_pcr_event(Reader& r, PcrEventIn& in) {
  return rc_param(r.tpm2b(kMaxEventSize, in.data, in.size), 1);
}

TPM_RC pcr_event_action(Tpm& tpm, const Command& cmd, const PcrEventIn& in, DigestValues& out) {
  const TPM_HANDLE h = cmd.handles[0];
  if (h != TPM_RH_NULL && !pcr_extend_allowed(tpm, h, cmd.locality)) return TPM_RC_LOCALITY;
  out.count = kNumBanks;
  for (unsigned b = 0; b < kNumBanks; ++b) {
    out.d[b].alg = kBanks[b];
    crypto::sha(crypto_alg(kBanks[b]), in.data, in.size, out.d[b].digest);
    if (h != TPM_RH_NULL) {
      pcr_extend(tpm, kBanks[b], h, out.d[b].digest);
      pcr_changed(tpm, h);
    }
  }
  return TPM_RC_SUCCESS;
}

// ---- PCR_Read ----
struct PcrReadIn {
  PcrSelectionList sel;
};

struct PcrReadOut {
  uint32_t update_counter;
  PcrSelectionList sel;
  uint32_t count;
  const uint8_t* digest[kMaxDigestsPerRead];  // views into the PCR banks
  uint8_t size[kMaxDigestsPerRead];
};

TPM_RC unmarshal_pcr_read(Reader& r, PcrReadIn& in) {
  return rc_param(unmarshal(r, in.sel), 1);
}

TPM_RC pcr_read_action(Tpm& tpm, const Command&, const PcrReadIn& in, PcrReadOut& out) {
  out.update_counter = pcr_update_counter(tpm);
  out.sel = in.sel;
  out.count = 0;
  // Selected PCRs in order; those past the TPML_DIGEST limit are dropped from
  // the returned selection so the caller can ask for them again.
  for (uint32_t s = 0; s < out.sel.count; ++s) {
    PcrSelection& sel = out.sel.sel[s];
    const unsigned size = hash_digest_size(sel.hash);
    for (unsigned pcr = 0; pcr < kPcrCount; ++pcr) {
      const uint8_t bit = static_cast<uint8_t>(1u << (pcr & 7));
      if ((sel.select[pcr >> 3] & bit) == 0) continue;
      if (out.count < kMaxDigestsPerRead) {
        out.digest[out.count] = pcr_value(tpm, sel.hash, pcr);
        out.size[out.count] = static_cast<uint8_t>(size);
        ++out.count;
      } else {
        sel.select[pcr >> 3] = static_cast<uint8_t>(sel.select[pcr >> 3] & ~bit);
      }
    }
  }
  return TPM_RC_SUCCESS;
}

void marshal_pcr_read(Writer& w, const PcrReadOut& out) {
  w.u32(out.update_counter);
  marshal(w, out.sel);
  w.u32(out.count);
  for (uint32_t i = 0; i < out.count; ++i) w.tpm2b(out.digest[i], out.size[i]);
}

// ---- PCR_Reset ----
TPM_RC pcr_reset_action(Tpm& tpm, const Command& cmd, const Empty&, Empty&) {
  const TPM_HANDLE h = cmd.handles[0];
  // PCRs that no locality may reset fail here too (Part 3: TPM_RC_LOCALITY).
  if (!pcr_reset_allowed(tpm, h, cmd.locality)) return TPM_RC_LOCALITY;
  memset(pcr_storage(tpm, TPM_ALG_SHA1, h), 0, kSha1Size);
  memset(pcr_storage(tpm, TPM_ALG_SHA256, h), 0, kSha256Size);
  pcr_changed(tpm, h);
  return TPM_RC_SUCCESS;
}

}  // namespace

const PcrAttributes& pcr_attributes(unsigned pcr) {
  return pcr < 16 ? kStatic : kDynamic[(pcr - 16) & 7];
}

bool pcr_extend_allowed(const Tpm& tpm, unsigned pcr, uint8_t locality) {
  if (pcr < kSharedPcrs && pcrs_shared(tpm)) return false;
  return pcr < kPcrCount && locality < 5 &&
         (pcr_attributes(pcr).extend_localities & (1u << locality)) != 0;
}

bool pcr_reset_allowed(const Tpm& tpm, unsigned pcr, uint8_t locality) {
  if (pcr < kSharedPcrs && pcrs_shared(tpm)) return false;
  return pcr < kPcrCount && locality < 5 &&
         (pcr_attributes(pcr).reset_localities & (1u << locality)) != 0;
}

uint8_t* pcr_storage(Tpm& tpm, TPM_ALG_ID alg, unsigned pcr) {
  PcrBanks& b = tpm.pcrs;
  if (pcr < kSharedPcrs) return alg == TPM_ALG_SHA1 ? b.sha1_low[pcr] : b.sha256_low[pcr];
  const unsigned i = (pcr - kSharedPcrs) % kHighPcrs;
  return alg == TPM_ALG_SHA1 ? b.sha1_high[i] : b.sha256_high[i];
}

const uint8_t* pcr_value(const Tpm& tpm, TPM_ALG_ID alg, unsigned pcr) {
  const Tpm& owner = pcr < kSharedPcrs && pcrs_shared(tpm) ? *tpm.platform : tpm;
  return pcr_storage(const_cast<Tpm&>(owner), alg, pcr);
}

uint32_t pcr_update_counter(const Tpm& tpm) {
  uint32_t n = tpm.pcrs.update_counter;
  if (pcrs_shared(tpm)) n += tpm.platform->pcrs.update_counter;
  return n;
}

void pcr_init_all(Tpm& tpm) {
  for (unsigned pcr = 0; pcr < kPcrCount; ++pcr) {
    const uint8_t v = pcr_attributes(pcr).drtm ? 0xFF : 0x00;
    memset(pcr_storage(tpm, TPM_ALG_SHA1, pcr), v, kSha1Size);
    memset(pcr_storage(tpm, TPM_ALG_SHA256, pcr), v, kSha256Size);
  }
}

void pcr_extend(Tpm& tpm, TPM_ALG_ID alg, unsigned pcr, const uint8_t* digest) {
  uint8_t* value = pcr_storage(tpm, alg, pcr);
  const unsigned size = hash_digest_size(alg);
  crypto::ShaCtx ctx;
  crypto::sha_init(ctx, crypto_alg(alg));
  crypto::sha_update(ctx, value, size);
  crypto::sha_update(ctx, digest, size);
  crypto::sha_final(ctx, value);
}

void pcr_changed(Tpm& tpm, unsigned pcr) {
  if (!pcr_attributes(pcr).no_increment) ++tpm.pcrs.update_counter;
}

TPM_RC cmd_pcr_extend(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<PcrExtendIn, Empty, unmarshal_pcr_extend, pcr_extend_action, marshal_empty>(
      tpm, cmd, w);
}

TPM_RC cmd_pcr_event(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<PcrEventIn, DigestValues, unmarshal_pcr_event, pcr_event_action, marshal>(
      tpm, cmd, w);
}

TPM_RC cmd_pcr_read(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<PcrReadIn, PcrReadOut, unmarshal_pcr_read, pcr_read_action,
                     marshal_pcr_read>(tpm, cmd, w);
}

TPM_RC cmd_pcr_reset(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, Empty, unmarshal_empty, pcr_reset_action, marshal_empty>(tpm, cmd,
                                                                                     w);
}

}  // namespace tpm

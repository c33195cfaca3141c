// Policy commands (Part 3 chapter 23): PolicyRestart, PolicyGetDigest,
// PolicyPassword, PolicyAuthValue, PolicyPCR. Dispatch has checked that the
// first handle is a loaded policy (or trial) session.
#include <string.h>

#include "crypto/sha.h"
#include "tpm/command.h"
#include "tpm/pcr.h"
#include "tpm/session.h"

namespace tpm {
namespace {

crypto::HashAlg crypto_hash(TPM_ALG_ID alg) {
  return alg == TPM_ALG_SHA1 ? crypto::HashAlg::Sha1 : crypto::HashAlg::Sha256;
}

AuthSession& policy_session(Tpm& tpm, const Command& cmd) {
  return *session_find(tpm, cmd.handles[0]);
}

void hash_u32(crypto::ShaCtx& ctx, uint32_t v) {
  const uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                        static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  crypto::sha_update(ctx, b, sizeof(b));
}

// policyDigest' = H(policyDigest || cc || data)
void policy_update(AuthSession& s, TPM_CC cc, const uint8_t* data, size_t len,
                   const uint8_t* data2, size_t len2) {
  crypto::ShaCtx ctx;
  crypto::sha_init(ctx, crypto_hash(s.auth_hash));
  crypto::sha_update(ctx, s.policy_digest, s.digest_size);
  hash_u32(ctx, cc);
  if (len != 0) crypto::sha_update(ctx, data, len);
  if (len2 != 0) crypto::sha_update(ctx, data2, len2);
  crypto::sha_final(ctx, s.policy_digest);
}

// ---- PolicyRestart ----
TPM_RC policy_restart_action(Tpm& tpm, const Command& cmd, const Empty&, Empty&) {
  policy_reset(policy_session(tpm, cmd));
  return TPM_RC_SUCCESS;
}

// ---- PolicyGetDigest ----
struct DigestOut {
  const uint8_t* digest;
  uint16_t size;
};

TPM_RC policy_get_digest_action(Tpm& tpm, const Command& cmd, const Empty&, DigestOut& out) {
  const AuthSession& s = policy_session(tpm, cmd);
  out.digest = s.policy_digest;
  out.size = s.digest_size;
  return TPM_RC_SUCCESS;
}

void marshal_digest(Writer& w, const DigestOut& out) { w.tpm2b(out.digest, out.size); }

// ---- PolicyPassword / PolicyAuthValue ----
// Both extend with TPM_CC_PolicyAuthValue (Part 3): the policy is the same,
// only how the authValue is proven differs.
TPM_RC policy_password_action(Tpm& tpm, const Command& cmd, const Empty&, Empty&) {
  AuthSession& s = policy_session(tpm, cmd);
  policy_update(s, TPM_CC_PolicyAuthValue, nullptr, 0, nullptr, 0);
  s.password_needed = true;
  s.auth_value_needed = false;
  return TPM_RC_SUCCESS;
}

TPM_RC policy_auth_value_action(Tpm& tpm, const Command& cmd, const Empty&, Empty&) {
  AuthSession& s = policy_session(tpm, cmd);
  policy_update(s, TPM_CC_PolicyAuthValue, nullptr, 0, nullptr, 0);
  s.auth_value_needed = true;
  s.password_needed = false;
  return TPM_RC_SUCCESS;
}

// ---- PolicyPCR ----
struct PolicyPcrIn {
  const uint8_t* pcr_digest;
  uint16_t pcr_digest_size;
  PcrSelectionList pcrs;
};

TPM_RC unmarshal_policy_pcr(Reader& r, PolicyPcrIn& in) {
  TPM_RC rc = r.tpm2b(kMaxDigest, in.pcr_digest, in.pcr_digest_size);
  if (rc != TPM_RC_SUCCESS) return rc_param(rc, 1);
  return rc_param(unmarshal(r, in.pcrs), 2);
}

// digestTPM: the hash of the selected PCR values, banks in list order and
// PCRs in ascending order within a bank.
void pcr_digest(Tpm& tpm, TPM_ALG_ID alg, const PcrSelectionList& pcrs, uint8_t* out) {
  crypto::ShaCtx ctx;
  crypto::sha_init(ctx, crypto_hash(alg));
  for (uint32_t b = 0; b < pcrs.count; ++b) {
    const PcrSelection& sel = pcrs.sel[b];
    for (unsigned pcr = 0; pcr < kPcrCount; ++pcr) {
      if ((sel.select[pcr >> 3] & (1u << (pcr & 7))) == 0) continue;
      crypto::sha_update(ctx, pcr_value(tpm, sel.hash, pcr), hash_digest_size(sel.hash));
    }
  }
  crypto::sha_final(ctx, out);
}

TPM_RC policy_pcr_action(Tpm& tpm, const Command& cmd, const PolicyPcrIn& in, Empty&) {
  AuthSession& s = policy_session(tpm, cmd);
  uint8_t digest[kMaxDigest];
  size_t digest_size = s.digest_size;
  if (s.type == TPM_SE_TRIAL) {
    // A trial session takes the caller's digest as it is, or the current PCRs.
    if (in.pcr_digest_size != 0) {
      memcpy(digest, in.pcr_digest, in.pcr_digest_size);
      digest_size = in.pcr_digest_size;
    } else {
      pcr_digest(tpm, s.auth_hash, in.pcrs, digest);
    }
  } else {
    // An earlier PolicyPCR of this session must still hold.
    if (s.pcr_checked && s.pcr_counter != pcr_update_counter(tpm)) return TPM_RC_PCR_CHANGED;
    pcr_digest(tpm, s.auth_hash, in.pcrs, digest);
    if (in.pcr_digest_size != 0 &&
        (in.pcr_digest_size != digest_size || memcmp(in.pcr_digest, digest, digest_size) != 0)) {
      return rc_param(TPM_RC_VALUE, 1);
    }
  }
  // policyDigest' = H(policyDigest || TPM_CC_PolicyPCR || pcrs || digestTPM)
  uint8_t pcrs[4 + kNumBanks * (2 + 1 + kPcrSelectSize)];
  Writer w(pcrs, sizeof(pcrs));
  marshal(w, in.pcrs);
  policy_update(s, TPM_CC_PolicyPCR, pcrs, w.size(), digest, digest_size);
  if (s.type != TPM_SE_TRIAL) {
    s.pcr_checked = true;
    s.pcr_counter = pcr_update_counter(tpm);
  }
  return TPM_RC_SUCCESS;
}

}  // namespace

TPM_RC cmd_policy_restart(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, Empty, unmarshal_empty, policy_restart_action, marshal_empty>(tpm, cmd,
                                                                                          w);
}

TPM_RC cmd_policy_get_digest(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, DigestOut, unmarshal_empty, policy_get_digest_action, marshal_digest>(
      tpm, cmd, w);
}

TPM_RC cmd_policy_password(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, Empty, unmarshal_empty, policy_password_action, marshal_empty>(
      tpm, cmd, w);
}

TPM_RC cmd_policy_auth_value(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, Empty, unmarshal_empty, policy_auth_value_action, marshal_empty>(
      tpm, cmd, w);
}

TPM_RC cmd_policy_pcr(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<PolicyPcrIn, Empty, unmarshal_policy_pcr, policy_pcr_action, marshal_empty>(
      tpm, cmd, w);
}

}  // namespace tpm

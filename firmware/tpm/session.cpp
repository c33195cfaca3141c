// Authorization sessions: TPM2_StartAuthSession, TPM2_FlushContext (Part 3
// chapters 11 and 28; it flushes sessions and sequence objects) and the session part of command and response
// processing (Part 1 chapter 19), following the reference implementation's
// order of checks. Not yet: salted sessions (no asymmetric keys), parameter
// encryption, audit sessions, dictionary-attack counters, ContextSave.
#include "tpm/session.h"
#include "tpm/pcr.h"

#include <string.h>

#include "crypto/hmac.h"
#include "crypto/kdf.h"
#include "crypto/sha.h"
#include "tpm/command.h"

namespace tpm {
namespace {

crypto::HashAlg crypto_hash(TPM_ALG_ID alg) {
  return alg == TPM_ALG_SHA1 ? crypto::HashAlg::Sha1 : crypto::HashAlg::Sha256;
}

unsigned hash_index(TPM_ALG_ID alg) { return alg == TPM_ALG_SHA1 ? 0 : 1; }

void put_u32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

void hash_u32(crypto::ShaCtx& ctx, uint32_t v) {
  uint8_t b[4];
  put_u32(b, v);
  crypto::sha_update(ctx, b, sizeof(b));
}

// Comparison time must not tell how many leading bytes of an HMAC were right.
bool equal_ct(const uint8_t* a, const uint8_t* b, size_t n) {
  uint8_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

// Part 1: trailing zeros of a password or authValue are not significant.
uint16_t strip_zeros(const uint8_t* p, uint16_t n) {
  while (n != 0 && p[n - 1] == 0) --n;
  return n;
}

bool password_matches(Tpm& tpm, TPM_HANDLE entity, const uint8_t* pw, uint16_t len) {
  uint8_t auth[kMaxDigest];
  const unsigned auth_len = entity_auth_value(tpm, entity, auth);
  len = strip_zeros(pw, len);
  return len == auth_len && equal_ct(pw, auth, len);
}

// Dictionary-attack exemption (Part 1, dictionary attack protection): PCRs,
// every permanent handle except lockout, and sequence objects (noDA). No
// failure counter is kept yet: this only selects TPM_RC_AUTH_FAIL / BAD_AUTH.
bool da_exempt(TPM_HANDLE h) {
  const uint8_t type = handle_type(h);
  return type == TPM_HT_PCR || type == TPM_HT_TRANSIENT ||
         (type == TPM_HT_PERMANENT && h != TPM_RH_LOCKOUT);
}

// A failed HMAC/password: TPM_RC_AUTH_FAIL when it would count against the
// lockout (the entity is DA-protected and its authValue was used, or the
// session is bound to a DA-protected entity), else TPM_RC_BAD_AUTH.
TPM_RC auth_failure(const SessionUse& u) {
  bool counts;
  if (u.session == nullptr) {
    counts = !da_exempt(u.entity);
  } else {
    const TPM_HANDLE bind = u.session->bind_handle;
    counts = (u.include_auth && !da_exempt(u.entity)) ||
             (bind != TPM_RH_NULL && !da_exempt(bind));
  }
  return counts ? TPM_RC_AUTH_FAIL : TPM_RC_BAD_AUTH;
}

// cpHash and rpHash, each computed at most once per hash algorithm.
struct DigestCache {
  bool have[kNumBanks];
  uint8_t d[kNumBanks][kMaxDigest];
};

// cpHash = H(commandCode || Name(handle 1) || ... || parameters). The Name
// of a PCR, a permanent handle or a session is the handle itself; that of a
// sequence object (the only transient objects so far) is empty.
const uint8_t* cp_hash(DigestCache& c, const CommandImage& cmd, TPM_ALG_ID alg) {
  const unsigned i = hash_index(alg);
  if (!c.have[i]) {
    crypto::ShaCtx ctx;
    crypto::sha_init(ctx, crypto_hash(alg));
    hash_u32(ctx, cmd.cc);
    for (unsigned h = 0; h < cmd.num_handles; ++h) {
      if (handle_type(cmd.handles[h]) != TPM_HT_TRANSIENT) hash_u32(ctx, cmd.handles[h]);
    }
    if (cmd.params_len != 0) crypto::sha_update(ctx, cmd.params, cmd.params_len);
    crypto::sha_final(ctx, c.d[i]);
    c.have[i] = true;
  }
  return c.d[i];
}

// rpHash = H(responseCode (always 0 here) || commandCode || parameters).
const uint8_t* rp_hash(DigestCache& c, TPM_CC cc, const uint8_t* params, size_t len,
                       TPM_ALG_ID alg) {
  const unsigned i = hash_index(alg);
  if (!c.have[i]) {
    crypto::ShaCtx ctx;
    crypto::sha_init(ctx, crypto_hash(alg));
    hash_u32(ctx, TPM_RC_SUCCESS);
    hash_u32(ctx, cc);
    if (len != 0) crypto::sha_update(ctx, params, len);
    crypto::sha_final(ctx, c.d[i]);
    c.have[i] = true;
  }
  return c.d[i];
}

// HMAC key = sessionKey || authValue (the latter only if include_auth).
size_t hmac_key(Tpm& tpm, const SessionUse& u, uint8_t* key) {
  const AuthSession& s = *u.session;
  size_t n = 0;
  if (s.key_set) {
    memcpy(key, s.session_key, s.digest_size);
    n = s.digest_size;
  }
  if (u.include_auth) n += entity_auth_value(tpm, u.entity, key + n);
  return n;
}

// HMAC(key, pHash || nonceNewer || nonceOlder || sessionAttributes): the
// command's (nonceCaller, nonceTPM) and the response's (nonceTPM, nonceCaller).
void session_hmac(const SessionUse& u, const uint8_t* key, size_t key_len, const uint8_t* p_hash,
                  const uint8_t* nonce1, size_t len1, const uint8_t* nonce2, size_t len2,
                  uint8_t* out) {
  const AuthSession& s = *u.session;
  crypto::HmacCtx ctx;
  crypto::hmac_init(ctx, crypto_hash(s.auth_hash), key, key_len);
  crypto::hmac_update(ctx, p_hash, s.digest_size);
  crypto::hmac_update(ctx, nonce1, len1);
  crypto::hmac_update(ctx, nonce2, len2);
  crypto::hmac_update(ctx, &u.attributes, 1);
  crypto::hmac_final(ctx, out);
}

bool command_hmac_ok(Tpm& tpm, const SessionUse& u, const uint8_t* cp) {
  const AuthSession& s = *u.session;
  uint8_t key[2 * kMaxDigest];
  const size_t key_len = hmac_key(tpm, u, key);
  bool ok;
  if (key_len == 0 && u.hmac_len == 0) {
    ok = true;  // Part 1: with an empty key the HMAC may be empty
  } else if (u.hmac_len != s.digest_size) {
    ok = false;
  } else {
    uint8_t want[kMaxDigest];
    session_hmac(u, key, key_len, cp, u.nonce_caller, u.nonce_len, s.nonce_tpm, s.digest_size,
                 want);
    ok = equal_ct(want, u.hmac, s.digest_size);
  }
  memset(key, 0, sizeof(key));
  return ok;
}

// One HMAC or policy session authorizing u.entity.
TPM_RC check_session(Tpm& tpm, SessionUse& u, const uint8_t* cp) {
  const AuthSession& s = *u.session;
  if (s.type == TPM_SE_POLICY) {
    u.include_auth = s.auth_value_needed || s.password_needed;
    TPM_ALG_ID policy_alg = TPM_ALG_NULL;
    uint8_t policy[kMaxDigest];
    const unsigned policy_len = entity_auth_policy(u.entity, policy_alg, policy);
    if (policy_len == 0) return TPM_RC_AUTH_UNAVAILABLE;
    if (s.pcr_checked && s.pcr_counter != pcr_update_counter(tpm)) return TPM_RC_PCR_CHANGED;
    if (policy_alg != s.auth_hash || policy_len != s.digest_size ||
        !equal_ct(policy, s.policy_digest, policy_len)) {
      return TPM_RC_POLICY_FAIL;
    }
    if (s.password_needed) {
      return password_matches(tpm, u.entity, u.hmac, u.hmac_len) ? TPM_RC_SUCCESS
                                                                : auth_failure(u);
    }
  } else {
    // A session bound to this very entity has its authValue in the sessionKey.
    u.include_auth = !(s.bound && s.bind_handle == u.entity);
  }
  return command_hmac_ok(tpm, u, cp) ? TPM_RC_SUCCESS : auth_failure(u);
}

// ---- TPM2_StartAuthSession ----
struct StartAuthSessionIn {
  const uint8_t* nonce_caller;
  uint16_t nonce_len;
  uint16_t salt_len;
  uint8_t type;
  TPM_ALG_ID auth_hash;
};

TPM_RC unmarshal_start_auth_session(Reader& r, StartAuthSessionIn& in) {
  TPM_RC rc = r.tpm2b(kMaxDigest, in.nonce_caller, in.nonce_len);
  if (rc != TPM_RC_SUCCESS) return rc_param(rc, 1);
  const uint8_t* salt = nullptr;
  rc = r.tpm2b(kMaxEncryptedSecret, salt, in.salt_len);
  if (rc != TPM_RC_SUCCESS) return rc_param(rc, 2);
  rc = r.u8(in.type);
  if (rc == TPM_RC_SUCCESS && in.type != TPM_SE_HMAC && in.type != TPM_SE_POLICY &&
      in.type != TPM_SE_TRIAL) {
    rc = TPM_RC_VALUE;
  }
  if (rc != TPM_RC_SUCCESS) return rc_param(rc, 3);
  // TPMT_SYM_DEF+: no symmetric algorithm (XOR, AES) is implemented for
  // parameter encryption, so only TPM_ALG_NULL unmarshals (TPMI_ALG_SYM).
  TPM_ALG_ID sym = 0;
  rc = r.u16(sym);
  if (rc == TPM_RC_SUCCESS && sym != TPM_ALG_NULL) rc = TPM_RC_SYMMETRIC;
  if (rc != TPM_RC_SUCCESS) return rc_param(rc, 4);
  return rc_param(unmarshal_hash_alg(r, in.auth_hash), 5);
}

TPM_RC start_auth_session(Tpm& tpm, const Command& cmd, const StartAuthSessionIn& in,
                          TPM_HANDLE& handle, AuthSession*& created) {
  const unsigned ds = hash_digest_size(in.auth_hash);
  if (in.nonce_len < 16 || in.nonce_len > ds) return rc_param(TPM_RC_SIZE, 1);
  // tpmKey is TPM_RH_NULL (no object can be loaded yet): no salt.
  if (in.salt_len != 0) return rc_param(TPM_RC_VALUE, 2);
  unsigned slot = 0;
  while (slot < kMaxLoadedSessions && tpm.sessions[slot].loaded) ++slot;
  if (slot == kMaxLoadedSessions) return TPM_RC_SESSION_MEMORY;

  AuthSession s;
  memset(&s, 0, sizeof(s));
  s.type = in.type;
  s.auth_hash = in.auth_hash;
  s.digest_size = static_cast<uint8_t>(ds);
  // nonceTPM as large as the session's digest (the reference code uses the
  // size of nonceCaller; both are allowed).
  if (!random_fill(tpm, s.nonce_tpm, ds)) return TPM_RC_FAILURE;
  const TPM_HANDLE bind = cmd.handles[1];
  s.bind_handle = bind;
  if (bind != TPM_RH_NULL) {
    // sessionKey = KDFa(authHash, bind authValue || salt, "ATH", nonceTPM,
    // nonceCaller, digest bits). Only an HMAC session is bound; a policy
    // session keeps the key but adds the authValue itself when it needs it.
    uint8_t auth[kMaxDigest];
    const unsigned auth_len = entity_auth_value(tpm, bind, auth);
    crypto::kdfa(crypto_hash(in.auth_hash), auth, auth_len, "ATH", s.nonce_tpm, ds,
                 in.nonce_caller, in.nonce_len, ds * 8, s.session_key);
    memset(auth, 0, sizeof(auth));
    s.key_set = true;
    s.bound = in.type == TPM_SE_HMAC;
  }
  s.loaded = true;
  tpm.sessions[slot] = s;
  handle = session_handle(tpm, slot);
  created = &tpm.sessions[slot];
  return TPM_RC_SUCCESS;
}

// ---- TPM2_FlushContext ----
TPM_RC flush_context_action(Tpm& tpm, TPM_HANDLE h) {
  const uint8_t type = handle_type(h);
  if (type == TPM_HT_HMAC_SESSION || type == TPM_HT_POLICY_SESSION) {
    AuthSession* s = session_find(tpm, h);
    if (s == nullptr) return rc_param(TPM_RC_HANDLE, 1);
    memset(s, 0, sizeof(*s));
    return TPM_RC_SUCCESS;
  }
  if (type == TPM_HT_TRANSIENT) {
    SequenceObject* o = sequence_find(tpm, h);
    if (o == nullptr) return rc_param(TPM_RC_HANDLE, 1);
    memset(o, 0, sizeof(*o));
    return TPM_RC_SUCCESS;
  }
  return rc_param(TPM_RC_VALUE, 1);
}

}  // namespace

AuthSession* session_find(Tpm& tpm, TPM_HANDLE h) {
  const uint32_t slot = h & HR_HANDLE_MASK;
  if (slot >= kMaxLoadedSessions) return nullptr;
  AuthSession& s = tpm.sessions[slot];
  if (!s.loaded) return nullptr;
  const uint8_t want = s.type == TPM_SE_HMAC ? TPM_HT_HMAC_SESSION : TPM_HT_POLICY_SESSION;
  return handle_type(h) == want ? &s : nullptr;
}

TPM_HANDLE session_handle(const Tpm& tpm, unsigned slot) {
  const uint8_t type =
      tpm.sessions[slot].type == TPM_SE_HMAC ? TPM_HT_HMAC_SESSION : TPM_HT_POLICY_SESSION;
  return (static_cast<TPM_HANDLE>(type) << HR_SHIFT) | slot;
}

unsigned sessions_loaded(const Tpm& tpm) {
  unsigned n = 0;
  for (const AuthSession& s : tpm.sessions) n += s.loaded ? 1 : 0;
  return n;
}

void sessions_flush_all(Tpm& tpm) { memset(tpm.sessions, 0, sizeof(tpm.sessions)); }

void policy_reset(AuthSession& s) {
  memset(s.policy_digest, 0, sizeof(s.policy_digest));
  s.password_needed = false;
  s.auth_value_needed = false;
  s.pcr_checked = false;
  s.pcr_counter = 0;
}

unsigned entity_auth_value(Tpm& tpm, TPM_HANDLE h, uint8_t* out) {
  const SequenceObject* o = sequence_find(tpm, h);
  if (o == nullptr) return 0;
  memcpy(out, o->auth, o->auth_len);
  return o->auth_len;
}

unsigned entity_auth_policy(TPM_HANDLE, TPM_ALG_ID& alg, uint8_t*) {
  alg = TPM_ALG_NULL;
  return 0;
}

TPM_RC parse_sessions(Reader& r, SessionUse* uses, unsigned& count) {
  uint32_t auth_size = 0;
  if (r.u32(auth_size) != TPM_RC_SUCCESS) return TPM_RC_AUTHSIZE;
  // A session is at least handle(4) + nonce size(2) + attributes(1) + hmac size(2).
  if (auth_size < 9 || auth_size > r.remaining()) return TPM_RC_AUTHSIZE;
  Reader area;
  r.sub(auth_size, area);
  count = 0;
  while (area.remaining() != 0) {
    if (count == kMaxSessions) return TPM_RC_AUTHSIZE;
    SessionUse& s = uses[count];
    TPM_RC rc = area.u32(s.handle);
    if (rc == TPM_RC_SUCCESS) rc = area.tpm2b(kMaxDigest, s.nonce_caller, s.nonce_len);
    if (rc == TPM_RC_SUCCESS) rc = area.u8(s.attributes);
    if (rc == TPM_RC_SUCCESS && (s.attributes & ATTR_SESSION_RESERVED) != 0) {
      rc = TPM_RC_RESERVED_BITS;
    }
    if (rc == TPM_RC_SUCCESS) rc = area.tpm2b(kMaxDigest, s.hmac, s.hmac_len);
    if (rc != TPM_RC_SUCCESS) return rc_session(rc, count + 1);
    ++count;
  }
  return TPM_RC_SUCCESS;
}

TPM_RC authorize_sessions(Tpm& tpm, const CommandImage& cmd, unsigned num_auth, SessionUse* uses,
                          unsigned count) {
  // What each session is, and whether its attributes can be honoured.
  for (unsigned i = 0; i < count; ++i) {
    SessionUse& u = uses[i];
    const unsigned n = i + 1;
    u.entity = i < num_auth ? cmd.handles[i] : kNoEntity;
    u.session = nullptr;
    u.include_auth = false;
    if (u.handle == TPM_RS_PW) {
      // A password session only authorizes a handle: no audit, no encryption.
      if ((u.attributes & ~ATTR_SESSION_CONTINUESESSION) != 0) {
        return rc_session(TPM_RC_ATTRIBUTES, n);
      }
      if (u.nonce_len != 0) return rc_session(TPM_RC_NONCE, n);
      continue;
    }
    const uint8_t type = handle_type(u.handle);
    if (type != TPM_HT_HMAC_SESSION && type != TPM_HT_POLICY_SESSION) {
      return rc_session(TPM_RC_HANDLE, n);
    }
    u.session = session_find(tpm, u.handle);
    if (u.session == nullptr) return TPM_RC_REFERENCE_S0 + i;
    for (unsigned j = 0; j < i; ++j) {
      if (uses[j].handle == u.handle) return rc_session(TPM_RC_HANDLE, n);
    }
    // Every session has symmetric = TPM_ALG_NULL: nothing to en/decrypt with.
    if ((u.attributes & (ATTR_SESSION_DECRYPT | ATTR_SESSION_ENCRYPT)) != 0) {
      return rc_session(TPM_RC_SYMMETRIC, n);
    }
    // Audit sessions are not implemented yet.
    if ((u.attributes & (ATTR_SESSION_AUDIT | ATTR_SESSION_AUDITEXCLUSIVE |
                         ATTR_SESSION_AUDITRESET)) != 0) {
      return rc_session(TPM_RC_ATTRIBUTES, n);
    }
  }
  if (count < num_auth) return TPM_RC_AUTH_MISSING;

  // The authorizations themselves.
  DigestCache cp;
  cp.have[0] = cp.have[1] = false;
  for (unsigned i = 0; i < count; ++i) {
    SessionUse& u = uses[i];
    const unsigned n = i + 1;
    if (u.session == nullptr) {
      if (u.entity == kNoEntity) return rc_session(TPM_RC_HANDLE, n);
      if (!password_matches(tpm, u.entity, u.hmac, u.hmac_len)) {
        return rc_session(auth_failure(u), n);
      }
      continue;
    }
    // A trial session only computes a digest; a session without a handle to
    // authorize would have to be for audit or encryption.
    if (u.session->type == TPM_SE_TRIAL || u.entity == kNoEntity) {
      return rc_session(TPM_RC_ATTRIBUTES, n);
    }
    const TPM_RC rc = check_session(tpm, u, cp_hash(cp, cmd, u.session->auth_hash));
    if (rc != TPM_RC_SUCCESS) return rc_session(rc, n);
  }

  // Response nonces now, so that a failing noise source stops the command
  // before it changes anything.
  for (unsigned i = 0; i < count; ++i) {
    if (uses[i].session == nullptr) continue;
    if (!random_fill(tpm, uses[i].next_nonce, uses[i].session->digest_size)) {
      return TPM_RC_FAILURE;
    }
  }
  return TPM_RC_SUCCESS;
}

void respond_sessions(Tpm& tpm, TPM_CC cc, const uint8_t* params, size_t len, SessionUse* uses,
                      unsigned count, Writer& w) {
  DigestCache rp;
  rp.have[0] = rp.have[1] = false;
  for (unsigned i = 0; i < count; ++i) {
    SessionUse& u = uses[i];
    if (u.session == nullptr) {
      w.u16(0);  // nonceTPM: empty for a password session
      w.u8(u.attributes & ATTR_SESSION_CONTINUESESSION);
      w.u16(0);  // hmac: empty
      continue;
    }
    AuthSession& s = *u.session;
    memcpy(s.nonce_tpm, u.next_nonce, s.digest_size);
    w.tpm2b(s.nonce_tpm, s.digest_size);
    w.u8(u.attributes);
    uint8_t key[2 * kMaxDigest];
    const size_t key_len = hmac_key(tpm, u, key);
    // No HMAC: a PolicyPassword session (the caller has no key to check it
    // with), or an empty key and an empty command HMAC.
    if ((s.type == TPM_SE_POLICY && s.password_needed) || (key_len == 0 && u.hmac_len == 0)) {
      w.u16(0);
    } else {
      uint8_t mac[kMaxDigest];
      session_hmac(u, key, key_len, rp_hash(rp, cc, params, len, s.auth_hash), s.nonce_tpm,
                   s.digest_size, u.nonce_caller, u.nonce_len, mac);
      w.tpm2b(mac, s.digest_size);
    }
    memset(key, 0, sizeof(key));
  }
  for (unsigned i = 0; i < count; ++i) {
    AuthSession* s = uses[i].session;
    if (s == nullptr) continue;
    if ((uses[i].attributes & ATTR_SESSION_CONTINUESESSION) == 0) {
      memset(s, 0, sizeof(*s));
    } else if (s->type == TPM_SE_POLICY) {
      policy_reset(*s);
    }
  }
}

TPM_RC cmd_start_auth_session(Tpm& tpm, Command& cmd, Writer& w) {
  StartAuthSessionIn in;
  TPM_RC rc = unmarshal_start_auth_session(cmd.params, in);
  if (rc != TPM_RC_SUCCESS) return rc;
  if (cmd.params.remaining() != 0) return TPM_RC_SIZE;
  AuthSession* s = nullptr;
  rc = start_auth_session(tpm, cmd, in, cmd.response_handle, s);
  if (rc != TPM_RC_SUCCESS) return rc;
  w.tpm2b(s->nonce_tpm, s->digest_size);
  return TPM_RC_SUCCESS;
}

TPM_RC cmd_flush_context(Tpm& tpm, Command& cmd, Writer&) {
  uint32_t h = 0;
  TPM_RC rc = rc_param(cmd.params.u32(h), 1);
  if (rc != TPM_RC_SUCCESS) return rc;
  if (cmd.params.remaining() != 0) return TPM_RC_SIZE;
  return flush_context_action(tpm, h);
}

}  // namespace tpm

// Authorization sessions of one context (Part 1 chapter 19): the loaded
// session slots in Tpm::sessions, HMAC and policy authorization of command
// handles, and the response's authorization area. Password authorization
// (TPM_RS_PW) goes through here too, so dispatch sees one interface.
#ifndef MCTPM_TPM_SESSION_H
#define MCTPM_TPM_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "tpm/marshal.h"
#include "tpm/tpm.h"

namespace tpm {

// The loaded session a handle names (HMAC handle: HMAC session; policy
// handle: policy or trial session), or nullptr.
AuthSession* session_find(Tpm& tpm, TPM_HANDLE h);
TPM_HANDLE session_handle(const Tpm& tpm, unsigned slot);
unsigned sessions_loaded(const Tpm& tpm);
void sessions_flush_all(Tpm& tpm);
// A policy session back to its start state: PolicyRestart, and after each
// use of the session for an authorization (Part 1 19.7.1).
void policy_reset(AuthSession& s);

// An entity's authValue (trailing zeros removed) and authPolicy. PCRs, the
// hierarchies and TPM_RH_NULL have an empty authValue; sequence objects the
// one given at their start. None has an authPolicy yet.
unsigned entity_auth_value(Tpm& tpm, TPM_HANDLE h, uint8_t* out);
unsigned entity_auth_policy(TPM_HANDLE h, TPM_ALG_ID& alg, uint8_t* out);

// One entry of a command's authorization area, as parsed, then resolved.
struct SessionUse {
  TPM_HANDLE handle;
  uint8_t attributes;
  const uint8_t* nonce_caller;  // views into the command
  uint16_t nonce_len;
  const uint8_t* hmac;          // HMAC, or the password of TPM_RS_PW
  uint16_t hmac_len;
  // Filled in by authorize_sessions:
  TPM_HANDLE entity;            // the handle it authorizes, or kNoEntity
  AuthSession* session;         // nullptr for TPM_RS_PW
  bool include_auth;            // the entity's authValue is in the HMAC key
  uint8_t next_nonce[kMaxDigest];  // nonceTPM of the response
};
constexpr TPM_HANDLE kNoEntity = 0x40000000;  // TPM_RH_UNASSIGNED of the reference code

// The command as cpHash sees it.
struct CommandImage {
  TPM_CC cc;
  const TPM_HANDLE* handles;
  unsigned num_handles;
  const uint8_t* params;  // everything after the authorization area
  size_t params_len;
};

// The authorization area's structure: authorizationSize, then 1..3 sessions.
TPM_RC parse_sessions(Reader& r, SessionUse* uses, unsigned& count);
// Resolves the sessions, checks every authorization (errors carry the
// session number) and draws the response nonces. Changes nothing in tpm.
TPM_RC authorize_sessions(Tpm& tpm, const CommandImage& cmd, unsigned num_auth, SessionUse* uses,
                          unsigned count);
// Most bytes respond_sessions can write.
constexpr size_t kMaxResponseAuthArea = kMaxSessions * (2 + kMaxDigest + 1 + 2 + kMaxDigest);
// After the command succeeded: writes the response authorization area for
// the response parameters params[0..len), then advances nonces, flushes
// sessions without continueSession and resets used policy sessions.
void respond_sessions(Tpm& tpm, TPM_CC cc, const uint8_t* params, size_t len, SessionUse* uses,
                      unsigned count, Writer& w);

}  // namespace tpm

#endif

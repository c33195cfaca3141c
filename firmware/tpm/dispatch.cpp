// Command header, handles, authorization area and response framing: the part
// every command shares. Handlers only see unmarshalled parameters.
#include <string.h>

#include "hal/clock.h"
#include "tpm/command.h"
#include "tpm/nv_state.h"
#include "tpm/pcr.h"
#include "tpm/tpm.h"

namespace tpm {
namespace {

constexpr size_t kHeaderSize = 10;

// Sorted by command code.
const CommandEntry kCommands[] = {
    // cc                          handler                    h  auth kinds                      flags
    {TPM_CC_PCR_Event,             cmd_pcr_event,             1, 1, {HandleKind::PcrOrNull}, 0},
    {TPM_CC_PCR_Reset,             cmd_pcr_reset,             1, 1, {HandleKind::Pcr},       0},
    {TPM_CC_IncrementalSelfTest,   cmd_incremental_self_test, 0, 0, {HandleKind::None},      0},
    {TPM_CC_SelfTest,              cmd_self_test,             0, 0, {HandleKind::None},      0},
    {TPM_CC_Startup,               cmd_startup,               0, 0, {HandleKind::None},      kNoSessions | kNv},
    {TPM_CC_Shutdown,              cmd_shutdown,              0, 0, {HandleKind::None},      kNv},
    {TPM_CC_StirRandom,            cmd_stir_random,           0, 0, {HandleKind::None},      0},
    {TPM_CC_GetCapability,         cmd_get_capability,        0, 0, {HandleKind::None},      0},
    {TPM_CC_GetRandom,             cmd_get_random,            0, 0, {HandleKind::None},      0},
    {TPM_CC_GetTestResult,         cmd_get_test_result,       0, 0, {HandleKind::None},      0},
    {TPM_CC_PCR_Read,              cmd_pcr_read,              0, 0, {HandleKind::None},      0},
    {TPM_CC_ReadClock,             cmd_read_clock,            0, 0, {HandleKind::None},      kNoSessions},
    {TPM_CC_PCR_Extend,            cmd_pcr_extend,            1, 1, {HandleKind::PcrOrNull}, 0},
};
constexpr size_t kNumCommands = sizeof(kCommands) / sizeof(kCommands[0]);

const CommandEntry* find_command(TPM_CC cc) {
  for (size_t i = 0; i < kNumCommands; ++i) {
    if (kCommands[i].cc == cc) return &kCommands[i];
  }
  return nullptr;
}

TPM_RC check_handle(HandleKind kind, TPM_HANDLE h) {
  switch (kind) {
    case HandleKind::PcrOrNull:
      if (h == TPM_RH_NULL) return TPM_RC_SUCCESS;
      // fall through
    case HandleKind::Pcr:
      // TPMI_DH_PCR: anything outside the implemented PCRs is a bad value.
      return h < kPcrCount ? TPM_RC_SUCCESS : TPM_RC_VALUE;
    case HandleKind::None:
      break;
  }
  return TPM_RC_HANDLE;
}

struct Session {
  TPM_HANDLE handle;
  uint8_t attributes;
  uint16_t nonce_len;
  const uint8_t* hmac;
  uint16_t hmac_len;
};

// An entity's authValue is empty for everything this engine implements (PCRs,
// TPM_RH_NULL). Trailing zeros of a password are not significant (Part 1).
bool password_matches_empty(const uint8_t* pw, uint16_t len) {
  while (len != 0 && pw[len - 1] == 0) --len;
  return len == 0;
}

// The authorization area's structure: authorizationSize, then 1..3 sessions.
TPM_RC parse_sessions(Reader& r, Session* sessions, unsigned& count) {
  uint32_t auth_size = 0;
  if (r.u32(auth_size) != TPM_RC_SUCCESS) return TPM_RC_AUTHSIZE;
  // A session is at least handle(4) + nonce size(2) + attributes(1) + hmac size(2).
  if (auth_size < 9 || auth_size > r.remaining()) return TPM_RC_AUTHSIZE;
  Reader area;
  r.sub(auth_size, area);
  count = 0;
  while (area.remaining() != 0) {
    if (count == kMaxSessions) return TPM_RC_AUTHSIZE;
    Session& s = sessions[count];
    const uint8_t* nonce = nullptr;
    TPM_RC rc = area.u32(s.handle);
    if (rc == TPM_RC_SUCCESS) rc = area.tpm2b(kMaxDigest, nonce, s.nonce_len);
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

// Only password sessions exist so far; each authorizes one handle.
TPM_RC check_sessions(const CommandEntry& e, const Session* sessions, unsigned count) {
  for (unsigned i = 0; i < count; ++i) {
    const Session& s = sessions[i];
    const unsigned n = i + 1;
    const uint8_t type = handle_type(s.handle);
    if (s.handle == TPM_RS_PW) {
      // A password session only authorizes a handle: no audit, no encryption.
      if (i >= e.num_auth) return rc_session(TPM_RC_HANDLE, n);
      if ((s.attributes & ~ATTR_SESSION_CONTINUESESSION) != 0) {
        return rc_session(TPM_RC_ATTRIBUTES, n);
      }
      if (s.nonce_len != 0) return rc_session(TPM_RC_NONCE, n);
      if (!password_matches_empty(s.hmac, s.hmac_len)) return rc_session(TPM_RC_BAD_AUTH, n);
    } else if (type == TPM_HT_HMAC_SESSION || type == TPM_HT_POLICY_SESSION) {
      // No HMAC or policy sessions are implemented yet, so none is loaded.
      return TPM_RC_REFERENCE_S0 + i;
    } else {
      return rc_session(TPM_RC_HANDLE, n);
    }
  }
  if (count < e.num_auth) return TPM_RC_AUTH_MISSING;
  return TPM_RC_SUCCESS;
}

// Everything between the header and the response parameters. On success the
// response handles, parameters and auth area are in w; rsp_tag says its tag.
TPM_RC process(Tpm& tpm, const CommandIn& in, Writer& w, TPM_ST& rsp_tag) {
  if (in.overflow || in.data == nullptr || in.len < kHeaderSize) return TPM_RC_COMMAND_SIZE;
  Reader r(in.data, in.len);
  TPM_ST tag = 0;
  uint32_t size = 0;
  TPM_CC cc = 0;
  r.u16(tag);
  r.u32(size);
  r.u32(cc);
  if (tag != TPM_ST_NO_SESSIONS && tag != TPM_ST_SESSIONS) return TPM_RC_BAD_TAG;
  if (size != in.len) return TPM_RC_COMMAND_SIZE;
  const CommandEntry* e = find_command(cc);
  if (e == nullptr) return TPM_RC_COMMAND_CODE;
  if (!tpm.started && cc != TPM_CC_Startup) return TPM_RC_INITIALIZE;

  Command cmd;
  cmd.locality = in.locality;
  for (unsigned i = 0; i < e->num_handles; ++i) {
    TPM_RC rc = r.u32(cmd.handles[i]);
    if (rc == TPM_RC_SUCCESS) rc = check_handle(e->handle_kind[i], cmd.handles[i]);
    if (rc != TPM_RC_SUCCESS) return rc_handle(rc, i + 1);
  }

  Session sessions[kMaxSessions];
  unsigned num_sessions = 0;
  if (tag == TPM_ST_SESSIONS) {
    if ((e->flags & kNoSessions) != 0) return TPM_RC_AUTH_CONTEXT;
    TPM_RC rc = parse_sessions(r, sessions, num_sessions);
    if (rc == TPM_RC_SUCCESS) rc = check_sessions(*e, sessions, num_sessions);
    if (rc != TPM_RC_SUCCESS) return rc;
  } else if (e->num_auth != 0) {
    return TPM_RC_AUTH_MISSING;
  }
  cmd.params = r;

  // No implemented command returns a handle, so parameterSize comes first.
  const size_t param_size_at = w.size();
  if (tag == TPM_ST_SESSIONS) w.u32(0);
  TPM_RC rc = e->handler(tpm, cmd, w);
  if (rc != TPM_RC_SUCCESS) return rc;
  if (tag == TPM_ST_SESSIONS) {
    w.patch_u32(param_size_at, static_cast<uint32_t>(w.size() - param_size_at - 4));
    for (unsigned i = 0; i < num_sessions; ++i) {
      w.u16(0);  // nonceTPM: empty for a password session
      w.u8(sessions[i].attributes & ATTR_SESSION_CONTINUESESSION);
      w.u16(0);  // hmac: empty
    }
  }
  rsp_tag = tag;
  return TPM_RC_SUCCESS;
}

}  // namespace

const CommandEntry* command_table(size_t& count) {
  count = kNumCommands;
  return kCommands;
}

uint32_t command_attributes(const CommandEntry& e) {
  uint32_t a = e.cc & 0xFFFFu;
  a |= static_cast<uint32_t>(e.num_handles) << ATTR_CC_CHANDLES_SHIFT;
  if ((e.flags & kNv) != 0) a |= ATTR_CC_NV;
  return a;
}

void init(Tpm& tpm) {
  memset(&tpm, 0, sizeof(tpm));
  tpm.nv.orderly = kOrderlyNone;
  tpm.power_on_cycles = hal::cycles();
  restart(tpm);
}

void restart(Tpm& tpm) {
  const NvState nv = tpm.nv;
  // Clock keeps counting across power cycles (Part 1: Clock is NV-backed).
  const uint64_t clock = clock_ms(tpm);
  memset(&tpm, 0, sizeof(tpm));
  tpm.nv = nv;
  tpm.nv.clock_ms = clock;
  tpm.power_on_cycles = hal::cycles();
  // Carried over in RAM, Clock is exact; nv_state::load decides for a boot
  // from the flash.
  tpm.clock_safe = true;
  tpm.clock_saved_ms = clock;
  pcr_init_all(tpm);
}

size_t execute(Tpm& tpm, const CommandIn& in, uint8_t* rsp, size_t rsp_cap) {
  if (rsp == nullptr || rsp_cap < kHeaderSize) return 0;
  Writer w(rsp, rsp_cap);
  w.u16(0);
  w.u32(0);
  w.u32(0);
  TPM_ST rsp_tag = TPM_ST_NO_SESSIONS;
  TPM_RC rc = process(tpm, in, w, rsp_tag);
  nv_state::save_clock_if_due(tpm);
  // A response that does not fit is replaced by an error; nothing was cut.
  if (rc == TPM_RC_SUCCESS && w.overflow()) rc = TPM_RC_MEMORY;
  if (rc != TPM_RC_SUCCESS) {
    w.truncate(kHeaderSize);
    rsp_tag = TPM_ST_NO_SESSIONS;
  }
  const size_t len = w.size();
  rsp[0] = static_cast<uint8_t>(rsp_tag >> 8);
  rsp[1] = static_cast<uint8_t>(rsp_tag);
  w.patch_u32(2, static_cast<uint32_t>(len));
  w.patch_u32(6, rc);
  return len;
}

}  // namespace tpm

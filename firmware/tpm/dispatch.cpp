// Command header, handles, authorization area and response framing: the part
// every command shares. Handlers only see unmarshalled parameters.
#include <string.h>

#include "hal/clock.h"
#include "hal/ring.h"
#include "management.h"
#include "tpm/chip.h"
#include "tpm/command.h"
#include "tpm/nv_state.h"
#include "tpm/pcr.h"
#include "tpm/session.h"
#include "tpm/tpm.h"

namespace tpm {
namespace {

constexpr size_t kHeaderSize = 10;

// Sorted by command code.
const CommandEntry kCommands[] = {
    // cc                          handler                    h  auth kinds                                        flags
    {TPM_CC_PCR_Event,             cmd_pcr_event,             1, 1, {HandleKind::PcrOrNull},                   0},
    {TPM_CC_PCR_Reset,             cmd_pcr_reset,             1, 1, {HandleKind::Pcr},                         0},
    {TPM_CC_SequenceComplete,      cmd_sequence_complete,     1, 1, {HandleKind::Sequence},                    kFlushed},
    {TPM_CC_IncrementalSelfTest,   cmd_incremental_self_test, 0, 0, {HandleKind::None},                        0},
    {TPM_CC_SelfTest,              cmd_self_test,             0, 0, {HandleKind::None},                        0},
    {TPM_CC_Startup,               cmd_startup,               0, 0, {HandleKind::None},                        kNoSessions | kNv},
    {TPM_CC_Shutdown,              cmd_shutdown,              0, 0, {HandleKind::None},                        kNv},
    {TPM_CC_StirRandom,            cmd_stir_random,           0, 0, {HandleKind::None},                        0},
    {TPM_CC_SequenceUpdate,        cmd_sequence_update,       1, 1, {HandleKind::Sequence},                    0},
    {TPM_CC_FlushContext,          cmd_flush_context,         0, 0, {HandleKind::None},                        kNoSessions},
    {TPM_CC_PolicyAuthValue,       cmd_policy_auth_value,     1, 0, {HandleKind::PolicySession},               0},
    {TPM_CC_StartAuthSession,      cmd_start_auth_session,    2, 0, {HandleKind::ObjectOrNull, HandleKind::Entity}, kResponseHandle},
    {TPM_CC_GetCapability,         cmd_get_capability,        0, 0, {HandleKind::None},                        0},
    {TPM_CC_GetRandom,             cmd_get_random,            0, 0, {HandleKind::None},                        0},
    {TPM_CC_GetTestResult,         cmd_get_test_result,       0, 0, {HandleKind::None},                        0},
    {TPM_CC_PCR_Read,              cmd_pcr_read,              0, 0, {HandleKind::None},                        0},
    {TPM_CC_PolicyPCR,             cmd_policy_pcr,            1, 0, {HandleKind::PolicySession},               0},
    {TPM_CC_PolicyRestart,         cmd_policy_restart,        1, 0, {HandleKind::PolicySession},               0},
    {TPM_CC_ReadClock,             cmd_read_clock,            0, 0, {HandleKind::None},                        kNoSessions},
    {TPM_CC_PCR_Extend,            cmd_pcr_extend,            1, 1, {HandleKind::PcrOrNull},                   0},
    {TPM_CC_EventSequenceComplete, cmd_event_sequence_complete, 2, 2, {HandleKind::PcrOrNull, HandleKind::Sequence}, kFlushed},
    {TPM_CC_HashSequenceStart,     cmd_hash_sequence_start,   0, 0, {HandleKind::None},                        kResponseHandle},
    {TPM_CC_PolicyGetDigest,       cmd_policy_get_digest,     1, 0, {HandleKind::PolicySession},               0},
    {TPM_CC_PolicyPassword,        cmd_policy_password,       1, 0, {HandleKind::PolicySession},               0},
    // Management (spec/management.md): after every library command code.
    {MCTPM_MGMT_CC_XON,            cmd_mgmt_xon,              0, 0, {HandleKind::None},                        kNoSessions | kManagement},
    {MCTPM_MGMT_CC_XOFF,           cmd_mgmt_xoff,             0, 0, {HandleKind::None},                        kNoSessions | kManagement},
    {MCTPM_MGMT_CC_LAUNCH,         cmd_mgmt_launch,           0, 0, {HandleKind::None},                        kNoSessions | kManagement | kNv},
    {MCTPM_MGMT_CC_EXIT,           cmd_mgmt_exit,             0, 0, {HandleKind::None},                        kNoSessions | kManagement},
    {MCTPM_MGMT_CC_COMMIT,         cmd_mgmt_commit,           0, 0, {HandleKind::None},                        kNoSessions | kManagement | kNv},
    {MCTPM_MGMT_CC_RESUME,         cmd_mgmt_resume,           0, 0, {HandleKind::None},                        kNoSessions | kManagement},
    {MCTPM_MGMT_CC_CLEAR,          cmd_mgmt_clear,            0, 0, {HandleKind::None},                        kNoSessions | kManagement | kNv},
    {MCTPM_MGMT_CC_GET_STATE,      cmd_mgmt_get_state,        0, 0, {HandleKind::None},                        kNoSessions | kManagement},
    {MCTPM_MGMT_CC_GET_CONTEXT,    cmd_mgmt_get_context,      0, 0, {HandleKind::None},                        kNoSessions | kManagement},
};
constexpr size_t kNumCommands = sizeof(kCommands) / sizeof(kCommands[0]);
constexpr size_t kNumManagement = MCTPM_MGMT_CC_GET_CONTEXT - MCTPM_MGMT_CC_XON + 1;
constexpr size_t kNumLibrary = kNumCommands - kNumManagement;

// Binary search: the table is sorted by command code (tests/firmware checks
// that every listed command is found).
const CommandEntry* find_command(TPM_CC cc) {
  size_t lo = 0, hi = kNumCommands;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (kCommands[mid].cc == cc) return &kCommands[mid];
    if (kCommands[mid].cc < cc) lo = mid + 1;
    else hi = mid;
  }
  return nullptr;
}

bool is_hierarchy_or_null(TPM_HANDLE h) {
  return h == TPM_RH_OWNER || h == TPM_RH_LOCKOUT || h == TPM_RH_ENDORSEMENT ||
         h == TPM_RH_PLATFORM || h == TPM_RH_NULL;
}

// The handle's type first (TPM_RC_VALUE, as its unmarshalling gives), then
// whether it refers to something: an unloaded transient object or session
// is TPM_RC_REFERENCE_H0 (+ index), a missing persistent object or NV index
// TPM_RC_HANDLE.
TPM_RC check_handle(Tpm& tpm, HandleKind kind, TPM_HANDLE h) {
  const uint8_t type = handle_type(h);
  switch (kind) {
    case HandleKind::PcrOrNull:
      if (h == TPM_RH_NULL) return TPM_RC_SUCCESS;
      // fall through
    case HandleKind::Pcr:
      // TPMI_DH_PCR: anything outside the implemented PCRs is a bad value.
      return h < kPcrCount ? TPM_RC_SUCCESS : TPM_RC_VALUE;
    case HandleKind::ObjectOrNull:
      if (h == TPM_RH_NULL) return TPM_RC_SUCCESS;
      if (type == TPM_HT_TRANSIENT) return TPM_RC_REFERENCE_H0;
      return type == TPM_HT_PERSISTENT ? TPM_RC_HANDLE : TPM_RC_VALUE;
    case HandleKind::Entity:
      if (type == TPM_HT_PCR) return h < kPcrCount ? TPM_RC_SUCCESS : TPM_RC_VALUE;
      if (type == TPM_HT_PERMANENT) return is_hierarchy_or_null(h) ? TPM_RC_SUCCESS : TPM_RC_VALUE;
      if (type == TPM_HT_TRANSIENT) {
        return sequence_find(tpm, h) != nullptr ? TPM_RC_SUCCESS : TPM_RC_REFERENCE_H0;
      }
      return type == TPM_HT_PERSISTENT || type == TPM_HT_NV_INDEX ? TPM_RC_HANDLE : TPM_RC_VALUE;
    case HandleKind::PolicySession:
      if (type != TPM_HT_POLICY_SESSION) return TPM_RC_VALUE;
      return session_find(tpm, h) != nullptr ? TPM_RC_SUCCESS : TPM_RC_REFERENCE_H0;
    case HandleKind::Sequence:
      if (type == TPM_HT_TRANSIENT) {
        return sequence_find(tpm, h) != nullptr ? TPM_RC_SUCCESS : TPM_RC_REFERENCE_H0;
      }
      return type == TPM_HT_PERSISTENT ? TPM_RC_HANDLE : TPM_RC_VALUE;
    case HandleKind::None:
      break;
  }
  return TPM_RC_HANDLE;
}

// Everything between the header and the response parameters. On success the
// response handles, parameters and auth area are in w; rsp_tag says its tag.
TPM_RC process(Tpm& tpm, Chip* chip, const CommandIn& in, const uint8_t* rsp, Writer& w,
               TPM_ST& rsp_tag) {
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
  const bool management = (e->flags & kManagement) != 0;
  // Management commands exist only for the chip in ring 0 (execute_chip),
  // and work whether or not the root TPM had its Startup.
  if (management && chip == nullptr) return TPM_RC_COMMAND_CODE;
  if (!management && !tpm.started && cc != TPM_CC_Startup) return TPM_RC_INITIALIZE;

  Command cmd;
  cmd.chip = management ? chip : nullptr;
  cmd.locality = in.locality;
  cmd.response_handle = 0;
  for (unsigned i = 0; i < e->num_handles; ++i) {
    TPM_RC rc = r.u32(cmd.handles[i]);
    if (rc == TPM_RC_SUCCESS) rc = check_handle(tpm, e->handle_kind[i], cmd.handles[i]);
    if (rc == TPM_RC_REFERENCE_H0) return TPM_RC_REFERENCE_H0 + i;
    if (rc != TPM_RC_SUCCESS) return rc_handle(rc, i + 1);
  }

  SessionUse sessions[kMaxSessions];
  unsigned num_sessions = 0;
  if (tag == TPM_ST_SESSIONS) {
    if ((e->flags & kNoSessions) != 0) return TPM_RC_AUTH_CONTEXT;
    TPM_RC rc = parse_sessions(r, sessions, num_sessions);
    if (rc != TPM_RC_SUCCESS) return rc;
    const uint8_t* params = nullptr;
    Reader rest = r;
    rest.view(rest.remaining(), params);
    const CommandImage image{cc, cmd.handles, e->num_handles, params, r.remaining()};
    rc = authorize_sessions(tpm, image, e->num_auth, sessions, num_sessions);
    if (rc != TPM_RC_SUCCESS) return rc;
  } else if (e->num_auth != 0) {
    return TPM_RC_AUTH_MISSING;
  }
  cmd.params = r;

  // Response: [handle] [parameterSize] parameters [authorization area].
  const size_t handle_at = w.size();
  if ((e->flags & kResponseHandle) != 0) w.u32(0);
  const size_t param_size_at = w.size();
  if (tag == TPM_ST_SESSIONS) w.u32(0);
  const size_t params_at = w.size();
  TPM_RC rc = e->handler(tpm, cmd, w);
  if (rc != TPM_RC_SUCCESS) return rc;
  if ((e->flags & kResponseHandle) != 0) w.patch_u32(handle_at, cmd.response_handle);
  if (tag == TPM_ST_SESSIONS) {
    // Sessions change state only with a response that will be sent whole.
    if (w.overflow() || w.room() < kMaxResponseAuthArea) return TPM_RC_MEMORY;
    const size_t params_len = w.size() - params_at;
    w.patch_u32(param_size_at, static_cast<uint32_t>(params_len));
    respond_sessions(tpm, cc, rsp + params_at, params_len, sessions, num_sessions, w);
  }
  rsp_tag = tag;
  return TPM_RC_SUCCESS;
}

}  // namespace

const CommandEntry* command_table(size_t& count) {
  count = kNumLibrary;
  return kCommands;
}

uint32_t command_attributes(const CommandEntry& e) {
  uint32_t a = e.cc & 0xFFFFu;
  a |= static_cast<uint32_t>(e.num_handles) << ATTR_CC_CHANDLES_SHIFT;
  if ((e.flags & kNv) != 0) a |= ATTR_CC_NV;
  if ((e.flags & kResponseHandle) != 0) a |= ATTR_CC_RHANDLE;
  if ((e.flags & kFlushed) != 0) a |= ATTR_CC_FLUSHED;
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
  const uint8_t role = tpm.role;
  const Tpm* platform = tpm.platform;
  const ContextSeeds seeds = tpm.seeds;
  // Clock keeps counting across power cycles (Part 1: Clock is NV-backed).
  const uint64_t clock = clock_ms(tpm);
  memset(&tpm, 0, sizeof(tpm));
  tpm.nv = nv;
  tpm.role = role;
  tpm.platform = platform;
  tpm.seeds = seeds;
  tpm.nv.clock_ms = clock;
  tpm.power_on_cycles = hal::cycles();
  // Carried over in RAM, Clock is exact; nv_state::load decides for a boot
  // from the flash.
  tpm.clock_safe = true;
  tpm.clock_saved_ms = clock;
  pcr_init_all(tpm);
}

namespace {

size_t run(Tpm& tpm, Chip* chip, const CommandIn& in, uint8_t* rsp, size_t rsp_cap) {
  if (rsp == nullptr || rsp_cap < kHeaderSize) return 0;
  Writer w(rsp, rsp_cap);
  w.u16(0);
  w.u32(0);
  w.u32(0);
  TPM_ST rsp_tag = TPM_ST_NO_SESSIONS;
  TPM_RC rc = process(tpm, chip, in, rsp, w, rsp_tag);
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

}  // namespace

size_t execute(Tpm& tpm, const CommandIn& in, uint8_t* rsp, size_t rsp_cap) {
  return run(tpm, nullptr, in, rsp, rsp_cap);
}

size_t execute_chip(Chip& chip, const CommandIn& in, uint8_t* rsp, size_t rsp_cap) {
  const bool ring1 = hal::ring::in_ring1();
  TPM_CC cc = 0;
  if (in.data != nullptr && in.len >= kHeaderSize) {
    Reader r(in.data + 6, 4);
    r.u32(cc);
  }
  if (is_management_cc(cc)) {
    if (ring1) {
      // The front end traps these before the firmware sees them; should one
      // ever get here, it is answered the same way and does nothing.
      if (rsp == nullptr || rsp_cap < kHeaderSize) return 0;
      Writer w(rsp, rsp_cap);
      w.u16(TPM_ST_NO_SESSIONS);
      w.u32(kHeaderSize);
      w.u32(MCTPM_MGMT_RC_TRAPPED);
      return kHeaderSize;
    }
    return run(chip.root->tpm, &chip, in, rsp, rsp_cap);
  }
  return run(ring1 ? *chip.context : chip.root->tpm, nullptr, in, rsp, rsp_cap);
}

}  // namespace tpm

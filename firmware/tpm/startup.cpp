// TPM2_Startup and TPM2_Shutdown (Part 3, chapter 9); both save Tpm::nv to
// the flash (tpm/nv_state.h) before they answer.
#include <string.h>

#include "tpm/command.h"
#include "tpm/nv_state.h"
#include "tpm/pcr.h"
#include "tpm/session.h"

namespace tpm {
namespace {

struct StartupIn {
  uint16_t type;
};

TPM_RC unmarshal_su(Reader& r, StartupIn& in) {
  TPM_RC rc = r.u16(in.type);
  if (rc == TPM_RC_SUCCESS && in.type != TPM_SU_CLEAR && in.type != TPM_SU_STATE) {
    rc = TPM_RC_VALUE;
  }
  return rc_param(rc, 1);
}

// The new NvState is saved before anything changes in RAM: a Startup whose
// counter increment is not in the flash must not succeed (the counters must
// never repeat), and a failed save leaves the TPM as it was.
TPM_RC startup_action(Tpm& tpm, const Command&, const StartupIn& in, Empty&) {
  if (tpm.started) return TPM_RC_INITIALIZE;
  NvState next = tpm.nv;
  const bool resume = in.type == TPM_SU_STATE;
  // TPM Resume: only after Shutdown(STATE).
  if (resume && next.orderly != TPM_SU_STATE) return rc_param(TPM_RC_VALUE, 1);
  if (next.orderly == TPM_SU_STATE) {
    // TPM Resume or TPM Restart: counters go on.
    ++next.restart_count;
  } else {
    // TPM Reset.
    if (next.ever_started) ++next.reset_count;
    next.restart_count = 0;
  }
  // Until the next Shutdown a power loss is not orderly: in the flash too,
  // or a power loss now would let a later Startup(STATE) resume this state.
  next.orderly = kOrderlyNone;
  next.ever_started = true;
  if (!nv_state::save(tpm, next)) return TPM_RC_NV_UNAVAILABLE;

  if (resume) {
    // A 'shared' context's PCRs 0-15 are the platform's: nothing to restore.
    if (!pcrs_shared(tpm)) {
      memcpy(tpm.pcrs.sha1_low, tpm.nv.saved_sha1, sizeof(tpm.nv.saved_sha1));
      memcpy(tpm.pcrs.sha256_low, tpm.nv.saved_sha256, sizeof(tpm.nv.saved_sha256));
    }
    tpm.pcrs.update_counter = tpm.nv.saved_pcr_update_counter;
  } else {
    // PCRs start over (restart() set them).
    tpm.pcrs.update_counter = 0;
  }
  // Loaded sessions and transient objects never survive a Startup, of any
  // type (no ContextSave yet).
  sessions_flush_all(tpm);
  objects_flush_all(tpm);
  tpm.startup_orderly = tpm.nv.orderly != kOrderlyNone;
  tpm.nv = next;
  tpm.started = true;
  return TPM_RC_SUCCESS;
}

TPM_RC shutdown_action(Tpm& tpm, const Command&, const StartupIn& in, Empty&) {
  NvState next = tpm.nv;
  if (in.type == TPM_SU_STATE) {
    static_assert(sizeof(next.saved_sha1) == sizeof(tpm.pcrs.sha1_low), "saved PCRs are PCR 0-15");
    static_assert(sizeof(next.saved_sha256) == sizeof(tpm.pcrs.sha256_low), "saved PCRs are PCR 0-15");
    // A 'shared' context saves none: PCRs 0-15 are the platform's.
    if (!pcrs_shared(tpm)) {
      memcpy(next.saved_sha1, tpm.pcrs.sha1_low, sizeof(next.saved_sha1));
      memcpy(next.saved_sha256, tpm.pcrs.sha256_low, sizeof(next.saved_sha256));
    }
    next.saved_pcr_update_counter = tpm.pcrs.update_counter;
  }
  next.orderly = in.type;
  if (!nv_state::save(tpm, next)) return TPM_RC_NV_UNAVAILABLE;
  tpm.nv = next;
  return TPM_RC_SUCCESS;
}

}  // namespace

TPM_RC cmd_startup(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<StartupIn, Empty, unmarshal_su, startup_action, marshal_empty>(tpm, cmd, w);
}

TPM_RC cmd_shutdown(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<StartupIn, Empty, unmarshal_su, shutdown_action, marshal_empty>(tpm, cmd, w);
}

}  // namespace tpm

// TPM2_Startup and TPM2_Shutdown (Part 3, chapter 9).
#include <string.h>

#include "tpm/command.h"
#include "tpm/pcr.h"

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

TPM_RC startup_action(Tpm& tpm, const Command&, const StartupIn& in, Empty&) {
  if (tpm.started) return TPM_RC_INITIALIZE;
  NvState& nv = tpm.nv;
  if (in.type == TPM_SU_STATE) {
    // TPM Resume: only after Shutdown(STATE).
    if (nv.orderly != TPM_SU_STATE) return rc_param(TPM_RC_VALUE, 1);
    memcpy(tpm.pcrs.sha1, nv.saved_sha1, sizeof(nv.saved_sha1));
    memcpy(tpm.pcrs.sha256, nv.saved_sha256, sizeof(nv.saved_sha256));
    tpm.pcr_update_counter = nv.saved_pcr_update_counter;
    ++nv.restart_count;
  } else if (nv.orderly == TPM_SU_STATE) {
    // TPM Restart: PCRs start over (restart() set them), counters go on.
    tpm.pcr_update_counter = 0;
    ++nv.restart_count;
  } else {
    // TPM Reset.
    tpm.pcr_update_counter = 0;
    if (nv.ever_started) ++nv.reset_count;
    nv.restart_count = 0;
  }
  tpm.startup_orderly = nv.orderly != kOrderlyNone;
  // Until the next Shutdown a power loss is not orderly.
  nv.orderly = kOrderlyNone;
  nv.ever_started = true;
  tpm.started = true;
  return TPM_RC_SUCCESS;
}

TPM_RC shutdown_action(Tpm& tpm, const Command&, const StartupIn& in, Empty&) {
  NvState& nv = tpm.nv;
  if (in.type == TPM_SU_STATE) {
    static_assert(sizeof(nv.saved_sha1) <= sizeof(tpm.pcrs.sha1), "saved PCRs are a prefix");
    static_assert(sizeof(nv.saved_sha256) <= sizeof(tpm.pcrs.sha256), "saved PCRs are a prefix");
    memcpy(nv.saved_sha1, tpm.pcrs.sha1, sizeof(nv.saved_sha1));
    memcpy(nv.saved_sha256, tpm.pcrs.sha256, sizeof(nv.saved_sha256));
    nv.saved_pcr_update_counter = tpm.pcr_update_counter;
  }
  nv.orderly = in.type;
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

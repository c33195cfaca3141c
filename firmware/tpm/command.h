// What a command handler sees, the dispatch table's shape and the glue that
// turns "unmarshal In, act, marshal Out" functions into a handler.
#ifndef MCTPM_TPM_COMMAND_H
#define MCTPM_TPM_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#include "tpm/marshal.h"
#include "tpm/tpm.h"

namespace tpm {

constexpr unsigned kMaxHandles = 2;  // the most any implemented command takes

struct Chip;  // tpm/chip.h

struct Command {
  Chip* chip;  // management commands only: the whole chip (they run on the root TPM)
  uint8_t locality;
  TPM_HANDLE handles[kMaxHandles];
  Reader params;
  TPM_HANDLE response_handle;  // set by commands with kResponseHandle
};

using Handler = TPM_RC (*)(Tpm&, Command&, Writer&);

// What a command handle may be; checked before sessions are parsed.
//   Pcr, PcrOrNull: TPMI_DH_PCR(+)
//   ObjectOrNull:   TPMI_DH_OBJECT+ (no object can be loaded yet)
//   Entity:         TPMI_DH_ENTITY+ (PCR, hierarchy, NULL; objects and NV later)
//   PolicySession:  TPMI_SH_POLICY, loaded
//   Sequence:       TPMI_DH_OBJECT, a loaded sequence object
enum class HandleKind : uint8_t { None, Pcr, PcrOrNull, ObjectOrNull, Entity, PolicySession, Sequence };

enum CommandFlags : uint8_t {
  kNoSessions = 1u << 0,  // Part 3 gives the tag as TPM_ST_NO_SESSIONS
  kNv = 1u << 1,          // TPMA_CC.nv
  kResponseHandle = 1u << 2,  // TPMA_CC.rHandle: the response starts with a handle
  kFlushed = 1u << 3,         // TPMA_CC.flushed: the command flushes its transient handle
  kManagement = 1u << 4,      // vendor management command (MGMT page): execute_chip in ring 0 only
};

struct CommandEntry {
  TPM_CC cc;
  Handler handler;
  uint8_t num_handles;
  uint8_t num_auth;  // leading handles that need an authorization session
  HandleKind handle_kind[kMaxHandles];
  uint8_t flags;
};

// The TPM 2.0 library commands of the dispatch table, sorted by command code
// (GetCapability lists them). The management commands follow them in the
// same table but are not advertised: a guest asking its context sees a plain TPM.
const CommandEntry* command_table(size_t& count);
uint32_t command_attributes(const CommandEntry& e);  // TPMA_CC

struct Empty {};
inline TPM_RC unmarshal_empty(Reader&, Empty&) { return TPM_RC_SUCCESS; }
inline void marshal_empty(Writer&, const Empty&) {}

// A handler reads as: unmarshal the whole input (trailing bytes are
// TPM_RC_SIZE before anything changes), act, marshal the output.
template <typename In, typename Out, TPM_RC (*Unmarshal)(Reader&, In&),
          TPM_RC (*Action)(Tpm&, const Command&, const In&, Out&),
          void (*Marshal)(Writer&, const Out&)>
TPM_RC run_command(Tpm& tpm, Command& cmd, Writer& w) {
  In in;
  Out out;
  TPM_RC rc = Unmarshal(cmd.params, in);
  if (rc != TPM_RC_SUCCESS) return rc;
  if (cmd.params.remaining() != 0) return TPM_RC_SIZE;
  rc = Action(tpm, cmd, in, out);
  if (rc != TPM_RC_SUCCESS) return rc;
  Marshal(w, out);
  return TPM_RC_SUCCESS;
}

// Time (since power-on) and Clock (since manufacture) now, in ms (clock.cpp).
uint64_t time_ms(const Tpm& tpm);
uint64_t clock_ms(const Tpm& tpm);
// n <= 32 bytes from the entropy source through SHA-256, with StirRandom's
// input (random.cpp). false if the noise source failed its health test.
bool random_fill(Tpm& tpm, uint8_t* out, size_t n);

// Handlers, one file per command family.
TPM_RC cmd_startup(Tpm&, Command&, Writer&);
TPM_RC cmd_shutdown(Tpm&, Command&, Writer&);
TPM_RC cmd_self_test(Tpm&, Command&, Writer&);
TPM_RC cmd_incremental_self_test(Tpm&, Command&, Writer&);
TPM_RC cmd_get_test_result(Tpm&, Command&, Writer&);
TPM_RC cmd_get_capability(Tpm&, Command&, Writer&);
TPM_RC cmd_get_random(Tpm&, Command&, Writer&);
TPM_RC cmd_stir_random(Tpm&, Command&, Writer&);
TPM_RC cmd_pcr_extend(Tpm&, Command&, Writer&);
TPM_RC cmd_pcr_event(Tpm&, Command&, Writer&);
TPM_RC cmd_pcr_read(Tpm&, Command&, Writer&);
TPM_RC cmd_pcr_reset(Tpm&, Command&, Writer&);
TPM_RC cmd_read_clock(Tpm&, Command&, Writer&);
TPM_RC cmd_start_auth_session(Tpm&, Command&, Writer&);
TPM_RC cmd_flush_context(Tpm&, Command&, Writer&);
TPM_RC cmd_policy_restart(Tpm&, Command&, Writer&);
TPM_RC cmd_policy_get_digest(Tpm&, Command&, Writer&);
TPM_RC cmd_policy_password(Tpm&, Command&, Writer&);
TPM_RC cmd_policy_auth_value(Tpm&, Command&, Writer&);
TPM_RC cmd_policy_pcr(Tpm&, Command&, Writer&);
TPM_RC cmd_hash_sequence_start(Tpm&, Command&, Writer&);
TPM_RC cmd_sequence_update(Tpm&, Command&, Writer&);
TPM_RC cmd_sequence_complete(Tpm&, Command&, Writer&);
TPM_RC cmd_event_sequence_complete(Tpm&, Command&, Writer&);
// Management commands (management.cpp); the Tpm is the root TPM, cmd.chip the chip.
TPM_RC cmd_mgmt_xon(Tpm&, Command&, Writer&);
TPM_RC cmd_mgmt_xoff(Tpm&, Command&, Writer&);
TPM_RC cmd_mgmt_launch(Tpm&, Command&, Writer&);
TPM_RC cmd_mgmt_exit(Tpm&, Command&, Writer&);
TPM_RC cmd_mgmt_commit(Tpm&, Command&, Writer&);
TPM_RC cmd_mgmt_resume(Tpm&, Command&, Writer&);
TPM_RC cmd_mgmt_clear(Tpm&, Command&, Writer&);
TPM_RC cmd_mgmt_get_state(Tpm&, Command&, Writer&);
TPM_RC cmd_mgmt_get_context(Tpm&, Command&, Writer&);

// The loaded sequence object a handle names, or nullptr (sequence.cpp).
SequenceObject* sequence_find(Tpm& tpm, TPM_HANDLE h);
unsigned objects_loaded(const Tpm& tpm);
void objects_flush_all(Tpm& tpm);

}  // namespace tpm

#endif

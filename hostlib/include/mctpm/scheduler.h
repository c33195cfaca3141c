// Many VMs' TPM contexts, one chip. The scheduler owns the Device and the
// ContextStore and decides which context is loaded:
// - run(vm, command) makes vm's context the loaded one, then sends the
//   command in ring 1. Swapping out is EXIT -> store.save_pending -> COMMIT
//   -> store.promote_pending; swapping in is RESUME of the committed blob.
//   Swaps are lazy: the loaded context stays until another one's request is
//   served, so a VM sending a burst of commands is never swapped between them.
// - run_root(command) runs a command on the root TPM (ring 0) without a swap:
//   GET_STATE brings the chip to ring 0 (trapped in ring 1, then re-sent);
//   the loaded VM's next command first re-enters (RESUME of size 0).
// - Requests are served in arrival order (FifoTurns), root commands too.
// - A VM's management command is trapped by the chip; the VM gets
//   TPM_RC_COMMAND_CODE, the host a log line, and the context is re-entered.
#ifndef MCTPM_SCHEDULER_H
#define MCTPM_SCHEDULER_H

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mctpm/context_store.h"
#include "mctpm/device.h"
#include "mctpm/fifo_turns.h"

namespace mctpm {

struct VmStatus {
  std::string name;
  ContextMeta meta;
  uint32_t counter = 0;    // committed counter of its newest stored blob (0: none yet)
  bool on_chip = false;    // loaded on the chip (else only in the store)
  bool attached = false;   // served (run() accepted)
  uint64_t commands = 0;   // commands run for it since this scheduler started
};

struct SchedulerStats {
  uint64_t swaps = 0;             // contexts brought onto the chip from a stored blob
  uint64_t exits = 0;             // contexts swapped out (EXIT + COMMIT)
  uint64_t trapped_commands = 0;  // VM commands the chip trapped
  uint64_t root_commands = 0;
  uint64_t reentries = 0;         // RESUME of size 0 after a root command or a trap
  uint64_t resent_after_trap = 0; // host management commands re-sent by Device
  std::map<std::string, uint64_t> commands;  // per VM
};

struct RecoveryReport {
  std::vector<std::string> actions;   // what recovery changed
  std::vector<std::string> problems;  // contexts whose files need a human (never deleted)
};

class Scheduler {
 public:
  using LogFn = std::function<void(const std::string&)>;

  Scheduler(Device device, ContextStore store, LogFn log = {});

  // Startup: GET_STATE; a loaded context (ACTIVE or PARKED) is exited and
  // committed into the store under its name (found by context id in the
  // .meta files; "context-ID" if none has it); every stored context is
  // reconciled with GET_CONTEXT; XON(pcr_mask) if virtualization is off.
  // Every stored context is known afterwards, none attached.
  RecoveryReport recover(uint32_t pcr_mask);

  // A new context (LAUNCH), stored as NAME.meta and attached, and sealed
  // out once at once (EXIT + COMMIT), so that its committed blob is in the
  // store before anyone uses it. Error(Usage) if NAME exists.
  uint32_t launch(const std::string& name, uint8_t pcr_model, uint16_t mssim_port = 0, uint16_t swtpm_port = 0);
  void attach(const std::string& name);  // serve a stored context
  void detach(const std::string& name);  // swap it out if loaded; stop serving; files kept
  void exit(const std::string& name);    // swap it out to the store (stays attached)
  void resume(const std::string& name);  // bring it onto the chip
  void clear(const std::string& name);   // CLEAR on the chip, files removed, forgotten
  void set_ports(const std::string& name, uint16_t mssim_port, uint16_t swtpm_port);  // rewrites NAME.meta

  std::vector<uint8_t> run(const std::string& name, const std::vector<uint8_t>& command);
  std::vector<uint8_t> run_root(const std::vector<uint8_t>& command);

  std::vector<VmStatus> list();
  VmStatus status(const std::string& name);
  SchedulerStats stats();
  DeviceState device_state();  // GET_STATE in its turn (the loaded VM re-enters before its next command)
  std::optional<std::string> loaded();

 private:
  struct Vm {
    ContextMeta meta;
    uint32_t counter = 0;
    bool attached = false;
    uint64_t commands = 0;
  };

  Vm& known(const std::string& name);
  Vm& attached(const std::string& name);
  void load_from_store(const std::string& name);
  void swap_out();
  void swap_in(const std::string& name);
  void make_loaded(const std::string& name);
  void log(const std::string& line);

  Device device_;
  ContextStore store_;
  LogFn log_;
  FifoTurns turns_;
  std::map<std::string, Vm> vms_;
  std::optional<std::string> loaded_;
  bool needs_reentry_ = false;  // the loaded context is not in ring 1 (root command, trap, failed swap)
  SchedulerStats stats_;
};

// The 10-byte TPM response with this response code.
std::vector<uint8_t> tpm_error_response(uint32_t rc);

}  // namespace mctpm

#endif

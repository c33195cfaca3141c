#include "mctpm/scheduler.h"

#include <tss2/tss2_tpm2_types.h>

#include <cstdio>

#include "big_endian.h"
#include "mctpm/error.h"
#include "mctpm/sealed_blob.h"
#include "mctpm/tpm_rc.h"

namespace mctpm {

namespace {

std::string hex32(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08X", v);
  return b;
}

uint32_t command_code(const std::vector<uint8_t>& command) {
  if (command.size() < 10)
    throw Error(Error::Kind::Usage, "TPM command of " + std::to_string(command.size()) +
                                        " bytes is shorter than its 10-byte header");
  return load_be32(&command[6]);
}

std::optional<uint32_t> blob_counter(const std::optional<std::vector<uint8_t>>& blob) {
  if (!blob) return std::nullopt;
  try {
    return parse_sealed_blob(*blob).counter;
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace

std::vector<uint8_t> tpm_error_response(uint32_t rc) {
  std::vector<uint8_t> r = {0x80, 0x01};  // TPM_ST_NO_SESSIONS
  append_be32(r, 10);
  append_be32(r, rc);
  return r;
}

Scheduler::Scheduler(Device device, ContextStore store, LogFn log)
    : device_(std::move(device)), store_(std::move(store)), log_(std::move(log)) {}

void Scheduler::log(const std::string& line) {
  if (log_) log_(line);
}

Scheduler::Vm& Scheduler::known(const std::string& name) {
  ContextStore::check_name(name);
  const auto it = vms_.find(name);
  if (it == vms_.end()) throw Error(Error::Kind::Usage, "no context named '" + name + "'");
  return it->second;
}

Scheduler::Vm& Scheduler::attached(const std::string& name) {
  Vm& vm = known(name);
  if (!vm.attached) throw Error(Error::Kind::Usage, "context '" + name + "' is detached");
  return vm;
}

void Scheduler::load_from_store(const std::string& name) {
  const auto stored = store_.load(name);
  Vm& vm = vms_[name];
  vm.meta = stored.meta;
  vm.counter = blob_counter(stored.blob).value_or(0);
}

// The loaded context goes to the store. The order is the crash-safety rule of
// spec/management.md: the blob is on disk before COMMIT makes its counter the
// current one, and the old blob is replaced only after COMMIT succeeded.
void Scheduler::swap_out() {
  if (!loaded_) return;
  const std::string name = *loaded_;
  Vm& vm = vms_.at(name);
  // Until COMMIT the chip still holds the context (PARKED): a failure here
  // leaves it loaded, and RESUME of size 0 or another EXIT goes on from there.
  needs_reentry_ = true;
  const auto blob = device_.exit();  // trapped in ring 1, re-sent by Device
  store_.save_pending(name, blob);
  device_.commit();
  loaded_.reset();
  needs_reentry_ = false;
  store_.promote_pending(name);
  vm.counter = parse_sealed_blob(blob).counter;
  ++stats_.exits;
  log("swapped out '" + name + "' (counter " + std::to_string(vm.counter) + ")");
}

void Scheduler::swap_in(const std::string& name) {
  Vm& vm = vms_.at(name);
  auto stored = store_.load(name);
  if (stored.pending) {
    // A swap-out died between COMMIT and the rename: the chip says which file is current.
    const auto info = device_.context(vm.meta.context_id);
    log(store_.reconcile(name, info.committed_counter).detail);
    stored = store_.load(name);
  }
  if (!stored.blob)
    throw Error(Error::Kind::Usage, "context '" + name + "' has no committed blob in " + store_.dir() +
                                        " (it was never swapped out, and it is not on the chip)");
  const uint32_t id = device_.resume(*stored.blob);
  loaded_ = name;
  needs_reentry_ = false;
  ++stats_.swaps;
  if (id != vm.meta.context_id)
    log("warning: RESUME of '" + name + "' answered context id " + std::to_string(id) + ", its meta says " +
        std::to_string(vm.meta.context_id));
  vm.counter = blob_counter(stored.blob).value_or(vm.counter);
}

void Scheduler::make_loaded(const std::string& name) {
  if (loaded_ && *loaded_ == name) {
    if (needs_reentry_) {
      device_.reenter();
      needs_reentry_ = false;
      ++stats_.reentries;
    }
    return;
  }
  swap_out();
  swap_in(name);
}

RecoveryReport Scheduler::recover(uint32_t pcr_mask) {
  auto turn = turns_.wait();
  RecoveryReport report;
  auto act = [&](const std::string& s) {
    report.actions.push_back(s);
    log("recovery: " + s);
  };
  auto problem = [&](const std::string& s) {
    report.problems.push_back(s);
    log("recovery: problem: " + s);
  };

  vms_.clear();
  loaded_.reset();
  needs_reentry_ = false;
  for (const auto& name : store_.list()) {
    try {
      load_from_store(name);
    } catch (const Error& e) {
      problem(std::string("'") + name + "' cannot be read: " + e.what());
    }
  }

  const DeviceState st = device_.state();  // traps if a context runs in ring 1; re-sent
  if (st.slot != MCTPM_MGMT_SLOT_EMPTY) {
    std::string name;
    for (const auto& [n, vm] : vms_)
      if (vm.meta.context_id == st.context_id) name = n;
    if (name.empty()) {
      name = "context-" + std::to_string(st.context_id);
      ContextMeta meta;
      meta.context_id = st.context_id;
      meta.pcr_model = st.pcr_model;
      store_.save_meta(name, meta);
      load_from_store(name);
      act("loaded context id " + std::to_string(st.context_id) + " had no name in the store: saved as '" + name + "'");
    }
    loaded_ = name;
    needs_reentry_ = true;
    swap_out();
    act("context '" + name + "' was loaded (" + slot_name(st.slot) + "): exited and committed");
  }

  for (auto& [name, vm] : vms_) {
    const ContextInfo info = device_.context(vm.meta.context_id);
    const std::string who = "'" + name + "' (id " + std::to_string(vm.meta.context_id) + ")";
    if (info.status == MCTPM_MGMT_CONTEXT_LIVE) {
      const auto r = store_.reconcile(name, info.committed_counter);
      if (r.outcome == ReconcileResult::Outcome::NeitherCurrent)
        problem(r.detail);
      else
        act(r.detail);
      vm.counter = blob_counter(store_.load(name).blob).value_or(0);
    } else if (info.status == MCTPM_MGMT_CONTEXT_CLEARED) {
      problem(who + " was cleared on the chip; its files are kept");
    } else {
      problem(who + " is unknown to this chip (another chip's context, or its NV was erased); its files are kept");
    }
  }

  if (!st.virtualization) {
    device_.xon(pcr_mask);
    act("XON with PCR mask " + hex32(pcr_mask));
  } else if (st.pcr_mask != pcr_mask) {
    problem("virtualization is on with PCR mask " + hex32(st.pcr_mask) + ", not the requested " + hex32(pcr_mask) +
            " (the chip's mask stays until XOFF)");
  }
  return report;
}

uint32_t Scheduler::launch(const std::string& name, uint8_t pcr_model, uint16_t mssim_port, uint16_t swtpm_port) {
  ContextStore::check_name(name);
  auto turn = turns_.wait();
  if (vms_.count(name) || store_.contains(name))
    throw Error(Error::Kind::Usage, "a context named '" + name + "' already exists");
  swap_out();
  const uint32_t id = device_.launch(pcr_model);  // the new context runs in ring 1 now
  loaded_ = name;
  needs_reentry_ = false;
  ContextMeta meta;
  meta.context_id = id;
  meta.pcr_model = pcr_model;
  meta.mssim_port = mssim_port;
  meta.swtpm_port = swtpm_port;
  try {
    store_.save_meta(name, meta);
  } catch (...) {
    // Without its name on disk the context would be an orphan: destroy it.
    loaded_.reset();
    try {
      device_.clear(id);
    } catch (const Error&) {
    }
    throw;
  }
  Vm& vm = vms_[name];
  vm.meta = meta;
  vm.attached = true;
  // A context whose first blob is not on disk yet would die with the chip's
  // power: seal it out once now (about a millisecond), so the store always
  // holds a committed blob of every context it names.
  swap_out();
  log("launched '" + name + "' as context id " + std::to_string(id) + " (" + pcr_model_name(pcr_model) + " PCRs)");
  return id;
}

void Scheduler::attach(const std::string& name) {
  ContextStore::check_name(name);
  auto turn = turns_.wait();
  if (!vms_.count(name)) {
    if (!store_.contains(name)) throw Error(Error::Kind::Usage, "no context named '" + name + "' in " + store_.dir());
    load_from_store(name);
  }
  Vm& vm = vms_.at(name);
  const ContextInfo info = device_.context(vm.meta.context_id);
  if (info.status != MCTPM_MGMT_CONTEXT_LIVE)
    throw Error(Error::Kind::Usage, "context '" + name + "' (id " + std::to_string(vm.meta.context_id) + ") is " +
                                        context_status_name(info.status) + " on this chip");
  if (!(loaded_ && *loaded_ == name)) {
    const auto r = store_.reconcile(name, info.committed_counter);
    if (r.outcome == ReconcileResult::Outcome::NeitherCurrent) throw Error(Error::Kind::Usage, r.detail);
    vm.counter = blob_counter(store_.load(name).blob).value_or(0);
  }
  vm.attached = true;
}

void Scheduler::detach(const std::string& name) {
  auto turn = turns_.wait();
  Vm& vm = known(name);
  if (loaded_ && *loaded_ == name) swap_out();
  vm.attached = false;
}

void Scheduler::exit(const std::string& name) {
  auto turn = turns_.wait();
  known(name);
  if (loaded_ && *loaded_ == name) swap_out();
}

void Scheduler::resume(const std::string& name) {
  auto turn = turns_.wait();
  attached(name);
  make_loaded(name);
}

void Scheduler::clear(const std::string& name) {
  auto turn = turns_.wait();
  Vm& vm = known(name);
  const uint32_t id = vm.meta.context_id;
  try {
    device_.clear(id);  // scrubs the region if it is the loaded one
  } catch (const ManagementError& e) {
    // Already gone on the chip: the files are all that is left to remove.
    if (device_.context(id).status == MCTPM_MGMT_CONTEXT_LIVE) throw;
    log("CLEAR of '" + name + "': " + e.what() + "; removing its files");
  }
  if (loaded_ && *loaded_ == name) {
    loaded_.reset();
    needs_reentry_ = false;
  }
  store_.remove(name);
  vms_.erase(name);
  log("cleared '" + name + "' (context id " + std::to_string(id) + ")");
}

void Scheduler::set_ports(const std::string& name, uint16_t mssim_port, uint16_t swtpm_port) {
  auto turn = turns_.wait();
  Vm& vm = known(name);
  ContextMeta meta = vm.meta;
  meta.mssim_port = mssim_port;
  meta.swtpm_port = swtpm_port;
  store_.save_meta(name, meta);
  vm.meta = meta;
}

std::vector<uint8_t> Scheduler::run(const std::string& name, const std::vector<uint8_t>& command) {
  const uint32_t cc = command_code(command);
  auto turn = turns_.wait();
  Vm& vm = attached(name);
  make_loaded(name);
  ++vm.commands;
  ++stats_.commands[name];
  if (is_management_command(cc) && !device_.in_ring1()) {
    // Defence in depth: the chip would execute it in ring 0. Never send it.
    ++stats_.trapped_commands;
    log("vm " + name + " sent management command " + hex32(cc) + " : refused, the chip is not in ring 1");
    needs_reentry_ = true;
    return tpm_error_response(TPM2_RC_COMMAND_CODE);
  }
  auto response = device_.transmit(command);
  if (response.size() >= 10 && response_code(response) == MCTPM_MGMT_RC_TRAPPED) {
    ++stats_.trapped_commands;
    log("vm " + name + " sent management command " + hex32(cc) + " : trapped");
    needs_reentry_ = true;
    device_.reenter();
    needs_reentry_ = false;
    ++stats_.reentries;
    return tpm_error_response(TPM2_RC_COMMAND_CODE);
  }
  return response;
}

std::vector<uint8_t> Scheduler::run_root(const std::vector<uint8_t>& command) {
  const uint32_t cc = command_code(command);
  auto turn = turns_.wait();
  if (is_management_command(cc)) {
    // The scheduler alone drives the management state.
    log("root endpoint sent management command " + hex32(cc) + " : refused");
    return tpm_error_response(TPM2_RC_COMMAND_CODE);
  }
  if (loaded_ && !needs_reentry_) {
    device_.state();  // trapped in ring 1 (CR0 := 0), then answered in ring 0
    needs_reentry_ = true;
  }
  ++stats_.root_commands;
  return device_.transmit(command);
}

std::vector<VmStatus> Scheduler::list() {
  auto turn = turns_.wait();
  std::vector<VmStatus> out;
  for (const auto& [name, vm] : vms_) {
    VmStatus s;
    s.name = name;
    s.meta = vm.meta;
    s.counter = vm.counter;
    s.on_chip = loaded_ && *loaded_ == name;
    s.attached = vm.attached;
    s.commands = vm.commands;
    out.push_back(s);
  }
  return out;
}

VmStatus Scheduler::status(const std::string& name) {
  for (const auto& s : list())
    if (s.name == name) return s;
  throw Error(Error::Kind::Usage, "no context named '" + name + "'");
}

SchedulerStats Scheduler::stats() {
  auto turn = turns_.wait();
  SchedulerStats s = stats_;
  s.resent_after_trap = device_.resent_after_trap();
  return s;
}

DeviceState Scheduler::device_state() {
  auto turn = turns_.wait();
  const DeviceState s = device_.state();
  if (loaded_) needs_reentry_ = true;  // GET_STATE trapped if the context was in ring 1
  return s;
}

std::optional<std::string> Scheduler::loaded() {
  auto turn = turns_.wait();
  return loaded_;
}

}  // namespace mctpm

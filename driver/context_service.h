// mctpmd's multi-context mode: the Scheduler, the root TPM endpoints, one
// pair of endpoints (mssim, swtpm) per attached VM, and the control requests
// that add and remove VMs at run time (driver/README.md lists them).
#ifndef MCTPMD_CONTEXT_SERVICE_H
#define MCTPMD_CONTEXT_SERVICE_H

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "log.h"
#include "mctpm/scheduler.h"
#include "mctpm/tpm_spi.h"
#include "swtpm_session.h"
#include "tcp_server.h"
#include "tpm_backend.h"

namespace mctpmd {

// One VM's TPM: every command goes through the scheduler as that VM's.
class VmBackend : public TpmBackend {
 public:
  VmBackend(mctpm::Scheduler& scheduler, std::string name) : scheduler_(scheduler), name_(std::move(name)) {}
  std::vector<uint8_t> execute(uint8_t locality, const std::vector<uint8_t>& command) override;
  bool tpm_established() override { return false; }  // a context has no PTP register of its own
  void reset_established(uint8_t) override {}

 private:
  mctpm::Scheduler& scheduler_;
  std::string name_;
};

// The root (platform) TPM: ring 0, no swap, same FIFO as the VMs.
class RootBackend : public TpmBackend {
 public:
  explicit RootBackend(mctpm::Scheduler& scheduler) : scheduler_(scheduler) {}
  std::vector<uint8_t> execute(uint8_t locality, const std::vector<uint8_t>& command) override;
  bool tpm_established() override { return false; }
  void reset_established(uint8_t) override {}

 private:
  mctpm::Scheduler& scheduler_;
};

class ContextService {
 public:
  ContextService(mctpm::Scheduler& scheduler, Log& log, uint8_t default_locality)
      : scheduler_(scheduler), log_(log), default_locality_(default_locality) {}
  ~ContextService();

  // "--vm NAME[:MSSIM_PORT[:SWTPM_PORT]]": attach a stored context or launch a
  // new (shared) one; ports 0 or missing: the stored ones, else free ports.
  std::string serve_vm_option(const std::string& spec);

  // One control request line -> response lines (last: "ok ..." or "error: ...").
  std::vector<std::string> handle(const std::string& request);

  // Stops every VM endpoint and swaps the loaded context out (orderly stop).
  void stop();

 private:
  struct Endpoints {
    std::unique_ptr<VmBackend> backend;
    std::unique_ptr<SwtpmState> swtpm_state;
    std::unique_ptr<TcpServer> server;
    uint16_t mssim_port = 0;
    uint16_t swtpm_port = 0;
  };

  std::string launch(const std::string& name, uint8_t model, uint16_t mssim, uint16_t swtpm);
  std::string attach(const std::string& name, uint16_t mssim, uint16_t swtpm);
  void open_endpoints(const std::string& name, uint16_t mssim, uint16_t swtpm);
  void close_endpoints(const std::string& name);
  std::string ok_line(const std::string& name);

  mctpm::Scheduler& scheduler_;
  Log& log_;
  uint8_t default_locality_;
  std::mutex mutex_;  // one control request at a time
  std::map<std::string, Endpoints> endpoints_;
};

}  // namespace mctpmd

#endif

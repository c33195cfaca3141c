// mctpmd: exposes the chip to tpm2-tss clients through the mssim and swtpm
// socket protocols, on 127.0.0.1 only. One device connection; commands from
// all clients are serialised on it.
#include <signal.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "context_service.h"
#include "control_server.h"
#include "device_backend.h"
#include "log.h"
#include "mctpm/context_store.h"
#include "mctpm/device.h"
#include "mctpm/error.h"
#include "mctpm/scheduler.h"
#include "mctpm/transport.h"
#include "mssim_session.h"
#include "swtpm_session.h"
#include "tcp_server.h"

namespace po = boost::program_options;

namespace {

// Multi-context mode: the scheduler owns the chip; root endpoints, one pair
// of endpoints per VM, the control socket.
int run_contexts(const std::string& device, mctpm::TpmSpi::Options tpm_options, const std::string& store_dir,
                 const std::string& control_path, uint32_t pcr_mask, const std::vector<std::string>& vms,
                 uint16_t mssim_port, uint16_t swtpm_port, uint8_t locality_default, mctpmd::Log& log,
                 sigset_t& stop_signals) {
  auto transport = mctpm::open_transport(device);
  mctpm::TpmSpi tpm(*transport, tpm_options);
  mctpm::Scheduler scheduler(mctpm::Device(tpm), mctpm::ContextStore(store_dir),
                             [&log](const std::string& line) { log.info(line); });
  const auto report = scheduler.recover(pcr_mask);
  if (!report.problems.empty())
    log.info(std::to_string(report.problems.size()) + " stored context(s) need attention (see above); their files are kept");

  mctpmd::RootBackend root(scheduler);
  mctpmd::SwtpmState root_swtpm_state{locality_default};
  mctpmd::TcpServer root_server(log);
  if (mssim_port) {
    root_server.listen(mssim_port, "root mssim tpm",
                       [&](mctpmd::Stream& s) { return mctpmd::serve_mssim_tpm(s, root, log); });
    root_server.listen(uint16_t(mssim_port + 1), "root mssim platform",
                       [&](mctpmd::Stream& s) { return mctpmd::serve_mssim_platform(s, log); });
  }
  if (swtpm_port) {
    root_server.listen(swtpm_port, "root swtpm data",
                       [&](mctpmd::Stream& s) { return mctpmd::serve_swtpm_data(s, root_swtpm_state, root, log); });
    root_server.listen(uint16_t(swtpm_port + 1), "root swtpm ctrl",
                       [&](mctpmd::Stream& s) { return mctpmd::serve_swtpm_ctrl(s, root_swtpm_state, root, log); });
  }

  mctpmd::ContextService service(scheduler, log, locality_default);
  for (const auto& spec : vms) service.serve_vm_option(spec);
  mctpmd::ControlServer control(control_path, [&](const std::string& line) { return service.handle(line); }, log);
  log.info("serving " + transport->describe() + " with contexts in " + store_dir + "; control " + control_path +
           (mssim_port ? "; root mssim on 127.0.0.1:" + std::to_string(mssim_port) : "") +
           (swtpm_port ? "; root swtpm on 127.0.0.1:" + std::to_string(swtpm_port) : ""));

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log.info(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
  control.stop();
  root_server.stop();
  service.stop();
  return 0;
}

int run(int argc, char** argv) {
  std::string device, store_dir, control_path, pcr_mask_text;
  std::vector<std::string> vms;
  unsigned mssim_port = 0, swtpm_port = 0, locality_default = 0, poll_us = 0;
  po::options_description opts("mctpmd: serve the mctpm chip to tpm2-tss clients (mssim and swtpm TCTIs)\n\nOptions");
  opts.add_options()
      ("help,h", "show this help")
      ("device", po::value<std::string>(&device)->required(), (std::string("device URI: ") + mctpm::kDeviceUriHelp).c_str())
      ("mssim-port", po::value<unsigned>(&mssim_port)->default_value(2321),
       "mssim TPM port N (platform port N+1); 0 disables")
      ("swtpm-port", po::value<unsigned>(&swtpm_port)->default_value(2341),
       "swtpm data port N (control port N+1); 0 disables")
      ("locality-default", po::value<unsigned>(&locality_default)->default_value(0),
       "locality for swtpm clients until they set one")
      ("poll-us", po::value<unsigned>(&poll_us)->default_value(10),
       "device time between status polls, in microseconds")
      ("store", po::value<std::string>(&store_dir),
       "context store directory: enables the multi-context mode (one TPM per VM; "
       "--mssim-port/--swtpm-port then serve the root TPM)")
      ("pcr-mask", po::value<std::string>(&pcr_mask_text),
       "platform PCRs (SHA-256 bank, bits 0-15) that bind the sealed contexts, for XON (default MGMT_DEFAULT_PCR_MASK)")
      ("control", po::value<std::string>(&control_path), "control socket (default STORE/control.sock)")
      ("vm", po::value<std::vector<std::string>>(&vms),
       "NAME[:MSSIM_PORT[:SWTPM_PORT]]: serve this VM's context (launched if missing; port 0 = a free one); repeatable")
      ("verbose,v", "log one line per command and connection");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, opts), vm);
  if (vm.count("help")) {
    std::cout << opts << "\nClients: TPM2TOOLS_TCTI=mssim:host=127.0.0.1,port=N or swtpm:host=127.0.0.1,port=N\n";
    return 0;
  }
  po::notify(vm);
  if (mssim_port > 65534 || swtpm_port > 65534) throw po::error("ports must be at most 65534 (N and N+1 are used)");
  if (locality_default > 4) throw po::error("--locality-default must be 0..4");

  // Block the stop signals before any thread starts, so sigwait() gets them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (store_dir.empty() && (!control_path.empty() || !vms.empty() || !pcr_mask_text.empty()))
    throw po::error("--control, --vm and --pcr-mask need --store");
  uint32_t pcr_mask = MCTPM_MGMT_DEFAULT_PCR_MASK;
  if (!pcr_mask_text.empty()) {
    size_t used = 0;
    unsigned long v = 0;
    try {
      v = std::stoul(pcr_mask_text, &used, 0);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != pcr_mask_text.size() || v > 0xFFFF) throw po::error("--pcr-mask must be a number in 0..0xFFFF");
    pcr_mask = uint32_t(v);
  }

  mctpmd::Log log(vm.count("verbose") > 0);
  mctpm::TpmSpi::Options tpm_options;
  tpm_options.poll_interval_us = poll_us;
  if (!store_dir.empty()) {
    if (control_path.empty()) control_path = store_dir + "/control.sock";
    return run_contexts(device, tpm_options, store_dir, control_path, pcr_mask, vms, uint16_t(mssim_port),
                        uint16_t(swtpm_port), uint8_t(locality_default), log, stop_signals);
  }
  mctpmd::DeviceBackend device_backend(mctpm::open_transport(device), tpm_options);
  mctpmd::SwtpmState swtpm_state{static_cast<uint8_t>(locality_default)};

  mctpmd::TcpServer server(log);
  if (mssim_port) {
    server.listen(uint16_t(mssim_port), "mssim tpm",
                  [&](mctpmd::Stream& s) { return mctpmd::serve_mssim_tpm(s, device_backend, log); });
    server.listen(uint16_t(mssim_port + 1), "mssim platform",
                  [&](mctpmd::Stream& s) { return mctpmd::serve_mssim_platform(s, log); });
  }
  if (swtpm_port) {
    server.listen(uint16_t(swtpm_port), "swtpm data", [&](mctpmd::Stream& s) {
      return mctpmd::serve_swtpm_data(s, swtpm_state, device_backend, log);
    });
    server.listen(uint16_t(swtpm_port + 1), "swtpm ctrl", [&](mctpmd::Stream& s) {
      return mctpmd::serve_swtpm_ctrl(s, swtpm_state, device_backend, log);
    });
  }
  log.info("serving " + device_backend.describe() + (mssim_port ? "; mssim on 127.0.0.1:" + std::to_string(mssim_port) : "") +
           (swtpm_port ? "; swtpm on 127.0.0.1:" + std::to_string(swtpm_port) : ""));

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log.info(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
  server.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const po::error& e) {
    std::fprintf(stderr, "mctpmd: %s (see --help)\n", e.what());
  } catch (const mctpm::Error& e) {
    std::fprintf(stderr, "mctpmd: %s: %s\n", mctpm::kind_name(e.kind()), e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mctpmd: %s\n", e.what());
  }
  return 1;
}

// mctpmd: exposes the chip to tpm2-tss clients through the mssim and swtpm
// socket protocols, on 127.0.0.1 only. One device connection; commands from
// all clients are serialised on it.
#include <signal.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "device_backend.h"
#include "log.h"
#include "mctpm/error.h"
#include "mctpm/transport.h"
#include "mssim_session.h"
#include "swtpm_session.h"
#include "tcp_server.h"

namespace po = boost::program_options;

namespace {

int run(int argc, char** argv) {
  std::string device;
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

  mctpmd::Log log(vm.count("verbose") > 0);
  mctpm::TpmSpi::Options tpm_options;
  tpm_options.poll_interval_us = poll_us;
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

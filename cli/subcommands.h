// The mctpm CLI's subcommands. Each parses its own options (with --help) and
// returns the exit status; errors are thrown as exceptions.
#ifndef MCTPM_CLI_SUBCOMMANDS_H
#define MCTPM_CLI_SUBCOMMANDS_H

#include <string>
#include <vector>

#include "mctpm/tpm_spi.h"

namespace mctpm_cli {

struct GlobalOptions {
  std::string device;
  bool verbose = false;
  unsigned poll_us = 10;
};

inline mctpm::TpmSpi::Options tpm_options(const GlobalOptions& g) {
  mctpm::TpmSpi::Options o;
  o.poll_interval_us = g.poll_us;
  return o;
}

int run_status(const GlobalOptions& g, const std::vector<std::string>& args);
int run_send(const GlobalOptions& g, const std::vector<std::string>& args);
// mctpm context ...: mctpmd control socket client (no device access).
int run_context(const GlobalOptions& g, const std::vector<std::string>& args);
int run_sim_reset(const GlobalOptions& g, const std::vector<std::string>& args);

}  // namespace mctpm_cli

#endif

// mctpm: command-line tool for the mctpm chip.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "mctpm/error.h"
#include "mctpm/transport.h"
#include "subcommands.h"

namespace po = boost::program_options;

namespace {

struct Subcommand {
  const char* name;
  const char* summary;
  int (*run)(const mctpm_cli::GlobalOptions&, const std::vector<std::string>&);
};

const Subcommand kSubcommands[] = {
    {"status", "identity, interface registers and (simulator) clocks", mctpm_cli::run_status},
    {"send", "send a raw TPM command given as hex, print the response", mctpm_cli::run_send},
    {"sim-reset", "power-cycle the simulated chip", mctpm_cli::run_sim_reset},
    {"context", "VM contexts of a running mctpmd --store: launch, list, exit, resume, clear, attach, detach, status",
     mctpm_cli::run_context},
};

void usage(const po::options_description& global) {
  std::cout << "usage: mctpm [--device URI] [-v] <subcommand> [options]\n\n" << global << "\nSubcommands:\n";
  for (const auto& s : kSubcommands) std::printf("  %-10s %s\n", s.name, s.summary);
  std::cout << "\n'mctpm <subcommand> --help' describes each.\n";
}

int run(int argc, char** argv) {
  mctpm_cli::GlobalOptions g;
  po::options_description global("Options");
  global.add_options()
      ("help,h", "show this help")
      ("device", po::value<std::string>(&g.device)->default_value("sim"), (std::string("device URI: ") + mctpm::kDeviceUriHelp).c_str())
      ("poll-us", po::value<unsigned>(&g.poll_us)->default_value(10),
       "device time between status polls, in microseconds")
      ("verbose,v", "say more");

  // Global options come before the subcommand; everything after it is the
  // subcommand's. The first word that is neither an option nor an option's
  // value is the subcommand.
  int split = 1;
  while (split < argc && argv[split][0] == '-') {
    const std::string a = argv[split];
    const bool takes_value = a == "--device" || a == "--poll-us";
    split += takes_value ? 2 : 1;
  }
  if (split > argc) split = argc;

  po::variables_map vm;
  po::store(po::command_line_parser(split, argv).options(global).run(), vm);
  po::notify(vm);
  g.verbose = vm.count("verbose") > 0;
  if (vm.count("help")) {
    usage(global);
    return 0;
  }
  if (split == argc) throw po::error("no subcommand given");

  const std::string name = argv[split];
  const std::vector<std::string> args(argv + split + 1, argv + argc);
  for (const auto& s : kSubcommands)
    if (name == s.name) return s.run(g, args);
  throw po::error("unknown subcommand '" + name + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const po::error& e) {
    std::fprintf(stderr, "mctpm: %s (see --help)\n", e.what());
  } catch (const mctpm::Error& e) {
    std::fprintf(stderr, "mctpm: %s: %s\n", mctpm::kind_name(e.kind()), e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mctpm: %s\n", e.what());
  }
  return 1;
}

// mctpm sim-reset: power-cycle the simulated chip (firmware boots again).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "mctpm/error.h"
#include "mctpm/sim_transport.h"
#include "mctpm/transport.h"
#include "subcommands.h"

namespace po = boost::program_options;

namespace mctpm_cli {

int run_sim_reset(const GlobalOptions& g, const std::vector<std::string>& args) {
  po::options_description desc("mctpm sim-reset: power-cycle the simulated chip\n\nOptions");
  desc.add_options()("help,h", "show this help");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  auto transport = mctpm::open_transport(g.device);
  auto* sim = dynamic_cast<mctpm::SimTransport*>(transport.get());
  if (!sim) throw mctpm::Error(mctpm::Error::Kind::Usage, "sim-reset needs a sim: device, not " + transport->describe());
  sim->reset_chip();
  if (g.verbose) std::printf("reset %s\n", transport->describe().c_str());
  return 0;
}

}  // namespace mctpm_cli

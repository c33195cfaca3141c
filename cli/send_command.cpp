// mctpm send: one raw TPM command in, the response out.
#include <boost/program_options.hpp>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "mctpm/error.h"
#include "mctpm/tpm_rc.h"
#include "mctpm/tpm_spi.h"
#include "mctpm/transport.h"
#include "subcommands.h"

namespace po = boost::program_options;

namespace mctpm_cli {

namespace {

std::vector<uint8_t> parse_hex(const std::string& text) {
  std::vector<uint8_t> out;
  int high = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      throw mctpm::Error(mctpm::Error::Kind::Usage, std::string("'") + c + "' is not a hex digit");
    const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
    if (high < 0) {
      high = v;
    } else {
      out.push_back(uint8_t(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) throw mctpm::Error(mctpm::Error::Kind::Usage, "odd number of hex digits");
  return out;
}

}  // namespace

int run_send(const GlobalOptions& g, const std::vector<std::string>& args) {
  unsigned locality = 0;
  po::options_description desc(
      "mctpm send [--locality N] HEX... | -\n"
      "Sends a raw TPM command (hex, spaces allowed; '-' reads hex from stdin),\n"
      "prints the response as hex and its response code\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("locality", po::value<unsigned>(&locality)->default_value(0), "locality to send from (0..4)");
  po::options_description hidden;
  hidden.add_options()("hex", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("hex", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (locality > 4) throw po::error("--locality must be 0..4");
  if (!vm.count("hex")) throw po::error("no command given");

  std::string text;
  const auto& words = vm["hex"].as<std::vector<std::string>>();
  if (words.size() == 1 && words[0] == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    for (const auto& w : words) text += w;
  }
  const auto command = parse_hex(text);

  auto transport = mctpm::open_transport(g.device);
  mctpm::TpmSpi tpm(*transport, tpm_options(g));
  const auto response = tpm.transmit(uint8_t(locality), command);
  for (uint8_t b : response) std::printf("%02x", b);
  std::printf("\n");
  const uint32_t rc = mctpm::response_code(response);
  std::printf("rc 0x%08X %s\n", rc, mctpm::rc_name(rc).c_str());
  return 0;
}

}  // namespace mctpm_cli

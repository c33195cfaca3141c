// mctpm context ...: talks to mctpmd's control socket (driver/README.md).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "mctpm/error.h"
#include "subcommands.h"

namespace po = boost::program_options;

namespace mctpm_cli {

namespace {

using mctpm::Error;

// Sends one request line; prints the response lines; true if the last is "ok...".
bool control_request(const std::string& path, const std::string& request) {
  sockaddr_un a{};
  if (path.size() >= sizeof a.sun_path) throw Error(Error::Kind::Usage, "control socket path is too long");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) throw Error(Error::Kind::Io, std::string("socket: ") + std::strerror(errno));
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error(Error::Kind::Io, "cannot reach mctpmd at " + path + ": " + std::strerror(err) +
                                     " (is mctpmd running with --store?)");
  }
  const std::string line = request + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != ssize_t(line.size())) {
    ::close(fd);
    throw Error(Error::Kind::Io, "cannot send the request to " + path);
  }
  std::string buffer;
  char chunk[1024];
  for (;;) {
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      const std::string l = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      if (l.rfind("error: ", 0) == 0) {
        ::close(fd);
        std::fprintf(stderr, "mctpm: %s\n", l.c_str());
        return false;
      }
      std::printf("%s\n", l.c_str());
      if (l == "ok" || l.rfind("ok ", 0) == 0) {
        ::close(fd);
        return true;
      }
    }
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw Error(Error::Kind::Io, "mctpmd closed the control connection before its answer ended");
    }
    buffer.append(chunk, size_t(n));
  }
}

}  // namespace

int run_context(const GlobalOptions&, const std::vector<std::string>& args) {
  std::string action, control, name, model;
  unsigned mssim = 0, swtpm = 0;
  po::options_description desc(
      "mctpm context launch|list|exit|resume|clear|attach|detach|status [options]\n"
      "Manages the VM contexts of a running mctpmd (--store mode) through its control socket\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("control", po::value<std::string>(&control),
       "mctpmd's control socket (default: $MCTPM_CONTROL, else STORE/control.sock must be given)")
      ("vm", po::value<std::string>(&name), "context (VM) name, for all but list and status")
      ("pcr-model", po::value<std::string>(&model), "launch: shared (default: PCRs 0-15 are the platform's) or private")
      ("mssim-port", po::value<unsigned>(&mssim), "launch/attach: mssim port N (N+1 platform); default a free one")
      ("swtpm-port", po::value<unsigned>(&swtpm), "launch/attach: swtpm port N (N+1 control); default a free one");
  po::options_description hidden;
  hidden.add_options()("action", po::value<std::string>(&action));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("action", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (control.empty())
    if (const char* env = std::getenv("MCTPM_CONTROL")) control = env;
  if (control.empty()) throw po::error("--control PATH is required (or set MCTPM_CONTROL)");
  if (action.empty()) throw po::error("no action given");
  const bool takes_name = action != "list" && action != "status";
  const bool known = takes_name || action == "list" || action == "status";
  if (!(action == "launch" || action == "exit" || action == "resume" || action == "clear" || action == "attach" ||
        action == "detach" || !takes_name) || !known)
    throw po::error("unknown action '" + action + "'");
  if (takes_name && name.empty()) throw po::error(action + " needs --vm NAME");
  if (!takes_name && !name.empty()) throw po::error(action + " takes no --vm");
  if (!model.empty() && action != "launch") throw po::error("--pcr-model is for launch only");
  if (!model.empty() && model != "shared" && model != "private") throw po::error("--pcr-model must be shared or private");
  if ((vm.count("mssim-port") || vm.count("swtpm-port")) && action != "launch" && action != "attach")
    throw po::error("--mssim-port/--swtpm-port are for launch and attach");
  if (mssim > 65534 || swtpm > 65534) throw po::error("ports must be at most 65534 (N and N+1 are used)");

  std::string request = action;
  if (takes_name) request += " " + name;
  if (!model.empty()) request += " " + model;
  if (vm.count("mssim-port")) request += " mssim=" + std::to_string(mssim);
  if (vm.count("swtpm-port")) request += " swtpm=" + std::to_string(swtpm);
  return control_request(control, request) ? 0 : 1;
}

}  // namespace mctpm_cli

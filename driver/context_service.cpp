#include "context_service.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

#include "mctpm/error.h"
#include "mctpm/tpm_rc.h"
#include "mssim_session.h"

namespace mctpmd {

namespace {

using mctpm::Error;

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

uint16_t parse_port(const std::string& text, const std::string& what) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    throw Error(Error::Kind::Usage, what + " '" + text + "' is not a port number");
  const unsigned long v = std::stoul(text);
  if (v > 65534) throw Error(Error::Kind::Usage, what + " " + text + " is above 65534 (N and N+1 are used)");
  return uint16_t(v);
}

bool port_free(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A port N with N and N+1 both free (the kernel picks N).
uint16_t free_port_pair() {
  for (int attempt = 0; attempt < 64; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) break;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    uint16_t n = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      n = ntohs(a.sin_port);
    ::close(fd);
    if (n && n < 65535 && port_free(n) && port_free(uint16_t(n + 1))) return n;
  }
  throw Error(Error::Kind::Io, "no free pair of loopback ports found");
}

uint8_t parse_model(const std::string& w) {
  if (w == "shared") return MCTPM_MGMT_PCR_MODEL_SHARED;
  if (w == "private") return MCTPM_MGMT_PCR_MODEL_PRIVATE;
  throw Error(Error::Kind::Usage, "PCR model '" + w + "' is neither shared nor private");
}

}  // namespace

std::vector<uint8_t> VmBackend::execute(uint8_t, const std::vector<uint8_t>& command) {
  return scheduler_.run(name_, command);
}

std::vector<uint8_t> RootBackend::execute(uint8_t, const std::vector<uint8_t>& command) {
  return scheduler_.run_root(command);
}

ContextService::~ContextService() { stop(); }

void ContextService::open_endpoints(const std::string& name, uint16_t mssim, uint16_t swtpm) {
  Endpoints e;
  e.backend = std::make_unique<VmBackend>(scheduler_, name);
  e.swtpm_state = std::make_unique<SwtpmState>(default_locality_);
  e.server = std::make_unique<TcpServer>(log_);
  e.mssim_port = mssim ? mssim : free_port_pair();
  VmBackend* backend = e.backend.get();
  SwtpmState* state = e.swtpm_state.get();
  const std::string tag = "vm " + name;
  e.server->listen(e.mssim_port, tag + " mssim tpm",
                   [this, backend](Stream& s) { return serve_mssim_tpm(s, *backend, log_); });
  e.server->listen(uint16_t(e.mssim_port + 1), tag + " mssim platform",
                   [this](Stream& s) { return serve_mssim_platform(s, log_); });
  e.swtpm_port = swtpm ? swtpm : free_port_pair();
  e.server->listen(e.swtpm_port, tag + " swtpm data",
                   [this, backend, state](Stream& s) { return serve_swtpm_data(s, *state, *backend, log_); });
  e.server->listen(uint16_t(e.swtpm_port + 1), tag + " swtpm ctrl",
                   [this, backend, state](Stream& s) { return serve_swtpm_ctrl(s, *state, *backend, log_); });
  endpoints_[name] = std::move(e);
}

void ContextService::close_endpoints(const std::string& name) {
  const auto it = endpoints_.find(name);
  if (it == endpoints_.end()) return;
  it->second.server->stop();  // waits for its clients; none holds a scheduler turn afterwards
  endpoints_.erase(it);
}

std::string ContextService::ok_line(const std::string& name) {
  const auto s = scheduler_.status(name);
  const auto it = endpoints_.find(name);
  return "ok " + name + " id=" + std::to_string(s.meta.context_id) +
         " mssim=" + std::to_string(it == endpoints_.end() ? 0 : it->second.mssim_port) +
         " swtpm=" + std::to_string(it == endpoints_.end() ? 0 : it->second.swtpm_port);
}

std::string ContextService::launch(const std::string& name, uint8_t model, uint16_t mssim, uint16_t swtpm) {
  mctpm::ContextStore::check_name(name);
  if (endpoints_.count(name)) throw Error(Error::Kind::Usage, "'" + name + "' is already served");
  open_endpoints(name, mssim, swtpm);  // bind first: a busy port fails before the chip changes
  try {
    const auto& e = endpoints_.at(name);
    scheduler_.launch(name, model, e.mssim_port, e.swtpm_port);
  } catch (...) {
    close_endpoints(name);
    throw;
  }
  const std::string line = ok_line(name);
  log_.info(line.substr(3));
  return line;
}

std::string ContextService::attach(const std::string& name, uint16_t mssim, uint16_t swtpm) {
  mctpm::ContextStore::check_name(name);
  if (endpoints_.count(name)) throw Error(Error::Kind::Usage, "'" + name + "' is already served");
  scheduler_.attach(name);
  const auto meta = scheduler_.status(name).meta;
  try {
    open_endpoints(name, mssim ? mssim : meta.mssim_port, swtpm ? swtpm : meta.swtpm_port);
  } catch (...) {
    scheduler_.detach(name);
    throw;
  }
  const auto& e = endpoints_.at(name);
  scheduler_.set_ports(name, e.mssim_port, e.swtpm_port);
  const std::string line = ok_line(name);
  log_.info("attached " + line.substr(3));
  return line;
}

std::string ContextService::serve_vm_option(const std::string& spec) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> parts;
  std::stringstream in(spec);
  for (std::string p; std::getline(in, p, ':');) parts.push_back(p);
  if (parts.empty() || parts.size() > 3)
    throw Error(Error::Kind::Usage, "--vm '" + spec + "' is not NAME[:MSSIM_PORT[:SWTPM_PORT]]");
  const uint16_t mssim = parts.size() > 1 ? parse_port(parts[1], "--vm mssim port") : 0;
  const uint16_t swtpm = parts.size() > 2 ? parse_port(parts[2], "--vm swtpm port") : 0;
  bool known = false;
  for (const auto& s : scheduler_.list()) known = known || s.name == parts[0];
  return known ? attach(parts[0], mssim, swtpm) : launch(parts[0], MCTPM_MGMT_PCR_MODEL_SHARED, mssim, swtpm);
}

std::vector<std::string> ContextService::handle(const std::string& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    const auto w = words(request);
    if (w.empty()) throw Error(Error::Kind::Usage, "empty request");
    const std::string& verb = w[0];
    auto need_name = [&]() -> const std::string& {
      if (w.size() < 2) throw Error(Error::Kind::Usage, verb + " needs a context name");
      return w[1];
    };
    // Options after the name: shared|private, mssim=P, swtpm=Q.
    auto options = [&](bool model_allowed, uint8_t& model, uint16_t& mssim, uint16_t& swtpm) {
      for (size_t i = 2; i < w.size(); ++i) {
        if (w[i].rfind("mssim=", 0) == 0)
          mssim = parse_port(w[i].substr(6), "mssim port");
        else if (w[i].rfind("swtpm=", 0) == 0)
          swtpm = parse_port(w[i].substr(6), "swtpm port");
        else if (model_allowed)
          model = parse_model(w[i]);
        else
          throw Error(Error::Kind::Usage, "unexpected '" + w[i] + "' in " + verb);
      }
    };
    if (verb == "launch") {
      uint8_t model = MCTPM_MGMT_PCR_MODEL_SHARED;
      uint16_t mssim = 0, swtpm = 0;
      const std::string name = need_name();
      options(true, model, mssim, swtpm);
      return {launch(name, model, mssim, swtpm)};
    }
    if (verb == "attach") {
      uint8_t model = 0;
      uint16_t mssim = 0, swtpm = 0;
      const std::string name = need_name();
      options(false, model, mssim, swtpm);
      return {attach(name, mssim, swtpm)};
    }
    if (verb == "list") {
      if (w.size() != 1) throw Error(Error::Kind::Usage, "list takes no arguments");
      std::vector<std::string> out;
      for (const auto& s : scheduler_.list()) {
        const auto it = endpoints_.find(s.name);
        out.push_back(s.name + " id=" + std::to_string(s.meta.context_id) +
                      " model=" + mctpm::pcr_model_name(s.meta.pcr_model) +
                      " counter=" + std::to_string(s.counter) + " where=" + (s.on_chip ? "chip" : "store") +
                      " mssim=" + std::to_string(it == endpoints_.end() ? 0 : it->second.mssim_port) +
                      " swtpm=" + std::to_string(it == endpoints_.end() ? 0 : it->second.swtpm_port) +
                      " commands=" + std::to_string(s.commands) + " served=" + (s.attached ? "yes" : "no"));
      }
      out.push_back("ok");
      return out;
    }
    if (verb == "status") {
      const auto d = scheduler_.device_state();
      const auto st = scheduler_.stats();
      const auto loaded = scheduler_.loaded();
      char mask[16];
      std::snprintf(mask, sizeof mask, "0x%04X", d.pcr_mask);
      std::vector<std::string> out = {
          "device virtualization=" + std::string(d.virtualization ? "on" : "off") + " slot=" + mctpm::slot_name(d.slot) +
              " context=" + std::to_string(d.context_id) + " pcr_mask=" + mask +
              " live=" + std::to_string(d.live_contexts) + " next_id=" + std::to_string(d.next_context_id) +
              " traps=" + std::to_string(d.trap_count) + " denied=" + std::to_string(d.denied_count) +
              " device_id=" + d.device_id_hex(),
          "scheduler loaded=" + (loaded ? *loaded : std::string("-")) + " swaps=" + std::to_string(st.swaps) +
              " exits=" + std::to_string(st.exits) + " trapped=" + std::to_string(st.trapped_commands) +
              " root_commands=" + std::to_string(st.root_commands) + " reentries=" + std::to_string(st.reentries) +
              " resent_after_trap=" + std::to_string(st.resent_after_trap)};
      for (const auto& [name, n] : st.commands) out.push_back("commands " + name + "=" + std::to_string(n));
      out.push_back("ok");
      return out;
    }
    const std::string name = need_name();
    if (w.size() > 2) throw Error(Error::Kind::Usage, verb + " takes only a name");
    if (verb == "exit") {
      scheduler_.exit(name);
      return {"ok " + name + " where=store"};
    }
    if (verb == "resume") {
      scheduler_.resume(name);
      return {"ok " + name + " where=chip"};
    }
    if (verb == "clear") {
      scheduler_.status(name);  // unknown names fail before the endpoints close
      close_endpoints(name);
      scheduler_.clear(name);
      log_.info("cleared " + name);
      return {"ok " + name + " cleared"};
    }
    if (verb == "detach") {
      scheduler_.status(name);
      close_endpoints(name);
      scheduler_.detach(name);
      log_.info("detached " + name);
      return {"ok " + name + " detached"};
    }
    throw Error(Error::Kind::Usage, "unknown request '" + verb +
                                        "' (launch, list, exit, resume, clear, attach, detach, status)");
  } catch (const std::exception& e) {
    return {std::string("error: ") + e.what()};
  }
}

void ContextService::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [name, e] : endpoints_) e.server->stop();
  endpoints_.clear();
  try {
    if (const auto loaded = scheduler_.loaded()) {
      scheduler_.exit(*loaded);
      log_.info("swapped '" + *loaded + "' out to the store");
    }
  } catch (const std::exception& e) {
    log_.info(std::string("could not swap the loaded context out: ") + e.what() + " (recovery on the next start)");
  }
}

}  // namespace mctpmd

// The socket side of mctpm-sim: accepts one client at a time and serves the
// requests of spec/sim_socket.def.
#pragma once
#include <stdint.h>

#include <functional>
#include <string>
#include <vector>

namespace mctpm_sim {

struct Request {
  uint8_t op;
  std::vector<uint8_t> payload;
};

struct Reply {
  uint8_t status;
  std::vector<uint8_t> payload;
};

class SimServer {
 public:
  using Handler = std::function<Reply(const Request&)>;
  // Binds 127.0.0.1:port (0 = any free port).
  explicit SimServer(uint16_t port);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  uint16_t port() const { return port_; }
  // Serves clients one after another until stop() is called from a handler.
  void serve(const Handler& handler, const std::function<void()>& on_disconnect);
  void stop() { stop_ = true; }

 private:
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  bool stop_ = false;
};

}  // namespace mctpm_sim

// Listens on 127.0.0.1 ports and serves each client in its own thread.
// A client's error closes that client only.
#ifndef MCTPMD_TCP_SERVER_H
#define MCTPMD_TCP_SERVER_H

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "log.h"
#include "stream.h"

namespace mctpmd {

class TcpServer {
 public:
  // Serves one client; returns why the session ended (logged with -v).
  using Handler = std::function<std::string(Stream&)>;

  explicit TcpServer(Log& log) : log_(log) {}
  ~TcpServer();
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // Binds 127.0.0.1:port now (throws mctpm::Error on failure), then accepts
  // in the background. Returns the bound port (useful with port 0).
  uint16_t listen(uint16_t port, const std::string& name, Handler handler);
  // Stops accepting, shuts every client connection down, waits for threads.
  void stop();

 private:
  void accept_loop(int listen_fd, std::string name, Handler handler);
  void serve_client(int fd, std::string name, Handler handler);

  Log& log_;
  std::mutex mutex_;
  std::condition_variable idle_;
  bool stopping_ = false;
  std::vector<int> listen_fds_;
  std::vector<std::thread> acceptors_;
  std::set<int> clients_;
};

}  // namespace mctpmd

#endif

// The control socket of mctpmd: a unix stream socket, one request line in,
// response lines out, the last one "ok ..." or "error: <message>". Any
// number of requests per connection; each connection has its own thread.
#ifndef MCTPMD_CONTROL_SERVER_H
#define MCTPMD_CONTROL_SERVER_H

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "log.h"

namespace mctpmd {

class ControlServer {
 public:
  // The response lines to one request; the last must be "ok..." or "error: ...".
  using Handler = std::function<std::vector<std::string>(const std::string& request)>;

  // Binds path (a stale socket file there is replaced; any other file is an
  // error), mode 0600, and accepts in the background.
  ControlServer(const std::string& path, Handler handler, Log& log);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;
  void stop();

 private:
  void accept_loop();
  void serve(int fd);
  void reap_finished_workers();

  std::string path_;
  Handler handler_;
  Log& log_;
  int listen_fd_ = -1;
  std::thread acceptor_;
  std::mutex mutex_;
  std::set<int> clients_;
  std::vector<std::thread> workers_;
  std::vector<std::thread::id> finished_;  // workers that are done and wait to be joined
  bool stopping_ = false;
};

}  // namespace mctpmd

#endif

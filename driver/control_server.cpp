#include "control_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mctpm/error.h"

namespace mctpmd {

namespace {

constexpr size_t kMaxRequestLine = 4096;

bool send_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t w = ::send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += size_t(w);
  }
  return true;
}

}  // namespace

ControlServer::ControlServer(const std::string& path, Handler handler, Log& log)
    : path_(path), handler_(std::move(handler)), log_(log) {
  sockaddr_un a{};
  if (path.size() >= sizeof a.sun_path)
    throw mctpm::Error(mctpm::Error::Kind::Usage, "control socket path " + path + " is too long");
  struct stat st{};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      throw mctpm::Error(mctpm::Error::Kind::Usage, path + " exists and is not a socket: not replacing it");
    ::unlink(path.c_str());
  }
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw mctpm::Error(mctpm::Error::Kind::Io, std::string("socket: ") + std::strerror(errno));
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  const mode_t old = ::umask(0077);  // the socket is created 0600: only this user controls the contexts
  const int b = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  const int err = errno;
  ::umask(old);
  if (b != 0 || ::listen(listen_fd_, 8) != 0) {
    ::close(listen_fd_);
    throw mctpm::Error(mctpm::Error::Kind::Io, "cannot listen on " + path + ": " + std::strerror(b != 0 ? err : errno));
  }
  acceptor_ = std::thread(&ControlServer::accept_loop, this);
}

ControlServer::~ControlServer() { stop(); }

void ControlServer::accept_loop() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd < 0) {
      if (!stopping_ && (errno == EINTR || errno == ECONNABORTED)) continue;
      if (!stopping_) log_.info(std::string("control: accept failed: ") + std::strerror(errno));
      return;
    }
    if (stopping_) {
      ::close(fd);
      return;
    }
    clients_.insert(fd);
    reap_finished_workers();
    workers_.emplace_back(&ControlServer::serve, this, fd);
  }
}

void ControlServer::serve(int fd) {
  std::string buffer;
  char chunk[512];
  for (bool open = true; open;) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffer.append(chunk, size_t(n));
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::vector<std::string> reply;
      try {
        reply = handler_(line);
      } catch (const std::exception& e) {
        reply = {std::string("error: ") + e.what()};
      }
      std::string out;
      for (const auto& l : reply) out += l + "\n";
      if (!send_all(fd, out)) {
        open = false;
        break;
      }
    }
    if (buffer.size() > kMaxRequestLine) {
      send_all(fd, "error: request line longer than " + std::to_string(kMaxRequestLine) + " bytes\n");
      break;
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ::close(fd);
  clients_.erase(fd);
  finished_.push_back(std::this_thread::get_id());
}

// With mutex_ held. A worker lists itself as its last act under the lock,
// so joining it here waits only for its return: a long-running daemon keeps
// no thread per connection it ever served.
void ControlServer::reap_finished_workers() {
  for (const std::thread::id id : finished_) {
    for (auto it = workers_.begin(); it != workers_.end(); ++it) {
      if (it->get_id() == id) {
        it->join();
        workers_.erase(it);
        break;
      }
    }
  }
  finished_.clear();
}

void ControlServer::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    for (int fd : clients_) ::shutdown(fd, SHUT_RDWR);
  }
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
  ::close(listen_fd_);
  ::unlink(path_.c_str());
}

}  // namespace mctpmd

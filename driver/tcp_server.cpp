#include "tcp_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mctpm/error.h"

namespace mctpmd {

namespace {

class SocketStream : public Stream {
 public:
  explicit SocketStream(int fd) : fd_(fd) {}
  size_t read(uint8_t* p, size_t n) override {
    size_t done = 0;
    while (done < n) {
      const ssize_t r = ::recv(fd_, p + done, n - done, 0);
      if (r == 0) break;
      if (r < 0) {
        if (errno == EINTR) continue;
        if (errno == ECONNRESET) break;  // an abrupt close is still a close
        throw mctpm::Error(mctpm::Error::Kind::Io, std::string("receive: ") + std::strerror(errno));
      }
      done += size_t(r);
    }
    return done;
  }
  void write(const uint8_t* p, size_t n) override {
    while (n > 0) {
      const ssize_t w = ::send(fd_, p, n, MSG_NOSIGNAL);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw mctpm::Error(mctpm::Error::Kind::Io, std::string("send: ") + std::strerror(errno));
      }
      p += w;
      n -= size_t(w);
    }
  }

 private:
  int fd_;
};

std::string peer_name(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return "?";
  char ip[INET_ADDRSTRLEN] = "?";
  ::inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(ntohs(a.sin_port));
}

}  // namespace

TcpServer::~TcpServer() { stop(); }

uint16_t TcpServer::listen(uint16_t port, const std::string& name, Handler handler) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw mctpm::Error(mctpm::Error::Kind::Io, std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // never reachable from other hosts
  a.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0) {
    const int err = errno;
    ::close(fd);
    throw mctpm::Error(mctpm::Error::Kind::Io,
                       "cannot listen on 127.0.0.1:" + std::to_string(port) + " (" + name + "): " + std::strerror(err));
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  std::lock_guard<std::mutex> lock(mutex_);
  listen_fds_.push_back(fd);
  acceptors_.emplace_back(&TcpServer::accept_loop, this, fd, name, std::move(handler));
  return ntohs(a.sin_port);
}

void TcpServer::accept_loop(int listen_fd, std::string name, Handler handler) {
  for (;;) {
    const int fd = ::accept(listen_fd, nullptr, nullptr);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      std::lock_guard<std::mutex> lock(mutex_);
      if (!stopping_) log_.info(name + ": accept failed: " + std::strerror(errno));
      return;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    clients_.insert(fd);
    std::thread(&TcpServer::serve_client, this, fd, name, handler).detach();
  }
}

void TcpServer::serve_client(int fd, std::string name, Handler handler) {
  const std::string who = name + " client " + peer_name(fd);
  log_.debug(who + ": connected");
  try {
    SocketStream stream(fd);
    log_.debug(who + ": done (" + handler(stream) + ")");
  } catch (const mctpm::Error& e) {
    log_.info(who + ": closing after " + mctpm::kind_name(e.kind()) + ": " + e.what());
  } catch (const std::exception& e) {
    log_.info(who + ": closing after error: " + e.what());
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ::close(fd);
  clients_.erase(fd);
  idle_.notify_all();
}

void TcpServer::stop() {
  std::vector<std::thread> acceptors;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && listen_fds_.empty() && acceptors_.empty() && clients_.empty()) return;
    stopping_ = true;
    // shutdown() wakes the threads blocked in accept() and recv().
    for (int fd : listen_fds_) ::shutdown(fd, SHUT_RDWR);
    for (int fd : clients_) ::shutdown(fd, SHUT_RDWR);
    acceptors.swap(acceptors_);
  }
  for (auto& t : acceptors) t.join();
  std::unique_lock<std::mutex> lock(mutex_);
  for (int fd : listen_fds_) ::close(fd);
  listen_fds_.clear();
  idle_.wait(lock, [this] { return clients_.empty(); });
}

}  // namespace mctpmd

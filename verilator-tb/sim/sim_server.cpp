#include "sim_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "sim_socket.h"

namespace mctpm_sim {
namespace {

bool read_all(int fd, uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= size_t(r);
  }
  return true;
}

bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::write(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= size_t(r);
  }
  return true;
}

// A request larger than this is a client bug, not a transfer.
constexpr uint32_t kMaxPayload = 1u << 20;

}  // namespace

SimServer::SimServer(uint16_t port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot bind 127.0.0.1:" + std::to_string(port) + ": " + strerror(errno));
  if (::listen(listen_fd_, 4) != 0) throw std::runtime_error(std::string("listen: ") + strerror(errno));
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

SimServer::~SimServer() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void SimServer::serve(const Handler& handler, const std::function<void()>& on_disconnect) {
  while (!stop_) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("accept: ") + strerror(errno));
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    while (!stop_) {
      uint8_t hdr[5];
      if (!read_all(fd, hdr, 5)) break;
      const uint32_t len = (uint32_t(hdr[1]) << 24) | (uint32_t(hdr[2]) << 16) | (uint32_t(hdr[3]) << 8) | hdr[4];
      Reply reply;
      Request req;
      req.op = hdr[0];
      if (len > kMaxPayload) {
        const std::string msg = "request payload of " + std::to_string(len) + " bytes is too large";
        reply = Reply{MCTPM_SIM_STATUS_ERROR, std::vector<uint8_t>(msg.begin(), msg.end())};
        // The stream is out of step now: answer once, then drop the client.
        uint8_t out[5] = {reply.status, 0, 0, 0, uint8_t(msg.size())};
        write_all(fd, out, 5);
        write_all(fd, reply.payload.data(), reply.payload.size());
        break;
      }
      req.payload.resize(len);
      if (len && !read_all(fd, req.payload.data(), len)) break;
      reply = handler(req);
      const uint32_t rl = uint32_t(reply.payload.size());
      uint8_t out[5] = {reply.status, uint8_t(rl >> 24), uint8_t(rl >> 16), uint8_t(rl >> 8), uint8_t(rl)};
      if (!write_all(fd, out, 5) || (rl && !write_all(fd, reply.payload.data(), rl))) break;
    }
    ::close(fd);
    on_disconnect();
  }
}

}  // namespace mctpm_sim

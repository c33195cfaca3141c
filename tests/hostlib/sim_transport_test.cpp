// SimTransport against a tiny in-test server speaking spec/sim_socket.def.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mctpm/error.h"
#include "mctpm/sim_transport.h"
#include "mctpm/transport.h"
#include "sim_socket.h"

namespace {

using Bytes = std::vector<uint8_t>;

struct Request {
  uint8_t op;
  Bytes payload;
  Bytes raw_header;  // the 5 bytes as received
};

// Serves one client: records requests; XFER answers the MOSI bytes inverted,
// INFO a fixed record. fail_op is answered with an error status, close_op by
// closing the connection.
class FakeSim {
 public:
  explicit FakeSim(int fail_op = -1, int close_op = -1) : fail_op_(fail_op), close_op_(close_op) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 1) != 0) std::abort();
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeSim() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

  static Bytes info_record() {
    Bytes r;
    auto put = [&](uint64_t v, int bytes) {
      for (int i = bytes - 1; i >= 0; --i) r.push_back(uint8_t(v >> (8 * i)));
    };
    put(0x0102030405060708ull, 8);  // sys cycles
    put(123456789000ull, 8);        // time ns
    put(50000000, 4);               // sys Hz
    put(10000000, 4);               // SPI Hz
    put(4242, 4);                   // exec cycles
    put(0, 1);                      // PIRQ# low: asserted
    return r;
  }

 private:
  static bool read_all(int fd, uint8_t* p, size_t n) {
    while (n) {
      const ssize_t r = ::read(fd, p, n);
      if (r <= 0) return false;
      p += r;
      n -= size_t(r);
    }
    return true;
  }
  static void reply(int fd, uint8_t status, const Bytes& payload) {
    Bytes out = {status, uint8_t(payload.size() >> 24), uint8_t(payload.size() >> 16), uint8_t(payload.size() >> 8),
                 uint8_t(payload.size())};
    out.insert(out.end(), payload.begin(), payload.end());
    (void)!::write(fd, out.data(), out.size());
  }
  void serve() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    for (;;) {
      Request req;
      req.raw_header.resize(5);
      if (!read_all(c, req.raw_header.data(), 5)) break;
      req.op = req.raw_header[0];
      const uint32_t len = (uint32_t(req.raw_header[1]) << 24) | (uint32_t(req.raw_header[2]) << 16) |
                           (uint32_t(req.raw_header[3]) << 8) | req.raw_header[4];
      req.payload.resize(len);
      if (len && !read_all(c, req.payload.data(), len)) break;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(req);
      }
      if (req.op == close_op_) break;
      if (req.op == fail_op_) {
        const std::string msg = "chip is on fire";
        reply(c, MCTPM_SIM_STATUS_ERROR, Bytes(msg.begin(), msg.end()));
      } else if (req.op == MCTPM_SIM_OP_XFER) {
        Bytes miso = req.payload;
        for (auto& b : miso) b = uint8_t(~b);
        reply(c, MCTPM_SIM_STATUS_OK, miso);
      } else if (req.op == MCTPM_SIM_OP_INFO) {
        reply(c, MCTPM_SIM_STATUS_OK, info_record());
      } else if (req.op == MCTPM_SIM_OP_CS_RELEASE || req.op == MCTPM_SIM_OP_IDLE || req.op == MCTPM_SIM_OP_RESET) {
        reply(c, MCTPM_SIM_STATUS_OK, {});
      } else {
        const std::string msg = "unknown op";
        reply(c, MCTPM_SIM_STATUS_ERROR, Bytes(msg.begin(), msg.end()));
      }
    }
    ::close(c);
  }

  int fail_op_, close_op_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Request> requests_;
};

TEST(SimTransport, TransferIsOneXferRequestWithBigEndianLengthAndReturnsMiso) {
  FakeSim sim;
  mctpm::SimTransport t("127.0.0.1", sim.port());
  const Bytes mosi = {0x83, 0xD4, 0x00, 0x18};
  Bytes miso(4);
  t.transfer(mosi.data(), miso.data(), mosi.size());
  EXPECT_EQ(miso, (Bytes{0x7C, 0x2B, 0xFF, 0xE7}));
  const auto reqs = sim.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].raw_header, (Bytes{MCTPM_SIM_OP_XFER, 0, 0, 0, 4}));
  EXPECT_EQ(reqs[0].payload, mosi);
}

TEST(SimTransport, ReleaseIdleAndResetSendTheirOps) {
  FakeSim sim;
  mctpm::SimTransport t("127.0.0.1", sim.port());
  t.release();
  t.wait_us(5);
  t.reset_chip();
  t.info();  // a round trip so every request above has been recorded
  const auto reqs = sim.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].raw_header, (Bytes{MCTPM_SIM_OP_CS_RELEASE, 0, 0, 0, 0}));
  EXPECT_EQ(reqs[1].raw_header, (Bytes{MCTPM_SIM_OP_IDLE, 0, 0, 0, 4}));
  EXPECT_EQ(reqs[1].payload, (Bytes{0, 0, 0x13, 0x88}));  // 5 us = 5000 ns
  EXPECT_EQ(reqs[2].raw_header, (Bytes{MCTPM_SIM_OP_RESET, 0, 0, 0, 0}));
}

TEST(SimTransport, LongIdleIsSplitIntoU32NanosecondSteps) {
  FakeSim sim;
  mctpm::SimTransport t("127.0.0.1", sim.port());
  t.wait_us(5000000);  // 5e9 ns does not fit a u32
  t.info();
  const auto reqs = sim.requests();
  ASSERT_EQ(reqs.size(), 3u);
  uint64_t total = 0;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(reqs[i].op, MCTPM_SIM_OP_IDLE);
    const auto& p = reqs[i].payload;
    total += (uint64_t(p[0]) << 24) | (uint64_t(p[1]) << 16) | (uint64_t(p[2]) << 8) | p[3];
  }
  EXPECT_EQ(total, 5000000000ull);
}

TEST(SimTransport, InfoDecodesEveryFieldAndNowUsIsSimulatedTime) {
  FakeSim sim;
  mctpm::SimTransport t("127.0.0.1", sim.port());
  const auto i = t.info();
  EXPECT_EQ(i.sys_cycles, 0x0102030405060708ull);
  EXPECT_EQ(i.time_ns, 123456789000ull);
  EXPECT_EQ(i.sys_hz, 50000000u);
  EXPECT_EQ(i.spi_hz, 10000000u);
  EXPECT_EQ(i.exec_cycles, 4242u);
  EXPECT_TRUE(i.pirq_asserted);
  EXPECT_EQ(t.now_us(), 123456789u);
}

TEST(SimTransport, ErrorStatusBecomesDeviceErrorWithTheMessage) {
  FakeSim sim(MCTPM_SIM_OP_RESET);
  mctpm::SimTransport t("127.0.0.1", sim.port());
  try {
    t.reset_chip();
    FAIL() << "error status ignored";
  } catch (const mctpm::Error& e) {
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Device);
    EXPECT_NE(std::string(e.what()).find("chip is on fire"), std::string::npos) << e.what();
  }
  t.release();  // the connection stays usable after an error reply
  EXPECT_EQ(sim.requests().size(), 2u);
}

TEST(SimTransport, ServerClosingIsAnIoError) {
  FakeSim sim(-1, MCTPM_SIM_OP_CS_RELEASE);
  mctpm::SimTransport t("127.0.0.1", sim.port());
  try {
    t.release();
    FAIL() << "closed connection not noticed";
  } catch (const mctpm::Error& e) {
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Io) << e.what();
  }
}

TEST(OpenTransport, RejectsUnknownSchemesAndBadPortsWithUsageErrors) {
  // ftdi: and spidev: URIs are parsed before any device is touched.
  for (const char* uri : {"bogus:1", "ftdi:0", "ftdi:freq=0", "spidev:", "spidev:/dev/spidev0.0,mode=1",
                          "sim:127.0.0.1:notaport", "sim:127.0.0.1:70000", ""}) {
    try {
      mctpm::open_transport(uri);
      ADD_FAILURE() << uri << " accepted";
    } catch (const mctpm::Error& e) {
      EXPECT_EQ(e.kind(), mctpm::Error::Kind::Usage) << uri << ": " << e.what();
    }
  }
}

TEST(OpenTransport, SimUriConnectsToTheGivenPort) {
  FakeSim sim;
  auto t = mctpm::open_transport("sim:127.0.0.1:" + std::to_string(sim.port()));
  EXPECT_EQ(t->describe(), "sim:127.0.0.1:" + std::to_string(sim.port()));
  EXPECT_EQ(t->now_us(), 123456789u);
}

TEST(OpenTransport, RefusedConnectionIsAnIoError) {
  uint16_t port;
  {
    FakeSim sim;  // take a free port, then let it go
    port = sim.port();
    mctpm::SimTransport t("127.0.0.1", port);  // consume the accept so the fake exits
  }
  try {
    mctpm::open_transport("sim:127.0.0.1:" + std::to_string(port));
    ADD_FAILURE() << "connected to a closed port";
  } catch (const mctpm::Error& e) {
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Io);
  }
}

}  // namespace

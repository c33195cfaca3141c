// Transport to mctpm-sim (the Verilated chip) over TCP, speaking
// spec/sim_socket.def: each call is one request/reply round trip.
#ifndef MCTPM_SIM_TRANSPORT_H
#define MCTPM_SIM_TRANSPORT_H

#include <cstdint>
#include <string>
#include <vector>

#include "mctpm/transport.h"

namespace mctpm {

class SimTransport : public Transport {
 public:
  struct Info {
    uint64_t sys_cycles;
    uint64_t time_ns;
    uint32_t sys_hz;
    uint32_t spi_hz;
    uint32_t exec_cycles;   // cycles the firmware spent on the last command
    bool pirq_asserted;     // PIRQ# is active low: asserted when the pin is 0
  };

  SimTransport(const std::string& host, uint16_t port);
  ~SimTransport() override;
  SimTransport(const SimTransport&) = delete;
  SimTransport& operator=(const SimTransport&) = delete;

  void transfer(const uint8_t* mosi, uint8_t* miso, size_t n) override;
  void release() override;
  void wait_us(uint32_t us) override;
  uint64_t now_us() override;
  std::string describe() const override;

  Info info();
  void reset_chip();  // power cycle: reset held, firmware boots again

 private:
  std::vector<uint8_t> request(uint8_t op, const uint8_t* payload, size_t n);
  void send_all(const uint8_t* p, size_t n);
  void recv_all(uint8_t* p, size_t n);

  int fd_ = -1;
  std::string host_;
  uint16_t port_;
};

}  // namespace mctpm

#endif

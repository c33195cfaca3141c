// TCG PC Client PTP FIFO interface over SPI: the one implementation of the
// TPM-over-SPI protocol, used with every Transport.
#ifndef MCTPM_TPM_SPI_H
#define MCTPM_TPM_SPI_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mctpm/transport.h"

namespace mctpm {

class TpmSpi {
 public:
  struct Options {
    unsigned max_wait_polls = 50;  // wait-state bytes before giving up (Linux: 50)
    // PTP timeouts, in microseconds of device time.
    uint32_t timeout_a_us = 750000;    // locality
    uint32_t timeout_b_us = 2000000;   // commandReady
    uint32_t timeout_c_us = 200000;    // stsValid
    uint32_t timeout_d_us = 30000;     // burstCount
    uint32_t command_timeout_us = 120000000;  // dataAvail after tpmGo
    uint32_t poll_interval_us = 0;     // device time between register polls (0: poll back to back)
  };

  struct Ids {
    uint16_t vid;
    uint16_t did;
    uint8_t rid;
    uint32_t intf_capability;
    uint32_t interface_id;
  };

  explicit TpmSpi(Transport& t) : TpmSpi(t, Options{}) {}
  TpmSpi(Transport& t, Options o);

  // Register accesses. Longer than 64 bytes are split into 64-byte frames at
  // the same address, as Linux does: only the FIFO is longer than a frame.
  void read(uint8_t locality, uint16_t offset, uint8_t* out, size_t n);
  void write(uint8_t locality, uint16_t offset, const uint8_t* in, size_t n);
  uint8_t read8(uint8_t locality, uint16_t offset);
  uint32_t read32(uint8_t locality, uint16_t offset);  // registers are little endian
  void write8(uint8_t locality, uint16_t offset, uint8_t v);
  void write32(uint8_t locality, uint16_t offset, uint32_t v);

  void request_locality(uint8_t l);  // requestUse, then wait for activeLocality (timeout_a)
  void release_locality(uint8_t l);  // write activeLocality = 1 (relinquish)

  // Sends one TPM command and returns the response (Linux tpm_tis order).
  std::vector<uint8_t> transmit(uint8_t locality, const std::vector<uint8_t>& command);

  Ids ids(uint8_t locality = 0);

 private:
  void frame(bool is_read, uint8_t locality, uint16_t offset, uint8_t* data, size_t n);
  void check_locality(uint8_t locality) const;
  // Polls STS until (sts & mask) == mask; errors name the step.
  uint32_t wait_sts(uint8_t locality, uint32_t mask, uint32_t timeout_us, const std::string& step);
  // Polls STS until burstCount is non-zero.
  uint32_t wait_burst(uint8_t locality, const std::string& step);
  void read_fifo(uint8_t locality, uint8_t* out, size_t n, uint32_t& sts, const std::string& step);
  void wait_until(const std::function<bool()>& done, uint32_t timeout_us, const std::string& step);
  void ensure_locality(uint8_t locality);

  Transport& t_;
  Options o_;
  std::optional<uint8_t> owned_;  // the locality this object last requested
};

}  // namespace mctpm

#endif

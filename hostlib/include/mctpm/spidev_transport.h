// Transport over Linux spidev (/dev/spidevB.C): SPI mode 0, 8-bit words.
//
// CS handling (the kernel has no "CS low"/"CS high" ioctl, only messages):
// - every Transport::transfer is one SPI_IOC_MESSAGE whose LAST transfer has
//   cs_change = 1. For the last transfer of a message that means "leave CS
//   asserted after the message", so CS stays low between the frame's header,
//   its wait-state polls (each needs the MISO of the previous byte before the
//   next is decided) and its data;
// - release() is one SPI_IOC_MESSAGE of a single zero-length transfer with
//   cs_change = 0: the SPI core asserts CS (already low), moves no data and
//   deasserts CS at the end of the message. It is sent only if CS is low, so
//   an idle release does not pulse CS.
// - transfers longer than spidev's buffer (bufsiz, 4096 by default) are split
//   into several transfers of one message, cs_change = 0 between them.
// Caveats: cs_change on the last transfer is a hint a controller driver may
// ignore (those that implement transfer_one_message themselves), and no other
// device on the same bus may be accessed between transfer() and release().
#ifndef MCTPM_SPIDEV_TRANSPORT_H
#define MCTPM_SPIDEV_TRANSPORT_H

#include <linux/spi/spidev.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mctpm/transport.h"

namespace mctpm {

// Device URI: spidev:PATH[,freq=HZ]  e.g. spidev:/dev/spidev0.0,freq=10M
//   PATH  the spidev character device
//   freq  SCK in Hz, decimal with optional k/M suffix (default 1M)
struct SpidevConfig {
  std::string path;
  uint32_t freq_hz = 1000000;
};
SpidevConfig parse_spidev_uri(const std::string& uri);  // Error(Usage) on bad input

// The spi_ioc_transfer arrays the backend hands to SPI_IOC_MESSAGE(n). Pure:
// pointers to tx/rx are stored, nothing is read or written.
constexpr size_t kSpidevDefaultBufsiz = 4096;
std::vector<spi_ioc_transfer> spidev_transfer_message(const uint8_t* tx, uint8_t* rx, size_t n, uint32_t speed_hz,
                                                      size_t bufsiz = kSpidevDefaultBufsiz);
std::vector<spi_ioc_transfer> spidev_release_message(uint32_t speed_hz);

// Where the messages go: ioctl on a device, or an interpreter in the tests.
class SpidevPort {
 public:
  virtual ~SpidevPort() = default;
  virtual void message(std::vector<spi_ioc_transfer>& xfers) = 0;
  virtual std::string describe() const = 0;
};

// Opens the device and sets mode 0, 8 bits per word, max speed; errors name
// the path and hint at the cause (no such device, permission).
std::unique_ptr<SpidevPort> open_spidev_device(const SpidevConfig& config);

class SpidevTransport : public Transport {
 public:
  SpidevTransport(std::unique_ptr<SpidevPort> port, const SpidevConfig& config);
  static std::unique_ptr<SpidevTransport> open(const std::string& uri);

  void transfer(const uint8_t* mosi, uint8_t* miso, size_t n) override;
  void release() override;
  void wait_us(uint32_t us) override;  // sleeps
  uint64_t now_us() override;          // steady clock
  std::string describe() const override;

 private:
  std::unique_ptr<SpidevPort> port_;
  uint32_t speed_hz_;
  bool cs_low_ = false;
};

}  // namespace mctpm

#endif

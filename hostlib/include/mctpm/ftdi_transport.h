// Transport over an FTDI FT232H / FT2232H / FT4232H in MPSSE mode (libusb-1.0):
// SPI mode 0, MSB first, one GPIO of the low byte as CS.
//
// Three layers, so everything but the USB calls is testable without a board:
// MpsseEncoder (pure: Transport operations -> MPSSE command bytes),
// MpsseLink (bytes to the chip's MPSSE engine and its replies; libusb on a
// board, an MPSSE interpreter in the tests), and FtdiTransport on top.
#ifndef MCTPM_FTDI_TRANSPORT_H
#define MCTPM_FTDI_TRANSPORT_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mctpm/transport.h"

namespace mctpm {

// Device URI grammar (whitespace not allowed, options in any order):
//   ftdi:[VID:PID][,interface=A|B|C|D][,serial=S][,freq=HZ][,cs=ADBUS3..ADBUS7]
//   VID, PID  hex, with or without 0x (default: the first 0403:6014 FT232H,
//             else the first 0403:6010 FT2232H)
//   interface MPSSE channel (default A; FT232H has only A)
//   serial    USB serial number string, exact match (default: any)
//   freq      SCK in Hz, 1 .. 30000000, decimal, k/M suffix allowed (default 1M);
//             the clock actually used is the fastest one not above it
//   cs        GPIO of the low byte used as CS#, ADBUS3..ADBUS7 (default ADBUS3)
// Pins: ADBUS0 SCK, ADBUS1 MOSI, ADBUS2 MISO, CS as chosen.
struct FtdiConfig {
  bool has_id = false;  // VID:PID given
  uint16_t vid = 0x0403;
  uint16_t pid = 0x6014;
  char channel = 'A';
  std::string serial;
  uint32_t freq_hz = 1000000;
  unsigned cs_bit = 3;
};

// Throws Error(Usage) naming the bad part.
FtdiConfig parse_ftdi_uri(const std::string& uri);

// MPSSE command bytes for SPI mode 0 (SCK idle low, MOSI changes on the
// falling edge, MISO sampled on the rising edge), MSB first.
class MpsseEncoder {
 public:
  static constexpr uint8_t kSetGpioLow = 0x80;          // value, direction
  static constexpr uint8_t kClockBytesOutNegInPos = 0x31;  // len-1 (LE16), data
  static constexpr uint8_t kLoopbackOff = 0x85;
  static constexpr uint8_t kSetDivisor = 0x86;          // divisor (LE16)
  static constexpr uint8_t kSendImmediate = 0x87;       // flush the reply to the host now
  static constexpr uint8_t kDisableClkDiv5 = 0x8A;      // 60 MHz base clock
  static constexpr uint8_t kDisable3Phase = 0x8D;
  static constexpr uint8_t kDisableAdaptive = 0x97;
  static constexpr uint8_t kBogusCommand = 0xAA;        // answered with 0xFA, 0xAA: syncs the stream
  static constexpr uint8_t kPinSck = 0x01, kPinMosi = 0x02, kPinMiso = 0x04;
  static constexpr uint32_t kBaseHz = 60000000;         // with clk/5 disabled
  static constexpr size_t kMaxClockBytes = 65536;       // per 0x31 command

  // freq_hz in 1 .. 30 MHz, cs_bit in 3..7 (Usage error otherwise).
  MpsseEncoder(uint32_t freq_hz, unsigned cs_bit);

  // SCK = 60 MHz / ((1 + divisor) * 2): the smallest divisor not above freq_hz.
  static uint16_t divisor_for(uint32_t freq_hz);
  uint32_t sck_hz() const { return kBaseHz / ((1u + divisor_) * 2u); }
  uint16_t divisor() const { return divisor_; }

  // Bytes to sync with the engine, and what it answers.
  static std::vector<uint8_t> sync_probe() { return {kBogusCommand}; }
  static std::vector<uint8_t> sync_reply() { return {0xFA, kBogusCommand}; }

  // Clock set-up and pin directions, CS idle high, SCK idle low.
  std::vector<uint8_t> setup() const;
  std::vector<uint8_t> cs_assert() const;   // CS low
  std::vector<uint8_t> cs_release() const;  // CS high

  struct Transfer {
    std::vector<uint8_t> bytes;  // to write
    size_t read_len;             // MISO bytes the engine sends back
  };
  // n bytes full duplex (split into 64 KiB commands), then Send Immediate.
  Transfer transfer(const uint8_t* mosi, size_t n) const;

 private:
  std::vector<uint8_t> gpio(bool cs_high) const;
  uint16_t divisor_;
  uint8_t cs_mask_;
};

// FTDI bulk IN packets each start with two modem-status bytes: returns the
// payload of a buffer of consecutive packets of packet_size bytes (the last
// may be short).
std::vector<uint8_t> strip_modem_status(const uint8_t* data, size_t n, size_t packet_size);

// Raw byte stream to and from the MPSSE engine.
class MpsseLink {
 public:
  virtual ~MpsseLink() = default;
  virtual void write(const std::vector<uint8_t>& bytes) = 0;
  // Exactly n bytes, or Error (Timeout / Io).
  virtual std::vector<uint8_t> read(size_t n) = 0;
  virtual std::string describe() const = 0;
};

// libusb-1.0: finds and claims the device, resets it, sets latency 1 ms and
// MPSSE bit mode. Errors name the VID:PID and hint at udev rules on EACCES.
std::unique_ptr<MpsseLink> open_ftdi_usb(const FtdiConfig& config);

class FtdiTransport : public Transport {
 public:
  // Syncs with the engine and sends the set-up; CS idle high.
  FtdiTransport(std::unique_ptr<MpsseLink> link, const FtdiConfig& config);
  static std::unique_ptr<FtdiTransport> open(const std::string& uri);

  void transfer(const uint8_t* mosi, uint8_t* miso, size_t n) override;
  void release() override;
  void wait_us(uint32_t us) override;  // sleeps
  uint64_t now_us() override;          // steady clock
  std::string describe() const override;

 private:
  std::unique_ptr<MpsseLink> link_;
  MpsseEncoder enc_;
  bool cs_low_ = false;
};

}  // namespace mctpm

#endif

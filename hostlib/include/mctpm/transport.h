// A Transport moves SPI frames to the chip and nothing more: everything above
// it (the TPM-over-SPI protocol) is one code path for the simulator and boards.
#ifndef MCTPM_TRANSPORT_H
#define MCTPM_TRANSPORT_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace mctpm {

class Transport {
 public:
  virtual ~Transport() = default;
  // Asserts CS (if not yet asserted) and clocks n bytes full duplex.
  virtual void transfer(const uint8_t* mosi, uint8_t* miso, size_t n) = 0;
  // Deasserts CS: the SPI transaction ends.
  virtual void release() = 0;
  // Lets time pass on the device (simulator: simulated time; hardware: sleep).
  virtual void wait_us(uint32_t us) = 0;
  // Device time for timeouts (simulator: simulated time; hardware: steady clock).
  virtual uint64_t now_us() = 0;
  virtual std::string describe() const = 0;
};

// "sim", "sim:HOST", "sim:HOST:PORT" (default 127.0.0.1 and the simulator's
// default port); "ftdi:..." (ftdi_transport.h) and "spidev:PATH..."
// (spidev_transport.h) for boards. Other schemes throw Error with kind Usage.
std::unique_ptr<Transport> open_transport(const std::string& uri);

// One line for --help texts.
constexpr const char* kDeviceUriHelp =
    "sim[:HOST[:PORT]] | ftdi:[VID:PID][,interface=A|B|C|D][,serial=S][,freq=HZ][,cs=ADBUS3..7] | "
    "spidev:/dev/spidevB.C[,freq=HZ]";

}  // namespace mctpm

#endif

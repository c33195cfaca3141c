// The daemon's one connection to the chip. Every client's command goes
// through here, one at a time.
#ifndef MCTPMD_DEVICE_BACKEND_H
#define MCTPMD_DEVICE_BACKEND_H

#include <memory>
#include <mutex>

#include "mctpm/tpm_spi.h"
#include "mctpm/transport.h"
#include "tpm_backend.h"

namespace mctpmd {

class DeviceBackend : public TpmBackend {
 public:
  DeviceBackend(std::unique_ptr<mctpm::Transport> transport, mctpm::TpmSpi::Options options);
  std::vector<uint8_t> execute(uint8_t locality, const std::vector<uint8_t>& command) override;
  bool tpm_established() override;
  // Writes STS.resetEstablishment in that locality; the chip honours it only
  // from locality 3 or 4 when that locality is active.
  void reset_established(uint8_t locality) override;
  std::string describe() const { return transport_->describe(); }

 private:
  std::mutex mutex_;
  std::unique_ptr<mctpm::Transport> transport_;
  mctpm::TpmSpi tpm_;
};

}  // namespace mctpmd

#endif

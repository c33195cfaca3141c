// Chooses the Transport backend from a device URI.
#include <memory>
#include <string>

#include "mctpm/error.h"
#include "mctpm/ftdi_transport.h"
#include "mctpm/sim_transport.h"
#include "mctpm/spidev_transport.h"
#include "mctpm/transport.h"
#include "sim_socket.h"

namespace mctpm {

namespace {

std::unique_ptr<Transport> open_sim(const std::string& uri, const std::string& rest) {
  std::string host = "127.0.0.1";
  uint32_t port = MCTPM_SIM_DEFAULT_PORT;
  if (!rest.empty()) {
    const auto colon = rest.rfind(':');
    const std::string h = rest.substr(0, colon);
    if (!h.empty()) host = h;
    if (colon != std::string::npos) {
      const std::string p = rest.substr(colon + 1);
      size_t used = 0;
      unsigned long v = 0;
      try {
        v = std::stoul(p, &used, 10);
      } catch (const std::exception&) {
        used = 0;
      }
      if (p.empty() || used != p.size() || v == 0 || v > 65535)
        throw Error(Error::Kind::Usage, "bad port '" + p + "' in device URI '" + uri + "'");
      port = uint32_t(v);
    }
  }
  return std::make_unique<SimTransport>(host, uint16_t(port));
}

}  // namespace

std::unique_ptr<Transport> open_transport(const std::string& uri) {
  const auto colon = uri.find(':');
  const std::string scheme = uri.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : uri.substr(colon + 1);
  if (scheme == "sim") return open_sim(uri, rest);
  if (scheme == "ftdi") return FtdiTransport::open(uri);
  if (scheme == "spidev") return SpidevTransport::open(uri);
  throw Error(Error::Kind::Usage, "unknown device URI '" + uri + "': expected " + std::string(kDeviceUriHelp));
}

}  // namespace mctpm

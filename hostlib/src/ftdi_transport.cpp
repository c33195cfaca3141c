// FTDI MPSSE backend: the pure command encoder, the libusb-1.0 byte link, and
// the Transport that joins them. Command values are from FTDI AN_108.
#include "mctpm/ftdi_transport.h"

#include <libusb.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "frequency_option.h"
#include "mctpm/error.h"

namespace mctpm {

namespace {

std::string hex4(uint16_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "%04x", v);
  return b;
}

Error usage(const std::string& uri, const std::string& what) {
  return Error(Error::Kind::Usage, "device URI '" + uri + "': " + what +
                                       " (expected ftdi:[VID:PID][,interface=A|B|C|D][,serial=S][,freq=HZ]"
                                       "[,cs=ADBUS3..ADBUS7])");
}

bool parse_hex16(std::string s, uint16_t& out) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s = s.substr(2);
  if (s.empty() || s.size() > 4) return false;
  uint32_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = v * 16 + uint32_t(d);
  }
  out = uint16_t(v);
  return true;
}


}  // namespace

FtdiConfig parse_ftdi_uri(const std::string& uri) {
  const std::string scheme = "ftdi:";
  if (uri.compare(0, scheme.size(), scheme) != 0 && uri != "ftdi") throw usage(uri, "not an ftdi URI");
  const std::string rest = uri.size() > scheme.size() ? uri.substr(scheme.size()) : "";
  FtdiConfig c;
  size_t pos = 0;
  bool first = true;
  while (pos <= rest.size() && !rest.empty()) {
    size_t comma = rest.find(',', pos);
    if (comma == std::string::npos) comma = rest.size();
    const std::string item = rest.substr(pos, comma - pos);
    pos = comma + 1;
    const auto eq = item.find('=');
    if (eq == std::string::npos) {
      // Only the first item may be VID:PID.
      const auto colon = item.find(':');
      if (!first || colon == std::string::npos || !parse_hex16(item.substr(0, colon), c.vid) ||
          !parse_hex16(item.substr(colon + 1), c.pid))
        throw usage(uri, "'" + item + "' is neither VID:PID (hex) nor key=value");
      c.has_id = true;
    } else {
      const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
      if (key == "interface") {
        if (value.size() != 1 || value[0] < 'A' || value[0] > 'D') throw usage(uri, "interface must be A, B, C or D");
        c.channel = value[0];
      } else if (key == "serial") {
        if (value.empty()) throw usage(uri, "empty serial");
        c.serial = value;
      } else if (key == "freq") {
        if (!parse_frequency_hz(value, c.freq_hz) || c.freq_hz > MpsseEncoder::kBaseHz / 2)
          throw usage(uri, "freq '" + value + "' is not a frequency of at most 30000000 Hz");
      } else if (key == "cs") {
        if (value.size() != 6 || value.compare(0, 5, "ADBUS") != 0 || value[5] < '3' || value[5] > '7')
          throw usage(uri, "cs must be one of ADBUS3..ADBUS7 (ADBUS0..2 are SCK, MOSI, MISO)");
        c.cs_bit = unsigned(value[5] - '0');
      } else {
        throw usage(uri, "unknown option '" + key + "'");
      }
    }
    first = false;
    if (comma == rest.size()) break;
  }
  if (c.freq_hz < MpsseEncoder::kBaseHz / 2 / 65536 + 1)
    throw usage(uri, "freq " + std::to_string(c.freq_hz) + " Hz is below the slowest MPSSE clock (458 Hz)");
  return c;
}

// ---- MpsseEncoder ----

MpsseEncoder::MpsseEncoder(uint32_t freq_hz, unsigned cs_bit) {
  if (freq_hz == 0 || freq_hz > kBaseHz / 2)
    throw Error(Error::Kind::Usage, "MPSSE SCK of " + std::to_string(freq_hz) + " Hz: must be 1..30000000");
  const uint32_t d = (kBaseHz / 2 + freq_hz - 1) / freq_hz - 1;  // ceil(30 MHz / f) - 1
  if (d > 0xFFFF)
    throw Error(Error::Kind::Usage, "MPSSE SCK of " + std::to_string(freq_hz) + " Hz is below the slowest (458 Hz)");
  if (cs_bit < 3 || cs_bit > 7)
    throw Error(Error::Kind::Usage, "MPSSE CS pin ADBUS" + std::to_string(cs_bit) + ": must be ADBUS3..ADBUS7");
  divisor_ = uint16_t(d);
  cs_mask_ = uint8_t(1u << cs_bit);
}

uint16_t MpsseEncoder::divisor_for(uint32_t freq_hz) { return MpsseEncoder(freq_hz, 3).divisor(); }

std::vector<uint8_t> MpsseEncoder::gpio(bool cs_high) const {
  // SCK idle low and MOSI low; every other pin of the byte stays an input.
  return {kSetGpioLow, uint8_t(cs_high ? cs_mask_ : 0), uint8_t(kPinSck | kPinMosi | cs_mask_)};
}

std::vector<uint8_t> MpsseEncoder::setup() const {
  std::vector<uint8_t> b = {kDisableClkDiv5,    kDisableAdaptive, kDisable3Phase, kSetDivisor,
                            uint8_t(divisor_), uint8_t(divisor_ >> 8)};
  const auto pins = gpio(true);
  b.insert(b.end(), pins.begin(), pins.end());
  b.push_back(kLoopbackOff);
  return b;
}

std::vector<uint8_t> MpsseEncoder::cs_assert() const { return gpio(false); }
std::vector<uint8_t> MpsseEncoder::cs_release() const { return gpio(true); }

MpsseEncoder::Transfer MpsseEncoder::transfer(const uint8_t* mosi, size_t n) const {
  Transfer t{{}, n};
  t.bytes.reserve(n + 3 * (n / kMaxClockBytes + 1) + 1);
  for (size_t off = 0; off < n;) {
    const size_t len = std::min(kMaxClockBytes, n - off);
    t.bytes.push_back(kClockBytesOutNegInPos);
    t.bytes.push_back(uint8_t(len - 1));
    t.bytes.push_back(uint8_t((len - 1) >> 8));
    t.bytes.insert(t.bytes.end(), mosi + off, mosi + off + len);
    off += len;
  }
  // Without it the chip holds MISO bytes until its latency timer expires.
  t.bytes.push_back(kSendImmediate);
  return t;
}

std::vector<uint8_t> strip_modem_status(const uint8_t* data, size_t n, size_t packet_size) {
  std::vector<uint8_t> out;
  for (size_t off = 0; off < n; off += packet_size) {
    const size_t len = std::min(packet_size, n - off);
    if (len > 2) out.insert(out.end(), data + off + 2, data + off + len);
  }
  return out;
}

// ---- libusb link ----

namespace {

constexpr unsigned kControlTimeoutMs = 1000;
constexpr unsigned kWriteTimeoutMs = 1000;
constexpr unsigned kReadTimeoutMs = 1000;  // whole read: MPSSE answers within a latency period
// FTDI vendor requests (bmRequestType 0x40), wIndex = channel (A = 1).
constexpr uint8_t kSioReset = 0x00, kSioSetLatency = 0x09, kSioSetBitmode = 0x0B;
constexpr uint16_t kResetSio = 0, kPurgeRx = 1, kPurgeTx = 2;
constexpr uint16_t kBitmodeReset = 0x0000, kBitmodeMpsse = 0x0200;

std::string usb_error(int rc) { return std::string(libusb_error_name(rc)) + " (" + libusb_strerror(rc) + ")"; }

class UsbLink : public MpsseLink {
 public:
  explicit UsbLink(const FtdiConfig& c) : config_(c) {
    int rc = libusb_init(&ctx_);
    if (rc != 0) throw Error(Error::Kind::Io, "libusb_init failed: " + usb_error(rc));
    try {
      open_device();
      configure();
    } catch (...) {
      close();
      throw;
    }
  }
  ~UsbLink() override { close(); }

  void write(const std::vector<uint8_t>& bytes) override {
    size_t off = 0;
    while (off < bytes.size()) {
      int done = 0;
      const int rc = libusb_bulk_transfer(h_, ep_out_, const_cast<uint8_t*>(bytes.data() + off),
                                          int(bytes.size() - off), &done, kWriteTimeoutMs);
      off += size_t(std::max(done, 0));
      if (rc == LIBUSB_ERROR_TIMEOUT && off < bytes.size())
        throw Error(Error::Kind::Timeout, "timeout writing to " + describe() + ": " + std::to_string(off) + " of " +
                                              std::to_string(bytes.size()) + " bytes sent");
      if (rc != 0 && rc != LIBUSB_ERROR_TIMEOUT)
        throw Error(Error::Kind::Io, "bulk write to " + describe() + " failed: " + usb_error(rc));
    }
  }

  std::vector<uint8_t> read(size_t n) override {
    std::vector<uint8_t> out;
    out.reserve(n);
    std::vector<uint8_t> buf(packet_ * 8);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadTimeoutMs);
    while (out.size() < n) {
      if (std::chrono::steady_clock::now() > deadline)
        throw Error(Error::Kind::Timeout, "short read from " + describe() + ": " + std::to_string(out.size()) +
                                              " of " + std::to_string(n) + " MISO bytes within " +
                                              std::to_string(kReadTimeoutMs) + " ms");
      // Ask for whole packets only: a partial packet would lose its status bytes' framing.
      const size_t want = std::min(buf.size(), ((n - out.size() + packet_ - 3) / (packet_ - 2)) * packet_);
      int got = 0;
      const int rc = libusb_bulk_transfer(h_, ep_in_, buf.data(), int(want), &got, 100);
      if (rc != 0 && rc != LIBUSB_ERROR_TIMEOUT)
        throw Error(Error::Kind::Io, "bulk read from " + describe() + " failed: " + usb_error(rc));
      const auto payload = strip_modem_status(buf.data(), size_t(std::max(got, 0)), packet_);
      out.insert(out.end(), payload.begin(), payload.end());
    }
    if (out.size() > n)
      throw Error(Error::Kind::Protocol, describe() + " sent " + std::to_string(out.size()) + " bytes, expected " +
                                             std::to_string(n) + " (stale data in the MPSSE engine?)");
    return out;
  }

  std::string describe() const override {
    return "ftdi:" + hex4(vid_) + ":" + hex4(pid_) + ",interface=" + std::string(1, config_.channel) +
           (serial_.empty() ? "" : ",serial=" + serial_);
  }

 private:
  void open_device() {
    std::vector<std::pair<uint16_t, uint16_t>> ids;
    if (config_.has_id) ids.push_back({config_.vid, config_.pid});
    else ids = {{0x0403, 0x6014}, {0x0403, 0x6010}};

    libusb_device** list = nullptr;
    const ssize_t count = libusb_get_device_list(ctx_, &list);
    if (count < 0) throw Error(Error::Kind::Io, "cannot list USB devices: " + usb_error(int(count)));
    std::string denied;  // the first device we saw but could not open
    for (const auto& id : ids) {
      for (ssize_t i = 0; i < count && h_ == nullptr; ++i) {
        libusb_device_descriptor d{};
        if (libusb_get_device_descriptor(list[i], &d) != 0 || d.idVendor != id.first || d.idProduct != id.second)
          continue;
        libusb_device_handle* h = nullptr;
        const int rc = libusb_open(list[i], &h);
        const std::string where = hex4(id.first) + ":" + hex4(id.second) + " (bus " +
                                  std::to_string(libusb_get_bus_number(list[i])) + " device " +
                                  std::to_string(libusb_get_device_address(list[i])) + ")";
        if (rc != 0) {
          if (denied.empty()) denied = where + ": " + usb_error(rc);
          continue;
        }
        std::string serial;
        if (d.iSerialNumber != 0) {
          unsigned char s[128] = {};
          if (libusb_get_string_descriptor_ascii(h, d.iSerialNumber, s, sizeof s) > 0)
            serial = reinterpret_cast<char*>(s);
        }
        if (!config_.serial.empty() && serial != config_.serial) {
          libusb_close(h);
          continue;
        }
        h_ = h;
        dev_ = list[i];
        vid_ = id.first;
        pid_ = id.second;
        serial_ = serial;
      }
      if (h_ != nullptr) break;
    }
    if (h_ != nullptr) libusb_ref_device(dev_);
    libusb_free_device_list(list, 1);
    if (h_ != nullptr) return;

    std::string wanted;
    for (const auto& id : ids) wanted += (wanted.empty() ? "" : " or ") + hex4(id.first) + ":" + hex4(id.second);
    if (!config_.serial.empty()) wanted += " with serial '" + config_.serial + "'";
    if (!denied.empty()) {
      throw Error(Error::Kind::Io,
                  "cannot open FTDI device " + denied +
                      ". If this is permission denied, allow your user access with a udev rule, e.g. "
                      "/etc/udev/rules.d/60-mctpm-ftdi.rules: SUBSYSTEM==\"usb\", ATTR{idVendor}==\"" +
                      hex4(ids[0].first) + "\", ATTR{idProduct}==\"" + hex4(ids[0].second) +
                      "\", MODE=\"0660\", GROUP=\"plugdev\" (then udevadm control --reload && replug)");
    }
    throw Error(Error::Kind::Io, "no FTDI device " + wanted + " found on USB");
  }

  void configure() {
    iface_ = config_.channel - 'A';
    index_ = uint16_t(iface_ + 1);
    ep_in_ = uint8_t(0x81 + 2 * iface_);
    ep_out_ = uint8_t(0x02 + 2 * iface_);
    libusb_set_auto_detach_kernel_driver(h_, 1);  // ftdi_sio may have bound it
    int rc = libusb_claim_interface(h_, iface_);
    if (rc != 0)
      throw Error(Error::Kind::Io, "cannot claim interface " + std::string(1, config_.channel) + " of " + describe() +
                                       ": " + usb_error(rc) +
                                       (rc == LIBUSB_ERROR_BUSY ? " (another program is using it)" : "") +
                                       (rc == LIBUSB_ERROR_NOT_FOUND ? " (this chip has no such interface)" : ""));
    claimed_ = true;
    const int mps = libusb_get_max_packet_size(dev_, ep_in_);
    if (mps <= 2) throw Error(Error::Kind::Io, "cannot read the IN packet size of " + describe() + ": " + usb_error(mps));
    packet_ = size_t(mps);  // 512 at high speed, 64 at full speed
    control(kSioReset, kResetSio, "reset");
    control(kSioReset, kPurgeRx, "purge RX");
    control(kSioReset, kPurgeTx, "purge TX");
    control(kSioSetLatency, 1, "set latency timer");
    control(kSioSetBitmode, kBitmodeReset, "reset bit mode");
    control(kSioSetBitmode, kBitmodeMpsse, "set MPSSE bit mode");
    // AN_135: give the engine a moment after entering MPSSE before commands.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  void control(uint8_t request, uint16_t value, const char* what) {
    const int rc = libusb_control_transfer(h_, 0x40, request, value, index_, nullptr, 0, kControlTimeoutMs);
    if (rc < 0) throw Error(Error::Kind::Io, std::string(what) + " of " + describe() + " failed: " + usb_error(rc));
  }

  void close() {
    if (h_ != nullptr) {
      if (claimed_) {
        libusb_control_transfer(h_, 0x40, kSioSetBitmode, kBitmodeReset, index_, nullptr, 0, kControlTimeoutMs);
        libusb_release_interface(h_, iface_);
      }
      libusb_close(h_);
      h_ = nullptr;
    }
    if (dev_ != nullptr) libusb_unref_device(dev_), dev_ = nullptr;
    if (ctx_ != nullptr) libusb_exit(ctx_), ctx_ = nullptr;
  }

  FtdiConfig config_;
  libusb_context* ctx_ = nullptr;
  libusb_device* dev_ = nullptr;
  libusb_device_handle* h_ = nullptr;
  bool claimed_ = false;
  int iface_ = 0;
  uint16_t index_ = 1;
  uint8_t ep_in_ = 0x81, ep_out_ = 0x02;
  size_t packet_ = 512;
  uint16_t vid_ = 0, pid_ = 0;
  std::string serial_;
};

}  // namespace

std::unique_ptr<MpsseLink> open_ftdi_usb(const FtdiConfig& config) { return std::make_unique<UsbLink>(config); }

// ---- FtdiTransport ----

FtdiTransport::FtdiTransport(std::unique_ptr<MpsseLink> link, const FtdiConfig& config)
    : link_(std::move(link)), enc_(config.freq_hz, config.cs_bit) {
  link_->write(MpsseEncoder::sync_probe());
  if (link_->read(2) != MpsseEncoder::sync_reply())
    throw Error(Error::Kind::Protocol, link_->describe() + " did not answer the MPSSE sync probe: not in MPSSE mode?");
  link_->write(enc_.setup());
}

std::unique_ptr<FtdiTransport> FtdiTransport::open(const std::string& uri) {
  const FtdiConfig c = parse_ftdi_uri(uri);
  return std::make_unique<FtdiTransport>(open_ftdi_usb(c), c);
}

void FtdiTransport::transfer(const uint8_t* mosi, uint8_t* miso, size_t n) {
  if (n == 0) return;
  std::vector<uint8_t> out;
  if (!cs_low_) out = enc_.cs_assert();  // in the same USB write as the data
  const auto t = enc_.transfer(mosi, n);
  out.insert(out.end(), t.bytes.begin(), t.bytes.end());
  link_->write(out);
  cs_low_ = true;
  const auto in = link_->read(t.read_len);
  std::memcpy(miso, in.data(), n);
}

void FtdiTransport::release() {
  if (!cs_low_) return;
  link_->write(enc_.cs_release());
  cs_low_ = false;
}

void FtdiTransport::wait_us(uint32_t us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); }

uint64_t FtdiTransport::now_us() {
  return uint64_t(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

std::string FtdiTransport::describe() const {
  return link_->describe() + " (SCK " + std::to_string(enc_.sck_hz()) + " Hz)";
}

}  // namespace mctpm

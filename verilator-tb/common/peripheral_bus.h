// One Verilated peripheral block (the SoC's bus-wrapper port: clk_i, rst_ni,
// req_i, addr_i, we_i, wdata_i, wstrb_i, rdata_o, ack_o) driven the way the
// CPU bus drives it, a rising edge at a time, with the handshake checked on
// every edge: ack only for a request seen at that edge, never two in a row.
// Shared by the block tests so each one holds only what its block adds.
#ifndef MCTPM_VERILATOR_TB_PERIPHERAL_BUS_H
#define MCTPM_VERILATOR_TB_PERIPHERAL_BUS_H

#include <stdint.h>

#include <functional>
#include <memory>
#include <string>

#include "verilated.h"

template <class Dut>
class PeripheralBus {
 public:
  using Fail = void (*)(const std::string&);

  // Holds reset for three edges; before_reset sets the block's other inputs.
  explicit PeripheralBus(Fail fail, const std::function<void(Dut&)>& before_reset = {})
      : fail_(fail), ctx_(std::make_unique<VerilatedContext>()), dut_(std::make_unique<Dut>(ctx_.get())) {
    if (before_reset) before_reset(*dut_);
    dut_->clk_i = 0;
    dut_->rst_ni = 0;
    dut_->req_i = 0;
    dut_->addr_i = 0;
    dut_->we_i = 0;
    dut_->wdata_i = 0;
    dut_->wstrb_i = 0;
    dut_->eval();
    for (int i = 0; i < 3; ++i) tick();
    dut_->rst_ni = 1;
    reset_cycle_ = cycle_;
  }
  ~PeripheralBus() { dut_->final(); }
  PeripheralBus(const PeripheralBus&) = delete;
  PeripheralBus& operator=(const PeripheralBus&) = delete;

  void tick() {
    const bool req_at_edge = dut_->req_i;
    const bool ack_before = dut_->ack_o;
    dut_->clk_i = 0;
    dut_->eval();
    ctx_->timeInc(1);
    dut_->clk_i = 1;
    dut_->eval();
    ctx_->timeInc(1);
    ++cycle_;
    if (dut_->ack_o && !req_at_edge) fail_("ack_o without req_i at cycle " + std::to_string(cycle_));
    if (dut_->ack_o && ack_before) fail_("ack_o high two cycles in a row at " + std::to_string(cycle_));
  }

  uint32_t access(uint32_t addr, bool write, uint32_t wdata, uint8_t strb) {
    dut_->req_i = 1;
    dut_->addr_i = addr;
    dut_->we_i = write;
    dut_->wdata_i = wdata;
    dut_->wstrb_i = strb;
    for (int waited = 0;; ++waited) {
      tick();
      if (dut_->ack_o) break;
      if (waited > 8) {
        fail_("no ack for address " + std::to_string(addr));
        break;
      }
    }
    dut_->req_i = 0;
    dut_->we_i = 0;
    return dut_->rdata_o;
  }

  uint32_t read(uint32_t addr) { return access(addr, false, 0, 0); }
  void write(uint32_t addr, uint32_t data, uint8_t strb = 0xf) { access(addr, true, data, strb); }
  void idle(unsigned cycles) {
    for (unsigned i = 0; i < cycles; ++i) tick();
  }
  uint64_t cycle() const { return cycle_; }
  uint64_t reset_cycle() const { return reset_cycle_; }  // the edge reset was released after
  Dut& dut() { return *dut_; }

 private:
  Fail fail_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Dut> dut_;
  uint64_t cycle_ = 0;
  uint64_t reset_cycle_ = 0;
};

#endif

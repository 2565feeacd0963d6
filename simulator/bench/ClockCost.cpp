//===- ClockCost.cpp - Host cost of an idle sc_clock ----------------------===//
//
// npusim-clock-cost [CYCLES]
// Runs an sc_clock with nothing sensitive to it for CYCLES cycles (default
// 10,000,000) and prints the host nanoseconds per simulated cycle: the
// price every cycle would pay if the tile array model kept the clock
// running (docs/simulator.md, "Clocking").
//
//===----------------------------------------------------------------------===//
#include <systemc>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char **argv) {
  const double cycles = argc > 1 ? std::stod(argv[1]) : 1e7;
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  const auto start = std::chrono::steady_clock::now();
  sc_core::sc_start(cycles, sc_core::SC_NS);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("idle sc_clock: %.0f cycles in %.3f s = %.1f ns per cycle\n",
              cycles, seconds, seconds * 1e9 / cycles);
  return 0;
}

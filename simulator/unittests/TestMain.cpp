//===- TestMain.cpp - GoogleTest under SystemC ----------------------------===//
//
// SystemC owns main(): it calls sc_main, which runs the tests. Each test
// runs in its own process under ctest, so each may elaborate one model.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include <systemc>

#include <cstdlib>

int main(int argc, char **argv) {
  // The banner would corrupt gtest's --gtest_list_tests output.
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

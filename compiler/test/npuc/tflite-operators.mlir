// Tests that docs/compiler.md's list of supported TFLite operators is
// exactly what the importer's table holds (npuc --list-tflite-operators),
// and that npuc without an input says so in one line.
// RUN: npuc --list-tflite-operators > %t.list
// RUN: %python -c "import re, sys; t = open(sys.argv[1]).read(); b = t.split('<!-- begin: npuc --list-tflite-operators -->')[1].split('<!-- end: npuc --list-tflite-operators -->')[0]; print(''.join(m + '\n' for m in re.findall(r'^- \x60([A-Z0-9_]+)\x60$', b, re.M)), end='')" %S/../../../docs/compiler.md > %t.doc
// RUN: diff %t.list %t.doc
// RUN: not npuc 2>&1 | FileCheck %s --check-prefix=NOINPUT
// RUN: npuc --list-tflite-operators | FileCheck %s

// CHECK: ADD
// CHECK: CONV_2D
// NOINPUT: npuc: error: no input file

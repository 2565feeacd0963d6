#!/bin/sh
# Fetches the TensorFlow Lite runtime that makes this directory's reference
# outputs: the WASM build of TFLite's C++ interpreter in the npm package
# @tensorflow/tfjs-tflite 0.0.1-alpha.6 (Apache-2.0), whose int8 models run
# on TFLite's own builtin kernels (later versions always delegate to
# XNNPACK, which rounds differently). That version cannot be installed
# with `npm install` (its peer dependency is a "link:" URL), so the
# registry tarball is unpacked into vendor/ (ignored by git). Needs Node.js
# and npm, nothing else.
set -e
cd "$(dirname "$0")"
mkdir -p vendor
cd vendor
npm pack --silent @tensorflow/tfjs-tflite@0.0.1-alpha.6 > /dev/null
rm -rf tfjs-tflite-0.0.1-alpha.6
mkdir tfjs-tflite-0.0.1-alpha.6
tar xzf tensorflow-tfjs-tflite-0.0.1-alpha.6.tgz \
  -C tfjs-tflite-0.0.1-alpha.6 --strip-components=1
echo "tflite-reference: runtime in $(pwd)/tfjs-tflite-0.0.1-alpha.6/dist"

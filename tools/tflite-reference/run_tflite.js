#!/usr/bin/env node
// Run a .tflite model under Node.js with the TFLite interpreter shipped in
// @tensorflow/tfjs-tflite (TFLite C++ runtime compiled to WASM, "TFLiteWebModelRunner").
//
// usage: node run_tflite.js MODEL.tflite INPUT[.npy|.bin] [INPUT2 ...] -o OUTPUT[.npy|.bin] [options]
//   INPUT   .npy (dtype must match the input tensor) or raw bytes (size must match)
//   OUTPUT  .npy -> NumPy file with the tensor's dtype/shape; anything else -> raw bytes.
//           With several model outputs, output k goes to OUTPUT with ".k" inserted before the extension.
// options:
//   --kernels builtin|xnnpack
//                          builtin (default): WASM runtime of tfjs-tflite 0.0.1-alpha.6 (vendor/), which runs
//                            int8 models with TFLite's own builtin kernels (no XNNPACK delegate);
//                          xnnpack: the installed tfjs-tflite (0.0.1-alpha.10), whose runtime always applies
//                            the XNNPACK delegate (QS8/QC8 int8 kernels, fp32 requantization; no option to turn it off)
//   --variant simd|plain   WASM build to load (default simd; the threaded builds need browser workers)
//   --wasm-dir DIR         directory holding tflite_web_api_cc*.js/.wasm (overrides --kernels)
//   --threads N            numThreads passed to the runner (default 1)
//   --repeat N             run inference N times and report mean time (default 1)
//   --profile              print TFLite's per-op profiling summary to stderr (xnnpack runtime only;
//                          alpha.6 has no profiling API)
//   --no-fix-quant-dim     do not retry with a patched copy of the model if the interpreter rejects
//                          tensors whose quantized_dimension >= rank (see tflfb.js)
//   --output-tensor N      make tensor index N (see `node tflfb.js MODEL`) the only model output (debugging)
//   --info                 only print input/output tensor info
'use strict';
const fs = require('fs');
const path = require('path');
const { fixQuantDim, setOutput } = require('./tflfb.js');

const WASM_DIRS = {
  builtin: path.join(__dirname, 'vendor/tfjs-tflite-0.0.1-alpha.6/dist'),
  // Only after `npm install @tensorflow/tfjs-tflite@0.0.1-alpha.10` here.
  xnnpack: path.join(__dirname, 'node_modules/@tensorflow/tfjs-tflite/wasm'),
};
let WASM_DIR = null;

function parseArgs(argv) {
  const a = { kernels: 'builtin', inputs: [], out: null, variant: 'simd', threads: 1, repeat: 1, profile: false, fixQuantDim: true, info: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === '-o' || s === '--output') a.out = argv[++i];
    else if (s === '--kernels') a.kernels = argv[++i];
    else if (s === '--variant') a.variant = argv[++i];
    else if (s === '--wasm-dir') WASM_DIR = path.resolve(argv[++i]);
    else if (s === '--threads') a.threads = parseInt(argv[++i], 10);
    else if (s === '--repeat') a.repeat = parseInt(argv[++i], 10);
    else if (s === '--profile') a.profile = true;
    else if (s === '--no-fix-quant-dim') a.fixQuantDim = false;
    else if (s === '--output-tensor') a.outputTensor = parseInt(argv[++i], 10);
    else if (s === '--info') a.info = true;
    else if (s === '-h' || s === '--help') { a.help = true; }
    else if (!a.model) a.model = s;
    else a.inputs.push(s);
  }
  return a;
}

const NPY_DESCR = { int8: '|i1', uint8: '|u1', bool: '|b1', int16: '<i2', int32: '<i4', uint32: '<u4', float32: '<f4', float64: '<f8' };

function readNpy(buf) {
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') return null;
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', hstart, hstart + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(Boolean).map(Number);
  if (fortran && shape.filter(d => d > 1).length > 1) throw new Error('fortran-order .npy not supported');
  return { descr, shape, data: buf.subarray(hstart + hlen) };
}

function writeNpy(file, dtype, shape, bytes) {
  const shp = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${NPY_DESCR[dtype]}', 'fortran_order': False, 'shape': ${shp}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre[0] = 0x93; pre.write('NUMPY', 1, 'latin1'); pre[6] = 1; pre[7] = 0; pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(bytes)]));
}

async function loadModule(variant) {
  const base = variant === 'plain' ? 'tflite_web_api_cc' : `tflite_web_api_cc_${variant}`;
  const factory = require(path.join(WASM_DIR, base + '.js'));
  const logs = [];
  const M = await factory({
    wasmBinary: fs.readFileSync(path.join(WASM_DIR, base + '.wasm')),
    print: s => logs.push(s), printErr: s => logs.push(s),
  });
  return { M, logs };
}

function createRunner(M, modelBytes, opts) {
  const ptr = M._malloc(modelBytes.length);
  M.HEAPU8.set(modelBytes, ptr);
  const st = M.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, modelBytes.length, opts);
  if (!st.ok()) { const msg = st.errorMessage(); M._free(ptr); return { error: msg }; }
  return { runner: st.value(), ptr };  // model buffer must stay alive while the runner exists
}

function vecToArray(v) { const a = []; for (let i = 0; i < v.size(); i++) a.push(v.get(i)); v.delete(); return a; }
function tensorBytes(t) { const d = t.data(); return new Uint8Array(d.buffer, d.byteOffset, d.byteLength); }
const shapeOf = t => (t.shape === '' ? [] : t.shape.split(',').map(Number));

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.help || !a.model || (!a.info && (!a.inputs.length || !a.out))) {
    console.error(fs.readFileSync(__filename, 'utf8').split('\n').slice(1).filter((l, i, arr) => arr.slice(0, i + 1).every(x => x.startsWith('//'))).map(l => l.replace(/^\/\/ ?/, '')).join('\n'));
    process.exit(a.help ? 0 : 2);
  }
  if (!WASM_DIR) {
    if (!(a.kernels in WASM_DIRS)) throw new Error('--kernels must be builtin or xnnpack');
    WASM_DIR = WASM_DIRS[a.kernels];
  }
  const tLoad0 = process.hrtime.bigint();
  const { M, logs } = await loadModule(a.variant);
  const opts = { numThreads: a.threads, enableProfiling: a.profile, maxProfilingBufferEntries: 4096 };
  let model = fs.readFileSync(a.model);
  if (a.outputTensor !== undefined) model = setOutput(model, a.outputTensor);
  let r = createRunner(M, model, opts);
  if (r.error && a.fixQuantDim) {
    const { buf, fixed } = fixQuantDim(model);
    model = buf;
    if (fixed.length) {
      console.error(`note: interpreter rejected the model (${r.error}); retrying with quantized_dimension set to 0 on ${fixed.length} tensor(s) whose rank <= quantized_dimension: ` +
        fixed.map(t => t.index).join(','));
      logs.length = 0;
      r = createRunner(M, buf, opts);
    }
  }
  if (r.error) { console.error(logs.join('\n')); throw new Error('cannot create TFLite runner: ' + r.error); }
  const runner = r.runner;
  const tLoad1 = process.hrtime.bigint();
  for (const l of logs) console.error('[tflite] ' + l);
  logs.length = 0;

  const inputs = vecToArray(runner.GetInputs());
  if (a.info) {
    for (const t of inputs) console.log(`input  ${t.id} ${t.name} ${t.dataType} [${t.shape}]`);
    for (const t of vecToArray(runner.GetOutputs())) console.log(`output ${t.id} ${t.name} ${t.dataType} [${t.shape}]`);
    return;
  }
  if (a.inputs.length !== inputs.length) throw new Error(`model has ${inputs.length} input(s), got ${a.inputs.length} file(s)`);
  inputs.forEach((t, k) => {
    const file = fs.readFileSync(a.inputs[k]);
    const npy = readNpy(file);
    let data = file;
    if (npy) {
      if (npy.descr !== NPY_DESCR[t.dataType]) throw new Error(`${a.inputs[k]}: dtype ${npy.descr} but input tensor ${t.name} is ${t.dataType}`);
      data = npy.data;
    }
    const dst = tensorBytes(t);
    if (data.length !== dst.length) throw new Error(`${a.inputs[k]}: ${data.length} bytes, input tensor ${t.name} [${t.shape}] ${t.dataType} needs ${dst.length}`);
    dst.set(data);
  });

  const times = [];
  for (let i = 0; i < a.repeat; i++) {
    const t0 = process.hrtime.bigint();
    if (!runner.Infer()) throw new Error('Infer() failed: ' + logs.join('\n'));
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  for (const l of logs) console.error('[tflite] ' + l);

  const outputs = vecToArray(runner.GetOutputs());
  outputs.forEach((t, k) => {
    let file = a.out;
    if (outputs.length > 1) { const ext = path.extname(file); file = file.slice(0, file.length - ext.length) + '.' + k + ext; }
    const bytes = Uint8Array.from(tensorBytes(t));  // copy out of the WASM heap
    if (file.endsWith('.npy')) writeNpy(file, t.dataType, shapeOf(t), bytes);
    else fs.writeFileSync(file, bytes);
  });
  const mean = times.reduce((x, y) => x + y, 0) / times.length;
  console.error(`load+prepare ${(Number(tLoad1 - tLoad0) / 1e6).toFixed(1)} ms, invoke first ${times[0].toFixed(2)} ms, ` +
    `mean ${mean.toFixed(2)} ms over ${times.length}, min ${Math.min(...times).toFixed(2)} ms`);
  if (a.profile) console.error(runner.GetProfilingSummary ? runner.GetProfilingSummary() : 'profiling not available in this runtime');
  runner.delete();
  M._free(r.ptr);
}

main().catch(e => { console.error('error: ' + (e && e.message || e)); process.exit(1); });

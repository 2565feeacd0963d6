// tflm_run: run a .tflite model with TensorFlow Lite Micro's reference kernels.
//
//   tflm_run MODEL.tflite IN0.npy [IN1.npy ...] -o OUT.npy [--arena-mb N]
//
// Input k is copied from the k-th .npy (C order, little endian; dtype must be
// the input tensor's type; only the element count must match). Output 0 is
// written to OUT.npy with the tensor's shape and dtype; a model with several
// outputs gives OUT.0.npy, OUT.1.npy, ... On any failure one line goes to
// stderr and the exit status is 1. TFLM's own log messages are collected and
// appended to that line (set TFLM_RUN_VERBOSE=1 to also see them as printed).

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "tensorflow/lite/micro/micro_allocator.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/micro/micro_resource_variable.h"
#include "tensorflow/compiler/mlir/lite/schema/schema_utils.h"
#include "tensorflow/lite/schema/schema_generated.h"

// ---- TFLM logging: collected instead of printed -----------------------------
static std::string g_log;
static bool g_verbose = false;

extern "C" void DebugLog(const char* format, va_list args) {
  char buf[1024];
  va_list copy;
  va_copy(copy, args);
  vsnprintf(buf, sizeof(buf), format, args);
  if (g_verbose) vfprintf(stderr, format, copy);
  va_end(copy);
  for (const char* p = buf; *p; ++p) g_log += (*p == '\r' || *p == '\t') ? ' ' : *p;
}

// The collected TFLM messages as one line: non-blank lines joined by " | ".
static std::string LogOneLine() {
  std::string out, line;
  auto flush = [&]() {
    size_t a = line.find_first_not_of(' '), b = line.find_last_not_of(' ');
    if (a != std::string::npos) {
      if (!out.empty()) out += " | ";
      out += line.substr(a, b - a + 1);
    }
    line.clear();
  };
  for (char c : g_log) {
    if (c == '\n') flush(); else line += c;
  }
  flush();
  return out;
}

extern "C" int DebugVsnprintf(char* buffer, size_t buf_size,
                              const char* format, va_list vlist) {
  return vsnprintf(buffer, buf_size, format, vlist);
}

static void Fail(const char* fmt, ...) {
  std::string log = LogOneLine();
  fputs("tflm_run: ", stderr);
  va_list args;
  va_start(args, fmt);
  vfprintf(stderr, fmt, args);
  va_end(args);
  if (!log.empty()) fprintf(stderr, " [tflm: %s]", log.c_str());
  fputc('\n', stderr);
  exit(1);
}

// ---- dtypes -------------------------------------------------------------------
struct DType {
  TfLiteType type;
  const char* descr;  // numpy descr written to .npy
  size_t size;
};
static const DType kDTypes[] = {
    {kTfLiteInt8, "|i1", 1},     {kTfLiteUInt8, "|u1", 1},
    {kTfLiteInt16, "<i2", 2},    {kTfLiteUInt16, "<u2", 2},
    {kTfLiteInt32, "<i4", 4},    {kTfLiteUInt32, "<u4", 4},
    {kTfLiteInt64, "<i8", 8},    {kTfLiteUInt64, "<u8", 8},
    {kTfLiteFloat16, "<f2", 2},  {kTfLiteFloat32, "<f4", 4},
    {kTfLiteFloat64, "<f8", 8},  {kTfLiteBool, "|b1", 1},
};

static const DType* DTypeOfTensor(TfLiteType t) {
  for (const DType& d : kDTypes)
    if (d.type == t) return &d;
  return nullptr;
}

static const DType* DTypeOfDescr(const std::string& descr) {
  // '<', '=' and '|' are all fine on a little-endian host; '>' only for
  // one-byte types.
  if (descr.size() < 2) return nullptr;
  char order = descr[0];
  std::string kind = descr.substr(1);
  if (order != '<' && order != '=' && order != '|' && order != '>') return nullptr;
  for (const DType& d : kDTypes)
    if (kind == d.descr + 1 && (order != '>' || d.size == 1)) return &d;
  return nullptr;
}

// ---- .npy ------------------------------------------------------------------------
struct Npy {
  const DType* dtype = nullptr;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

static bool ReadFile(const char* path, std::vector<uint8_t>* out) {
  FILE* f = fopen(path, "rb");
  if (!f) return false;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out->insert(out->end(), buf, buf + n);
  bool ok = !ferror(f);
  fclose(f);
  return ok;
}

// Value of 'key' in the header dict, as raw text up to the next top-level ','.
static bool DictValue(const std::string& h, const char* key, std::string* v) {
  std::string k1 = std::string("'") + key + "'";
  size_t p = h.find(k1);
  if (p == std::string::npos) {
    k1 = std::string("\"") + key + "\"";
    p = h.find(k1);
  }
  if (p == std::string::npos) return false;
  p = h.find(':', p + k1.size());
  if (p == std::string::npos) return false;
  ++p;
  while (p < h.size() && h[p] == ' ') ++p;
  size_t e = p;
  if (h[p] == '(') {
    e = h.find(')', p);
    if (e == std::string::npos) return false;
    ++e;
  } else {
    while (e < h.size() && h[e] != ',' && h[e] != '}') ++e;
  }
  *v = h.substr(p, e - p);
  while (!v->empty() && v->back() == ' ') v->pop_back();
  return true;
}

static void ReadNpy(const char* path, Npy* npy) {
  std::vector<uint8_t> f;
  if (!ReadFile(path, &f)) Fail("cannot read %s", path);
  if (f.size() < 10 || memcmp(f.data(), "\x93NUMPY", 6) != 0)
    Fail("%s: not a .npy file", path);
  int major = f[6];
  size_t hlen, hstart;
  if (major == 1) {
    hlen = f[8] | (f[9] << 8);
    hstart = 10;
  } else if (major == 2 || major == 3) {
    if (f.size() < 12) Fail("%s: truncated .npy header", path);
    hlen = f[8] | (f[9] << 8) | (f[10] << 16) | ((size_t)f[11] << 24);
    hstart = 12;
  } else {
    Fail("%s: unsupported .npy version %d", path, major);
  }
  if (hstart + hlen > f.size()) Fail("%s: truncated .npy header", path);
  std::string h(reinterpret_cast<const char*>(f.data() + hstart), hlen);

  std::string descr, fortran, shape;
  if (!DictValue(h, "descr", &descr) || !DictValue(h, "fortran_order", &fortran) ||
      !DictValue(h, "shape", &shape))
    Fail("%s: malformed .npy header", path);
  if (descr.size() < 2 || (descr[0] != '\'' && descr[0] != '"'))
    Fail("%s: unsupported dtype %s", path, descr.c_str());
  descr = descr.substr(1, descr.size() - 2);
  npy->dtype = DTypeOfDescr(descr);
  if (!npy->dtype) Fail("%s: unsupported dtype '%s'", path, descr.c_str());
  if (fortran != "False") Fail("%s: fortran_order arrays are not supported", path);
  if (shape.empty() || shape[0] != '(') Fail("%s: malformed shape", path);
  int64_t count = 1;
  for (size_t i = 1; i < shape.size();) {
    while (i < shape.size() && (shape[i] == ' ' || shape[i] == ',')) ++i;
    if (i >= shape.size() || shape[i] == ')') break;
    char* end;
    long long d = strtoll(shape.c_str() + i, &end, 10);
    if (end == shape.c_str() + i || d < 0) Fail("%s: malformed shape", path);
    i = end - shape.c_str();
    if (i < shape.size() && shape[i] == 'L') ++i;
    npy->shape.push_back(d);
    count *= d;
  }
  size_t dstart = hstart + hlen;
  size_t nbytes = static_cast<size_t>(count) * npy->dtype->size;
  if (f.size() - dstart < nbytes)
    Fail("%s: data too short (%zu bytes, need %zu)", path, f.size() - dstart, nbytes);
  npy->data.assign(f.begin() + dstart, f.begin() + dstart + nbytes);
}

static void WriteNpy(const std::string& path, const DType* dt, const TfLiteIntArray* dims,
                     const void* data, size_t nbytes) {
  std::string shape = "(";
  for (int i = 0; dims && i < dims->size; ++i) {
    shape += std::to_string(dims->data[i]);
    if (dims->size == 1 || i + 1 < dims->size) shape += ",";
    if (i + 1 < dims->size) shape += " ";
  }
  shape += ")";
  std::string h = std::string("{'descr': '") + dt->descr +
                  "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + h.size() + 1;
  size_t pad = (64 - total % 64) % 64;
  h.append(pad, ' ');
  h += '\n';
  uint8_t pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                     static_cast<uint8_t>(h.size() & 0xff),
                     static_cast<uint8_t>(h.size() >> 8)};
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) Fail("cannot write %s", path.c_str());
  bool ok = fwrite(pre, 1, 10, f) == 10 && fwrite(h.data(), 1, h.size(), f) == h.size() &&
            (nbytes == 0 || fwrite(data, 1, nbytes, f) == nbytes);
  ok = (fclose(f) == 0) && ok;
  if (!ok) Fail("error writing %s", path.c_str());
}

// ---- op resolver: every builtin / custom op of the reference kernels -----------
// (The TFLM "signal" audio ops are not compiled in.)
using Resolver = tflite::MicroMutableOpResolver<128>;

static void AddAllOps(Resolver& r) {
  TfLiteStatus s[] = {
      r.AddAbs(), r.AddAdd(), r.AddAddN(), r.AddArgMax(), r.AddArgMin(),
      r.AddAssignVariable(), r.AddAveragePool2D(), r.AddBatchMatMul(),
      r.AddBatchToSpaceNd(), r.AddBroadcastArgs(), r.AddBroadcastTo(),
      r.AddCallOnce(), r.AddCast(), r.AddCeil(), r.AddCircularBuffer(),
      r.AddConcatenation(), r.AddConv2D(), r.AddCos(), r.AddCumSum(),
      r.AddDecode(), r.AddDepthToSpace(), r.AddDepthwiseConv2D(),
      r.AddDequantize(), r.AddDetectionPostprocess(), r.AddDiv(),
      r.AddDynamicUpdateSlice(), r.AddElu(), r.AddEmbeddingLookup(),
      r.AddEqual(), r.AddEthosU(), r.AddExp(), r.AddExpandDims(), r.AddFill(),
      r.AddFloor(), r.AddFloorDiv(), r.AddFloorMod(), r.AddFullyConnected(),
      r.AddGather(), r.AddGatherNd(), r.AddGreater(), r.AddGreaterEqual(),
      r.AddHardSwish(), r.AddIf(), r.AddL2Normalization(), r.AddL2Pool2D(),
      r.AddLeakyRelu(), r.AddLess(), r.AddLessEqual(), r.AddLog(),
      r.AddLogSoftmax(), r.AddLogicalAnd(), r.AddLogicalNot(),
      r.AddLogicalOr(), r.AddLogistic(), r.AddMaxPool2D(), r.AddMaximum(),
      r.AddMean(), r.AddMinimum(), r.AddMirrorPad(), r.AddMul(), r.AddNeg(),
      r.AddNotEqual(), r.AddPack(), r.AddPad(), r.AddPadV2(), r.AddPrelu(),
      r.AddQuantize(), r.AddReadVariable(), r.AddReduceAll(),
      r.AddReduceMax(), r.AddReduceMin(), r.AddRelu(), r.AddRelu6(),
      r.AddReshape(), r.AddResizeBilinear(), r.AddResizeNearestNeighbor(),
      r.AddReverseV2(), r.AddRound(), r.AddRsqrt(), r.AddSelectV2(),
      r.AddShape(), r.AddSin(), r.AddSlice(), r.AddSoftmax(),
      r.AddSpaceToBatchNd(), r.AddSpaceToDepth(), r.AddSplit(), r.AddSplitV(),
      r.AddSqrt(), r.AddSquare(), r.AddSquaredDifference(), r.AddSqueeze(),
      r.AddStridedSlice(), r.AddSub(), r.AddSum(), r.AddSvdf(), r.AddTanh(),
      r.AddTranspose(), r.AddTransposeConv(),
      r.AddUnidirectionalSequenceLSTM(), r.AddUnpack(), r.AddVarHandle(),
      r.AddWhile(), r.AddZerosLike(),
  };
  for (TfLiteStatus st : s)
    if (st != kTfLiteOk) Fail("registering kernels failed");
}

// ---- main ------------------------------------------------------------------------
int main(int argc, char** argv) {
  const char* v = getenv("TFLM_RUN_VERBOSE");
  g_verbose = v && *v && strcmp(v, "0") != 0;

  const char* model_path = nullptr;
  std::vector<const char*> in_paths;
  const char* out_path = nullptr;
  size_t arena_mb = 64;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "-o")) {
      if (++i >= argc) Fail("-o needs a path");
      out_path = argv[i];
    } else if (!strcmp(argv[i], "--arena-mb")) {
      if (++i >= argc || atoi(argv[i]) <= 0) Fail("--arena-mb needs a positive integer");
      arena_mb = static_cast<size_t>(atoi(argv[i]));
    } else if (!model_path) {
      model_path = argv[i];
    } else {
      in_paths.push_back(argv[i]);
    }
  }
  if (!model_path || !out_path)
    Fail("usage: tflm_run MODEL.tflite IN0.npy [IN1.npy ...] -o OUT.npy [--arena-mb N]");

  // Model, 16-byte aligned and verified.
  std::vector<uint8_t> file;
  if (!ReadFile(model_path, &file) || file.empty()) Fail("cannot read %s", model_path);
  uint8_t* model_buf = static_cast<uint8_t*>(aligned_alloc(16, (file.size() + 15) & ~size_t{15}));
  if (!model_buf) Fail("out of memory");
  memcpy(model_buf, file.data(), file.size());
  {
    flatbuffers::Verifier verifier(model_buf, file.size());
    if (!tflite::VerifyModelBuffer(verifier)) Fail("%s: not a valid TFLite model", model_path);
  }
  const tflite::Model* model = tflite::GetModel(model_buf);
  if (model->version() != TFLITE_SCHEMA_VERSION)
    Fail("%s: schema version %u, expected %d", model_path, model->version(), TFLITE_SCHEMA_VERSION);

  static Resolver resolver;
  AddAllOps(resolver);

  // Name any operator the reference kernels do not provide (TFLM itself only
  // says "CUSTOM" for an unknown custom op).
  std::string missing;
  if (model->operator_codes()) {
    for (const tflite::OperatorCode* oc : *model->operator_codes()) {
      tflite::BuiltinOperator b = tflite::GetBuiltinCode(oc);
      std::string name;
      if (b == tflite::BuiltinOperator_CUSTOM) {
        const char* cc = oc->custom_code() ? oc->custom_code()->c_str() : "";
        if (!resolver.FindOp(cc)) name = std::string("CUSTOM:") + cc;
      } else if (!resolver.FindOp(b)) {
        const char* n = tflite::EnumNameBuiltinOperator(b);
        name = (n && *n) ? n : "BUILTIN#" + std::to_string(static_cast<int>(b));
      }
      if (!name.empty() && missing.find(name) == std::string::npos)
        missing += (missing.empty() ? "" : ", ") + name;
    }
  }
  if (!missing.empty()) Fail("%s: operators not built into tflm_run: %s", model_path,
                             missing.c_str());

  size_t arena_size = arena_mb << 20;
  uint8_t* arena = static_cast<uint8_t*>(aligned_alloc(16, arena_size));
  if (!arena) Fail("cannot allocate %zu MB arena", arena_mb);
  tflite::MicroAllocator* allocator = tflite::MicroAllocator::Create(arena, arena_size);
  if (!allocator) Fail("MicroAllocator::Create failed");
  tflite::MicroResourceVariables* vars = tflite::MicroResourceVariables::Create(allocator, 64);
  tflite::MicroInterpreter interpreter(model, resolver, allocator, vars);
  if (interpreter.AllocateTensors() != kTfLiteOk) Fail("AllocateTensors failed");

  size_t n_in = interpreter.inputs_size();
  if (in_paths.size() != n_in)
    Fail("model has %zu inputs, %zu .npy given", n_in, in_paths.size());
  for (size_t k = 0; k < n_in; ++k) {
    TfLiteTensor* t = interpreter.input(k);
    if (!t) Fail("input %zu: no tensor", k);
    const DType* dt = DTypeOfTensor(t->type);
    if (!dt) Fail("input %zu: unsupported tensor type %s", k, TfLiteTypeGetName(t->type));
    Npy npy;
    ReadNpy(in_paths[k], &npy);
    if (npy.dtype != dt)
      Fail("%s: dtype %s but input %zu is %s", in_paths[k], npy.dtype->descr, k,
           TfLiteTypeGetName(t->type));
    size_t need = t->bytes;
    if (npy.data.size() != need)
      Fail("%s: %zu elements but input %zu has %zu", in_paths[k],
           npy.data.size() / dt->size, k, need / dt->size);
    memcpy(t->data.raw, npy.data.data(), need);
  }

  if (interpreter.Invoke() != kTfLiteOk) Fail("Invoke failed");

  size_t n_out = interpreter.outputs_size();
  std::string stem = out_path;
  if (stem.size() >= 4 && stem.compare(stem.size() - 4, 4, ".npy") == 0)
    stem.resize(stem.size() - 4);
  for (size_t k = 0; k < n_out; ++k) {
    TfLiteTensor* t = interpreter.output(k);
    if (!t) Fail("output %zu: no tensor", k);
    const DType* dt = DTypeOfTensor(t->type);
    if (!dt) Fail("output %zu: unsupported tensor type %s", k, TfLiteTypeGetName(t->type));
    std::string path = n_out == 1 ? std::string(out_path)
                                  : stem + "." + std::to_string(k) + ".npy";
    WriteNpy(path, dt, t->dims, t->data.raw, t->bytes);
  }
  return 0;
}

# Writes a C++ source holding the text of every preset YAML file, so tools
# resolve `--arch npu-tiny` without knowing where the sources are.
# Inputs: PRESETS (list of files), OUTPUT (generated .cpp).
set(body "// Generated from runtime/configs/*.yaml by EmbedPresets.cmake.\n")
string(APPEND body "#include <cstddef>\nnamespace npu {\n")
string(APPEND body "struct EmbeddedPreset { const char *name; const char *yaml; };\n")
string(APPEND body "extern const EmbeddedPreset kEmbeddedPresets[];\n")
string(APPEND body "extern const size_t kNumEmbeddedPresets;\n")
string(APPEND body "const EmbeddedPreset kEmbeddedPresets[] = {\n")
list(LENGTH PRESETS count)
foreach(file ${PRESETS})
  get_filename_component(name ${file} NAME_WE)
  file(READ ${file} text)
  string(APPEND body "  {\"${name}\", R\"npuyaml(${text})npuyaml\"},\n")
endforeach()
string(APPEND body "};\nconst size_t kNumEmbeddedPresets = ${count};\n}\n")
file(WRITE ${OUTPUT}.tmp "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})

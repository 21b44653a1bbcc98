# Debian's antlr4 tool (4.7.2) generates C++ that Debian's runtime (4.9) accepts.
# Generated code lives in the build tree only.
find_program(ANTLR4_TOOL antlr4 REQUIRED)
find_path(ANTLR4_INCLUDE_DIR antlr4-runtime.h PATH_SUFFIXES antlr4-runtime REQUIRED)
find_library(ANTLR4_RUNTIME_LIB antlr4-runtime REQUIRED)

if(PROXYGLOT_FUZZ)
  # libFuzzer builds use clang, which rejects the runtime's misc/InterpreterDataReader.h:
  # compile against a copy of the umbrella header without that line.
  set(_filtered ${CMAKE_BINARY_DIR}/antlr4-filtered)
  file(READ ${ANTLR4_INCLUDE_DIR}/antlr4-runtime.h _umbrella)
  string(REPLACE "#include \"misc/InterpreterDataReader.h\"" "" _umbrella "${_umbrella}")
  file(WRITE ${_filtered}/antlr4-runtime.h "${_umbrella}")
  set(ANTLR4_INCLUDE_DIRS ${_filtered} ${ANTLR4_INCLUDE_DIR})
else()
  set(ANTLR4_INCLUDE_DIRS ${ANTLR4_INCLUDE_DIR})
endif()

# antlr_grammar(<target> <Name>): generate <Name>Lexer/<Name>Parser from
# <Name>Lexer.g4 and <Name>Parser.g4 into the build tree and build a static library.
function(antlr_grammar target name)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(srcs ${out}/${name}Lexer.cpp ${out}/${name}Parser.cpp
           ${out}/${name}ParserBaseListener.cpp ${out}/${name}ParserListener.cpp)
  # The headers are outputs too, so that sources including them rebuild when a
  # grammar changes (they sit in a SYSTEM include directory).
  set(hdrs ${out}/${name}Lexer.h ${out}/${name}Parser.h)
  add_custom_command(
    OUTPUT ${srcs} ${hdrs}
    COMMAND ${ANTLR4_TOOL} -Dlanguage=Cpp -package pg_${name} -o ${out} -Xexact-output-dir
            ${CMAKE_CURRENT_SOURCE_DIR}/${name}Lexer.g4
    COMMAND ${ANTLR4_TOOL} -Dlanguage=Cpp -package pg_${name} -o ${out} -Xexact-output-dir
            -lib ${out} ${CMAKE_CURRENT_SOURCE_DIR}/${name}Parser.g4
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}Lexer.g4 ${CMAKE_CURRENT_SOURCE_DIR}/${name}Parser.g4
    COMMENT "antlr4: ${name} grammar")
  add_library(${target} STATIC ${srcs})
  target_include_directories(${target} SYSTEM PUBLIC ${out} ${ANTLR4_INCLUDE_DIRS})
  target_link_libraries(${target} PUBLIC ${ANTLR4_RUNTIME_LIB})
  # Generated sources: C++20's char8_t breaks them, and their warnings are not ours.
  target_compile_options(${target} PRIVATE -fno-char8_t -w)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

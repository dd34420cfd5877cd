# ctest Install.FindPackage (tests/CMakeLists.txt): installs the build tree
# into WORK_DIR/prefix, checks the installed layout, then uses it from
# outside: a CMake project with find_package(npeps) (consumer/), a C program
# compiled and linked with -lnpeps by hand, the installed CLI and, when
# built, the installed Python module. NPEPS_MODEL_DIR is unset for every
# run, so the models must be found relative to the installed binaries.
foreach(v BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR C_COMPILER CXX_COMPILER CAPI_TEST_SOURCE LIBDIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "install_test.cmake: -D${v}= missing")
  endif()
endforeach()

function(run what)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=NPEPS_MODEL_DIR ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${what}:\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc})")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# The layout, and only the public headers.
foreach(f include/npeps/synthesizer.h include/npeps/npeps.h bin/npeps
          ${LIBDIR}/libnpeps.so ${LIBDIR}/cmake/npeps/npepsConfig.cmake
          ${LIBDIR}/cmake/npeps/npepsConfigVersion.cmake
          share/npeps/models/pccoder.ckpt share/npeps/models/pe.ckpt
          share/npeps/models/aggregator.ckpt)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/*)
list(SORT headers)
if(NOT headers STREQUAL "npeps/npeps.h;npeps/synthesizer.h")
  message(FATAL_ERROR "installed headers: ${headers} (expected only include/npeps's two)")
endif()
set(libdir ${prefix}/${LIBDIR})
set(lib ${libdir}/libnpeps.so)

# The library exports the public API only.
find_program(NM nm)
if(NM)
  run("nm" ${NM} -D --defined-only -C ${lib})
  foreach(sym npeps_create npeps_synthesize npeps_cancel npeps_version
              "npeps::Synthesizer::synthesize_json")
    string(FIND "${last_output}" "${sym}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "libnpeps.so does not export ${sym}")
    endif()
  endforeach()
  foreach(sym "npeps::parse_program" "npeps::enumerate" "nlohmann" "tbb::")
    string(FIND "${last_output}" "${sym}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "libnpeps.so exports internal symbol ${sym}")
    endif()
  endforeach()
endif()

# An outside CMake project.
run("configure consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/consumer -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${prefix})
run("build consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run("consumer" ${WORK_DIR}/consumer/consumer ${prefix})

# A C program: cc prog.c -lnpeps.
run("compile C program" ${C_COMPILER} -std=c11 -Wall -Wextra -Werror -I${prefix}/include
    ${CAPI_TEST_SOURCE} -o ${WORK_DIR}/capi_test -L${libdir} -lnpeps -lpthread
    -Wl,-rpath,${libdir})
run("C program" ${WORK_DIR}/capi_test)

# The installed CLI, with its default method (models from share/npeps/models).
file(WRITE ${WORK_DIR}/sort.json
     "{\"examples\": [{\"inputs\": [[3, 1, 2]], \"output\": [1, 2, 3]},
                     {\"inputs\": [[9, -4, 7, 0]], \"output\": [-4, 0, 7, 9]}]}")
run("installed CLI" ${prefix}/bin/npeps synth ${WORK_DIR}/sort.json --timeout 30)
string(FIND "${last_output}" "\"solved\":true" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the installed CLI did not solve sorting")
endif()

# The installed Python module, when built.
file(GLOB pymod ${prefix}/lib/python3/dist-packages/npeps*.so)
if(pymod)
  find_program(PYTHON3 python3 REQUIRED)
  file(WRITE ${WORK_DIR}/use_npeps.py [=[
import npeps
r = npeps.synthesize([([[3, 1, 2]], [1, 2, 3]), ([[2, 1]], [1, 2])], timeout=30)
print(npeps.__file__, r)
assert r["solved"] and r["program"], r
assert npeps.run(r["program"], [[5, 4, 6]]) == [4, 5, 6]
]=])
  run("installed Python module" ${CMAKE_COMMAND} -E env
      PYTHONPATH=${prefix}/lib/python3/dist-packages ${PYTHON3} ${WORK_DIR}/use_npeps.py)
  string(FIND "${last_output}" "${prefix}/lib/python3/dist-packages/npeps" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "python3 did not import the installed module")
  endif()
endif()

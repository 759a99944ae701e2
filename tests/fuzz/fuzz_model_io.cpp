// libFuzzer target: the model-file and config readers. Any byte string must either load or be
// rejected with a std::exception; a file that loads must save and load again to the same text.
//   build: scripts/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined)
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>

#include "io/model_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        bp::parse_config(text);
    } catch (const std::exception&) {
    }
    try {
        auto session = bp::load_model(text);
        const std::string saved = bp::save_model(*session);
        auto again = bp::load_model(saved);
        if (bp::save_model(*again) != saved) std::abort();  // round trip must be exact
    } catch (const std::exception&) {
    }
    return 0;
}

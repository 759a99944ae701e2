// Messages: short, naming the field, showing the user's text cut and escaped (messages.hpp),
// numbers as integers when they are (validate.hpp format_number), and the JSON reader's own
// messages (json_io.hpp parse_text) in that style. Objects with many keys parse in linear time
// (not timed here: see docs/robustness.md for the figures).
#include <catch2/catch.hpp>

#include <iterator>
#include <stdexcept>
#include <string>

#include "io/json_io.hpp"
#include "base/messages.hpp"
#include "io/model_io.hpp"
#include "base/validate.hpp"

namespace {

// The message parse_config throws for `text` ("" if it throws none).
std::string config_error(const std::string& text) {
    try {
        bp::parse_config(text);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

std::string many_keys(std::size_t n) {
    std::string s = "{";
    for (std::size_t i = 0; i < n; ++i) s += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
    return s + "}";
}

const std::string kEllipsis = "\xE2\x80\xA6";

}  // namespace

TEST_CASE("shown/quote: cut to 40 characters with an ellipsis, control characters and bad bytes escaped",
          "[messages]") {
    CHECK(bp::quote("relu") == "'relu'");
    CHECK(bp::quote("A\xC3\x84") == "'A\xC3\x84'");  // 'AÄ' stays UTF-8
    CHECK(bp::quote(std::string(100000, 'x')) == "'" + std::string(40, 'x') + kEllipsis + "'");
    // 50 × 'Ä' (2 bytes each): cut after 40 characters, never inside one
    std::string ae;
    for (int i = 0; i < 50; ++i) ae += "\xC3\x84";
    CHECK(bp::shown(ae) == ae.substr(0, 80) + kEllipsis);
    CHECK(bp::shown(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(bp::shown("line\nnext\ttab\r") == "line\\nnext\\ttab\\r");
    CHECK(bp::shown("it's a \\") == "it\\'s a \\\\");
    CHECK(bp::shown("\xFF\xC3") == "\\xff\\xc3");        // not UTF-8; a sequence cut short
    CHECK(bp::shown("\xED\xA0\x80") == "\\xed\\xa0\\x80");  // a surrogate is not UTF-8 either
    CHECK(bp::shown("\xF0\x9F\x98\x80!") == "\xF0\x9F\x98\x80!");  // 😀 is one character
    CHECK(bp::shown("abcdef", 3) == "abc" + kEllipsis);
    CHECK(bp::shown("abc", 3) == "abc");
    CHECK(bp::safe_message(std::string(1000, 'm')).size() == 400 + kEllipsis.size());
    CHECK(bp::safe_message("x\ny \xC3\x84 \xFF") == "x\\ny \xC3\x84 \\xff");
}

TEST_CASE("format_number: whole numbers up to 2^53 in full, others as %g", "[messages]") {
    CHECK(bp::format_number(4294967296.0) == "4294967296");
    CHECK(bp::format_number(4294967295.0) == "4294967295");
    CHECK(bp::format_number(9007199254740992.0) == "9007199254740992");  // 2^53
    CHECK(bp::format_number(-1000000.0) == "-1000000");
    CHECK(bp::format_number(0.0) == "0");
    CHECK(bp::format_number(0.25) == "0.25");
    CHECK(bp::format_number(1e30) == "1e+30");
    CHECK(bp::format_number(1.8e16) == "1.8e+16");  // beyond 2^53
    CHECK(bp::format_number(std::nan("")) == "nan");
}

TEST_CASE("config messages: field named, user text cut, integers as integers", "[messages]") {
    // a seed of 2^32: both bounds and the value as integers
    CHECK(config_error(R"({"dataset": {"seed": 4294967296}})") == "/dataset/seed: 4294967296 is outside 0..4294967295");
    // 1e400 overflows a double: named by its field, not nlohmann's out_of_range.406
    CHECK(config_error(R"({"training": {"learningRate": 1e400}})") ==
          "/training/learningRate: 1e400 is outside the range of a number (about \xC2\xB1" "1.8e308)");
    CHECK(config_error(R"({"training": {"learningRate": [1, -1e999]}})").rfind("/training/learningRate/1: -1e999 is", 0) == 0);
    // one long bad token (a string with a raw newline at its end): the message stays short
    const std::string token = config_error("{\"a\": \"" + std::string(100000, 'x') + "\n\"}");
    CHECK(token.size() < 250);
    CHECK(token.rfind("config is not valid JSON: parse error at line 2, column 0: syntax error while parsing value - "
                      "invalid string: control character U+000A (LF) must be escaped", 0) == 0);
    CHECK(token.find("; last read: '\"" + std::string(39, 'x') + kEllipsis + "'") != std::string::npos);
    CHECK(token.find("json.exception") == std::string::npos);
    // a 100,000-character key or name
    const std::string key = config_error("{\"" + std::string(100000, 'k') + "\": 1}");
    CHECK(key == "/" + std::string(40, 'k') + kEllipsis + ": unknown field (allowed: dataset, features, network, training)");
    const std::string name = config_error("{\"network\": {\"activation\": \"" + std::string(100000, 'n') + "\"}}");
    CHECK(name.size() < 200);
    CHECK(name.rfind("/network/activation: unknown activation '" + std::string(40, 'n') + kEllipsis + "'", 0) == 0);
    // a NUL byte in a name no longer cuts the message short
    CHECK(config_error(R"({"network": {"activation": "a\u0000b"}})") ==
          "/network/activation: unknown activation 'a\\x00b'; allowed: linear, sigmoid, tanh, relu, leaky_relu, softmax");
    // valid UTF-8 stays as it is
    CHECK(config_error("{\"network\": {\"activation\": \"A\xC3\x84\"}}").find("'A\xC3\x84'") != std::string::npos);
    // a '/' or '~' in an unknown key is escaped as in a JSON pointer
    CHECK(config_error(R"({"network": {"a/b~": 1}})").rfind("/network/a~1b~0: unknown field", 0) == 0);
}

TEST_CASE("network.loss: an unknown name names the field", "[messages]") {
    CHECK(config_error(R"({"network": {"loss": "hinge"}})").rfind("/network/loss: unknown loss 'hinge'", 0) == 0);
}

TEST_CASE("objects with many keys: 200,000 and 20,000 keys are read in linear time", "[messages][keys]") {
    for (std::size_t n : {20000u, 200000u}) {
        const std::string text = many_keys(n);
        const bp::json_io::json j = bp::json_io::parse_text(text, "config");
        REQUIRE(j.size() == n);
        CHECK(j.begin().key() == "k0");                // the order of the file
        CHECK((--j.end()).key() == "k" + std::to_string(n - 1));
        CHECK(j["k" + std::to_string(n / 2)].get<long>() == static_cast<long>(n / 2));
        // as a config, at the top and nested: the first unknown key is named
        CHECK(config_error(text) == "/k0: unknown field (allowed: dataset, features, network, training)");
        CHECK(config_error("{\"network\": " + text + "}").rfind("/network/k0: unknown field", 0) == 0);
    }
}

TEST_CASE("a repeated key keeps its first place and takes the last value, small object or large", "[messages][keys]") {
    auto j = bp::json_io::parse_text(R"({"a": 1, "b": 2, "a": 3})", "config");
    REQUIRE(j.size() == 2);
    CHECK(j.begin().key() == "a");
    CHECK(j["a"] == 3);
    // past the scan size (16 keys) the hash index answers
    std::string big = many_keys(100);
    big.back() = ',';
    big += R"("k3": "again", "k99": null})";
    j = bp::json_io::parse_text(big, "config");
    REQUIRE(j.size() == 100);
    CHECK(std::next(j.begin(), 3).key() == "k3");
    CHECK(j["k3"] == "again");
    CHECK(j["k99"].is_null());
    // nesting and arrays come out as nlohmann's own parser gives them
    const std::string nested = R"({"x": [1, {"y": [true, null, "s", -2, 3.5, 18446744073709551615]}], "z": {}})";
    CHECK(bp::json_io::parse_text(nested, "config") == bp::json_io::json::parse(nested));
}

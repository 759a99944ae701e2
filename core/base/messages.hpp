// messages.hpp: user text inside error messages, shown safely.
//
// A message that echoes what the user gave (a name, a key, a JSON token) must stay short and
// printable whatever that text is: 100,000 characters, a NUL byte, a newline, bytes that are not
// UTF-8. One rule for every message:
//   shown(text)  the text cut to 40 characters (code points) with '…' when cut; valid UTF-8 stays
//                as it is (never cut inside a character); \ ' and control characters escaped
//                (\n, \t, \r, \\, \', else \xNN); every byte that is not valid UTF-8 as \xNN.
//   quote(text)  shown(text) between single quotes: 'AÄ', 'a\x00b', 'xxxxxxxx…'.
// A message is a std::string thrown in an exception and read back through what(), a C string:
// a raw NUL would cut it short there, so it must be escaped before the exception is built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bp {

constexpr std::size_t kShownChars = 40;  // characters of user text a message shows

// Length of the valid UTF-8 sequence starting at s[i] (1..4), or 0 if the bytes there are not
// one (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, cut short).
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    if (c < 0x80) return 1;
    std::size_t n;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07u;
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xC0u) != 0x80u) return 0;
        cp = (cp << 6) | (b(k) & 0x3Fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

// The text as a message shows it (see the top of the file); max_chars = 0 does not cut.
inline std::string shown(std::string_view text, std::size_t max_chars = kShownChars) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    std::size_t chars = 0, i = 0;
    while (i < text.size()) {
        if (max_chars && chars == max_chars) {
            out += "\xE2\x80\xA6";  // …
            break;
        }
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::size_t n = utf8_length(text, i);
        if (n == 0 || c < 0x20 || c == 0x7F) {
            if (c == '\n') out += "\\n";
            else if (c == '\t') out += "\\t";
            else if (c == '\r') out += "\\r";
            else out += {'\\', 'x', hex[c >> 4], hex[c & 15]};
            i += 1;
        } else {
            if (c == '\\' || c == '\'') out += '\\';
            out.append(text.substr(i, n));
            i += n;
        }
        ++chars;
    }
    return out;
}

inline std::string quote(std::string_view text, std::size_t max_chars = kShownChars) {
    return "'" + shown(text, max_chars) + "'";
}

// Every occurrence of `from` in `s` replaced by `to`.
inline std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    if (from.empty()) return s;
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

// A whole message made safe to print, for the last line of defence (the CLI's main, a binding's
// catch): control characters and invalid UTF-8 escaped, cut to max_chars characters. Text that
// was quoted when the message was built stays as it was (its escapes are printable).
inline std::string safe_message(std::string_view message, std::size_t max_chars = 400) {
    std::string out;
    std::size_t chars = 0, i = 0;
    while (i < message.size()) {
        if (chars == max_chars) {
            out += "\xE2\x80\xA6";
            break;
        }
        const std::size_t n = utf8_length(message, i);
        const unsigned char c = static_cast<unsigned char>(message[i]);
        if (n == 0 || c < 0x20 || c == 0x7F) {
            out += shown(message.substr(i, 1), 0);
            i += 1;
        } else {
            out.append(message.substr(i, n));
            i += n;
        }
        ++chars;
    }
    return out;
}

}  // namespace bp

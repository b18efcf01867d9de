#include "tools/tsfctl/output.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time_util.h"

namespace tsforecast::tsfctl {

absl::StatusOr<Format> ParseFormat(const std::string& text) {
  if (text == "table") return Format::kTable;
  if (text == "csv") return Format::kCsv;
  if (text == "json") return Format::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("--format \"", text, "\": expected table, csv or json"));
}

std::string FormatValue(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, ptr);
}

std::string FormatComputed(double v) {
  if (!std::isfinite(v)) return FormatValue(v);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.10g", v);
  return FormatValue(std::strtod(buf, nullptr));
}

std::string FormatNumber(double v, int decimals, bool computed) {
  if (decimals >= 0 && std::isfinite(v)) {
    // -0.00 reads as a sign error in a table of prices.
    std::string out = absl::StrFormat("%.*f", decimals, v);
    if (out[0] == '-' && out.find_first_not_of("-0.") == std::string::npos) {
      out.erase(0, 1);
    }
    return out;
  }
  return computed ? FormatComputed(v) : FormatValue(v);
}

namespace {

// A JSON number: what FormatValue writes for a finite double, or an
// integer.
bool IsJsonNumber(const std::string& s) {
  double v = 0;
  if (s.empty() || !absl::SimpleAtod(s, &v) || !std::isfinite(v)) {
    return false;
  }
  // SimpleAtod takes "inf", " 1", "+1" and hex; JSON does not.
  for (char c : s) {
    if (!(absl::ascii_isdigit(c) || c == '-' || c == '.' || c == 'e' ||
          c == 'E' || c == '+')) {
      return false;
    }
  }
  return s[0] != '+' && s[0] != '.' && s.back() != '.';
}

}  // namespace

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

namespace {

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void PrintRows(std::ostream& out, Format format,
               const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows) {
  switch (format) {
    case Format::kTable: {
      std::vector<size_t> width(header.size());
      for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
      for (const auto& row : rows) {
        for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
          width[c] = std::max(width[c], row[c].size());
        }
      }
      auto line = [&](const std::vector<std::string>& cells) {
        for (size_t c = 0; c < cells.size(); ++c) {
          out << cells[c];
          if (c + 1 < cells.size()) {
            out << std::string(width[c] - cells[c].size() + 2, ' ');
          }
        }
        out << "\n";
      };
      line(header);
      for (const auto& row : rows) line(row);
      break;
    }
    case Format::kCsv:
      for (size_t c = 0; c < header.size(); ++c) {
        out << (c ? "," : "") << CsvCell(header[c]);
      }
      out << "\n";
      for (const auto& row : rows) {
        for (size_t c = 0; c < row.size(); ++c) {
          out << (c ? "," : "") << CsvCell(row[c]);
        }
        out << "\n";
      }
      break;
    case Format::kJson:
      out << "[";
      for (size_t r = 0; r < rows.size(); ++r) {
        out << (r ? ",\n " : "") << "{";
        for (size_t c = 0; c < header.size() && c < rows[r].size(); ++c) {
          const std::string& cell = rows[r][c];
          out << (c ? ", " : "") << JsonString(header[c]) << ": "
              << (IsJsonNumber(cell) ? cell : JsonString(cell));
        }
        out << "}";
      }
      out << "]\n";
      break;
  }
}

void PrintPoints(std::ostream& out, Format format, const std::string& series,
                 const std::vector<int64_t>& timestamps_ms,
                 const std::vector<double>& values, bool epoch_ms, int decimals,
                 bool computed) {
  const auto value_text = [decimals, computed](double v) {
    return FormatNumber(v, decimals, computed);
  };
  auto ts_text = [&](int64_t ts) {
    return epoch_ms ? absl::StrCat(ts) : FormatTimestamp(ts);
  };
  if (format == Format::kJson) {
    out << "{\"series\": " << JsonString(series) << ", \"points\": [";
    for (size_t i = 0; i < values.size(); ++i) {
      out << (i ? ",\n  " : "\n  ") << "{\"timestamp\": ";
      if (epoch_ms) {
        out << timestamps_ms[i];
      } else {
        out << JsonString(ts_text(timestamps_ms[i]));
      }
      out << ", \"value\": " << value_text(values[i]) << "}";
    }
    out << "]}\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    rows.push_back({ts_text(timestamps_ms[i]), value_text(values[i])});
  }
  PrintRows(out, format, {"timestamp", "value"}, rows);
}

}  // namespace tsforecast::tsfctl

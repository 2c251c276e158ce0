#include "archive/record_codec.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>
#include <simdjson.h>

#include "simshard/fingerprint.h"
#include "simshard/normalize.h"
#include "util/encoding.h"
#include "util/json_writer.h"

namespace simshard {
namespace ondemand = simdjson::ondemand;

namespace {

ondemand::parser& OndemandParser() {
  thread_local ondemand::parser parser;
  return parser;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Strings that may hold any bytes: as UTF-8 when they are, else as `<key>_b64`.
void PutBytesField(JsonObjectWriter& w, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  if (IsValidUtf8(value)) {
    w.String(key, value);
  } else {
    w.String(std::string(key) + "_b64", Base64Encode(value));
  }
}

// A copy of `bytes` followed by the padding simdjson reads past the end, in a buffer
// kept per thread (no allocation per record). Valid until the next call.
const char* PaddedCopy(std::string_view bytes) {
  thread_local std::string buffer;
  const size_t needed = bytes.size() + simdjson::SIMDJSON_PADDING;
  if (buffer.size() < needed) buffer.resize(needed);
  std::memcpy(buffer.data(), bytes.data(), bytes.size());
  std::memset(buffer.data() + bytes.size(), 0, simdjson::SIMDJSON_PADDING);
  return buffer.data();
}

// Where a JSON record's text member is: its value's bytes in the line, and its key.
struct TextMember {
  size_t begin = 0, end = 0;
  std::string key;
};

// Offsets past a JSON string (starting at its quote) and past any value, in text already
// validated as JSON: only quotes and brackets need looking at.
size_t SkipString(std::string_view json, size_t quote) {
  const char* p = json.data() + quote + 1;
  const char* const end = json.data() + json.size();
  for (;;) {
    const char* q = static_cast<const char*>(std::memchr(p, '"', end - p));
    if (q == nullptr) return json.size();  // not reached in valid JSON
    size_t backslashes = 0;  // an odd run escapes the quote
    for (const char* b = q; b > p && b[-1] == '\\'; --b) ++backslashes;
    if (backslashes % 2 == 0) return static_cast<size_t>(q - json.data()) + 1;
    p = q + 1;
  }
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

size_t SkipSpace(std::string_view json, size_t i) {
  while (i < json.size() && IsJsonSpace(json[i])) ++i;
  return i;
}

size_t SkipValue(std::string_view json, size_t i) {
  if (json[i] == '"') return SkipString(json, i);
  if (json[i] != '{' && json[i] != '[') {  // number, true, false, null
    while (i < json.size() && !IsJsonSpace(json[i]) && json[i] != ',' && json[i] != '}' &&
           json[i] != ']') {
      ++i;
    }
    return i;
  }
  int depth = 0;
  do {
    const char c = json[i];
    if (c == '"') {
      i = SkipString(json, i);
      continue;
    }
    depth += (c == '{' || c == '[') - (c == '}' || c == ']');
    ++i;
  } while (depth > 0 && i < json.size());
  return i;
}

// Where the value of member number `index` of the object `json` (valid JSON) is.
TextMember MemberValueAt(std::string_view json, size_t index) {
  size_t i = SkipSpace(json, 0) + 1;  // past '{'
  for (size_t k = 0;; ++k) {
    i = SkipString(json, SkipSpace(json, i));  // the key
    i = SkipSpace(json, SkipSpace(json, i) + 1);  // past ':'
    const size_t end = SkipValue(json, i);
    if (k == index) return TextMember{i, end, {}};
    i = SkipSpace(json, end) + 1;  // past ','
  }
}

// The first member of the object `root` whose value is the string `text`, provided no
// earlier member has the same key (so that restoring finds it again). The parse tree
// says which member; the line (`json`, which it was parsed from) says where.
std::optional<TextMember> FindTextMember(simdjson::dom::element root, std::string_view json,
                                         std::string_view text) {
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
  thread_local std::vector<std::string_view> seen;  // records have a handful of members
  seen.clear();
  size_t index = 0;
  for (const simdjson::dom::key_value_pair field : obj) {
    const bool first = std::find(seen.begin(), seen.end(), field.key) == seen.end();
    if (first) seen.push_back(field.key);
    std::string_view value;
    if (first && field.value.get_string().get(value) == simdjson::SUCCESS && value == text) {
      TextMember member = MemberValueAt(json, index);
      member.key = field.key;
      return member;
    }
    ++index;
  }
  return std::nullopt;
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// True when the JSON string `token` (quotes included, valid JSON and UTF-8) is spelled
// exactly as AppendJsonString spells its value: escapes only \" \\ \n \r \t, and \u00xx
// in lowercase for the other controls. Then the token can be copied instead of its
// value escaped again.
bool IsCanonicalJsonString(std::string_view token) {
  const char* p = token.data() + 1;
  const char* const end = token.data() + token.size() - 1;
  while ((p = static_cast<const char*>(std::memchr(p, '\\', end - p))) != nullptr) {
    const char e = p[1];
    if (e == '"' || e == '\\' || e == 'n' || e == 'r' || e == 't') {
      p += 2;
      continue;
    }
    if (e != 'u' || end - p < 6 || p[2] != '0' || p[3] != '0' || (p[4] != '0' && p[4] != '1') ||
        !IsLowerHex(p[5])) {
      return false;
    }
    const char control = static_cast<char>((p[4] - '0') * 16 + (p[5] <= '9' ? p[5] - '0' : p[5] - 'a' + 10));
    if (control == '\n' || control == '\r' || control == '\t') return false;
    p += 6;
  }
  return true;
}

// How a JSON Lines record is embedded as a nested value, its text member (if any)
// replaced by null.
struct EmbeddedRecord {
  std::string_view line;
  std::optional<TextMember> member;
  bool text_token_canonical = false;  // the member's token is what AppendJsonString writes
};

// Empty when the bytes cannot be embedded (not one line of valid JSON).
std::optional<EmbeddedRecord> EmbedJsonRecord(const Record& r) {
  const std::string& line = r.original;
  if (line.find('\n') != std::string::npos) return std::nullopt;
  // The parse checks the whole line, UTF-8 included (overlongs and surrogates refused,
  // as IsValidUtf8 does).
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(PaddedCopy(line), line.size(), false).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  EmbeddedRecord e{line, FindTextMember(root, line, r.text)};
  if (e.member) {
    e.text_token_canonical =
        IsCanonicalJsonString(std::string_view(line).substr(e.member->begin, e.member->end - e.member->begin));
  }
  return e;
}

void PutEmbeddedRecord(JsonObjectWriter& w, std::string* out, const EmbeddedRecord& e) {
  if (!e.member) {
    w.Raw("record", TrimRight(e.line));
    return;
  }
  w.Raw("record", e.line.substr(0, e.member->begin));
  out->append("null");
  out->append(TrimRight(e.line.substr(e.member->end)));
  w.String("record_text_key", e.member->key);
}

// The text; copied from the embedded record when it is already spelled as we would.
void PutText(JsonObjectWriter& w, const Record& r, const std::optional<EmbeddedRecord>& embedded) {
  if (embedded && embedded->text_token_canonical) {
    const TextMember& m = *embedded->member;
    w.Raw("text", embedded->line.substr(m.begin, m.end - m.begin));
  } else {
    w.String("text", r.text);
  }
}

void PutOriginal(JsonObjectWriter& w, std::string* out, const Record& r,
                 const std::optional<EmbeddedRecord>& embedded) {
  if (r.original.empty() || r.original == r.text) return;
  if (embedded) return PutEmbeddedRecord(w, out, *embedded);
  if (IsValidUtf8(r.original)) {
    w.String("original", r.original);
  } else {
    w.String("original_b64", Base64Encode(r.original));
  }
}

// A line simdjson stops reading, as Corruption: "<what> does not parse: <simdjson's reason>".
// The first error met is the one reported, as with simdjson's exceptions.
Status Unparsable(std::string_view what, simdjson::error_code error) {
  return Status::Corruption(std::string(what) + " does not parse: " + simdjson::error_message(error));
}

// A line holding one JSON object, opened with the thread's parser: the padded copy and the
// document must outlive the object. `error` is simdjson's, when the line is no object.
struct ObjectLine {
  explicit ObjectLine(std::string_view line) : padded(line) {
    error = OndemandParser().iterate(padded).get(doc);
    if (!error) error = doc.get_object().get(object);
  }
  simdjson::padded_string padded;
  ondemand::document doc;
  ondemand::object object;
  simdjson::error_code error = simdjson::SUCCESS;
};

// Puts `text` back, as a JSON string, in place of the null value of member `key`.
Result<std::string> SpliceText(std::string_view record_json, std::string_view key, std::string_view text) {
  ObjectLine line(record_json);
  if (line.error) return Unparsable("embedded record", line.error);
  simdjson::error_code error = simdjson::SUCCESS;
  for (auto field : line.object) {
    std::string_view name;
    if ((error = field.unescaped_key().get(name))) return Unparsable("embedded record", error);
    if (name != key) continue;
    ondemand::value value;
    bool null = false;
    if (!(error = field.value().get(value))) error = value.is_null().get(null);
    if (error) return Unparsable("embedded record", error);
    if (!null) break;
    const std::string_view raw = TrimRight(value.raw_json_token());
    const size_t begin = static_cast<size_t>(raw.data() - line.padded.data());
    std::string out(record_json.substr(0, begin));
    AppendJsonString(&out, text);
    out.append(record_json.substr(begin + raw.size()));
    return out;
  }
  return Status::Corruption("embedded record has no null member \"" + std::string(key) + "\"");
}

// The raw JSON of an object or array value, or of a scalar's token, into `out`.
simdjson::error_code RawJsonOf(ondemand::value value, std::string* out) {
  ondemand::json_type type;
  simdjson::error_code error = value.type().get(type);
  std::string_view raw;
  if (error) return error;
  if (type == ondemand::json_type::object) {
    ondemand::object object;
    if (!(error = value.get_object().get(object))) error = object.raw_json().get(raw);
  } else if (type == ondemand::json_type::array) {
    ondemand::array array;
    if (!(error = value.get_array().get(array))) error = array.raw_json().get(raw);
  } else {
    raw = TrimRight(value.raw_json_token());
  }
  if (!error) out->assign(raw);
  return error;
}

Result<OriginalKind> ParseKind(std::string_view name) {
  if (name == "text") return OriginalKind::kText;
  if (name == "html") return OriginalKind::kHtml;
  if (name == "json") return OriginalKind::kJsonRecord;
  return Status::Corruption("unknown kind \"" + std::string(name) + "\"");
}

// "weak" and "empty"; "extracted" is never written (the field is left out) but read.
Result<Extraction> ParseExtraction(std::string_view name) {
  for (Extraction e : {Extraction::kExtracted, Extraction::kWeak, Extraction::kEmpty}) {
    if (name == ExtractionName(e)) return e;
  }
  return Status::Corruption("unknown extraction \"" + std::string(name) + "\"");
}

Status DecodeBase64Field(std::string_view key, std::string_view value, std::string* out) {
  if (!Base64Decode(value, out)) return Status::Corruption("field " + std::string(key) + " is not base64");
  return Status::OK();
}

// The fields parsed from a record line before the original is put back together.
struct Parsed {
  Record record;
  uint64_t ordinal = 0;
  std::string embedded, text_key;
  bool has_embedded = false;
};

// The member of the record a plain string field fills, or null.
std::string* StringField(std::string_view key, Parsed* p) {
  Record& r = p->record;
  if (key == "id") return &r.id;
  if (key == "url") return &r.url;
  if (key == "source") return &r.source;
  if (key == "title") return &r.title;
  if (key == "date") return &r.date;
  if (key == "archived_at") return &r.archived_at;
  if (key == "crawled_at") return &r.crawled_at;
  if (key == "digest") return &r.digest;
  if (key == "text") return &r.text;
  if (key == "original") return &r.original;
  if (key == "record_text_key") return &p->text_key;
  if (key == "warc_header") return &r.warc.header;
  if (key == "warc_http_header") return &r.warc.http_header;
  if (key == "warc_http_body") return &r.warc.http_body;
  return nullptr;
}

// The member a `<key>_b64` field fills (bytes that are not UTF-8), or null.
std::string* Base64Field(std::string_view key, Record* r) {
  if (key == "original_b64") return &r->original;
  if (key == "url_b64") return &r->url;
  if (key == "source_b64") return &r->source;
  if (key == "title_b64") return &r->title;
  if (key == "date_b64") return &r->date;
  if (key == "crawled_at_b64") return &r->crawled_at;
  if (key == "warc_header_b64") return &r->warc.header;
  if (key == "warc_http_header_b64") return &r->warc.http_header;
  if (key == "warc_http_body_b64") return &r->warc.http_body;
  return nullptr;
}

// The fields whose string value is decoded: a Corruption names what is wrong with it.
Status ParseCodedField(std::string_view key, std::string_view value, Record* r) {
  if (std::string* field = Base64Field(key, r)) return DecodeBase64Field(key, value, field);
  if (key == "simhash") {
    if (!ParseHex64(value, &r->simhash)) return Status::Corruption("bad simhash");
  } else if (key == "sketch") {
    if (!HexDecode(value, &r->sketch)) return Status::Corruption("bad sketch");
  } else if (key == "kind") {
    auto kind = ParseKind(value);
    if (!kind.ok()) return kind.status();
    r->kind = *kind;
  } else if (key == "extraction") {
    auto extraction = ParseExtraction(value);
    if (!extraction.ok()) return extraction.status();
    r->extraction = *extraction;
  }
  return Status::OK();
}

bool IsCodedField(std::string_view key, Record* r) {
  return Base64Field(key, r) != nullptr || key == "simhash" || key == "sketch" || key == "kind" ||
         key == "extraction";
}

// Reads one field into `p`. Where the JSON itself does not read, `*json` gets simdjson's
// error and the Status is OK; a value that reads but means nothing is a Corruption.
Status ParseField(std::string_view key, ondemand::value value, Parsed* p, simdjson::error_code* json) {
  Record& r = p->record;
  if (key == "ordinal") {
    *json = value.get_uint64().get(p->ordinal);
  } else if (key == "run") {
    *json = value.get_uint64().get(r.run);
  } else if (key == "record") {
    *json = RawJsonOf(value, &p->embedded);
    p->has_embedded = true;
  } else if (std::string* field = StringField(key, p)) {
    std::string_view s;
    if (!(*json = value.get_string().get(s))) field->assign(s);
  } else if (IsCodedField(key, &r)) {
    std::string_view s;
    if (!(*json = value.get_string().get(s))) return ParseCodedField(key, s, &r);
  }
  // Unknown fields are ignored, so later versions may add some.
  return Status::OK();
}

}  // namespace

std::string_view KindName(OriginalKind kind) {
  switch (kind) {
    case OriginalKind::kHtml: return "html";
    case OriginalKind::kJsonRecord: return "json";
    default: return "text";
  }
}

void EncodeRecord(const Record& r, uint64_t ordinal, std::string* out) {
  out->reserve(out->size() + r.text.size() + r.original.size() + 512);
  JsonObjectWriter w(out);
  w.String("id", r.id).Uint("ordinal", ordinal);
  PutBytesField(w, "url", r.url);
  PutBytesField(w, "source", r.source);
  PutBytesField(w, "title", r.title);
  PutBytesField(w, "date", r.date);
  PutBytesField(w, "crawled_at", r.crawled_at);  // absent when unknown, as in older records
  // No simhash and sketch: they are random bytes that cost 67 B an article compressed,
  // and the text gives them back (FingerprintStoredText; doc/FORMAT.md, section 3).
  w.String("archived_at", r.archived_at).Uint("run", r.run).String("digest", r.digest);
  // Only when not extracted, so records of ordinary pages are as they always were.
  if (r.extraction != Extraction::kExtracted) w.String("extraction", ExtractionName(r.extraction));
  w.String("kind", KindName(r.kind));
  PutBytesField(w, "warc_header", r.warc.header);  // WARC input only (section 3)
  PutBytesField(w, "warc_http_header", r.warc.http_header);
  PutBytesField(w, "warc_http_body", r.warc.http_body);
  std::optional<EmbeddedRecord> embedded;
  if (r.kind == OriginalKind::kJsonRecord && !r.original.empty() && r.original != r.text) {
    embedded = EmbedJsonRecord(r);
  }
  PutText(w, r, embedded);
  PutOriginal(w, out, r, embedded);
  w.Close();
}

Result<Record> DecodeRecord(std::string_view line, uint64_t* ordinal) {
  Parsed p;
  ObjectLine object_line(line);
  simdjson::error_code json = object_line.error;
  if (json) return Unparsable("record", json);
  for (auto field : object_line.object) {
    std::string_view name;
    ondemand::value value;
    if (!(json = field.unescaped_key().get(name))) json = field.value().get(value);
    if (json) return Unparsable("record", json);
    const std::string key(name);
    const Status parsed = ParseField(key, value, &p, &json);
    if (json) return Unparsable("record", json);
    SIMSHARD_RETURN_IF_ERROR(parsed.WithContext("record field " + key));
  }
  if (p.record.id.empty()) return Status::Corruption("record has no id");
  if (p.has_embedded) {
    if (p.text_key.empty()) {
      p.record.original = std::move(p.embedded);
    } else {
      auto spliced = SpliceText(p.embedded, p.text_key, p.record.text);
      if (!spliced.ok()) return spliced.status();
      p.record.original = std::move(spliced).value();
    }
  }
  if (ordinal != nullptr) *ordinal = p.ordinal;
  return std::move(p.record);
}

Result<std::string> DecodeRecordId(std::string_view line) {
  // The writer always puts the id first: {"id":"<16 hex>",...
  constexpr std::string_view kPrefix = "{\"id\":\"";
  if (line.size() < kPrefix.size() + 17 || !line.starts_with(kPrefix) || line[kPrefix.size() + 16] != '"') {
    return Status::Corruption("record does not start with its id");
  }
  return std::string(line.substr(kPrefix.size(), 16));
}

namespace {

// Copies the fields of a const record, moves those of one given as an rvalue.
template <typename R>
CatalogEntry EntryFrom(R&& r, uint64_t ordinal) {
  CatalogEntry e;
  e.ordinal = ordinal;
  e.original_size = r.original.empty() ? r.text.size() : r.original.size();  // OriginalBytes
  e.id = std::forward<R>(r).id;
  e.url = std::forward<R>(r).url;
  e.source = std::forward<R>(r).source;
  e.title = std::forward<R>(r).title;
  e.date = std::forward<R>(r).date;
  e.crawled_at = std::forward<R>(r).crawled_at;
  e.archived_at = std::forward<R>(r).archived_at;
  e.digest = std::forward<R>(r).digest;
  e.simhash = r.simhash;
  e.sketch = std::forward<R>(r).sketch;
  e.run = r.run;
  e.kind = r.kind;
  e.extraction = r.extraction;
  return e;
}

}  // namespace

namespace {

void FingerprintText(std::string_view text, uint64_t* simhash, std::string* sketch) {
  static const Fingerprinter fingerprinter;  // the configuration the pipeline archives with
  const std::string folded = FoldForFingerprint(text);
  if (folded.empty()) return;  // the pipeline archives such a text as weak, unfingerprinted
  const Fingerprint fp = fingerprinter.Compute(folded);
  *simhash = fp.simhash;
  sketch->assign(fp.sketch.begin(), fp.sketch.end());
}

}  // namespace

// A weak or empty page is never a near-duplicate candidate: the pipeline fingerprints
// none, and neither does a rebuild.
void FingerprintStoredText(Record* record) {
  if (record->extraction != Extraction::kExtracted) return;
  FingerprintText(record->text, &record->simhash, &record->sketch);
}

void FingerprintStoredText(std::string_view text, CatalogEntry* entry) {
  if (entry->extraction != Extraction::kExtracted) return;
  FingerprintText(text, &entry->simhash, &entry->sketch);
}

CatalogEntry EntryFromRecord(const Record& r, uint64_t ordinal) { return EntryFrom(r, ordinal); }
CatalogEntry EntryFromRecord(Record&& r, uint64_t ordinal) { return EntryFrom(std::move(r), ordinal); }

std::string OriginalBytes(const Record& record) {
  return record.original.empty() ? record.text : record.original;
}

std::string WarcRecordBytes(const Record& record) {
  const WarcOrigin& w = record.warc;
  if (w.empty()) return {};
  return w.header + w.http_header + (w.http_body.empty() ? OriginalBytes(record) : w.http_body) + "\r\n\r\n";
}

}  // namespace simshard

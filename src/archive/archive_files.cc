#include "archive/archive_files.h"

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <fcntl.h>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>

#include "archive/record_codec.h"
#include "archive/shard_reader.h"
#include "util/encoding.h"
#include "util/file_util.h"
#include "util/hash.h"

namespace simshard {
namespace fs = boost::filesystem;

std::string NowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::vector<std::string>> ListShardFiles(const std::string& dir) {
  std::vector<std::pair<uint64_t, std::string>> found;
  boost::system::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    uint64_t number = 0;
    if (shard::ParseShardName(name, &number)) found.emplace_back(number, name);
  }
  if (ec) return Status::IOError(dir + ": cannot list the archive folder: " + ec.message());
  std::sort(found.begin(), found.end());
  std::vector<std::string> names;
  for (auto& [n, name] : found) names.push_back(std::move(name));
  return names;
}

Result<std::vector<std::string>> RemoveTempFiles(const std::string& dir) {
  std::vector<std::string> removed;
  boost::system::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.ends_with(shard::kTempSuffix)) continue;
    if (::unlink(it->path().c_str()) != 0) {
      return Status::IOError(it->path().string() + ": cannot remove a leftover temp file");
    }
    removed.push_back(name);
  }
  if (ec) return Status::IOError(dir + ": cannot list the archive folder: " + ec.message());
  return removed;
}

Status MakeArchiveDir(const std::string& dir) {
  boost::system::error_code ec;
  const bool created = fs::create_directories(dir, ec);
  if (ec) return Status::IOError(dir + ": cannot create the archive folder: " + ec.message());
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument(dir + ": not a folder");
  if (created) ::chmod(dir.c_str(), 0755);
  return Status::OK();
}

Result<std::string> FileChecksum(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return PosixError(path + ": cannot open");
  StreamHash64 hash;
  std::string buf(1 << 20, '\0');
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError(path + ": read failed");
    if (n == 0) return Hex64(hash.Digest());
    hash.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
}

namespace {

Status CopyFile(const std::string& from, const std::string& to) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return PosixError(from + ": cannot open");
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!out.valid()) return PosixError(to + ": cannot create");
  std::string buf(1 << 20, '\0');
  for (;;) {
    const ssize_t n = ::read(in.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError(from + ": read failed");
    if (n == 0) break;
    SIMSHARD_RETURN_IF_ERROR(WriteAll(out.get(), std::string_view(buf.data(), static_cast<size_t>(n)), to));
  }
  return FsyncFd(out.get(), to);
}

}  // namespace

Status PlaceFile(const std::string& from, const std::string& to, const std::string& checksum) {
  const std::string temp = to + std::string(shard::kTempSuffix);
  ::unlink(temp.c_str());  // a killed merge's
  if (::link(from.c_str(), temp.c_str()) != 0) {
    if (errno != EXDEV && errno != EPERM) return PosixError(to + ": cannot link " + from);
    SIMSHARD_RETURN_IF_ERROR(CopyFile(from, temp));
    auto copied = FileChecksum(temp);
    if (!copied.ok() || *copied != checksum) {
      ::unlink(temp.c_str());
      return Status::IOError(to + ": the copy of " + from + " does not read back as written");
    }
  }
  if (std::rename(temp.c_str(), to.c_str()) != 0) return PosixError(to + ": cannot rename into place");
  return FsyncParentDir(to);
}

Result<ShardRows> CollectShard(const std::string& dir, const std::string& name) {
  auto file = ShardFile::Open(dir, name);
  if (!file.ok()) return file.status();
  ShardRows rows;
  uint64_t run = 0;
  SIMSHARD_RETURN_IF_ERROR(ForEachShardRecord(*file, [&](const CatalogEntry& e, const Record& record) {
    rows.documents.push_back(e);
    if (e.sketch.empty()) FingerprintStoredText(record.text, &rows.documents.back());
    run = std::max(run, e.run);
    return Status::OK();
  }));
  const std::string path = dir + "/" + name;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return PosixError(path + ": cannot stat");
  auto checksum = FileChecksum(path);
  if (!checksum.ok()) return checksum.status();
  const shard::ShardIndex& index = file->index();
  rows.shard = ShardRow{name, static_cast<uint64_t>(st.st_size), index.data_bytes, index.frames.size(),
                        index.records.size(), run, *checksum, NowUtc()};
  return rows;
}

namespace {

// Ids are unique (doc/FORMAT.md, section 4). The catalog has no UNIQUE index on them since
// version 3, so rows read back from shards are checked here as the writer checks new ids.
Status CheckIdIsNew(const Catalog& catalog, const CatalogEntry& e) {
  uint64_t id = 0;
  if (!ParseHex64(e.id, &id)) return Status::OK();  // InsertDocument names the bad id
  auto known = catalog.HasId(id);
  if (!known.ok()) return known.status();
  if (*known) return Status::Corruption("catalog: document " + e.id + " is stored twice");
  return Status::OK();
}

}  // namespace

Status InsertShardRows(const Catalog& catalog, const ShardRows& rows) {
  for (const CatalogEntry& e : rows.documents) {
    SIMSHARD_RETURN_IF_ERROR(CheckIdIsNew(catalog, e).WithContext(rows.shard.name));
    SIMSHARD_RETURN_IF_ERROR(catalog.InsertDocument(e).WithContext(rows.shard.name));
  }
  return catalog.InsertShard(rows.shard);
}

Status RegisterShard(const Catalog& catalog, const std::string& dir, const std::string& name) {
  auto rows = CollectShard(dir, name);
  if (!rows.ok()) return rows.status();
  SIMSHARD_RETURN_IF_ERROR(catalog.Begin());
  Status s = InsertShardRows(catalog, *rows);
  if (s.ok()) s = catalog.Commit();
  if (!s.ok()) catalog.Rollback();
  return s;
}

}  // namespace simshard

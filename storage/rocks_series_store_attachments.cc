// Attachments of RocksSeriesStore: opaque documents kept per series in the
// "attachments" family, ids from one persisted store-wide counter.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/rocks_keys.h"
#include "storage/rocks_series_store.h"
#include "storage/rocks_status.h"

namespace tsforecast::storage {
namespace {

const rocksdb::Slice kNextIdSlice(kNextAttachmentIdKey,
                                  sizeof(kNextAttachmentIdKey) - 1);

// Value: create time (8 bytes, big-endian two's complement) then payload.
absl::StatusOr<SeriesAttachment> DecodeAttachment(uint64_t id,
                                                  rocksdb::Slice value,
                                                  bool with_payload) {
  if (value.size() < 8) {
    return absl::DataLossError(
        absl::StrCat("attachment ", id, ": record is truncated"));
  }
  SeriesAttachment out;
  out.id = id;
  out.create_time_ms = static_cast<int64_t>(GetFixed64BE(value.data()));
  if (with_payload) out.payload.assign(value.data() + 8, value.size() - 8);
  return out;
}

}  // namespace

absl::Status RocksSeriesStore::LoadNextAttachmentId() {
  absl::MutexLock lock(&attachment_mu_);
  std::string next;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), meta_cf_, kNextIdSlice, &next);
  if (s.ok() && next.size() == 8) {
    next_attachment_id_ = GetFixed64BE(next.data());
  } else if (!s.IsNotFound()) {
    return Annotate(FromRocks(s), "reading next attachment id");
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> RocksSeriesStore::AddAttachment(absl::string_view name,
                                                         int64_t create_time_ms,
                                                         std::string payload) {
  if (payload.size() > kMaxAttachmentBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "attachment of ", payload.size(), " bytes is larger than the limit of ",
        kMaxAttachmentBytes, " bytes"));
  }
  // Shared: the series cannot be deleted while its attachment is written.
  absl::ReaderMutexLock ddl(&ddl_mu_);
  TSF_ASSIGN_OR_RETURN(StatePtr state, Find(name));
  absl::MutexLock lock(&attachment_mu_);
  const uint64_t id = next_attachment_id_;
  std::string value;
  value.reserve(8 + payload.size());
  PutFixed64BE(&value, static_cast<uint64_t>(create_time_ms));
  value.append(payload);
  std::string next;
  PutFixed64BE(&next, id + 1);
  rocksdb::WriteBatch batch;
  TSF_RETURN_IF_ERROR(FromRocks(batch.Put(meta_cf_, kNextIdSlice, next)));
  TSF_RETURN_IF_ERROR(FromRocks(
      batch.Put(attachments_cf_, AttachmentKey(state->info.id, id), value)));
  TSF_RETURN_IF_ERROR(CommitBatch(&batch));
  next_attachment_id_ = id + 1;
  return id;
}

absl::StatusOr<std::vector<SeriesAttachment>> RocksSeriesStore::ListAttachments(
    absl::string_view name, uint64_t before_id, size_t limit,
    bool with_payload) const {
  TSF_ASSIGN_OR_RETURN(StatePtr state, Find(name));
  const SeriesId sid = state->info.id;
  const std::string lower = AttachmentKey(sid, 0);
  const std::string upper = before_id == 0 ? AttachmentKey(sid + 1, 0)
                                           : AttachmentKey(sid, before_id);
  rocksdb::ReadOptions read;
  rocksdb::Slice lower_slice(lower);
  read.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read, attachments_cf_));
  std::vector<SeriesAttachment> out;
  // Newest first: walk backwards from the upper bound.
  for (it->SeekForPrev(upper); it->Valid() && out.size() < limit; it->Prev()) {
    if (it->key().compare(rocksdb::Slice(upper)) >= 0) continue;
    if (it->key().size() != 16 || GetFixed64BE(it->key().data()) != sid) break;
    TSF_ASSIGN_OR_RETURN(SeriesAttachment a,
                         DecodeAttachment(GetFixed64BE(it->key().data() + 8),
                                          it->value(), with_payload));
    out.push_back(std::move(a));
  }
  TSF_RETURN_IF_ERROR(FromRocks(it->status()));
  return out;
}

absl::StatusOr<SeriesAttachment> RocksSeriesStore::GetAttachment(
    absl::string_view name, uint64_t id) const {
  TSF_ASSIGN_OR_RETURN(StatePtr state, Find(name));
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), attachments_cf_,
                               AttachmentKey(state->info.id, id), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("series \"", name, "\" has no attachment ", id));
  }
  TSF_RETURN_IF_ERROR(FromRocks(s));
  return DecodeAttachment(id, value, /*with_payload=*/true);
}

}  // namespace tsforecast::storage

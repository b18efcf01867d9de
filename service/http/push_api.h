// The push doors of the HTTP port: Prometheus Remote-Write 1.0
// (POST /api/v1/write) and the InfluxDB line protocol (POST /write,
// POST /api/v2/write, GET /ping). Each decodes its body
// (service/ingest/) and stores through the one PushWriter, answering with
// the status codes its senders act on (docs/http_api.md, "Push").
#ifndef TSFORECAST_SERVICE_HTTP_PUSH_API_H_
#define TSFORECAST_SERVICE_HTTP_PUSH_API_H_

#include <memory>

#include "service/http/http_message.h"
#include "service/ingest/metric_metadata.h"
#include "service/ingest/push_writer.h"
#include "service/ingest/remote_write.h"

namespace tsforecast::service::http {

struct PushOptions {
  ingest::PushDefaults defaults;
  // Remote write: 16 MiB sent, 32 MiB decoded; line protocol: 16 MiB sent,
  // 64 MiB gunzipped (text is bulkier than protobuf).
  ingest::PushLimits limits;
  ingest::BodyLimits remote_write;
  ingest::BodyLimits line_protocol{16 << 20, 64 << 20};
};

// What /ping reports as X-Influxdb-Version: the 1.x API level the line
// protocol doors follow.
inline constexpr char kInfluxApiVersion[] = "1.8.10";

class PushApi {
 public:
  // None is owned; `budget` may be null.
  PushApi(storage::SeriesStore* store, const Access* access,
          IngestBudget* budget, ingest::MetadataTable* metadata,
          const PushOptions& options)
      : writer_(store, access, budget, options.defaults, options.limits),
        metadata_(metadata),
        options_(options) {}

  void RemoteWrite(const HttpRequest& req, HttpResponse& res);
  // POST /write (1.x: db, rp, precision, u, p) and POST /api/v2/write
  // (org, bucket, precision): push_api_influx.cc.
  void InfluxWrite(const HttpRequest& req, HttpResponse& res, bool v2);
  // GET /ping: 204 with X-Influxdb-Version, as clients check on connect.
  static void Ping(const HttpRequest& req, HttpResponse& res);

 private:
  // A failed write, in the shape of the request's door: busy or a store
  // that takes no writes now as 429 or 503 with Retry-After (senders
  // retry), anything else by its own code (senders drop it).
  static void ReplyWriteError(const HttpRequest& req, HttpResponse& res,
                              const absl::Status& status);
  // A write whose series creations went past the rate: 429 with
  // Retry-After, saying that what was stored may be sent again.
  static void ReplyRetryLater(const HttpRequest& req, HttpResponse& res,
                              const ingest::PushReport& report);

  ingest::PushWriter writer_;
  ingest::MetadataTable* metadata_;
  const PushOptions options_;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_PUSH_API_H_

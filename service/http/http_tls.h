// The HTTP port's TLS identity: certificate chain and key read from PEM
// files, handed to each new connection by OpenSSL's certificate callback,
// so that Reload() (SIGHUP) changes what new connections get without
// touching connections in flight or the shared SSL_CTX.
#ifndef TSFORECAST_SERVICE_HTTP_HTTP_TLS_H_
#define TSFORECAST_SERVICE_HTTP_HTTP_TLS_H_

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace tsforecast::service::http {

class TlsIdentity {
 public:
  TlsIdentity(std::string cert_file, std::string key_file,
              std::string client_ca_file)
      : cert_file_(std::move(cert_file)),
        key_file_(std::move(key_file)),
        client_ca_file_(std::move(client_ca_file)) {}
  ~TlsIdentity();

  // Reads the files; on error the identity in use stays.
  absl::Status Reload();

  // Sets up a server SSL_CTX: TLS 1.2 or later, this identity, and client
  // certificate verification when a client CA is given.
  bool Configure(SSL_CTX& ctx);

 private:
  static int CertCallback(SSL* ssl, void* self);

  const std::string cert_file_, key_file_, client_ca_file_;
  absl::Mutex mu_;
  X509* cert_ ABSL_GUARDED_BY(mu_) = nullptr;
  STACK_OF(X509) * chain_ ABSL_GUARDED_BY(mu_) = nullptr;
  EVP_PKEY* key_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_HTTP_TLS_H_

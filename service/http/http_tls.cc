#include "service/http/http_tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace tsforecast::service::http {
namespace {

std::string OpenSslError() {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
  return buf;
}

}  // namespace

TlsIdentity::~TlsIdentity() {
  absl::MutexLock lock(&mu_);
  X509_free(cert_);
  sk_X509_pop_free(chain_, X509_free);
  EVP_PKEY_free(key_);
}

absl::Status TlsIdentity::Reload() {
  FILE* cert_in = std::fopen(cert_file_.c_str(), "r");
  if (cert_in == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("tls_cert_file ", cert_file_, " cannot be read"));
  }
  X509* cert = PEM_read_X509(cert_in, nullptr, nullptr, nullptr);
  STACK_OF(X509)* chain = sk_X509_new_null();
  while (X509* extra = PEM_read_X509(cert_in, nullptr, nullptr, nullptr)) {
    sk_X509_push(chain, extra);
  }
  std::fclose(cert_in);
  ERR_clear_error();  // the loop ends on "no start line"
  FILE* key_in = std::fopen(key_file_.c_str(), "r");
  EVP_PKEY* key = key_in == nullptr
                      ? nullptr
                      : PEM_read_PrivateKey(key_in, nullptr, nullptr, nullptr);
  if (key_in != nullptr) std::fclose(key_in);
  absl::Status status;
  if (cert == nullptr) {
    status = absl::InvalidArgumentError(
        absl::StrCat("tls_cert_file ", cert_file_, ": no PEM certificate"));
  } else if (key == nullptr) {
    status = absl::InvalidArgumentError(
        absl::StrCat("tls_key_file ", key_file_, ": no PEM private key"));
  } else if (X509_check_private_key(cert, key) != 1) {
    status = absl::InvalidArgumentError(
        absl::StrCat("tls_key_file ", key_file_, " does not match ", cert_file_,
                     ": ", OpenSslError()));
  }
  if (!status.ok()) {
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
    return status;
  }
  absl::MutexLock lock(&mu_);
  std::swap(cert_, cert);
  std::swap(chain_, chain);
  std::swap(key_, key);
  X509_free(cert);
  sk_X509_pop_free(chain, X509_free);
  EVP_PKEY_free(key);
  return absl::OkStatus();
}

int TlsIdentity::CertCallback(SSL* ssl, void* self) {
  auto* identity = static_cast<TlsIdentity*>(self);
  absl::MutexLock lock(&identity->mu_);
  if (identity->cert_ == nullptr) return 0;
  // Copies into the connection: a later Reload() frees only our own.
  return SSL_use_cert_and_key(ssl, identity->cert_, identity->key_,
                              identity->chain_, /*override=*/1);
}

bool TlsIdentity::Configure(SSL_CTX& ctx) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_cert_cb(&ctx, &TlsIdentity::CertCallback, this);
  if (!client_ca_file_.empty()) {
    if (SSL_CTX_load_verify_locations(&ctx, client_ca_file_.c_str(), nullptr) !=
        1) {
      return false;
    }
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       nullptr);
  }
  return true;
}

}  // namespace tsforecast::service::http

#include "tests/testing/test_certs.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

namespace tsforecast::testing {
namespace {

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) throw std::runtime_error("bad certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Signed by `issuer_key` (self-signed when `issuer` is null).
X509* NewCert(EVP_PKEY* key, const char* common_name, X509* issuer,
              EVP_PKEY* issuer_key, long serial, bool ca, const char* san) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(
      cert, issuer == nullptr ? name : X509_get_subject_name(issuer));
  X509* signer = issuer == nullptr ? cert : issuer;
  AddExtension(cert, signer, NID_basic_constraints,
               ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExtension(cert, signer, NID_key_usage,
               ca ? "critical,keyCertSign,cRLSign"
                  : "critical,digitalSignature,keyEncipherment");
  if (san != nullptr) AddExtension(cert, signer, NID_subject_alt_name, san);
  if (!ca) {
    AddExtension(cert, signer, NID_ext_key_usage, "serverAuth,clientAuth");
  }
  X509_sign(cert, issuer_key, EVP_sha256());
  return cert;
}

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, n);
  BIO_free(bio);
  return out;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, n);
  BIO_free(bio);
  return out;
}

}  // namespace

TestCerts MakeTestCerts() {
  EVP_PKEY* ca_key = NewKey();
  X509* ca =
      NewCert(ca_key, "tsforecast test CA", nullptr, ca_key, 1, true, nullptr);
  EVP_PKEY* server_key = NewKey();
  X509* server = NewCert(server_key, "localhost", ca, ca_key, 2, false,
                         "DNS:localhost,IP:127.0.0.1");
  EVP_PKEY* client_key = NewKey();
  X509* client = NewCert(client_key, "tsforecast test client", ca, ca_key, 3,
                         false, nullptr);
  TestCerts out{CertPem(ca), CertPem(server), KeyPem(server_key),
                CertPem(client), KeyPem(client_key)};
  X509_free(ca);
  X509_free(server);
  X509_free(client);
  EVP_PKEY_free(ca_key);
  EVP_PKEY_free(server_key);
  EVP_PKEY_free(client_key);
  return out;
}

void WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  chmod(path.c_str(), 0600);
}

}  // namespace tsforecast::testing

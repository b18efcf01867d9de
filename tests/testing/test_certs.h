// Throwaway certificates for TLS tests, made with OpenSSL in memory: a CA,
// a server certificate for localhost and 127.0.0.1, and a client
// certificate, all signed by the CA. Never use them outside tests.
#ifndef TSFORECAST_TESTS_TESTING_TEST_CERTS_H_
#define TSFORECAST_TESTS_TESTING_TEST_CERTS_H_

#include <string>

namespace tsforecast::testing {

struct TestCerts {
  std::string ca_pem;
  std::string server_cert_pem, server_key_pem;
  std::string client_cert_pem, client_key_pem;
};

// Fresh keys (EC P-256) and certificates valid for a day.
TestCerts MakeTestCerts();

// Writes `text` to `path` (mode 0600).
void WriteTextFile(const std::string& path, const std::string& text);

}  // namespace tsforecast::testing

#endif  // TSFORECAST_TESTS_TESTING_TEST_CERTS_H_

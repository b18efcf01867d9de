#include "service/grpc/reflection_v1.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"

namespace tsforecast::service {
namespace {

namespace pb = google::protobuf;
using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;

void Fail(ServerReflectionResponse& out, grpc::StatusCode code,
          std::string message) {
  out.mutable_error_response()->set_error_code(code);
  out.mutable_error_response()->set_error_message(std::move(message));
}

// `file` and everything it imports, each once, imports first.
void AddFile(const pb::FileDescriptor* file, std::set<std::string>& seen,
             ServerReflectionResponse& out) {
  if (!seen.insert(file->name()).second) return;
  for (int i = 0; i < file->dependency_count(); ++i) {
    AddFile(file->dependency(i), seen, out);
  }
  pb::FileDescriptorProto proto;
  file->CopyTo(&proto);
  out.mutable_file_descriptor_response()->add_file_descriptor_proto(
      proto.SerializeAsString());
}

void Answer(const ServerReflectionRequest& request,
            const std::vector<std::string>& services,
            ServerReflectionResponse& out) {
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  std::set<std::string> seen;
  switch (request.message_request_case()) {
    case ServerReflectionRequest::kListServices:
      for (const std::string& name : services) {
        out.mutable_list_services_response()->add_service()->set_name(name);
      }
      return;
    case ServerReflectionRequest::kFileByFilename:
      if (const pb::FileDescriptor* f =
              pool->FindFileByName(request.file_by_filename())) {
        return AddFile(f, seen, out);
      }
      return Fail(
          out, grpc::StatusCode::NOT_FOUND,
          absl::StrCat("file \"", request.file_by_filename(), "\" not found"));
    case ServerReflectionRequest::kFileContainingSymbol:
      if (const pb::FileDescriptor* f = pool->FindFileContainingSymbol(
              request.file_containing_symbol())) {
        return AddFile(f, seen, out);
      }
      return Fail(out, grpc::StatusCode::NOT_FOUND,
                  absl::StrCat("symbol \"", request.file_containing_symbol(),
                               "\" not found"));
    case ServerReflectionRequest::kFileContainingExtension: {
      const auto& e = request.file_containing_extension();
      const pb::Descriptor* type =
          pool->FindMessageTypeByName(e.containing_type());
      const pb::FieldDescriptor* ext =
          type ? pool->FindExtensionByNumber(type, e.extension_number())
               : nullptr;
      if (ext != nullptr) return AddFile(ext->file(), seen, out);
      return Fail(out, grpc::StatusCode::NOT_FOUND,
                  absl::StrCat("extension ", e.extension_number(), " of \"",
                               e.containing_type(), "\" not found"));
    }
    case ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const pb::Descriptor* type =
          pool->FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr) {
        return Fail(
            out, grpc::StatusCode::NOT_FOUND,
            absl::StrCat("type \"", request.all_extension_numbers_of_type(),
                         "\" not found"));
      }
      std::vector<const pb::FieldDescriptor*> extensions;
      pool->FindAllExtensions(type, &extensions);
      auto* numbers = out.mutable_all_extension_numbers_response();
      numbers->set_base_type_name(type->full_name());
      for (const pb::FieldDescriptor* x : extensions) {
        numbers->add_extension_number(x->number());
      }
      return;
    }
    case ServerReflectionRequest::MESSAGE_REQUEST_NOT_SET:
      return Fail(out, grpc::StatusCode::INVALID_ARGUMENT,
                  "message_request: set one of file_by_filename, "
                  "file_containing_symbol, file_containing_extension, "
                  "all_extension_numbers_of_type, list_services");
  }
}

}  // namespace

grpc::Status ReflectionV1Service::ServerReflectionInfo(
    grpc::ServerContext*,
    grpc::ServerReaderWriter<ServerReflectionResponse, ServerReflectionRequest>*
        stream) {
  ServerReflectionRequest request;
  while (stream->Read(&request)) {
    ServerReflectionResponse response;
    response.set_valid_host(request.host());
    *response.mutable_original_request() = request;
    Answer(request, services_, response);
    if (!stream->Write(response)) break;
  }
  return grpc::Status::OK;
}

}  // namespace tsforecast::service

# Kubernetes' protobuf messages (model/protobuf/*.proto) compiled by protoc into a descriptor set
# and embedded as bytes (embed_bytes.cmake): the decoder walks bodies by those descriptors, so no
# generated classes are compiled. Used by the main build and by fuzz/.
#   orkest_k8s_descriptor_set(<source root> <variable>): sets <variable> to the generated .cpp.
function(orkest_k8s_descriptor_set source_root out_variable)
  file(GLOB proto_files CONFIGURE_DEPENDS ${source_root}/model/protobuf/*.proto)
  set(descriptor_set ${CMAKE_BINARY_DIR}/k8s_descriptor_set.pb)
  set(descriptor_source ${CMAKE_BINARY_DIR}/k8s_descriptor_set.cpp)
  add_custom_command(
    OUTPUT ${descriptor_source}
    COMMAND protobuf::protoc -I${source_root} --include_imports --descriptor_set_out=${descriptor_set} ${proto_files}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${descriptor_set} -DOUTPUT=${descriptor_source}
            -DSYMBOL=orkest_k8s_descriptor_set -P ${source_root}/model/protobuf/embed_bytes.cmake
    DEPENDS ${proto_files} ${source_root}/model/protobuf/embed_bytes.cmake
    COMMENT "Compiling Kubernetes' protobuf messages into a descriptor set")
  set(${out_variable} ${descriptor_source} PARENT_SCOPE)
endfunction()

#pragma once
// Each kind orkest serves, one file each (model/kinds/<kind>.cpp); registry.cpp lists them.

#include "model/kind_strategy.hpp"

namespace orkest::model::kinds {

kind_strategy pod();
kind_strategy replica_set();
kind_strategy deployment();
kind_strategy service();
kind_strategy endpoints();
kind_strategy event();
kind_strategy config_map();
kind_strategy secret();
kind_strategy persistent_volume();
kind_strategy persistent_volume_claim();
kind_strategy storage_class();
kind_strategy namespace_kind();
kind_strategy node();
kind_strategy lease();

}  // namespace orkest::model::kinds

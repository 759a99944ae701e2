// param.hpp: a trainable parameter as every network hands it out and every optimizer and
// gradient check takes it. Networks include this, not the optimizers.
#pragma once

#include <string>
#include <vector>

#include "base/tensor.hpp"

namespace bp {

// One trainable parameter: its values and its gradient (same shape), and a name for reports
// and model files ("W1", "b1", ...). The pointers are borrowed, not owned.
struct ParamRef {
    std::string name;
    Mat* value;
    Mat* grad;
};
using ParamList = std::vector<ParamRef>;

}  // namespace bp

// tensor.hpp: the value types of the whole core, and the only file that includes xtensor.
//
// Shapes use fixed letters everywhere in core/:
//   N batch size, D input width, H hidden width, K outputs / classes, T time steps.
// A batch of row vectors is a Mat of shape (N, D); a bias is a Mat of shape (1, H) so that
// it broadcasts over the rows. Gradients carry a `d` prefix: dW has the shape of W.
//
// Everything is float64: gradient checks by central differences need the precision, and the
// speed comes from the kernels (kernels.hpp), not from a narrower type.
#pragma once

#include <cstddef>
#include <xtensor/xtensor.hpp>

namespace bp {

using Vec = xt::xtensor<double, 1>;
using Mat = xt::xtensor<double, 2>;

// A fresh zero-filled (rows, cols) matrix. (Beware xtensor's `Mat({r, c})`: that is a 1-D
// initializer list, not a shape.)
inline Mat zeros(std::size_t rows, std::size_t cols) {
    Mat m = Mat::from_shape({rows, cols});
    m.fill(0.0);
    return m;
}

// A fresh zero-filled vector of n entries.
inline Vec vec_zeros(std::size_t n) {
    Vec v = Vec::from_shape({n});
    v.fill(0.0);
    return v;
}

// Why zeros() and vec_zeros() rather than xt::zeros: building a container from an xtensor
// expression instantiates xtensor's broadcast-error path, which formats its message with
// std::ostringstream and so pulls the whole iostream/locale library into the WebAssembly
// module (+100 KB raw, measured). The core writes its loops over containers instead.

// Resize `m` to (rows, cols) only when its shape differs; keeps the buffer otherwise, so a
// training loop that calls this every step allocates only on the first one.
inline void ensure_shape(Mat& m, std::size_t rows, std::size_t cols) {
    if (m.shape(0) != rows || m.shape(1) != cols) m.resize({rows, cols});
}

inline std::size_t rows(const Mat& m) { return m.shape(0); }
inline std::size_t cols(const Mat& m) { return m.shape(1); }

}  // namespace bp

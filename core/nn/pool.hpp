// pool.hpp: 2×2 pooling with stride 2, max and average, forward and backward.
//
// Max-pool:  Y[n,c,y,x] = max_{i,j ∈ {0,1}} X[n, c, 2y + i, 2x + j]
//   Backward is routing: the maximum is the one input passed through unchanged, so ∂Y/∂X is 1
//   at the winner and 0 at the other three:
//     dX[n, c, 2y + i*, 2x + j*] = G[n,c,y,x]  for the arg-max (i*, j*) of the window, 0 elsewhere
//   The arg-max of every window is recorded by forward (MaxPoolCache::argmax).
//   Ties: the FIRST maximum in row-major order of the window wins (top-left, top-right,
//   bottom-left, bottom-right); a later value must be strictly greater. PyTorch's CPU kernel
//   does the same. A NaN wins its window, so it propagates (as in PyTorch).
// Average-pool:  Y[n,c,y,x] = ¼ Σ_{i,j} X[n, c, 2y + i, 2x + j]
//   Backward: every input of the window gets a quarter:  dX[n, c, 2y + i, 2x + j] = ¼ G[n,c,y,x]
// Sizes: Ho = ⌊Hi/2⌋, Wo = ⌊Wi/2⌋ (PyTorch's default, ceil_mode=False). With an odd size the last
// row or column belongs to no window: it never reaches Y and its dX is 0.
//
// Layout NCHW in a Mat (N, C·Hi·Wi) (image.hpp); channels are pooled independently. Pooling has
// no parameters. Buffers: outputs are resized with ensure_shape and the arg-max vector keeps its
// capacity, so after the first call at a batch size nothing is allocated.
#pragma once

#include <cstddef>
#include <vector>

#include "nn/image.hpp"
#include "base/tensor.hpp"

namespace bp {

enum class PoolKind { Max, Average };

// "max_pool" "avg_pool": the layer's name in messages.
const char* pool_name(PoolKind kind);

// C × ⌊Hi/2⌋ × ⌊Wi/2⌋. Throws std::out_of_range for counts outside image_limits and
// std::invalid_argument when a side is below 2 ("max_pool: input 1×5 is smaller than its 2×2
// window").
ImageShape pool_output_shape(PoolKind kind, const ImageShape& in);

struct MaxPoolCache {
    std::vector<std::size_t> argmax;  // (N, C·Ho·Wo) for every output, the column of its row of
                                      // X that won: c·Hi·Wi + (2y + i*)·Wi + (2x + j*)
};

// y = maxpool(x).  x:(N, C·Hi·Wi) -> y:(N, C·Ho·Wo), resized if needed; the winners into cache.
void max_pool_forward(const ImageShape& in, const Mat& x, MaxPoolCache& cache, Mat& y);
// dx = δ routed to the winners.  dy:(N, C·Ho·Wo) -> dx:(N, C·Hi·Wi), resized if needed.
void max_pool_backward(const ImageShape& in, const MaxPoolCache& cache, const Mat& dy, Mat& dx);

// y = avgpool(x).  x:(N, C·Hi·Wi) -> y:(N, C·Ho·Wo), resized if needed.
void avg_pool_forward(const ImageShape& in, const Mat& x, Mat& y);
// dx = ¼ dy spread over each window.  dy:(N, C·Ho·Wo) -> dx:(N, C·Hi·Wi), resized if needed.
void avg_pool_backward(const ImageShape& in, const Mat& dy, Mat& dx);

}  // namespace bp

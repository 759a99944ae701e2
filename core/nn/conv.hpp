// conv.hpp: the 2-D convolution layer (conv2d), forward and backward, as PyTorch's conv2d.
//
// Conv2d is a cross-correlation (what every deep-learning library calls a convolution: the
// kernel slides over the image unflipped). For image n, output channel o and output pixel (y,x):
//   Y[n,o,y,x] = b[o] + Σ_c Σ_i Σ_j  K[o,c,i,j] · X[n, c, s·y + i − p, s·x + j − p]
//   X:(N,C_in,Hi,Wi)  K:(C_out,C_in,k,k)  b:(C_out)  Y:(N,C_out,Ho,Wo)
//   s = stride (1 or 2), p = padding, pixels outside the image are 0, c < C_in, i,j < k.
// Sizes (as PyTorch's conv2d):
//   valid  p = 0                          Ho = ⌊(Hi − k)/s⌋ + 1   (needs k ≤ Hi)
//   same   p = (k − 1)/2 on each side     Ho = ⌊(Hi − 1)/s⌋ + 1 = ⌈Hi/s⌉   (odd k only)
//   and the same for the width. "same" is PyTorch's conv2d(..., padding=(k−1)//2); for stride 1
//   that is also padding='same' (which PyTorch refuses for stride 2). TensorFlow's 'SAME' pads
//   one pixel less on the top and left when s = 2 and Hi is even: a different layer.
//
// Backward. Given G = dL/dY, the chain rule sums over every place a number was used:
//   dK[o,c,i,j] += Σ_n Σ_y Σ_x  G[n,o,y,x] · X[n, c, s·y + i − p, s·x + j − p]
//                  dW = X ⋆ G: the input correlated with the output gradient, summed over all
//                  positions (each weight was used at every position)
//   db[o]       += Σ_n Σ_y Σ_x  G[n,o,y,x]
//   dX[n,c,u,v]  = Σ_o Σ_i Σ_j  K[o,c,i,j] · G[n, o, (u + p − i)/s, (v + p − j)/s]
//                  (only the terms where the division is exact and lands inside G)
//                  dX = G ∗ rot180(K): the FULL convolution of the output gradient with the
//                  kernel turned by 180°. For s = 1, p = 0: pad G with k−1 zeros on every side
//                  and correlate it with K flipped top-bottom and left-right; "same" crops p
//                  pixels from each side of that; s = 2 first spreads G out with a zero between
//                  its entries. (The formula is the true convolution Σ K[i,j] G[u−i, v−j], and a
//                  convolution is a correlation with the rotated kernel.)
//
// How it is computed: im2col, then the dense layer's three products (dense.hpp), per image.
//   cols = im2col(X[n])   (P, C_in·k·k), P = Ho·Wo: row y·Wo + x is the k×k×C_in patch under
//                         output pixel (y,x), flattened in (c, i, j) order, zeros where padded
//   W                     (C_in·k·k, C_out): W[(c·k + i)·k + j, o] = K[o,c,i,j], a dense layer's
//                         weights, one column per filter
//   then, with Yn = Y[n] and Gn = G[n] seen as (P, C_out) matrices (one row per position):
//     Yn = cols W + b            a dense layer applied to every patch        (matmul_add_bias)
//     dW += colsᵀ Gn             dense's dW = xᵀ dy: this IS X ⋆ G summed over positions
//     db += Σ_p Gn[p,:]
//     dcols = Gn Wᵀ              dense's dx = dy Wᵀ: the gradient of every patch entry
//     dX[n] = col2im(dcols)      each patch row added back onto the pixels it was cut from;
//                                a pixel collects K[o,c,i,j]·G[o,y,x] from every patch that
//                                covered it, which is term for term the full convolution with
//                                rot180(K) above (computed without ever flipping K)
//   The (P, C_out) results are transposed into the NCHW rows of Y on the way out and G on the
//   way in (a copy of N·C_out·P numbers, small beside the k²·C_in products per output number).
//
// Data layout: every batch is a Mat (N, C·Hi·Wi) in NCHW order (image.hpp). The weight matrix W
// is (C_in·k·k, C_out), i.e. PyTorch's weight.reshape(C_out, -1).T; b is (1, C_out). So the
// optimizers see W, b, dW, db exactly as for a dense layer.
//
// Gradient convention (all of core/): backward ADDS into dW and db and WRITES a fresh dX.
// Buffers: the scratch matrices live in a ConvWork the caller keeps (inside a Conv2dCache for
// training); outputs are resized with ensure_shape. After the first call at a batch size,
// forward and backward allocate nothing.
// Reference: K. Chellapilla, S. Puri, P. Simard, "High Performance Convolutional Neural Networks
// for Document Processing" (2006), for im2col; CS231n notes, "Convolutional Networks".
#pragma once

#include <cstddef>
#include <string>

#include "nn/dense.hpp"  // Init
#include "nn/image.hpp"
#include "base/rng.hpp"
#include "base/tensor.hpp"

namespace bp {

enum class Padding {
    Valid,  // no padding: the kernel stays inside the image
    Same,   // (k−1)/2 zeros on each side: the output keeps the input's size (for stride 1)
};

constexpr std::size_t kMaxConvKernel = 15;  // k of a k×k kernel: 1..15 (odd for "same")

// What a conv layer is, before it has weights.
struct Conv2dSpec {
    ImageShape in;                   // C_in × Hi × Wi of one input image
    std::size_t out_channels = 1;    // C_out: the number of filters
    std::size_t kernel = 3;          // k
    std::size_t stride = 1;          // s: 1 or 2
    Padding padding = Padding::Valid;
};

struct Conv2d {
    Conv2dSpec spec;
    ImageShape out;       // C_out × Ho × Wo, from conv2d_output_shape
    std::size_t pad = 0;  // p: zeros on each side
    Mat W;   // (C_in·k·k, C_out)  W[(c·k + i)·k + j, o] = K[o,c,i,j]
    Mat b;   // (1, C_out)
    Mat dW;  // (C_in·k·k, C_out) dL/dW, accumulated by conv2d_backward
    Mat db;  // (1, C_out)        dL/db, accumulated by conv2d_backward
};

// Scratch buffers of one conv layer, reused from call to call (one image at a time).
struct ConvWork {
    Mat cols;   // (P, C_in·k·k) im2col of one image
    Mat yt;     // (P, C_out)    one image's output, or its gradient, one row per position
    Mat dcols;  // (P, C_in·k·k) dL/dcols of one image
};

struct Conv2dCache {
    Mat x;          // (N, C_in·Hi·Wi) the input of the last forward, kept for dW = X ⋆ G
    ConvWork work;  // scratch
};

// The row of W that holds K[·, c, i, j]: W(conv2d_weight_row(l, c, i, j), o) = K[o,c,i,j].
inline std::size_t conv2d_weight_row(const Conv2d& layer, std::size_t c, std::size_t i, std::size_t j) {
    return (c * layer.spec.kernel + i) * layer.spec.kernel + j;
}

// Checks a spec and returns the output shape C_out × Ho × Wo. Counts out of range throw
// std::out_of_range ("conv2d.stride: 3 is outside 1..2"); shapes that do not fit throw
// std::invalid_argument naming the layer and the shapes ("conv2d: kernel 7×7 is larger than
// its 5×5 input", "conv2d: padding \"same\" needs an odd kernel, not 4×4").
ImageShape conv2d_output_shape(const Conv2dSpec& spec);

// "valid" "same", and the inverse (an unknown name throws std::invalid_argument listing both).
const char* padding_name(Padding padding);
Padding padding_from_name(const std::string& name);

// Checks the spec, sizes W, b, dW, db and fills W, b by the scheme (dense.hpp), with the fans
// of a conv layer: fan-in C_in·k·k, fan-out C_out·k·k (Glorot: r = sqrt(6/(fan-in + fan-out)),
// He: sd = sqrt(2/fan-in), as Keras and PyTorch's init functions count them). The weights are
// drawn from rng in row-major order of W. dW, db = 0.
void conv2d_init(Conv2d& layer, const Conv2dSpec& spec, Init init, Rng& rng);

// y = conv2d(x).   x:(N, C_in·Hi·Wi) -> y:(N, C_out·Ho·Wo), resized if needed.
// Throws std::invalid_argument when x has not C_in·Hi·Wi columns.
void conv2d_forward(const Conv2d& layer, const Mat& x, ConvWork& work, Mat& y);
// The same, keeping a copy of x in the cache for conv2d_backward.
void conv2d_forward(const Conv2d& layer, const Mat& x, Conv2dCache& cache, Mat& y);

// Given x, the input of the forward pass, and dy = dL/dy (N, C_out·Ho·Wo): dW += X ⋆ dy,
// db += Σ dy, and, when dx is not null, *dx = dy ∗ rot180(K) (N, C_in·Hi·Wi), resized if needed.
// (The first layer of a network passes null: nobody needs dL/dX, and im2col's adjoint is skipped.)
void conv2d_backward(Conv2d& layer, const Mat& x, const Mat& dy, ConvWork& work, Mat* dx);
// The same with the input taken from the cache of conv2d_forward.
void conv2d_backward(Conv2d& layer, Conv2dCache& cache, const Mat& dy, Mat* dx);

}  // namespace bp

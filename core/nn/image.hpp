// image.hpp: how the core stores a batch of images, and the shape of one image.
//
// Layout: NCHW, as PyTorch. A batch of N images with C channels (feature maps), each Hi pixels
// high and Wi wide, is an ordinary Mat of shape (N, C·Hi·Wi): row n is image n, and inside a
// row the channels follow each other, each one a row-major Hi×Wi plane:
//     X[n, (c·Hi + y)·Wi + x]  =  pixel (y, x) of channel c of image n
// (The image letters are Hi, Wi, "height in" and "width in", because H is the hidden width and
// W the weight matrix everywhere else in core/; Ho, Wo are the sizes of a layer's output.)
//
// Why a Mat (N, C·Hi·Wi) and not a rank-4 tensor: it is the type every other piece of the core
// already takes (dense, activations, losses, optimizers, the kernels), so
//  * flatten is free: a row already is the vector PyTorch's flatten(start_dim=1) gives, and a
//    dense head reads the last feature maps as they are;
//  * an activation (ReLU, tanh) applies to feature maps unchanged, element by element;
//  * one feature map is a contiguous slice of a row, ready to be drawn.
// What tells the 784 columns of a 28×28 image from those of a 14×56 one is the ImageShape kept
// beside the data, by each image layer (conv.hpp, pool.hpp).
#pragma once

#include <cstddef>
#include <string>

namespace bp {

// Bounds for the image layers (to move into limits.hpp with the layer stack).
namespace image_limits {
constexpr std::size_t kMaxChannels = 256;  // channels of an image or a feature map stack
constexpr std::size_t kMaxSide = 512;      // height or width in pixels
}  // namespace image_limits

struct ImageShape {
    std::size_t channels = 1;  // C
    std::size_t height = 1;    // Hi
    std::size_t width = 1;     // Wi

    std::size_t plane() const { return height * width; }  // Hi·Wi pixels of one channel
    std::size_t size() const { return channels * plane(); }  // C·Hi·Wi: the columns of the Mat
};

// "28×28"
inline std::string size_text(std::size_t height, std::size_t width) {
    return std::to_string(height) + "×" + std::to_string(width);
}

// "8×28×28" (channels × height × width)
inline std::string shape_text(const ImageShape& s) {
    return std::to_string(s.channels) + "×" + size_text(s.height, s.width);
}

inline bool operator==(const ImageShape& a, const ImageShape& b) {
    return a.channels == b.channels && a.height == b.height && a.width == b.width;
}
inline bool operator!=(const ImageShape& a, const ImageShape& b) { return !(a == b); }

}  // namespace bp

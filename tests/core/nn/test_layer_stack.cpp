// Tests for core/layer_stack.hpp: shape inference and its messages, end-to-end central
// differences through a conv-relu-maxpool-flatten-dense stack (softmax CE) and autoencoder stacks
// (sigmoid BCE, squared error), the input gradient, the MLP expressed as a stack (bit-identical
// to mlp.hpp), parameter names and buffer reuse.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/gradcheck.hpp"
#include "nn/layer_stack.hpp"
#include "nn/mlp.hpp"
#include "base/rng.hpp"

using namespace bp;

namespace {

template <class E>
std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("WRONG TYPE: ") + e.what();
    }
    return "NO EXCEPTION";
}

Mat random_mat(std::size_t r, std::size_t c, Rng& rng, double lo = -1.0, double hi = 1.0) {
    Mat m = zeros(r, c);
    for (double& v : m) v = rng.uniform(lo, hi);
    return m;
}

Mat one_hot(const std::vector<std::size_t>& labels, std::size_t K) {
    Mat y = zeros(labels.size(), K);
    for (std::size_t n = 0; n < labels.size(); ++n) y(n, labels[n]) = 1.0;
    return y;
}

// Central differences of every parameter, and of the input when check_input, against backward.
double check_stack(LayerStack& stack, const Mat& x0, const Mat& target, bool check_input) {
    StackCache cache, probe;
    Mat x = x0;
    auto loss_and_grad = [&] {
        stack_zero_grad(stack);
        stack_forward(stack, x, cache);
        return stack_backward(stack, cache, target, true);
    };
    auto loss_only = [&] { return stack_loss(stack, x, target, probe) + stack_penalty(stack); };
    const GradCheckResult r = gradcheck(stack_params(stack), loss_and_grad, loss_only);
    double worst = r.max_rel_error;
    for (const GradCheckEntry& e : r.per_param) {
        INFO(e.name << ": worst rel " << e.max_rel_error << " analytic " << e.analytic << " numeric " << e.numeric);
        CHECK(e.max_rel_error < 1e-6);
        CHECK(e.checked > 0);
    }
    if (check_input) {
        loss_and_grad();
        const Mat dx = cache.dx;
        REQUIRE(rows(dx) == rows(x));
        REQUIRE(cols(dx) == cols(x));
        double worst_x = 0, wa = 0, wn = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double n = numeric_gradient(x, i, loss_only);
            // Floor 1e-4 instead of grad_rel_error's 1e-8, i.e. an absolute tolerance of 1e-10
            // for tiny entries: an input pixel can have a gradient of 1e-6 or less, where the
            // rounding noise of n alone (~1e-11: 1e-16·|L|·(terms summed) / 2ε) gives a relative
            // error of a few 1e-6 (the caveat of gradcheck.hpp; seen: a = 4.09249e-06,
            // n = 4.0925e-06).
            const double e = std::abs(dx.data()[i] - n) / std::max(std::abs(dx.data()[i]) + std::abs(n), 1e-4);
            if (e > worst_x) { worst_x = e; wa = dx.data()[i]; wn = n; }
        }
        INFO("input: worst rel " << worst_x << " analytic " << wa << " numeric " << wn);
        CHECK(worst_x < 1e-6);
        worst = std::max(worst, worst_x);
    }
    return worst;
}

}  // namespace

TEST_CASE("layer stack: shapes through the W4 CNN, parameter names and counts", "[layer_stack]") {
    const std::vector<LayerSpec> w4 = {
        LayerSpec::conv(8, 5, Padding::Same, 1, 1), LayerSpec::act(Activation::Relu), LayerSpec::max_pool(),
        LayerSpec::conv(16, 5, Padding::Same),      LayerSpec::act(Activation::Relu), LayerSpec::max_pool(),
        LayerSpec::flatten(),                       LayerSpec::dense(10, 784),        LayerSpec::act(Activation::Softmax)};
    const std::vector<ImageShape> s = stack_shapes({1, 28, 28}, w4, Loss::SoftmaxCrossEntropy);
    REQUIRE(s.size() == 10);
    CHECK(s[1] == ImageShape{8, 28, 28});
    CHECK(s[3] == ImageShape{8, 14, 14});
    CHECK(s[4] == ImageShape{16, 14, 14});
    CHECK(s[6] == ImageShape{16, 7, 7});
    CHECK(s[7] == ImageShape{784, 1, 1});
    CHECK(s[9] == ImageShape{10, 1, 1});

    LayerStack stack;
    Rng rng(3);
    stack_build(stack, {1, 28, 28}, w4, Loss::SoftmaxCrossEntropy, Init::He, rng);
    const ParamList p = stack_params(stack);
    REQUIRE(p.size() == 6);
    CHECK(p[0].name == "conv1.W");
    CHECK(p[1].name == "conv1.b");
    CHECK(p[2].name == "conv2.W");
    CHECK(p[4].name == "dense3.W");
    CHECK(p[5].name == "dense3.b");
    CHECK(rows(*p[0].value) == 25);   // C_in·k·k = 1·5·5
    CHECK(cols(*p[0].value) == 8);
    CHECK(rows(*p[2].value) == 200);  // 8·5·5
    CHECK(cols(*p[2].value) == 16);
    CHECK(rows(*p[4].value) == 784);
    // (25 + 1)·8 + (200 + 1)·16 + (784 + 1)·10 = 208 + 3216 + 7850
    CHECK(stack_parameter_count(stack) == 11274);
    CHECK(layer_text(w4[0], s[0]) == "conv2d 1→8 5×5 same");
    CHECK(layer_text(w4[7], s[7]) == "dense 784→10");
    CHECK(layer_text(LayerSpec::conv(4, 3, Padding::Valid, 2), {2, 9, 9}) == "conv2d 2→4 3×3 valid stride 2");
}

TEST_CASE("layer stack: multiply-adds per image, and the limit that keeps a step short", "[layer_stack]") {
    // W4: conv1 28·28·8·1·25 = 156,800; conv2 14·14·16·8·25 = 627,200; dense 784·10 = 7,840
    CHECK(layer_multiply_adds(LayerSpec::conv(8, 5, Padding::Same), {1, 28, 28}, {8, 28, 28}) == 156800);
    CHECK(layer_multiply_adds(LayerSpec::conv(16, 5, Padding::Same), {8, 14, 14}, {16, 14, 14}) == 627200);
    CHECK(layer_multiply_adds(LayerSpec::dense(10), {16, 7, 7}, {10, 1, 1}) == 7840);
    CHECK(layer_multiply_adds(LayerSpec::max_pool(), {16, 14, 14}, {16, 7, 7}) == 0);
    // Two 32-filter 15×15 convolutions (under the parameter limit: 7,232 + 230,432 + 15,690):
    // conv1 28·28·32·225 = 5,644,800; conv2 14·14·32·32·225 = 45,158,400 -> 50.8 M > 20 M.
    // (On the page one training step of it held the worker for about a minute.)
    const std::vector<LayerSpec> wide = {
        LayerSpec::conv(32, 15, Padding::Same), LayerSpec::act(Activation::Relu), LayerSpec::max_pool(),
        LayerSpec::conv(32, 15, Padding::Same), LayerSpec::act(Activation::Relu), LayerSpec::max_pool(),
        LayerSpec::flatten(), LayerSpec::dense(10), LayerSpec::act(Activation::Softmax)};
    CHECK(message_of<std::out_of_range>([&] { stack_shapes({1, 28, 28}, wide, Loss::SoftmaxCrossEntropy); }) ==
          "layers: 50803200 multiply-adds per image up to layer 3 (conv2d 32→32 15×15 same) is over the limit of "
          "20000000 (a training step would take too long)");
}

TEST_CASE("layer stack: layers that do not fit are named with their shapes", "[layer_stack]") {
    // 1×28×28 -> conv same 4×28×28 -> pool 4×14×14 -> pool 4×7×7 = 196 values, not 100
    const std::vector<LayerSpec> a = {LayerSpec::conv(4, 3, Padding::Same), LayerSpec::max_pool(),
                                      LayerSpec::max_pool(), LayerSpec::dense(10, 100),
                                      LayerSpec::act(Activation::Softmax)};
    CHECK(message_of<std::invalid_argument>([&] { stack_shapes({1, 28, 28}, a, Loss::SoftmaxCrossEntropy); }) ==
          "layer 3 (dense 100→10): its input is 4×7×7 = 196 values, not 100");
    // One channel of 7×7: the example of the header.
    const std::vector<LayerSpec> b = {LayerSpec::max_pool(), LayerSpec::max_pool(), LayerSpec::flatten(),
                                      LayerSpec::dense(10, 100), LayerSpec::act(Activation::Softmax)};
    CHECK(message_of<std::invalid_argument>([&] { stack_shapes({1, 28, 28}, b, Loss::SoftmaxCrossEntropy); }) ==
          "layer 3 (dense 100→10): its input is 49 values, not 100");
    // A kernel larger than its input.
    const std::vector<LayerSpec> c = {LayerSpec::conv(8, 7, Padding::Valid), LayerSpec::flatten(),
                                      LayerSpec::dense(2), LayerSpec::act(Activation::Softmax)};
    CHECK(message_of<std::invalid_argument>([&] { stack_shapes({1, 5, 5}, c, Loss::SoftmaxCrossEntropy); }) ==
          "layer 0 (conv2d 1→8 7×7 valid): conv2d: kernel 7×7 is larger than its 5×5 input");
    // After a dense layer there is no image left for a conv layer: a 1×1 plane.
    const std::vector<LayerSpec> d = {LayerSpec::dense(16), LayerSpec::conv(2, 3, Padding::Valid),
                                      LayerSpec::flatten(), LayerSpec::dense(2), LayerSpec::act(Activation::Softmax)};
    CHECK(message_of<std::invalid_argument>([&] { stack_shapes({1, 8, 8}, d, Loss::SoftmaxCrossEntropy); }) ==
          "layer 1 (conv2d 16→2 3×3 valid): conv2d: kernel 3×3 is larger than its 1×1 input");
    // A pool on a 1-pixel side.
    const std::vector<LayerSpec> e = {LayerSpec::max_pool(), LayerSpec::max_pool(), LayerSpec::flatten(),
                                      LayerSpec::dense(2), LayerSpec::act(Activation::Softmax)};
    CHECK(message_of<std::invalid_argument>([&] { stack_shapes({1, 3, 3}, e, Loss::SoftmaxCrossEntropy); }) ==
          "layer 1 (max_pool 2×2): max_pool: input 1×1 is smaller than its 2×2 window");
    // A stated in_channels that differs from what arrives.
    const std::vector<LayerSpec> f = {LayerSpec::conv(4, 3, Padding::Same, 1, 3), LayerSpec::flatten(),
                                      LayerSpec::dense(2), LayerSpec::act(Activation::Softmax)};
    CHECK(message_of<std::invalid_argument>([&] { stack_shapes({1, 8, 8}, f, Loss::SoftmaxCrossEntropy); }) ==
          "layer 0 (conv2d 3→4 3×3 same): its input is 1×8×8, 1 channels, not 3");
    // Softmax in the middle, losses that do not fit the last layer.
    const std::vector<LayerSpec> g = {LayerSpec::dense(4), LayerSpec::act(Activation::Softmax), LayerSpec::dense(2),
                                      LayerSpec::act(Activation::Softmax)};
    CHECK(message_of<std::invalid_argument>([&] { stack_shapes({3, 1, 1}, g, Loss::SoftmaxCrossEntropy); }) ==
          "layer 1 (softmax): softmax is only allowed as the last layer (with the softmax_ce loss)");
    const std::vector<LayerSpec> h = {LayerSpec::dense(4), LayerSpec::act(Activation::Sigmoid)};
    CHECK(message_of<std::invalid_argument>([&] { stack_shapes({3, 1, 1}, h, Loss::SoftmaxCrossEntropy); }) ==
          "loss: softmax_ce needs a softmax as the last layer, not layer 1 (sigmoid)");
    const std::vector<LayerSpec> i = {LayerSpec::dense(4)};
    CHECK(message_of<std::invalid_argument>([&] { stack_shapes({3, 1, 1}, i, Loss::SigmoidCrossEntropy); }) ==
          "loss: sigmoid_ce needs a sigmoid as the last layer, not layer 0 (dense 3→4)");
    // Counts out of range are std::out_of_range, naming the layer.
    const std::vector<LayerSpec> j = {LayerSpec::dense(5000)};
    CHECK(message_of<std::out_of_range>([&] { stack_shapes({3, 1, 1}, j, Loss::SquaredError); }) ==
          "layer 0 (dense 3→5000): units: 5000 is outside 1..4096");
    CHECK(message_of<std::out_of_range>([&] { stack_shapes({3, 1, 1}, {}, Loss::SquaredError); }) ==
          "layers: 0 is outside 1..32");
    // A failed build changes nothing.
    LayerStack stack;
    Rng rng(1);
    stack_build(stack, {3, 1, 1}, {LayerSpec::dense(2)}, Loss::SquaredError, Init::Glorot, rng);
    CHECK_THROWS_AS(stack_build(stack, {1, 28, 28}, a, Loss::SoftmaxCrossEntropy, Init::He, rng), std::invalid_argument);
    CHECK(stack.layers.size() == 1);
    CHECK(stack.input == ImageShape{3, 1, 1});
}

TEST_CASE("layer stack: central differences through conv-relu-maxpool-flatten-dense, softmax CE", "[layer_stack]") {
    // Random inputs and weights: no max-pool ties and no ReLU input within ε of 0 (checked below
    // by the result; a kink crossed by ±ε would show as a large relative error).
    Rng rng(11);
    LayerStack stack;
    const std::vector<LayerSpec> specs = {LayerSpec::conv(3, 3, Padding::Same), LayerSpec::act(Activation::Relu),
                                          LayerSpec::max_pool(),                LayerSpec::flatten(),
                                          LayerSpec::dense(4),                  LayerSpec::act(Activation::Softmax)};
    stack_build(stack, {2, 6, 6}, specs, Loss::SoftmaxCrossEntropy, Init::Glorot, rng);
    for (double& v : stack.layers[0].conv.b) v = rng.uniform(-0.1, 0.1);
    const Mat x = random_mat(3, 72, rng);
    const Mat y = one_hot({0, 3, 2}, 4);
    CHECK(check_stack(stack, x, y, true) < 1e-6);
}

TEST_CASE("layer stack: central differences, stride-2 valid conv, avg-pool, tanh, two convs, L2", "[layer_stack]") {
    Rng rng(12);
    LayerStack stack;
    const std::vector<LayerSpec> specs = {LayerSpec::conv(4, 3, Padding::Valid, 2), LayerSpec::act(Activation::Tanh),
                                          LayerSpec::conv(3, 3, Padding::Same),     LayerSpec::act(Activation::Relu),
                                          LayerSpec::avg_pool(),                    LayerSpec::dense(5),
                                          LayerSpec::act(Activation::Tanh),         LayerSpec::dense(3),
                                          LayerSpec::act(Activation::Softmax)};
    // 1×9×9 -> stride 2 valid 4×4×4 -> same 3×4×4 -> avg 3×2×2 = 12 -> 5 -> 3
    stack_build(stack, {1, 9, 9}, specs, Loss::SoftmaxCrossEntropy, Init::Glorot, rng, 0.0, 0.05);
    CHECK(stack.layers[4].out == ImageShape{3, 2, 2});
    const Mat x = random_mat(2, 81, rng, 0.0, 1.0);
    const Mat y = one_hot({1, 2}, 3);
    CHECK(check_stack(stack, x, y, true) < 1e-6);
}

TEST_CASE("layer stack: autoencoder 16-6-2-6-16, sigmoid output, per-pixel BCE and squared error", "[layer_stack]") {
    for (Loss loss : {Loss::SigmoidCrossEntropy, Loss::SquaredError}) {
        INFO("loss " << loss_name(loss));
        Rng rng(21);
        LayerStack stack;
        const std::vector<LayerSpec> specs = {LayerSpec::dense(6), LayerSpec::act(Activation::Tanh), LayerSpec::dense(2),
                                              LayerSpec::dense(6), LayerSpec::act(Activation::Tanh), LayerSpec::dense(16),
                                              LayerSpec::act(Activation::Sigmoid)};
        stack_build(stack, {1, 4, 4}, specs, loss, Init::Glorot, rng);
        const Mat x = random_mat(3, 16, rng, 0.0, 1.0);  // grey levels: BCE with targets in (0, 1)
        CHECK(check_stack(stack, x, x, true) < 1e-6);
    }
    // The fused BCE value by hand for one pixel: z = 0 gives a = ½, L = −[y log ½ + (1−y) log ½] = log 2.
    LayerStack one;
    Rng rng(1);
    stack_build(one, {1, 1, 1}, {LayerSpec::dense(1), LayerSpec::act(Activation::Sigmoid)}, Loss::SigmoidCrossEntropy,
                Init::Zeros, rng);
    StackCache cache;
    Mat x = zeros(1, 1), y = zeros(1, 1);
    x(0, 0) = 0.3;
    y(0, 0) = 0.8;
    stack_forward(one, x, cache);
    CHECK(stack_backward(one, cache, y) == Approx(std::log(2.0)).epsilon(1e-15));
    CHECK(one.layers[0].dense.db(0, 0) == Approx(0.5 - 0.8).epsilon(1e-15));  // dz = a − y
    CHECK(one.layers[0].dense.dW(0, 0) == Approx(0.3 * (0.5 - 0.8)).epsilon(1e-15));
}

TEST_CASE("layer stack: backward from a class probability gives ∂p_c/∂x (saliency)", "[layer_stack]") {
    Rng rng(31);
    LayerStack stack;
    const std::vector<LayerSpec> specs = {LayerSpec::conv(2, 3, Padding::Same), LayerSpec::act(Activation::Relu),
                                          LayerSpec::max_pool(), LayerSpec::dense(3), LayerSpec::act(Activation::Softmax)};
    stack_build(stack, {1, 4, 4}, specs, Loss::SoftmaxCrossEntropy, Init::Glorot, rng);
    Mat x = random_mat(1, 16, rng, 0.0, 1.0);
    StackCache cache, probe;
    for (std::size_t c = 0; c < 3; ++c) {
        stack_forward(stack, x, cache);
        Mat g = zeros(1, 3);
        g(0, c) = 1.0;  // ∂p_c/∂p = e_c, then back through the softmax's Jacobian
        stack_backward_from(stack, cache, stack.layers.size() - 1, g, true);
        const Mat dx = cache.dx;
        double worst = 0;
        for (std::size_t i = 0; i < 16; ++i) {
            const double n = numeric_gradient(x, i, [&] { return stack_forward(stack, x, probe)(0, c); });
            worst = std::max(worst, grad_rel_error(dx.data()[i], n));
        }
        INFO("class " << c);
        CHECK(worst < 1e-6);
    }
}

TEST_CASE("layer stack: an MLP is a stack of dense + activation, bit for bit", "[layer_stack]") {
    struct Case {
        std::vector<std::size_t> hidden;
        std::vector<Activation> acts;
        std::size_t outputs;
        Activation out;
        Loss loss;
        double l1, l2;
    };
    const std::vector<Case> cases = {
        {{5, 4}, {Activation::Tanh, Activation::Relu}, 3, Activation::Softmax, Loss::SoftmaxCrossEntropy, 0.001, 0.01},
        {{6}, {Activation::LeakyRelu}, 1, Activation::Sigmoid, Loss::SigmoidCrossEntropy, 0.0, 0.0},
        {{}, {}, 2, Activation::Linear, Loss::SquaredError, 0.0, 0.02},
    };
    for (const Case& k : cases) {
        MlpConfig c;
        c.inputs = 3;
        c.hidden = k.hidden;
        c.hidden_activations = k.acts;
        c.outputs = k.outputs;
        c.output_activation = k.out;
        c.loss = k.loss;
        c.l1 = k.l1;
        c.l2 = k.l2;
        Rng r1(5), r2(5), rd(6);
        Mlp mlp;
        mlp_init(mlp, c, r1);
        LayerStack stack;
        stack_from_mlp(stack, c, r2);
        const Mat x = random_mat(7, 3, rd);
        Mat y = random_mat(7, k.outputs, rd, 0.0, 1.0);
        if (k.loss == Loss::SoftmaxCrossEntropy) y = one_hot({0, 1, 2, 2, 1, 0, 1}, 3);
        MlpCache mc;
        StackCache sc;
        const Mat& a = mlp_forward(mlp, x, mc);
        const Mat& b = stack_forward(stack, x, sc);
        REQUIRE(a.size() == b.size());
        for (std::size_t i = 0; i < a.size(); ++i) CHECK(a.data()[i] == b.data()[i]);
        mlp_zero_grad(mlp);
        stack_zero_grad(stack);
        CHECK(mlp_backward(mlp, mc, y) == stack_backward(stack, sc, y));
        const ParamList pm = mlp_params(mlp), ps = stack_params(stack);
        REQUIRE(pm.size() == ps.size());
        for (std::size_t p = 0; p < pm.size(); ++p) {
            INFO(pm[p].name << " vs " << ps[p].name);
            CHECK(ps[p].name == "dense" + pm[p].name.substr(1) + "." + pm[p].name.substr(0, 1));  // W1 -> dense1.W
            for (std::size_t i = 0; i < pm[p].value->size(); ++i) {
                CHECK(pm[p].value->data()[i] == ps[p].value->data()[i]);
                CHECK(pm[p].grad->data()[i] == ps[p].grad->data()[i]);
            }
        }
        CHECK(mlp_penalty(mlp) == stack_penalty(stack));
    }
}

TEST_CASE("layer stack: buffers are reused from call to call", "[layer_stack]") {
    Rng rng(41);
    LayerStack stack;
    stack_build(stack, {1, 8, 8},
                {LayerSpec::conv(2, 3, Padding::Same), LayerSpec::act(Activation::Relu), LayerSpec::max_pool(),
                 LayerSpec::dense(3), LayerSpec::act(Activation::Softmax)},
                Loss::SoftmaxCrossEntropy, Init::He, rng);
    const Mat x = random_mat(4, 64, rng, 0.0, 1.0);
    const Mat y = one_hot({0, 1, 2, 0}, 3);
    StackCache cache;
    stack_forward(stack, x, cache);
    stack_backward(stack, cache, y);
    std::vector<const double*> before;
    for (const Mat& m : cache.a) before.push_back(m.data());
    for (const Mat& m : cache.delta) before.push_back(m.data());
    stack_zero_grad(stack);
    stack_forward(stack, x, cache);
    stack_backward(stack, cache, y);
    std::vector<const double*> after;
    for (const Mat& m : cache.a) after.push_back(m.data());
    for (const Mat& m : cache.delta) after.push_back(m.data());
    CHECK(before == after);
    // The wrong input width is an error naming the layer.
    CHECK(message_of<std::invalid_argument>([&] { stack_forward(stack, zeros(1, 63), cache); }) ==
          "stack_forward: layer 0 (conv2d 1→2 3×3 same): its input has 63 columns, not 1×8×8 = 64 values");
}

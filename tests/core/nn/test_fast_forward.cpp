// The float32 drawing path against the float64 network it copies.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "nn/fast_forward.hpp"
#include "base/mathfn.hpp"
#include "base/rng.hpp"

using namespace bp;

TEST_CASE("fast_expf, fast_tanhf, fast_sigmoidf: about 1e-7 relative, and NaN stays NaN", "[fast_forward]") {
    double worst_exp = 0, worst_tanh = 0, worst_sig = 0;
    for (int i = -8000; i <= 8000; ++i) {
        const float x = static_cast<float>(i) / 1000.0f;  // [-8, 8]
        worst_exp = std::max(worst_exp, std::abs(fast_expf(x) - std::exp(double(x))) / std::exp(double(x)));
        worst_tanh = std::max(worst_tanh, std::abs(fast_tanhf(x) - std::tanh(double(x))));
        worst_sig = std::max(worst_sig, std::abs(fast_sigmoidf(x) - 1.0 / (1.0 + std::exp(-double(x)))));
    }
    CHECK(worst_exp < 3e-7);
    CHECK(worst_tanh < 3e-7);
    CHECK(worst_sig < 2e-7);
    CHECK(fast_tanhf(1000.0f) == 1.0f);
    CHECK(fast_tanhf(-1000.0f) == -1.0f);
    CHECK(std::isnan(fast_tanhf(std::numeric_limits<float>::quiet_NaN())));
    // hand value: tanh(0.5) = 0.46211715726000974
    CHECK(fast_tanhf(0.5f) == Approx(0.46211715726000974).epsilon(3e-7));
}

TEST_CASE("fast_mlp_forward agrees with mlp_forward for every activation", "[fast_forward]") {
    for (Activation act : {Activation::Linear, Activation::Sigmoid, Activation::Tanh, Activation::Relu,
                           Activation::LeakyRelu}) {
        for (std::size_t K : {std::size_t{1}, std::size_t{3}}) {
            MlpConfig c;
            c.inputs = 4;
            c.hidden = {8, 5};
            c.hidden_activations = {act, act};
            c.outputs = K;
            c.output_activation = K == 1 ? Activation::Tanh : Activation::Softmax;
            c.loss = K == 1 ? Loss::SquaredError : Loss::SoftmaxCrossEntropy;
            Mlp net;
            Rng rng(7);
            mlp_init(net, c, rng);
            Mat x = zeros(50, 4);
            for (double& v : x) v = rng.uniform(-6, 6);
            MlpCache cache;
            mlp_forward(net, x, cache);
            FastMlp fast;
            fast_mlp_from(net, fast);
            // node-major input: row f holds feature f of the 50 points
            std::vector<float> xf(4 * 50);
            for (std::size_t n = 0; n < 50; ++n)
                for (std::size_t f = 0; f < 4; ++f) xf[f * 50 + n] = static_cast<float>(x(n, f));
            std::vector<std::vector<float>> a{std::vector<float>(8 * 50), std::vector<float>(5 * 50),
                                              std::vector<float>(K * 50)};
            float* out[3] = {a[0].data(), a[1].data(), a[2].data()};
            fast_mlp_forward(fast, xf.data(), 50, out);
            for (std::size_t l = 0; l < 3; ++l) {
                const std::size_t H = cols(cache.a[l]);
                double worst = 0;
                for (std::size_t n = 0; n < 50; ++n)
                    for (std::size_t j = 0; j < H; ++j) {
                        const double ref = cache.a[l](n, j);
                        worst = std::max(worst, std::abs(a[l][j * 50 + n] - ref) / std::max(1.0, std::abs(ref)));
                    }
                CHECK(worst < 1e-5);
            }
        }
    }
}

// Tests of the Elman RNN (core/rnn.hpp): a forward pass by hand, BPTT against central
// differences, truncated BPTT (k ≥ T is full BPTT bit for bit; small k is the exact gradient of
// the truncated objective), input validation, buffer reuse, the singular-value helper, the free
// run, and a training smoke test on the echo task.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "data/datasets.hpp"
#include "nn/optimizers.hpp"
#include "recurrent/rnn.hpp"

#include "cell_checks.hpp"
#include "rnn_test_util.hpp"

using namespace bp;
using namespace bp::testing;

namespace {

Elman random_elman(std::size_t D, std::size_t H, std::size_t K, Loss loss, std::uint64_t seed) {
    Elman net;
    Rng rng(seed);
    elman_init(net, RnnConfig{D, H, K, loss}, rng);
    // non-zero biases so that their gradients are exercised away from the symmetric point
    for (double& v : net.b) v = rng.uniform(-0.3, 0.3);
    for (double& v : net.by) v = rng.uniform(-0.3, 0.3);
    return net;
}

}  // namespace

TEST_CASE("Elman forward, T = 2, H = 1, by hand", "[rnn]") {
    Elman net;
    Rng rng(1);
    elman_init(net, RnnConfig{1, 1, 1, Loss::SquaredError}, rng);
    net.Wx = mat(1, 1, {0.5});
    net.Wh = mat(1, 1, {0.8});
    net.b = mat(1, 1, {0.1});
    net.Wy = mat(1, 1, {2.0});
    net.by = mat(1, 1, {-0.5});
    SequenceData d;
    d.x = {mat(1, 1, {1.0}), mat(1, 1, {-0.5})};
    d.y = {mat(1, 1, {0.5}), mat(1, 1, {0.0})};
    d.loss_every_step = true;

    RnnCache cache;
    elman_forward(net, d.x, cache);
    // t = 0: a = 0.5·1 + 0.8·0 + 0.1 = 0.6          h = tanh 0.6 = 0.5370495669980353
    //        y = 2·0.5370495669980353 − 0.5 = 0.5740991339960706
    // t = 1: a = 0.5·(−0.5) + 0.8·0.5370495669980353 + 0.1 = 0.27963965359842824
    //        h = tanh a = 0.27257153896028735        y = 2h − 0.5 = 0.045143077920574703
    CHECK(cache.steps[0].h(0, 0) == Approx(0.5370495669980353).epsilon(1e-14));
    CHECK(cache.steps[0].y(0, 0) == Approx(0.5740991339960706).epsilon(1e-14));
    CHECK(cache.steps[1].h_prev(0, 0) == cache.steps[0].h(0, 0));
    CHECK(cache.steps[1].h(0, 0) == Approx(0.27257153896028735).epsilon(1e-14));
    CHECK(cache.steps[1].y(0, 0) == Approx(0.045143077920574703).epsilon(1e-13));
    // L = ½ [½ (0.5740991 − 0.5)² + ½ (0.0451431 − 0)²] = 0.001882144785777676
    CHECK(elman_loss(net, d, cache) == Approx(0.001882144785777676).epsilon(1e-12));

    SECTION("full BPTT by hand") {
        elman_zero_grad(net);
        elman_forward_backward(net, d, cache);
        // dy_t = (y_t − target_t) / (N·S) = (y_t − target_t) / 2:  dy_0 = 0.0370496, dy_1 = 0.0225715
        // dh_1 = dy_1·Wy = 0.045143078          da_1 = dh_1 (1 − h_1²) = 0.041789162
        // dh_0 = dy_0·Wy + da_1·Wh = 0.107530464  da_0 = dh_0 (1 − h_0²) = 0.076516287
        // dWx = da_1·x_1 + da_0·x_0 = 0.055621706   dWh = da_1·h_0 + da_0·h_{−1} = 0.022442851
        // db = da_0 + da_1 = 0.118305449
        CHECK(cache.steps[1].dh(0, 0) == Approx(0.045143077920574703).epsilon(1e-12));
        CHECK(cache.steps[0].dh(0, 0) == Approx(0.10753046354668885).epsilon(1e-12));
        CHECK(cache.dh_norm[0] == Approx(0.10753046354668885).epsilon(1e-12));
        CHECK(net.dWx(0, 0) == Approx(0.055621705691383375).epsilon(1e-12));
        CHECK(net.dWh(0, 0) == Approx(0.02244285132416019).epsilon(1e-12));
        CHECK(net.db(0, 0) == Approx(0.11830544859879259).epsilon(1e-12));
    }
    SECTION("truncated BPTT with k = 1 by hand: nothing crosses from step 1 to step 0") {
        elman_zero_grad(net);
        elman_forward_backward(net, d, cache, BpttOptions{1});
        // dh_0 = dy_0·Wy = 0.074099134 (no da_1·Wh)   da_0 = 0.052727296
        // dWx = da_1·x_1 + da_0·x_0 = 0.031832715     db = 0.094516458
        // dWh = da_1·h_0 = 0.022442851 is unchanged: its step-0 term has h_{−1} = 0.
        CHECK(cache.steps[0].dh(0, 0) == Approx(0.0740991339960706).epsilon(1e-12));
        CHECK(net.dWx(0, 0) == Approx(0.03183271500943833).epsilon(1e-12));
        CHECK(net.db(0, 0) == Approx(0.09451645791684754).epsilon(1e-12));
        CHECK(net.dWh(0, 0) == Approx(0.02244285132416019).epsilon(1e-12));
    }
}

TEST_CASE("Elman BPTT matches central differences for every parameter", "[rnn]") {
    check_full_bptt_gradients(7, [](Loss loss) {
        Elman net = random_elman(2, 4, 2, loss, 11);
        net.Wh *= 2.0;  // a larger recurrent weight: gradients through time are not negligible
        return net;
    });
}

TEST_CASE("truncated BPTT with k >= T equals full BPTT bit for bit", "[rnn]") {
    check_truncation_beyond_T_is_full(3, 9, 4, 3, [] { return random_elman(3, 5, 2, Loss::SquaredError, 5); });
}

TEST_CASE("truncated BPTT with small k is the exact gradient of the truncated objective", "[rnn]") {
    auto make_net = [] {
        Elman net = random_elman(2, 3, 1, Loss::SquaredError, 9);
        net.Wh *= 2.0;
        return net;
    };
    check_small_truncation_gradients(21, 3, {1, 2, 3}, make_net, &Elman::dWh);
}

TEST_CASE("Elman validates sizes, shapes and values", "[rnn]") {
    Elman net;
    Rng rng(1);
    RnnConfig bad{1, 129, 1, Loss::SquaredError};
    CHECK_THROWS_AS(elman_init(net, bad, rng), std::out_of_range);
    CHECK_THROWS_WITH(elman_init(net, bad, rng), Catch::Contains("rnn.hidden") && Catch::Contains("1..128"));
    CHECK_THROWS_AS(elman_init(net, RnnConfig{0, 4, 1, Loss::SquaredError}, rng), std::out_of_range);
    CHECK_THROWS_AS(elman_init(net, RnnConfig{1, 4, 1, Loss::SoftmaxCrossEntropy}, rng),
                    std::invalid_argument);
    elman_init(net, RnnConfig{2, 4, 1, Loss::SquaredError}, rng);
    RnnCache cache;
    std::vector<Mat> x(401, zeros(2, 2));
    CHECK_THROWS_AS(elman_forward(net, x, cache), std::out_of_range);
    CHECK_THROWS_WITH(elman_forward(net, x, cache), Catch::Contains("length T") && Catch::Contains("1..400"));
    CHECK_THROWS_AS(elman_forward(net, {}, cache), std::out_of_range);
    CHECK_THROWS_AS(elman_forward(net, {zeros(2, 3)}, cache), std::invalid_argument);
    CHECK_THROWS_WITH(elman_forward(net, {zeros(2, 2), zeros(3, 2)}, cache), Catch::Contains("sequence.x[1]"));
    Mat nan = zeros(2, 2);
    nan(1, 1) = std::nan("");
    CHECK_THROWS_AS(elman_forward(net, {nan}, cache), std::invalid_argument);
    SequenceData d;
    d.x = {zeros(2, 2), zeros(2, 2)};
    d.y = {zeros(2, 1)};
    CHECK_THROWS_AS(elman_forward_backward(net, d, cache), std::invalid_argument);
    Mat h0 = zeros(2, 3);
    CHECK_THROWS_WITH(elman_forward(net, {zeros(2, 2)}, cache, &h0), Catch::Contains("h0"));
    CHECK_THROWS_AS(elman_free_run(net, {zeros(1, 2)}, 3, cache), std::invalid_argument);  // D ≠ K
}

TEST_CASE("Elman reuses its step records: no reallocation after the first call", "[rnn]") {
    Rng rng(2);
    SequenceData d = random_sequences(12, 4, 2, 1, true, false, rng);
    Elman net = random_elman(2, 6, 1, Loss::SquaredError, 3);
    RnnCache cache;
    elman_zero_grad(net);
    elman_forward_backward(net, d, cache, BpttOptions{4});
    std::vector<const double*> before;
    for (const auto& s : cache.steps)
        for (const Mat* m : {&s.x, &s.h_prev, &s.h, &s.y, &s.dy, &s.dh}) before.push_back(m->data());
    const double* norms = cache.dh_norm.data();
    for (int i = 0; i < 3; ++i) elman_forward_backward(net, d, cache, BpttOptions{4});
    std::vector<const double*> after;
    for (const auto& s : cache.steps)
        for (const Mat* m : {&s.x, &s.h_prev, &s.h, &s.y, &s.dy, &s.dh}) after.push_back(m->data());
    CHECK(before == after);
    CHECK(cache.dh_norm.data() == norms);
}

TEST_CASE("largest singular value by power iteration", "[rnn]") {
    CHECK(largest_singular_value(mat(2, 2, {3.0, 0.0, 0.0, -1.0})) == Approx(3.0).epsilon(1e-12));
    // [[1,2],[3,4]]: σ_max = sqrt((30 + sqrt(896)) / 2) = 5.464985704219043
    CHECK(largest_singular_value(mat(2, 2, {1.0, 2.0, 3.0, 4.0})) == Approx(5.464985704219043).epsilon(1e-10));
    // a rotation by 90° scaled by 0.9: spectral radius and σ_max are both 0.9
    CHECK(largest_singular_value(mat(2, 2, {0.0, 0.9, -0.9, 0.0})) == Approx(0.9).epsilon(1e-12));
    // rectangular (2,3) and its transpose: [[1,0,1],[0,1,0]] has σ = √2, 1
    CHECK(largest_singular_value(mat(2, 3, {1, 0, 1, 0, 1, 0})) == Approx(std::sqrt(2.0)).epsilon(1e-10));
    CHECK(largest_singular_value(mat(3, 2, {1, 0, 0, 1, 1, 0})) == Approx(std::sqrt(2.0)).epsilon(1e-10));
    CHECK(largest_singular_value(zeros(3, 3)) == 0.0);
}

TEST_CASE("free run feeds each output back as the next input", "[rnn]") {
    Elman net = random_elman(1, 5, 1, Loss::SquaredError, 4);
    const std::vector<Mat> prime = {mat(2, 1, {0.1, -0.2}), mat(2, 1, {0.3, 0.0}), mat(2, 1, {0.5, 0.2})};
    check_free_run(net, prime, 6);
    RnnCache run;
    CHECK_THROWS_AS(elman_free_run(net, prime, 398, run), std::out_of_range);
}

// Echo with delay d = 3 (y_t = x_{t−3}, ±1 inputs): the network must hold three bits in its
// state. Elman H = 16, T = 20, 512 training sequences in mini-batches of 32, Adam lr 0.01,
// 800 steps (50 epochs). Asserted: mean squared error on 256 held-out sequences < 0.01 (the
// loss is ½·MSE for one output). Measured at -O2: MSE 2.2 before training, 5.8e-5 after 800
// steps, about 0.3 s.
TEST_CASE("Elman learns echo with delay 3", "[rnn][train]") {
    SequenceConfig sc;
    sc.task = SequenceTask::Echo;
    sc.length = 20;
    sc.delay = 3;
    sc.sequences = 512;
    sc.seed = 1;
    const SequenceData train = make_sequences(sc);
    sc.sequences = 256;
    sc.seed = 2;
    const SequenceData test = make_sequences(sc);

    Elman net;
    Rng rng(42);
    elman_init(net, RnnConfig{1, 16, 1, Loss::SquaredError}, rng);
    OptimizerConfig oc;
    oc.kind = OptimizerKind::Adam;
    oc.learning_rate = 0.01;
    oc.clip_norm = 5.0;
    RnnCache cache;
    SequenceData batch;
    const double before = 2.0 * elman_loss(net, test, cache);
    train_on_batches(net, cache, train, oc, 800, 32, batch);
    const double mse = 2.0 * elman_loss(net, test, cache);
    INFO("held-out MSE before " << before << ", after " << mse);
    CHECK(before > 0.5);
    CHECK(mse < 0.01);
    CHECK(sequence_accuracy(cache, test, 0.5) == 1.0);  // every output within 0.5 of ±1 / 0
}

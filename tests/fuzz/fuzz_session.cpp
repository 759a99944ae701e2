// libFuzzer target: the session API driven by a random sequence of operations with random
// (often absurd) arguments. Invariants checked after every operation:
//   - every error is a std::exception (never a crash, a hang or undefined behaviour: ASan/UBSan);
//   - a step either reports divergence or leaves every weight finite;
//   - a failed call leaves the model file text unchanged (nothing half-applied).
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <limits>
#include <memory>
#include <string>

#include "io/model_io.hpp"
#include "session/session.hpp"

namespace {

double wild_double(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 5)) {
        case 0: return std::numeric_limits<double>::quiet_NaN();
        case 1: return std::numeric_limits<double>::infinity();
        case 2: return -1e300;
        default: return in.ConsumeFloatingPointInRange<double>(-10.0, 10.0);
    }
}

bool weights_finite(const bp::TrainingSession& s) {
    for (const bp::Dense& d : s.network().layers)
        for (double v : d.W)
            if (!std::isfinite(v)) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    bp::SessionConfig c;
    c.dataset.kind = static_cast<bp::DatasetKind>(in.ConsumeIntegralInRange<int>(0, 7));
    c.dataset.points = in.ConsumeIntegralInRange<std::size_t>(0, 300);
    c.dataset.noise = in.ConsumeProbability<double>();
    c.features = in.ConsumeIntegralInRange<unsigned>(0, 0x7f);
    const std::size_t layers = in.ConsumeIntegralInRange<std::size_t>(0, 3);
    c.network.hidden.assign(layers, in.ConsumeIntegralInRange<std::size_t>(0, 9));
    c.network.activations.assign(layers, static_cast<bp::Activation>(in.ConsumeIntegralInRange<int>(0, 4)));
    c.training.optimizer.kind = static_cast<bp::OptimizerKind>(in.ConsumeIntegralInRange<int>(0, 4));
    c.training.optimizer.learning_rate = in.ConsumeFloatingPointInRange<double>(0.0, 12.0);
    c.training.batch_size = in.ConsumeIntegralInRange<std::size_t>(0, 40);
    std::unique_ptr<bp::TrainingSession> s;
    try {
        s = std::make_unique<bp::TrainingSession>(c);
    } catch (const std::exception&) {
        return 0;
    }
    for (int op = 0; op < 16 && in.remaining_bytes() > 0; ++op) {
        const std::string before = bp::save_model(*s);
        bool failed = false;
        try {
            switch (in.ConsumeIntegralInRange<int>(0, 8)) {
                case 0: {
                    const bp::StepStats st = s->step(in.ConsumeIntegralInRange<std::size_t>(0, 50));
                    if (!st.diverged && !weights_finite(*s)) std::abort();
                    break;
                }
                case 1:
                    s->evaluate_grid(in.ConsumeIntegralInRange<std::size_t>(0, 12), wild_double(in), wild_double(in),
                                     wild_double(in), wild_double(in));
                    break;
                case 2:
                    s->set_weight(in.ConsumeIntegralInRange<std::size_t>(0, 4), in.ConsumeIntegralInRange<std::size_t>(0, 10),
                                  in.ConsumeIntegralInRange<std::size_t>(0, 10), wild_double(in));
                    break;
                case 3: {
                    bp::TrainingSpec t = s->config().training;
                    t.optimizer.learning_rate = wild_double(in);
                    t.optimizer.kind = static_cast<bp::OptimizerKind>(in.ConsumeIntegralInRange<int>(0, 4));
                    t.batch_size = in.ConsumeIntegralInRange<std::size_t>(0, 2000);
                    t.optimizer.clip_norm = in.ConsumeBool() ? wild_double(in) : 0.0;
                    s->update_training(t);
                    break;
                }
                case 4: {
                    std::vector<std::array<double, 3>> pts(in.ConsumeIntegralInRange<std::size_t>(0, 20));
                    for (auto& p : pts) p = {wild_double(in), wild_double(in), static_cast<double>(in.ConsumeIntegralInRange<int>(-1, 3))};
                    s->set_points(pts);
                    break;
                }
                case 5: {
                    bp::Mat xy = bp::zeros(in.ConsumeIntegralInRange<std::size_t>(0, 5), 2);
                    for (double& v : xy) v = wild_double(in);
                    s->predict(xy);
                    break;
                }
                case 6: s->reset(); break;
                case 7: {
                    auto copy = bp::load_model(before);
                    if (bp::save_model(*copy) != before) std::abort();
                    break;
                }
                default: s->stats(); break;
            }
        } catch (const std::exception&) {
            failed = true;
        }
        if (failed && bp::save_model(*s) != before) std::abort();  // a failed call changed the session
    }
    return 0;
}

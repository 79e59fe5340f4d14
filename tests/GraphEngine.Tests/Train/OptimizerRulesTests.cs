using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Train;

/// <summary>
/// Each optimizer runs 3 steps on one fixed problem: w = [1, −2] (float64), loss = ½·Σw², so the
/// gradient is g = w. Hyper-parameters are powers of two, exact in float32 (TF feeds Python
/// numbers as float32 constants and casts them to the variable's dtype), so the expected values
/// below are the documented rules evaluated in double; each test shows step 1 worked by hand.
/// </summary>
[TestClass]
public sealed class OptimizerRulesTests
{
    private static void AssertSteps(Func<Optimizer> make, double[][] expected, bool linearLoss = false, double[]? w0 = null)
    {
        using var _ = new GraphEngine.Graph().as_default();
        var w = tf.Variable(w0 ?? [1.0, -2.0], name: "w");
        // linearLoss: loss = Σ w·c with c = w0, a gradient that does not read w (g = w0 every step).
        var loss = linearLoss
            ? tf.reduce_sum(w.value() * tf.constant(w0 ?? [1.0, -2.0]))
            : 0.5 * tf.reduce_sum(tf.square(w.value()));
        var train = make().minimize(loss);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        for (int step = 0; step < expected.Length; step++)
        {
            sess.run(train);
            var got = sess.run(w).ToArray<double>();
            for (int i = 0; i < got.Length; i++)
                Assert.AreEqual(expected[step][i], got[i], 1e-12, $"step {step + 1}, w[{i}]");
        }
    }

    [TestMethod]
    public void Momentum()
    {
        // lr = ½, μ = ½: a = μ·a + g; w −= lr·a.
        // step 1: a = [1, −2], w = [1 − ½, −2 + 1] = [½, −1]
        // step 2: g = [½, −1], a = [½ + ½, −1 − 1] = [1, −2], w = [0, 0]
        // step 3: g = 0, a = [½, −1], w = [−¼, ½]
        AssertSteps(() => tf.train.MomentumOptimizer(0.5, 0.5), [[0.5, -1], [0, 0], [-0.25, 0.5]]);
    }

    [TestMethod]
    public void Momentum_nesterov()
    {
        // w −= lr·g + lr·μ·a (a already updated).
        // step 1: a = [1, −2], w = 1 − ½ − ¼ = ¼ (and −½)
        // step 2: g = ¼, a = ½·1 + ¼ = ¾, w = ¼ − ⅛ − 3/16 = −1/16
        // step 3: g = −1/16, a = 3/8 − 1/16 = 5/16, w = −1/16 + 1/32 − 5/64 = −7/64 = −0.109375
        AssertSteps(() => tf.train.MomentumOptimizer(0.5, 0.5, use_nesterov: true),
            [[0.25, -0.5], [-0.0625, 0.125], [-0.109375, 0.21875]]);
    }

    [TestMethod]
    public void Adagrad()
    {
        // lr = ½, accum₀ = 0.1: accum += g²; w −= lr·g/√accum.
        // step 1: accum = 1.1, w = 1 − ½/√1.1 = 0.52326870537720…; accum = 4.1, w = −2 + 1/√4.1 = −1.50613520167520…
        AssertSteps(() => tf.train.AdagradOptimizer(0.5, initial_accumulator_value: 0.1),
        [
            [0.5232687053772038, -1.5061352016752052],
            [0.30004957700711127, -1.2077224880292912],
            [0.17605113316548965, -0.9918792398393488],
        ]);
    }

    [TestMethod]
    public void Adadelta()
    {
        // lr = 1, ρ = ½, ε = ¼: accum = ρ·accum + (1−ρ)g²; u = √(accum_update+ε)/√(accum+ε)·g;
        // accum_update = ρ·accum_update + (1−ρ)u²; w −= lr·u.
        // step 1, w[0]: accum = ½, u = √¼/√¾ = 1/√3 = 0.57735…, w = 1 − 0.57735… = 0.42264973…
        // step 1, w[1]: accum = 2, u = ½/1.5·(−2) = −⅔, w = −4/3
        AssertSteps(() => tf.train.AdadeltaOptimizer(1.0, rho: 0.5, epsilon: 0.25),
        [
            [0.42264973081037416, -1.3333333333333335],
            [0.06726340521719637, -0.7068380081341805],
            [0.0020591540194008773, -0.26773575131950944],
        ]);
    }

    [TestMethod]
    public void RMSProp()
    {
        // lr = ½, ρ = ½, μ = ½, ε = ⅛; rms starts at ONE (TF1): ms = ρ·ms + (1−ρ)g²;
        // mom = μ·mom + lr·g/√(ms+ε); w −= mom.
        // step 1, w[0]: ms = 1, mom = ½/√1.125 = 0.47140452…, w = 0.52859547…
        // step 1, w[1]: ms = 2.5, mom = −1/√2.625 = −0.61721339…, w = −1.38278660…
        AssertSteps(() => tf.train.RMSPropOptimizer(0.5, decay: 0.5, momentum: 0.5, epsilon: 0.125),
        [
            [0.5285954792089682, -1.3827866001516322],
            [-0.009342669490425504, -0.6213350545373434],
            [-0.27130830595135047, 0.02000047680800865],
        ]);
    }

    [TestMethod]
    public void RMSProp_centered()
    {
        // As RMSProp, plus mg = ρ·mg + (1−ρ)g and the denominator √(ms − mg² + ε).
        // step 1, w[0]: mg = ½, ms = 1, mom = ½/√(1 − ¼ + ⅛) = ½/√0.875 = 0.53452248…, w = 0.46547751…
        AssertSteps(() => tf.train.RMSPropOptimizer(0.5, decay: 0.5, momentum: 0.5, epsilon: 0.125, centered: true),
        [
            [0.4654775161751512, -1.2155354594472638],
            [-0.130828009615803, -0.17784164437434713],
            [-0.3264158303638002, 0.44565438802367785],
        ]);
    }

    [TestMethod]
    public void Adam_with_bias_correction()
    {
        // lr = ½, β1 = ½, β2 = ¾, ε = ⅛. lr_t = lr·√(1−β2^t)/(1−β1^t); m += (g−m)(1−β1);
        // v += (g²−v)(1−β2); w −= lr_t·m/(√v+ε).
        // step 1: lr_t = ½·√¼/½ = ½. w[0]: m = ½, v = ¼, w = 1 − ½·½/(½+⅛) = 1 − 0.4 = 0.6
        //                           w[1]: m = −1, v = 1, w = −2 + ½/1.125 = −1.5555…
        // step 2 (β powers now ¼ and 9/16): lr_t = ½·√(7/16)/(¾) = 0.44095855…
        AssertSteps(() => tf.train.AdamOptimizer(0.5, beta1: 0.5, beta2: 0.75, epsilon: 0.125),
        [
            [0.6, -1.5555555555555556],
            [0.22790174069915098, -1.1184422107406742],
            [-0.05601288650666869, -0.7110535129799754],
        ]);
    }

    [TestMethod]
    public void Adam_nesterov()
    {
        // w −= lr_t·(β1·m + (1−β1)·g)/(√v+ε). step 1, w[0]: (¼ + ½)·½/0.625 = 0.6, w = 0.4.
        AssertSteps(() => tf.train.AdamOptimizer(0.5, beta1: 0.5, beta2: 0.75, epsilon: 0.125, use_nesterov: true),
        [
            [0.4, -1.3333333333333335],
            [0.08867633130779778, -0.88075489181348],
            [-0.05523516691573993, -0.5268131498142881],
        ]);
    }

    [TestMethod]
    public void AdamW_decays_then_applies_adam()
    {
        // Linear loss (g = [1, −2] every step, so the decay cannot change the gradient).
        // wd = ¼ (contrib: w −= wd·w, not scaled by lr), then the Adam step of the test above.
        // step 1, w[0]: 1 − ¼ = ¾, then − 0.4 → 0.35; w[1]: −2 + ½ = −1.5, then + 0.4444… → −1.0555…
        AssertSteps(() => tf.train.AdamWOptimizer(0.25, 0.5, beta1: 0.5, beta2: 0.75, epsilon: 0.125),
        [
            [0.35, -1.0555555555555556],
            [-0.15802772921983005, -0.3348333569561188],
            [-0.5479268728829528, 0.21089700588632437],
        ], linearLoss: true);
    }

    [TestMethod]
    public void Ftrl()
    {
        // w = [3, −½], lr = ½, l1 = ¼, l2 = ½, p = −½, accum₀ = 0.1, g = w.
        // accum' = accum + g²; linear += g − (√accum' − √accum)/lr·w; q = √accum'/lr + 2·l2;
        // w = |linear| > l1 ? (sign(linear)·l1 − linear)/q : 0.
        // step 1, w[0]: accum' = 9.1, linear = 3 − (3.01662… − 0.31622…)·2·3 = −13.20238…,
        //               q = 6.03324… + 1 = 7.03324…, w = (−¼ + 13.20238…)/7.03324… = 1.84159…
        // step 1, w[1]: accum' = 0.35, linear = −½ + (0.59160… − 0.31622…)·2·½ = −0.22462…, |linear| < l1 → 0
        AssertSteps(() => tf.train.FtrlOptimizer(0.5, l1_regularization_strength: 0.25, l2_regularization_strength: 0.5),
        [
            [1.8415914790000503, 0.0],
            [1.613351179386764, 0.0],
            [1.4293948075866934, 0.0],
        ], w0: [3.0, -0.5]);
    }

    [TestMethod]
    public void Ftrl_with_l2_shrinkage_uses_FtrlV2()
    {
        // As above with g' = g + 2·⅛·w in linear (accum still grows by g²).
        AssertSteps(() => tf.train.FtrlOptimizer(0.5, l1_regularization_strength: 0.25, l2_regularization_strength: 0.5,
                l2_shrinkage_regularization_strength: 0.125),
        [
            [1.7349550118051489, 0.045629836757472536],
            [1.462502789746211, 0.01954646415862602],
            [1.248675716015825, 0.008376411746588165],
        ], w0: [3.0, -0.5]);
    }
    [TestMethod]
    public void Every_optimizer_fits_a_float32_least_squares_problem()
    {
        // y = 2·x₀ − 3·x₁ + 1 fitted by a float32 linear model: each optimizer must cut the loss by 10× in 200 steps.
        var makers = new (string Name, Func<Optimizer> Make)[]
        {
            ("Momentum", () => tf.train.MomentumOptimizer(0.05, 0.9)),
            ("Nesterov", () => tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov: true)),
            ("Adagrad", () => tf.train.AdagradOptimizer(0.5)),
            ("Adadelta", () => tf.train.AdadeltaOptimizer(0.5, rho: 0.9, epsilon: 0.1)),
            ("RMSProp", () => tf.train.RMSPropOptimizer(0.05)),
            ("RMSPropCentered", () => tf.train.RMSPropOptimizer(0.05, momentum: 0.5, centered: true)),
            ("Adam", () => tf.train.AdamOptimizer(0.1)),
            ("AdamW", () => tf.train.AdamWOptimizer(1e-4, 0.1)),
            ("Ftrl", () => tf.train.FtrlOptimizer(1.0)),
        };
        var xs = new float[,] { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 2, 1 }, { -1, 2 }, { 0.5f, -1 } };
        var ys = new float[6, 1];
        for (int i = 0; i < 6; i++) ys[i, 0] = 2 * xs[i, 0] - 3 * xs[i, 1] + 1;
        foreach (var (label, make) in makers)
        {
            using var _ = new GraphEngine.Graph().as_default();
            var x = tf.constant(xs);
            var w = tf.Variable(tf.zeros(new[] { 2, 1 }), name: "w");
            var b = tf.Variable(0f, name: "b");
            var loss = tf.reduce_mean(tf.square(tf.matmul(x, w.value()) + b.value() - tf.constant(ys)));
            var train = make().minimize(loss);
            using var sess = tf.Session();
            sess.run(tf.global_variables_initializer());
            float first = sess.run(loss).GetSingle();
            for (int i = 0; i < 200; i++) sess.run(train);
            float last = sess.run(loss).GetSingle();
            Assert.IsLessThan(first * 0.1f, last, $"{label}: loss {first} → {last}");
        }
    }
}

using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Tests.Helpers;
using GraphEngine.Ops.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Training;

/// <summary>
/// The fused Apply* kernels against a scalar double reference of TF's documented rules, for float
/// and double over lengths 0–67 (every vector tail), plus TF's checks and shape functions.
/// </summary>
[TestClass]
public sealed class ApplyOptimizersTests
{
    /// <summary>Runs one kernel as the executor does: the first <paramref name="cells"/>.Length inputs are variable refs.</summary>
    internal static Entry[] Run(OpDef op, DType t, RefCell[] cells, HostTensor[] rest, params (string, AttrValue)[] attrs)
    {
        var node = new NodeDef("apply", op.Name);
        node.Attr["T"] = AttrValue.Of(t);
        foreach (var (k, v) in attrs) node.Attr[k] = v;
        op.AddDefaults(node);
        var inTypes = op.ResolveTypes(op.InputArgs, node.Attr, node.Name);
        var outTypes = op.ResolveTypes(op.OutputArgs, node.Attr, node.Name);
        var kernel = KernelRunner.Kernels.Create(new OpKernelConstruction(node, op, inTypes, outTypes));
        int n = cells.Length + rest.Length;
        var slots = new Entry[n + 1];
        for (int i = 0; i < cells.Length; i++) slots[i].Ref = cells[i];
        for (int i = 0; i < rest.Length; i++) slots[cells.Length + i].Tensor = rest[i];
        var ctx = new OpKernelContext(null!);
        ctx.Bind(node, slots, Enumerable.Range(0, n).ToArray(), n, inTypes, outTypes);
        kernel.Compute(ctx);
        return slots;
    }

    private static RefCell Cell(string name, double[] v, DType t)
    {
        var c = new RefCell(name, t, new TensorShape(v.Length));
        c.Set(t == DType.Float ? HostTensor.FromArray(v.Select(x => (float)x).ToArray(), v.Length) : HostTensor.FromArray(v.ToArray(), v.Length));
        return c;
    }

    private static HostTensor S(double x, DType t) => t == DType.Float ? HostTensor.Scalar((float)x) : HostTensor.Scalar(x);

    private static HostTensor V(double[] v, DType t) =>
        t == DType.Float ? HostTensor.FromArray(v.Select(x => (float)x).ToArray(), v.Length) : HostTensor.FromArray(v, v.Length);

    private static double[] Read(RefCell c) =>
        c.DType == DType.Float ? c.Read().ToArray<float>().Select(x => (double)x).ToArray() : c.Read().ToArray<double>();

    private static double[] Rand(int seed, int n, double lo, double hi)
    {
        var r = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * r.NextDouble()).ToArray();
    }

    /// <summary>
    /// Generic check: state arrays (var first) and a gradient, the scalars, and a reference that
    /// updates one element's state (double) given the gradient.
    /// </summary>
    private static void Check(OpDef op, string[] stateNames, double[] stateLo, double[] scalars, int gradPosition,
        Action<double[], double, double[]> reference, params (string, AttrValue)[] attrs) =>
        Check(op, stateNames, stateLo, null, scalars, gradPosition, reference, attrs);

    private static void Check(OpDef op, string[] stateNames, double[] stateLo, double[]? stateHi, double[] scalars, int gradPosition,
        Action<double[], double, double[]> reference, params (string, AttrValue)[] attrs)
    {
        foreach (var t in new[] { DType.Float, DType.Double })
            for (int n = 0; n <= 67; n += n < 9 ? 1 : 29)
            {
                var state = stateNames.Select((_, k) => Rand(10 * n + k, n, stateLo[k], stateHi?[k] ?? 2)).ToArray();
                var grad = Rand(999 + n, n, -2, 2);
                var cells = stateNames.Select((s, k) => Cell(s, state[k], t)).ToArray();
                // Inputs after the refs, in OpDef order: the gradient sits at gradPosition among them.
                var rest = scalars.Select(x => S(x, t)).ToList();
                rest.Insert(gradPosition, V(grad, t));
                // The reference starts from the values the cells actually hold (float-rounded for float).
                var expected = cells.Select(Read).ToArray();
                var g = t == DType.Float ? grad.Select(x => (double)(float)x).ToArray() : grad;
                var sc = t == DType.Float ? scalars.Select(x => (double)(float)x).ToArray() : scalars;
                for (int i = 0; i < n; i++)
                {
                    var s = expected.Select(a => a.Length == 0 ? 0 : a[i]).ToArray();
                    reference(s, g[i], sc);
                    for (int k = 0; k < s.Length; k++) expected[k][i] = s[k];
                }
                var slots = Run(op, t, cells, rest.ToArray(), attrs);
                Assert.AreSame(cells[0], slots[^1].Ref, "the output is var's ref");
                double tol = t == DType.Float ? 2e-5 : 1e-13;
                for (int k = 0; k < cells.Length; k++)
                {
                    var got = Read(cells[k]);
                    for (int i = 0; i < n; i++)
                        Assert.AreEqual(expected[k][i], got[i], tol * (1 + System.Math.Abs(expected[k][i])), $"{op.Name} {t} n={n} {stateNames[k]}[{i}]");
                }
            }
    }

    [TestMethod]
    public void Momentum() => Check(TrainingOps.ApplyMomentum, ["var", "accum"], [-2, -2], [0.1, 0.9], 1, (s, g, h) =>
    {
        s[1] = s[1] * h[1] + g;
        s[0] -= h[0] * s[1];
    });

    [TestMethod]
    public void Momentum_nesterov() => Check(TrainingOps.ApplyMomentum, ["var", "accum"], [-2, -2], [0.1, 0.9], 1, (s, g, h) =>
    {
        s[1] = s[1] * h[1] + g;
        s[0] -= g * h[0] + s[1] * h[1] * h[0];
    }, ("use_nesterov", AttrValue.Of(true)));

    [TestMethod]
    public void Adagrad() => Check(TrainingOps.ApplyAdagrad, ["var", "accum"], [-2, 0.1], [0.3], 1, (s, g, h) =>
    {
        s[1] += g * g;
        s[0] -= h[0] * g / System.Math.Sqrt(s[1]);
    });

    [TestMethod]
    public void Adagrad_without_slot_update() => Check(TrainingOps.ApplyAdagrad, ["var", "accum"], [-2, 0.1], [0.3], 1, (s, g, h) =>
        s[0] -= h[0] * g / System.Math.Sqrt(s[1]), ("update_slots", AttrValue.Of(false)));

    [TestMethod]
    public void Adadelta() => Check(TrainingOps.ApplyAdadelta, ["var", "accum", "accum_update"], [-2, 0, 0], [0.5, 0.95, 1e-6], 3, (s, g, h) =>
    {
        s[1] = h[1] * s[1] + (1 - h[1]) * g * g;
        var u = System.Math.Sqrt(s[2] + h[2]) / System.Math.Sqrt(s[1] + h[2]) * g;
        s[2] = h[1] * s[2] + (1 - h[1]) * u * u;
        s[0] -= h[0] * u;
    });

    [TestMethod]
    public void RMSProp() => Check(TrainingOps.ApplyRMSProp, ["var", "ms", "mom"], [-2, 0, -2], [0.01, 0.9, 0.5, 1e-6], 4, (s, g, h) =>
    {
        s[1] = h[1] * s[1] + (1 - h[1]) * g * g;
        s[2] = h[2] * s[2] + h[0] * g / System.Math.Sqrt(s[1] + h[3]);
        s[0] -= s[2];
    });

    [TestMethod]
    public void CenteredRMSProp() => Check(TrainingOps.ApplyCenteredRMSProp, ["var", "mg", "ms", "mom"], [-2, -0.1, 2, -2], [2, 0.1, 3, 2],
        [0.01, 0.9, 0.5, 1e-6], 4, (s, g, h) =>
        {
            s[1] = h[1] * s[1] + (1 - h[1]) * g;
            s[2] = h[1] * s[2] + (1 - h[1]) * g * g;
            s[3] = h[2] * s[3] + h[0] * g / System.Math.Sqrt(s[2] - s[1] * s[1] + h[3]);
            s[0] -= s[3];
        });

    [TestMethod]
    public void Adam()
    {
        foreach (var nesterov in new[] { false, true })
            Check(TrainingOps.ApplyAdam, ["var", "m", "v"], [-2, -1, 0], [0.9 * 0.9, 0.999 * 0.999, 0.01, 0.9, 0.999, 1e-7], 6, (s, g, h) =>
            {
                var lrT = h[2] * System.Math.Sqrt(1 - h[1]) / (1 - h[0]);
                s[1] = h[3] * s[1] + (1 - h[3]) * g;
                s[2] = h[4] * s[2] + (1 - h[4]) * g * g;
                var step = nesterov ? h[3] * s[1] + (1 - h[3]) * g : s[1];
                s[0] -= lrT * step / (System.Math.Sqrt(s[2]) + h[5]);
            }, ("use_nesterov", AttrValue.Of(nesterov)));
    }

    private static Action<double[], double, double[]> FtrlRule(bool shrinkage, bool byLr) => (s, g, h) =>
    {
        // h: lr, l1, l2, [l2_shrinkage], lr_power
        double lr = h[0], l1 = h[1], l2 = h[2], shr = shrinkage ? h[3] : 0, p = h[^1];
        var gs = g + 2 * shr * s[0];
        var na = s[1] + g * g;
        var sigma = System.Math.Pow(na, -p) - System.Math.Pow(s[1], -p);
        double q, thr;
        if (byLr) { s[2] += gs * lr - sigma * s[0]; q = System.Math.Pow(na, -p) + 2 * l2 * lr; thr = l1 * lr; }
        else { s[2] += gs - sigma / lr * s[0]; q = System.Math.Pow(na, -p) / lr + 2 * l2; thr = l1; }
        s[0] = System.Math.Abs(s[2]) > thr ? (System.Math.Sign(s[2]) * thr - s[2]) / q : 0;
        s[1] = na;
    };

    [TestMethod]
    public void Ftrl_and_FtrlV2()
    {
        Check(TrainingOps.ApplyFtrl, ["var", "accum", "linear"], [-2, 0.1, -2], [0.5, 0.25, 0.5, -0.5], 0, FtrlRule(false, false));
        Check(TrainingOps.ApplyFtrl, ["var", "accum", "linear"], [-2, 0.1, -2], [0.5, 0.25, 0.5, -0.75], 0, FtrlRule(false, false));
        Check(TrainingOps.ApplyFtrlV2, ["var", "accum", "linear"], [-2, 0.1, -2], [0.5, 0.25, 0.5, 0.125, -0.5], 0, FtrlRule(true, false));
        Check(TrainingOps.ApplyFtrlV2, ["var", "accum", "linear"], [-2, 0.1, -2], [0.5, 0.25, 0.5, 0.125, -0.5], 0, FtrlRule(true, true),
            ("multiply_linear_by_lr", AttrValue.Of(true)));
    }

    [TestMethod]
    public void Errors_use_tf_messages_and_leave_state_alone()
    {
        var t = DType.Float;
        var var = Cell("v", [1, 2], t);
        var acc = new RefCell("v/Momentum", t, new TensorShape(2));
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() =>
            Run(TrainingOps.ApplyMomentum, t, [var, acc], [S(0.1, t), V([1, 1], t), S(0.9, t)]));
        StringAssert.Contains(e.Message, "Attempting to use uninitialized value v/Momentum");
        acc.Set(HostTensor.FromArray(new float[] { 0, 0, 0 }, 3));
        var ia = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            Run(TrainingOps.ApplyMomentum, t, [var, acc], [S(0.1, t), V([1, 1], t), S(0.9, t)]));
        StringAssert.Contains(ia.Message, "var and accum do not have the same shape[2] [3]");
        acc = Cell("a", [0, 0], t);
        ia = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            Run(TrainingOps.ApplyMomentum, t, [var, acc], [V([0.1, 0.1], t), V([1, 1], t), S(0.9, t)]));
        StringAssert.Contains(ia.Message, "lr is not a scalar: [2]");
        ia = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            Run(TrainingOps.ApplyMomentum, t, [var, acc], [S(0.1, t), V([1, 1, 1], t), S(0.9, t)]));
        StringAssert.Contains(ia.Message, "var and grad do not have the same shape[2] [3]");
        ia = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            Run(TrainingOps.ApplyAdam, t, [var, Cell("m", [0, 0], t), Cell("vv", [0, 0], t)],
                [V([1, 1], t), S(0.9, t), S(0.1, t), S(0.9, t), S(0.9, t), S(1e-8, t), V([1, 1], t)]));
        StringAssert.Contains(ia.Message, "beta1_power is not a scalar: [2]");
        ia = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            Run(TrainingOps.ApplyFtrlV2, t, [var, Cell("ac", [0.1, 0.1], t), Cell("l", [0, 0], t)],
                [V([1, 1], t), S(0.1, t), S(-1, t), S(0, t), S(0, t), S(-0.5, t)]));
        StringAssert.Contains(ia.Message, "l1 regularization strength is not a non-negative scalar: []");
        CollectionAssert.AreEqual(new double[] { 1, 2 }, Read(var), "failed updates leave the variable alone");
    }

    [TestMethod]
    public void Definitions_and_shapes()
    {
        foreach (var op in new[] { TrainingOps.ApplyMomentum, TrainingOps.ApplyAdagrad, TrainingOps.ApplyAdadelta, TrainingOps.ApplyRMSProp,
                     TrainingOps.ApplyCenteredRMSProp, TrainingOps.ApplyAdam, TrainingOps.ApplyFtrl, TrainingOps.ApplyFtrlV2 })
        {
            Assert.IsTrue(op.InputArgs[0].IsRef && op.OutputArgs[0].IsRef, op.Name);
            Assert.IsTrue(KernelRunner.Kernels.HasKernel(op.Name), op.Name);
        }
        ShapeDsl.Infer(TrainingOps.ApplyMomentum, "[2,?];[?,3];[];[2,3];[]").Is("[2,3]");
        ShapeDsl.Infer(TrainingOps.ApplyMomentum, "[2];[2];[];[2];[1]").Fails("Shape must be rank 0 but is rank 1");
        ShapeDsl.Infer(TrainingOps.ApplyAdam, "[2];[?];[2];[];[];[];[];[];[];[3]").Fails("Dimension 0 in both shapes must be equal, but are 2 and 3");
        ShapeDsl.Infer(TrainingOps.ApplyAdam, "?;[4];?;[];[];[];[];[];[];?").Is("[4]");
        ShapeDsl.Infer(TrainingOps.ApplyCenteredRMSProp, "[1];[1];[1];[1];[];[];[];[];[1]").Is("[1]");
        ShapeDsl.Infer(TrainingOps.ApplyFtrlV2, "[5];[5];[5];[5];[];[];[];[];[]").Is("[5]");
    }
}

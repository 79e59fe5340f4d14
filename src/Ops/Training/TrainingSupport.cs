using System.Numerics;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Training;

/// <summary>
/// What the fused Apply* kernels share: the shape function (ref and gradient inputs merge, the
/// hyper-parameters are scalars), locking several variable cells without deadlock, and TF's checks
/// with TF's messages.
/// </summary>
internal static class TrainingSupport
{
    /// <summary>TF's Apply* shape functions: every input in <paramref name="same"/> merges into the output; <paramref name="scalars"/> are rank 0.</summary>
    public static ShapeFn Shape(int[] same, int[] scalars) => c =>
    {
        var s = c.Input(same[0]);
        for (int k = 1; k < same.Length; k++) s = s.MergeWith(c.Input(same[k]));
        foreach (var i in scalars) c.WithRank(i, 0);
        c.SetOutput(0, s);
    };

    /// <summary>The allowed T of every TF Apply* op (TF's numberTypes).</summary>
    public const string NumberTypes =
        "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64}";

    /// <summary>
    /// Takes every cell's lock in one global order (by name, which is unique within a session's
    /// resource store), as TF's MaybeLockVariableInputMutexesInOrder does, so two updates sharing
    /// variables cannot deadlock.
    /// </summary>
    public static RefCell[] LockInOrder(RefCell[] cells)
    {
        var ordered = cells.Distinct().OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();
        int taken = 0;
        try
        {
            for (; taken < ordered.Length; taken++) Monitor.Enter(ordered[taken].Lock);
        }
        catch
        {
            for (int i = taken - 1; i >= 0; i--) Monitor.Exit(ordered[i].Lock);
            throw;
        }
        return ordered;
    }

    public static void Unlock(RefCell[] ordered)
    {
        for (int i = ordered.Length - 1; i >= 0; i--) Monitor.Exit(ordered[i].Lock);
    }

    /// <summary>A hyper-parameter input: a scalar, or InvalidArgument "lr is not a scalar: [2]" as TF words it.</summary>
    public static T Scalar<T>(OpKernelContext ctx, int input, string what) where T : unmanaged
    {
        var t = ctx.Input(input);
        if (t.Rank != 0) throw new InvalidArgumentException($"{what} is not a scalar: {t.Shape}");
        return t.ScalarValue<T>();
    }

    /// <summary>TF's "var and accum do not have the same shape[2] [3]" (its two DebugStrings follow the text unspaced).</summary>
    public static void SameShape(HostTensor var, HostTensor other, string otherName)
    {
        if (!var.SameShape(other))
            throw new InvalidArgumentException($"var and {otherName} do not have the same shape{var.Shape} {other.Shape}");
    }

    /// <summary>Runs an update with every ref input locked, reading each cell (uninitialised cells fail with TF's message), and outputs var's ref.</summary>
    public static void Update(OpKernelContext ctx, int refInputs, Action<HostTensor[]> update)
    {
        var cells = new RefCell[refInputs];
        for (int i = 0; i < refInputs; i++) cells[i] = ctx.InputRef(i);
        var locked = LockInOrder(cells);
        try
        {
            var values = new HostTensor[refInputs];
            for (int i = 0; i < refInputs; i++) values[i] = cells[i].Read();
            update(values);
        }
        finally
        {
            Unlock(locked);
        }
        ctx.SetOutputRef(0, cells[0]);
    }

    /// <summary>Registers float and double kernels (TF's CPU kernels also cover half/bfloat16, which we do not run).</summary>
    public static void AddFloating(KernelRegistry k, OpDef op, KernelFactory f32, KernelFactory f64)
    {
        k.Add(op, DType.Float, f32);
        k.Add(op, DType.Double, f64);
    }

    public static T Two<T>() where T : INumberBase<T> => T.One + T.One;
}

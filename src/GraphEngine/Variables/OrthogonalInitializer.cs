using GraphEngine.Ops.Compute.Linalg;
using GraphEngine.Ops.Compute.Random;
using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// TF1's Orthogonal initializer: a normal matrix of shape (rows, cols) = (∏shape[:-1], shape[-1])
/// (transposed when rows &lt; cols) is factored as QR, Q's columns are sign-corrected by diag(R),
/// and gain · Q is reshaped to the shape.
/// Computed on the host when the initializer is built (GraphEngine has no Qr op): the normal
/// sample is drawn with the same Philox stream and seeds a RandomStandardNormal op would use on its
/// first run, and the result is baked into a Const. Unlike TF, re-running the variable's
/// initializer therefore gives the same matrix rather than a fresh draw.
/// </summary>
public sealed class OrthogonalInitializer(double gain = 1.0, int? seed = null, DType dtype = DType.Float) : Initializer(dtype)
{
    protected internal override Tensor Call(TensorShape shape, DType dtype)
    {
        RequireFloating(dtype, "orthogonal_initializer");
        if (!shape.HasRank || shape.Rank < 2)
            throw new InvalidArgumentException($"The tensor to initialize must be at least two-dimensional, got shape {shape}.");
        var dims = shape.ToArray();
        long rows = 1;
        for (int i = 0; i < dims.Length - 1; i++) rows *= dims[i];
        long cols = dims[^1];
        bool wide = rows < cols;
        int m = (int)(wide ? cols : rows), n = (int)(wide ? rows : cols);
        var a = DrawNormal(m * n, dtype);
        var q = new double[m * n];
        var r = new double[n * n];
        Householder.Qr(a, m, n, q, r);
        for (int j = 0; j < n; j++)
        {
            double d = Math.Sign(r[j * n + j]);
            for (int i = 0; i < m; i++) q[i * n + j] *= d * gain;
        }
        var result = q;
        if (wide)
        {
            result = new double[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) result[j * m + i] = q[i * n + j];
        }
        return tf.constant(result, dtype, shape, name: "Const");
    }

    private double[] DrawNormal(int count, DType dtype)
    {
        var (s1, s2) = tf.GetSeed(seed);
        if (s1 == 0 && s2 == 0)
        {
            // No seed anywhere: nondeterministic, as TF's RandomStandardNormal.
            s1 = System.Random.Shared.NextInt64();
            s2 = System.Random.Shared.NextInt64();
        }
        var gen = new Philox((ulong)s1, (ulong)s2);
        var result = new double[count];
        if (dtype == DType.Double) Distributions.FillNormal(gen, result);
        else
        {
            var f = new float[count];
            Distributions.FillNormal(gen, f);
            for (int i = 0; i < count; i++) result[i] = f[i];
        }
        return result;
    }
}

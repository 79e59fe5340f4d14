namespace GraphEngine.Ops.Compute.Linalg;

/// <summary>
/// Reduced QR decomposition by Householder reflections, in double precision. Used on the host by
/// the orthogonal initializer (GraphEngine has no Qr op); small matrices only, no blocking.
/// </summary>
public static class Householder
{
    /// <summary>
    /// Factors the row-major m×n matrix <paramref name="a"/> (m ≥ n) as Q·R with Q m×n having
    /// orthonormal columns (written to <paramref name="q"/>, row-major) and R n×n upper triangular
    /// (written to <paramref name="r"/>).
    /// </summary>
    public static void Qr(ReadOnlySpan<double> a, int m, int n, Span<double> q, Span<double> r)
    {
        if (m < n) throw new ArgumentException($"Householder.Qr needs rows >= columns, got {m}x{n}.");
        if (a.Length != m * n || q.Length != m * n || r.Length != n * n)
            throw new ArgumentException($"Householder.Qr: buffer sizes {a.Length}, {q.Length}, {r.Length} do not fit {m}x{n}.");
        var w = a.ToArray();              // becomes R in its top n rows
        var vs = new double[n][];         // the unit reflector of each step (length m - k)
        for (int k = 0; k < n; k++)
        {
            int len = m - k;
            var v = new double[len];
            double norm = 0;
            for (int i = 0; i < len; i++)
            {
                v[i] = w[(k + i) * n + k];
                norm += v[i] * v[i];
            }
            norm = System.Math.Sqrt(norm);
            // Reflect x onto -sign(x0)·‖x‖·e0: adding in the sign of x0 avoids cancellation.
            double alpha = v[0] >= 0 ? -norm : norm;
            v[0] -= alpha;
            double vnorm = 0;
            for (int i = 0; i < len; i++) vnorm += v[i] * v[i];
            vnorm = System.Math.Sqrt(vnorm);
            if (vnorm > 0)
                for (int i = 0; i < len; i++) v[i] /= vnorm;
            vs[k] = v;
            for (int j = k; j < n; j++)
            {
                double dot = 0;
                for (int i = 0; i < len; i++) dot += v[i] * w[(k + i) * n + j];
                for (int i = 0; i < len; i++) w[(k + i) * n + j] -= 2 * v[i] * dot;
            }
        }
        r.Clear();
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) r[i * n + j] = w[i * n + j];
        // Q = H0·H1·…·H(n-1) applied to the first n columns of the identity, innermost reflector first.
        q.Clear();
        for (int i = 0; i < n; i++) q[i * n + i] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = vs[k];
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = 0; i < v.Length; i++) dot += v[i] * q[(k + i) * n + j];
                for (int i = 0; i < v.Length; i++) q[(k + i) * n + j] -= 2 * v[i] * dot;
            }
        }
    }
}

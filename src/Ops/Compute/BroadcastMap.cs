namespace GraphEngine.Ops.Compute;

/// <summary>A scalar function whose result type may differ from its operands' (comparisons give bool).</summary>
public interface IMapOp<TX, TY, TZ>
{
    static abstract TZ Invoke(TX x, TY y);
}

/// <summary>
/// Broadcasting maps for ops whose output type differs from the input type (comparisons,
/// logical ops) and for the three-operand select. Same-shape and scalar operands take flat
/// loops; anything else walks the output with per-operand broadcast strides.
/// </summary>
public static class BroadcastMap
{
    /// <summary>z = op(x, y) with NumPy broadcasting; zDims must be the broadcast shape.</summary>
    public static void Binary<TX, TY, TZ, TOp>(ReadOnlySpan<TX> x, ReadOnlySpan<long> xDims, ReadOnlySpan<TY> y, ReadOnlySpan<long> yDims,
        Span<TZ> z, ReadOnlySpan<long> zDims) where TOp : IMapOp<TX, TY, TZ>
    {
        long total = Count(zDims);
        if (x.Length != Count(xDims) || y.Length != Count(yDims) || z.Length < total)
            throw new ArgumentException("Span lengths do not match the shapes.");
        if (total == 0) return;
        int n = checked((int)total);
        if (x.Length == n && y.Length == n)
        {
            for (int i = 0; i < n; i++) z[i] = TOp.Invoke(x[i], y[i]);
            return;
        }
        if (x.Length == 1 && y.Length == n)
        {
            var xv = x[0];
            for (int i = 0; i < n; i++) z[i] = TOp.Invoke(xv, y[i]);
            return;
        }
        if (y.Length == 1 && x.Length == n)
        {
            var yv = y[0];
            for (int i = 0; i < n; i++) z[i] = TOp.Invoke(x[i], yv);
            return;
        }
        int rank = zDims.Length;
        Span<long> sx = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Span<long> sy = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Strided.BroadcastStrides(xDims, zDims, sx);
        Strided.BroadcastStrides(yDims, zDims, sy);
        Span<long> idx = stackalloc long[rank];
        long ox = 0, oy = 0;
        for (int i = 0; i < n; i++)
        {
            z[i] = TOp.Invoke(x[(int)ox], y[(int)oy]);
            for (int d = rank - 1; d >= 0; d--)
            {
                ox += sx[d];
                oy += sy[d];
                if (++idx[d] < zDims[d]) break;
                ox -= sx[d] * zDims[d];
                oy -= sy[d] * zDims[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>z = c ? t : e with broadcasting of all three operands to zDims.</summary>
    public static void Select<T>(ReadOnlySpan<bool> c, ReadOnlySpan<long> cDims, ReadOnlySpan<T> t, ReadOnlySpan<long> tDims,
        ReadOnlySpan<T> e, ReadOnlySpan<long> eDims, Span<T> z, ReadOnlySpan<long> zDims)
    {
        long total = Count(zDims);
        if (c.Length != Count(cDims) || t.Length != Count(tDims) || e.Length != Count(eDims) || z.Length < total)
            throw new ArgumentException("Span lengths do not match the shapes.");
        if (total == 0) return;
        int n = checked((int)total);
        if (c.Length == n && t.Length == n && e.Length == n)
        {
            for (int i = 0; i < n; i++) z[i] = c[i] ? t[i] : e[i];
            return;
        }
        int rank = zDims.Length;
        Span<long> sc = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Span<long> st = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Span<long> se = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Strided.BroadcastStrides(cDims, zDims, sc);
        Strided.BroadcastStrides(tDims, zDims, st);
        Strided.BroadcastStrides(eDims, zDims, se);
        Span<long> idx = stackalloc long[rank];
        long oc = 0, ot = 0, oe = 0;
        for (int i = 0; i < n; i++)
        {
            z[i] = c[(int)oc] ? t[(int)ot] : e[(int)oe];
            for (int d = rank - 1; d >= 0; d--)
            {
                oc += sc[d];
                ot += st[d];
                oe += se[d];
                if (++idx[d] < zDims[d]) break;
                oc -= sc[d] * zDims[d];
                ot -= st[d] * zDims[d];
                oe -= se[d] * zDims[d];
                idx[d] = 0;
            }
        }
    }

    private static long Count(ReadOnlySpan<long> dims)
    {
        long n = 1;
        foreach (var d in dims) n *= d;
        return n;
    }
}

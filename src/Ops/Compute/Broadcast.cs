namespace GraphEngine.Ops.Compute;

/// <summary>
/// NumPy/TF broadcasting for binary elementwise ops over row-major spans. The shapes are first
/// collapsed: size-1 output dims are dropped and adjacent dims merged wherever both operands stay
/// contiguous (or both broadcast), so same-shape, scalar-op-tensor, tensor-op-scalar and the
/// row-vector bias pattern all reduce to a few calls of the op's span kernel per inner row.
/// </summary>
public static unsafe class Broadcast
{
    /// <summary>Element count above which work is split across cores.</summary>
    public const int ParallelThreshold = 1 << 16;

    /// <summary>The broadcast shape of x and y, or false when some dimension pair is incompatible.</summary>
    public static bool TryShape(ReadOnlySpan<long> x, ReadOnlySpan<long> y, out long[] z)
    {
        z = new long[System.Math.Max(x.Length, y.Length)];
        return TryShape(x, y, z.AsSpan());
    }

    /// <summary>
    /// <see cref="TryShape(ReadOnlySpan{long}, ReadOnlySpan{long}, out long[])"/> into <paramref name="z"/>,
    /// which must hold max(rank x, rank y) dims; allocates nothing.
    /// </summary>
    public static bool TryShape(ReadOnlySpan<long> x, ReadOnlySpan<long> y, Span<long> z)
    {
        int rank = System.Math.Max(x.Length, y.Length);
        for (int i = 0; i < rank; i++)
        {
            int xi = i - (rank - x.Length), yi = i - (rank - y.Length);
            long dx = xi >= 0 ? x[xi] : 1, dy = yi >= 0 ? y[yi] : 1;
            if (dx == dy || dy == 1) z[i] = dx;
            else if (dx == 1) z[i] = dy;
            else return false;
        }
        return true;
    }

    private static long Count(ReadOnlySpan<long> dims)
    {
        long n = 1;
        foreach (var d in dims) n *= d;
        return n;
    }

    /// <summary>z = op(x, y) with broadcasting; zDims must be the broadcast shape. z may alias x or y exactly when they have zDims.</summary>
    public static void Binary<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<long> xDims, ReadOnlySpan<T> y, ReadOnlySpan<long> yDims,
        Span<T> z, ReadOnlySpan<long> zDims) where T : unmanaged where TOp : IBinaryOp<T>
    {
        int rank = zDims.Length;
        if (xDims.Length > rank || yDims.Length > rank) throw new ArgumentException("Output rank is below an input rank.");
        long total = Count(zDims);
        if (x.Length != Count(xDims) || y.Length != Count(yDims) || z.Length < total)
            throw new ArgumentException("Span lengths do not match the shapes.");
        if (total == 0) return;

        // Collapsed plan, innermost dim first: extent and element stride of x and y (0 = broadcast).
        Span<long> n = stackalloc long[rank + 1], sx = stackalloc long[rank + 1], sy = stackalloc long[rank + 1];
        int cnt = 0;
        long strideX = 1, strideY = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            long d = zDims[i];
            int xi = i - (rank - xDims.Length), yi = i - (rank - yDims.Length);
            long dx = xi >= 0 ? xDims[xi] : 1, dy = yi >= 0 ? yDims[yi] : 1;
            if ((dx != d && dx != 1) || (dy != d && dy != 1)) throw new ArgumentException("Shapes do not broadcast to the output shape.");
            long stx = dx == 1 ? 0 : strideX, sty = dy == 1 ? 0 : strideY;
            strideX *= dx;
            strideY *= dy;
            if (d == 1) continue;
            if (cnt > 0 && stx == sx[cnt - 1] * n[cnt - 1] && sty == sy[cnt - 1] * n[cnt - 1])
            {
                n[cnt - 1] *= d;
                continue;
            }
            n[cnt] = d; sx[cnt] = stx; sy[cnt] = sty;
            cnt++;
        }

        fixed (T* px = x)
        fixed (T* py = y)
        fixed (T* pz = z)
        fixed (long* pn = n, psx = sx, psy = sy)
        {
            if (cnt == 0)
            {
                *pz = TOp.Invoke(*px, *py);
                return;
            }
            long rows = total / pn[0];
            if (total < ParallelThreshold || Environment.ProcessorCount < 2)
            {
                RunRows<T, TOp>(px, py, pz, pn, psx, psy, cnt, 0, rows);
                return;
            }
            // Large: split rows (or, for one long row, the row itself) across cores. The plan stays on
            // this thread's stack: ParallelRange returns only after every part ran.
            if (rows == 1)
            {
                var chunks = new RowChunks<T, TOp> { X = px, BX = psx[0] != 0, Y = py, BY = psy[0] != 0, Z = pz };
                ParallelRange.Run(chunks, checked((int)pn[0]), ParallelThreshold / 2);
                return;
            }
            var body = new Rows<T, TOp> { X = px, Y = py, Z = pz, N = pn, SX = psx, SY = psy, Cnt = cnt };
            ParallelRange.Run(body, checked((int)rows), 1);
        }
    }

    private struct Rows<T, TOp> : IRangeBody where T : unmanaged where TOp : IBinaryOp<T>
    {
        public T* X, Y, Z;
        public long* N, SX, SY;
        public int Cnt;

        public readonly void Run(int start, int end) => RunRows<T, TOp>(X, Y, Z, N, SX, SY, Cnt, start, end);
    }

    /// <summary>Elements [start, end) of one long collapsed row; a broadcast operand (stride 0) stays a scalar.</summary>
    private struct RowChunks<T, TOp> : IRangeBody where T : unmanaged where TOp : IBinaryOp<T>
    {
        public T* X, Y, Z;
        public bool BX, BY;

        public readonly void Run(int start, int end) =>
            Inner<T, TOp>(X + (BX ? start : 0), BX ? 1 : 0, Y + (BY ? start : 0), BY ? 1 : 0, Z + start, end - start);
    }

    /// <summary>Rows [r0, r1) of the collapsed plan: dim 0 is the inner row, dims 1.. are walked by an odometer.</summary>
    private static void RunRows<T, TOp>(T* x, T* y, T* z, long* n, long* sx, long* sy, int cnt, long r0, long r1)
        where T : unmanaged where TOp : IBinaryOp<T>
    {
        long* idx = stackalloc long[cnt];
        long offX = 0, offY = 0, rest = r0;
        for (int d = 1; d < cnt; d++)
        {
            idx[d] = rest % n[d];
            rest /= n[d];
            offX += idx[d] * sx[d];
            offY += idx[d] * sy[d];
        }
        long inner = n[0];
        for (long r = r0; r < r1; r++)
        {
            Inner<T, TOp>(x + offX, sx[0], y + offY, sy[0], z + r * inner, inner);
            for (int d = 1; d < cnt; d++)
            {
                offX += sx[d];
                offY += sy[d];
                if (++idx[d] < n[d]) break;
                offX -= sx[d] * n[d];
                offY -= sy[d] * n[d];
                idx[d] = 0;
            }
        }
    }

    // Inner strides are 1 (contiguous) or 0 (broadcast scalar) after collapsing.
    private static void Inner<T, TOp>(T* x, long sx, T* y, long sy, T* z, long len) where T : unmanaged where TOp : IBinaryOp<T>
    {
        int m = checked((int)len);
        var zs = new Span<T>(z, m);
        if (sx != 0 && sy != 0) TOp.Invoke(new ReadOnlySpan<T>(x, m), new ReadOnlySpan<T>(y, m), zs);
        else if (sx == 0 && sy != 0) TOp.Invoke(*x, new ReadOnlySpan<T>(y, m), zs);
        else if (sx != 0) TOp.Invoke(new ReadOnlySpan<T>(x, m), *y, zs);
        else zs.Fill(TOp.Invoke(*x, *y));
    }
}

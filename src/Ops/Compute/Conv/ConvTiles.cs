using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// Register-tiled AVX-512 micro-kernels (AVX2 ones in <see cref="ConvTiles256"/>, picked by <see cref="Rows{T}"/>/<see cref="Outer{T}"/>) shared by the direct convolutions (<see cref="ConvDirect"/>).
/// Both compute a block of a product whose left operand is read through per-row offsets into a
/// zero-padded image, so no im2col matrix is ever built:
/// <list type="bullet">
/// <item><see cref="Rows6x4"/> and friends: out[r, 0..NV·V) = Σ_k x[rowOff[r] + kOff[k]] · b[k, ·] (forward:
/// rows are output pixels, k runs over (tap, channel), b is the HWIO filter with a padded row stride).</item>
/// <item><see cref="Outer6x4"/>: acc[r, ·] += Σ_p x[pixOff[p] + rowOff[r]] · dy[p, ·] (filter gradient:
/// rows are (tap, channel) pairs, p runs over output pixels).</item>
/// </list>
/// Output depths that are not a multiple of 4 vectors finish with 12-row tiles of 2 vectors, then 1.
/// The accumulators of a 6×4-vector tile (24 zmm) plus 4 b vectors and a broadcast fit AVX-512's 32 registers.
/// </summary>
internal static unsafe partial class ConvTiles
{
    public const int MaxRows = 12;

    /// <summary>Whether the 512-bit tiles run here; otherwise <see cref="ConvTiles256"/>'s AVX2 tiles do.</summary>
    public static bool Wide => HardwareWide && !Avx2Only;

    private static readonly bool HardwareWide = Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>Set by tests to run the AVX2 tiles on an AVX-512 machine (the target CPU, Zen 3, has AVX2 only).</summary>
    internal static bool Avx2Only;

    /// <summary>Whether either tile set runs here (float and double only).</summary>
    public static bool IsSupported<T>() where T : unmanaged =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        && (Wide || (System.Runtime.Intrinsics.X86.Fma.IsSupported && Vector256.IsHardwareAccelerated));

    /// <summary>Lanes of one vector of the active tile set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Lanes<T>() where T : unmanaged => Wide ? Vector512<T>.Count : Vector256<T>.Count;

    /// <summary>Vectors in the column block at <paramref name="ob"/> of a row of <paramref name="ld"/> (a multiple of the lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BlockVectors<T>(int ld, int ob) where T : unmanaged
    {
        int left = (ld - ob) / Lanes<T>();
        if (Wide) return left >= 4 ? 4 : left >= 2 ? 2 : 1;
        return left >= 2 ? 2 : 1;
    }

    /// <summary>Rows of the tile that is <paramref name="nv"/> vectors wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RowsFor(int nv) => Wide ? (nv == 4 ? 6 : 12) : (nv == 2 ? 6 : 12);

    /// <summary>Forward tile of <see cref="RowsFor"/>(nv) rows × nv vectors, stored at tile + r·ldt (a scratch tile or the output rows themselves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Rows<T>(int nv, T* x, long* o, int* tapOff, int taps, int cin, T* b, int ldb, T* tile, int ldt, bool add = false) where T : unmanaged
    {
        if (Wide)
        {
            if (nv == 4) Rows6x4(x, o, tapOff, taps, cin, b, ldb, tile, ldt, add);
            else if (nv == 2) Rows12x2(x, o, tapOff, taps, cin, b, ldb, tile, ldt, add);
            else Rows12x1(x, o, tapOff, taps, cin, b, ldb, tile, ldt, add);
        }
        else if (nv == 2) ConvTiles256.Rows6x2(x, o, tapOff, taps, cin, b, ldb, tile, ldt, add);
        else ConvTiles256.Rows12x1(x, o, tapOff, taps, cin, b, ldb, tile, ldt, add);
    }

    /// <summary>Filter-gradient tile of <see cref="RowsFor"/>(nv) rows × nv vectors, added into acc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Outer<T>(int nv, T* x, long* o, int oh, int ow, long rowStep, long colStep, T* dy, int ldd, T* acc, int lda)
        where T : unmanaged
    {
        if (Wide)
        {
            if (nv == 4) Outer6x4(x, o, oh, ow, rowStep, colStep, dy, ldd, acc, lda);
            else if (nv == 2) Outer12x2(x, o, oh, ow, rowStep, colStep, dy, ldd, acc, lda);
            else Outer12x1(x, o, oh, ow, rowStep, colStep, dy, ldd, acc, lda);
        }
        else if (nv == 2) ConvTiles256.Outer6x2(x, o, oh, ow, rowStep, colStep, dy, ldd, acc, lda);
        else ConvTiles256.Outer12x1(x, o, oh, ow, rowStep, colStep, dy, ldd, acc, lda);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> acc) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Avx512F.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), acc.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), acc.AsDouble()).As<double, T>();
        return a * b + acc;
    }

    /// <summary>
    /// Forward tile, 6 rows × 4 vectors: rows r read x at o[r] + (tap offset) + c; b rows are (tap, c) with stride ldb.
    /// Row r of the result is stored at tile + r·ldt (a scratch tile, or the output when the whole tile is valid).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows6x4<T>(T* x, long* o, int* tapOff, int taps, int cin, T* b, int ldb, T* tile, int ldt, bool add = false) where T : unmanaged
    {
        int v = Vector512<T>.Count;
        Vector512<T> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<T> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<T> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<T> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector512<T> a40 = default, a41 = default, a42 = default, a43 = default;
        Vector512<T> a50 = default, a51 = default, a52 = default, a53 = default;
        long o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5];
        for (int t = 0; t < taps; t++)
        {
            T* xt = x + tapOff[t];
            T* bt = b + (long)t * cin * ldb;
            for (int c = 0; c < cin; c++, bt += ldb)
            {
                var b0 = Vector512.Load(bt); var b1 = Vector512.Load(bt + v);
                var b2 = Vector512.Load(bt + 2 * v); var b3 = Vector512.Load(bt + 3 * v);
                var s = Vector512.Create(xt[o0 + c]);
                a00 = Fma(s, b0, a00); a01 = Fma(s, b1, a01); a02 = Fma(s, b2, a02); a03 = Fma(s, b3, a03);
                s = Vector512.Create(xt[o1 + c]);
                a10 = Fma(s, b0, a10); a11 = Fma(s, b1, a11); a12 = Fma(s, b2, a12); a13 = Fma(s, b3, a13);
                s = Vector512.Create(xt[o2 + c]);
                a20 = Fma(s, b0, a20); a21 = Fma(s, b1, a21); a22 = Fma(s, b2, a22); a23 = Fma(s, b3, a23);
                s = Vector512.Create(xt[o3 + c]);
                a30 = Fma(s, b0, a30); a31 = Fma(s, b1, a31); a32 = Fma(s, b2, a32); a33 = Fma(s, b3, a33);
                s = Vector512.Create(xt[o4 + c]);
                a40 = Fma(s, b0, a40); a41 = Fma(s, b1, a41); a42 = Fma(s, b2, a42); a43 = Fma(s, b3, a43);
                s = Vector512.Create(xt[o5 + c]);
                a50 = Fma(s, b0, a50); a51 = Fma(s, b1, a51); a52 = Fma(s, b2, a52); a53 = Fma(s, b3, a53);
            }
        }
        int w = ldt;
        // One branch for the whole tile, so each store sequence is straight-line code.
        if (add)
        {
            Out4(tile, v, a00, a01, a02, a03, true); Out4(tile + w, v, a10, a11, a12, a13, true);
            Out4(tile + 2 * w, v, a20, a21, a22, a23, true); Out4(tile + 3 * w, v, a30, a31, a32, a33, true);
            Out4(tile + 4 * w, v, a40, a41, a42, a43, true); Out4(tile + 5 * w, v, a50, a51, a52, a53, true);
        }
        else
        {
            Out4(tile, v, a00, a01, a02, a03, false); Out4(tile + w, v, a10, a11, a12, a13, false);
            Out4(tile + 2 * w, v, a20, a21, a22, a23, false); Out4(tile + 3 * w, v, a30, a31, a32, a33, false);
            Out4(tile + 4 * w, v, a40, a41, a42, a43, false); Out4(tile + 5 * w, v, a50, a51, a52, a53, false);
        }
    }

    /// <summary>Forward tile, 12 rows × 2 vectors (output depths of 2 vectors or less). Same contract.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows12x2<T>(T* x, long* o, int* tapOff, int taps, int cin, T* b, int ldb, T* tile, int ldt, bool add = false) where T : unmanaged
    {
        int v = Vector512<T>.Count;
        Vector512<T> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector512<T> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        Vector512<T> a60 = default, a61 = default, a70 = default, a71 = default, a80 = default, a81 = default;
        Vector512<T> a90 = default, a91 = default, aa0 = default, aa1 = default, ab0 = default, ab1 = default;
        for (int t = 0; t < taps; t++)
        {
            T* xt = x + tapOff[t];
            T* bt = b + (long)t * cin * ldb;
            for (int c = 0; c < cin; c++, bt += ldb)
            {
                var b0 = Vector512.Load(bt); var b1 = Vector512.Load(bt + v);
                T* xc = xt + c;
                var s = Vector512.Create(xc[o[0]]); a00 = Fma(s, b0, a00); a01 = Fma(s, b1, a01);
                s = Vector512.Create(xc[o[1]]); a10 = Fma(s, b0, a10); a11 = Fma(s, b1, a11);
                s = Vector512.Create(xc[o[2]]); a20 = Fma(s, b0, a20); a21 = Fma(s, b1, a21);
                s = Vector512.Create(xc[o[3]]); a30 = Fma(s, b0, a30); a31 = Fma(s, b1, a31);
                s = Vector512.Create(xc[o[4]]); a40 = Fma(s, b0, a40); a41 = Fma(s, b1, a41);
                s = Vector512.Create(xc[o[5]]); a50 = Fma(s, b0, a50); a51 = Fma(s, b1, a51);
                s = Vector512.Create(xc[o[6]]); a60 = Fma(s, b0, a60); a61 = Fma(s, b1, a61);
                s = Vector512.Create(xc[o[7]]); a70 = Fma(s, b0, a70); a71 = Fma(s, b1, a71);
                s = Vector512.Create(xc[o[8]]); a80 = Fma(s, b0, a80); a81 = Fma(s, b1, a81);
                s = Vector512.Create(xc[o[9]]); a90 = Fma(s, b0, a90); a91 = Fma(s, b1, a91);
                s = Vector512.Create(xc[o[10]]); aa0 = Fma(s, b0, aa0); aa1 = Fma(s, b1, aa1);
                s = Vector512.Create(xc[o[11]]); ab0 = Fma(s, b0, ab0); ab1 = Fma(s, b1, ab1);
            }
        }
        int w = ldt;
        // One branch for the whole tile, so each store sequence is straight-line code.
        if (add)
        {
            Out2(tile, v, a00, a01, true); Out2(tile + w, v, a10, a11, true); Out2(tile + 2 * w, v, a20, a21, true);
            Out2(tile + 3 * w, v, a30, a31, true); Out2(tile + 4 * w, v, a40, a41, true); Out2(tile + 5 * w, v, a50, a51, true);
            Out2(tile + 6 * w, v, a60, a61, true); Out2(tile + 7 * w, v, a70, a71, true); Out2(tile + 8 * w, v, a80, a81, true);
            Out2(tile + 9 * w, v, a90, a91, true); Out2(tile + 10 * w, v, aa0, aa1, true); Out2(tile + 11 * w, v, ab0, ab1, true);
        }
        else
        {
            Out2(tile, v, a00, a01, false); Out2(tile + w, v, a10, a11, false); Out2(tile + 2 * w, v, a20, a21, false);
            Out2(tile + 3 * w, v, a30, a31, false); Out2(tile + 4 * w, v, a40, a41, false); Out2(tile + 5 * w, v, a50, a51, false);
            Out2(tile + 6 * w, v, a60, a61, false); Out2(tile + 7 * w, v, a70, a71, false); Out2(tile + 8 * w, v, a80, a81, false);
            Out2(tile + 9 * w, v, a90, a91, false); Out2(tile + 10 * w, v, aa0, aa1, false); Out2(tile + 11 * w, v, ab0, ab1, false);
        }
    }

    /// <summary>
    /// Filter-gradient tile, 6 rows × 4 vectors, accumulated into acc (row stride lda): for each output
    /// pixel (oh, ow) of one image, row r reads x[(oh·rowStep + ow·colStep) + o[r]] and dy row p has stride ldd.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Outer6x4<T>(T* x, long* o, int oh, int ow, long rowStep, long colStep, T* dy, int ldd, T* acc, int lda)
        where T : unmanaged
    {
        int v = Vector512<T>.Count;
        Vector512<T> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<T> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<T> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<T> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector512<T> a40 = default, a41 = default, a42 = default, a43 = default;
        Vector512<T> a50 = default, a51 = default, a52 = default, a53 = default;
        long o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5];
        T* d = dy;
        for (int i = 0; i < oh; i++)
        {
            T* xp = x + i * rowStep;
            for (int j = 0; j < ow; j++, xp += colStep, d += ldd)
            {
                var b0 = Vector512.Load(d); var b1 = Vector512.Load(d + v);
                var b2 = Vector512.Load(d + 2 * v); var b3 = Vector512.Load(d + 3 * v);
                var s = Vector512.Create(xp[o0]);
                a00 = Fma(s, b0, a00); a01 = Fma(s, b1, a01); a02 = Fma(s, b2, a02); a03 = Fma(s, b3, a03);
                s = Vector512.Create(xp[o1]);
                a10 = Fma(s, b0, a10); a11 = Fma(s, b1, a11); a12 = Fma(s, b2, a12); a13 = Fma(s, b3, a13);
                s = Vector512.Create(xp[o2]);
                a20 = Fma(s, b0, a20); a21 = Fma(s, b1, a21); a22 = Fma(s, b2, a22); a23 = Fma(s, b3, a23);
                s = Vector512.Create(xp[o3]);
                a30 = Fma(s, b0, a30); a31 = Fma(s, b1, a31); a32 = Fma(s, b2, a32); a33 = Fma(s, b3, a33);
                s = Vector512.Create(xp[o4]);
                a40 = Fma(s, b0, a40); a41 = Fma(s, b1, a41); a42 = Fma(s, b2, a42); a43 = Fma(s, b3, a43);
                s = Vector512.Create(xp[o5]);
                a50 = Fma(s, b0, a50); a51 = Fma(s, b1, a51); a52 = Fma(s, b2, a52); a53 = Fma(s, b3, a53);
            }
        }
        Add(acc, v, a00, a01, a02, a03); Add(acc + lda, v, a10, a11, a12, a13);
        Add(acc + 2 * lda, v, a20, a21, a22, a23); Add(acc + 3 * lda, v, a30, a31, a32, a33);
        Add(acc + 4 * lda, v, a40, a41, a42, a43); Add(acc + 5 * lda, v, a50, a51, a52, a53);
    }

    /// <summary>Filter-gradient tile, 12 rows × 2 vectors (gradient depths of 2 vectors or less). Same contract.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Outer12x2<T>(T* x, long* o, int oh, int ow, long rowStep, long colStep, T* dy, int ldd, T* acc, int lda)
        where T : unmanaged
    {
        int v = Vector512<T>.Count;
        Vector512<T> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector512<T> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        Vector512<T> a60 = default, a61 = default, a70 = default, a71 = default, a80 = default, a81 = default;
        Vector512<T> a90 = default, a91 = default, aa0 = default, aa1 = default, ab0 = default, ab1 = default;
        T* d = dy;
        for (int i = 0; i < oh; i++)
        {
            T* xp = x + i * rowStep;
            for (int j = 0; j < ow; j++, xp += colStep, d += ldd)
            {
                var b0 = Vector512.Load(d); var b1 = Vector512.Load(d + v);
                var s = Vector512.Create(xp[o[0]]); a00 = Fma(s, b0, a00); a01 = Fma(s, b1, a01);
                s = Vector512.Create(xp[o[1]]); a10 = Fma(s, b0, a10); a11 = Fma(s, b1, a11);
                s = Vector512.Create(xp[o[2]]); a20 = Fma(s, b0, a20); a21 = Fma(s, b1, a21);
                s = Vector512.Create(xp[o[3]]); a30 = Fma(s, b0, a30); a31 = Fma(s, b1, a31);
                s = Vector512.Create(xp[o[4]]); a40 = Fma(s, b0, a40); a41 = Fma(s, b1, a41);
                s = Vector512.Create(xp[o[5]]); a50 = Fma(s, b0, a50); a51 = Fma(s, b1, a51);
                s = Vector512.Create(xp[o[6]]); a60 = Fma(s, b0, a60); a61 = Fma(s, b1, a61);
                s = Vector512.Create(xp[o[7]]); a70 = Fma(s, b0, a70); a71 = Fma(s, b1, a71);
                s = Vector512.Create(xp[o[8]]); a80 = Fma(s, b0, a80); a81 = Fma(s, b1, a81);
                s = Vector512.Create(xp[o[9]]); a90 = Fma(s, b0, a90); a91 = Fma(s, b1, a91);
                s = Vector512.Create(xp[o[10]]); aa0 = Fma(s, b0, aa0); aa1 = Fma(s, b1, aa1);
                s = Vector512.Create(xp[o[11]]); ab0 = Fma(s, b0, ab0); ab1 = Fma(s, b1, ab1);
            }
        }
        Add2(acc, v, a00, a01); Add2(acc + lda, v, a10, a11); Add2(acc + 2 * lda, v, a20, a21);
        Add2(acc + 3 * lda, v, a30, a31); Add2(acc + 4 * lda, v, a40, a41); Add2(acc + 5 * lda, v, a50, a51);
        Add2(acc + 6 * lda, v, a60, a61); Add2(acc + 7 * lda, v, a70, a71); Add2(acc + 8 * lda, v, a80, a81);
        Add2(acc + 9 * lda, v, a90, a91); Add2(acc + 10 * lda, v, aa0, aa1); Add2(acc + 11 * lda, v, ab0, ab1);
    }

    /// <summary>Forward tile, 12 rows × 1 vector (output depths of one vector or a last odd vector). Same contract.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows12x1<T>(T* x, long* o, int* tapOff, int taps, int cin, T* b, int ldb, T* tile, int ldt, bool add = false) where T : unmanaged
    {
        int v = Vector512<T>.Count;
        Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<T> a6 = default, a7 = default, a8 = default, a9 = default, aa = default, ab = default;
        for (int t = 0; t < taps; t++)
        {
            T* xt = x + tapOff[t];
            T* bt = b + (long)t * cin * ldb;
            for (int c = 0; c < cin; c++, bt += ldb)
            {
                var b0 = Vector512.Load(bt);
                T* xc = xt + c;
                a0 = Fma(Vector512.Create(xc[o[0]]), b0, a0); a1 = Fma(Vector512.Create(xc[o[1]]), b0, a1);
                a2 = Fma(Vector512.Create(xc[o[2]]), b0, a2); a3 = Fma(Vector512.Create(xc[o[3]]), b0, a3);
                a4 = Fma(Vector512.Create(xc[o[4]]), b0, a4); a5 = Fma(Vector512.Create(xc[o[5]]), b0, a5);
                a6 = Fma(Vector512.Create(xc[o[6]]), b0, a6); a7 = Fma(Vector512.Create(xc[o[7]]), b0, a7);
                a8 = Fma(Vector512.Create(xc[o[8]]), b0, a8); a9 = Fma(Vector512.Create(xc[o[9]]), b0, a9);
                aa = Fma(Vector512.Create(xc[o[10]]), b0, aa); ab = Fma(Vector512.Create(xc[o[11]]), b0, ab);
            }
        }
        // One branch for the whole tile, so each store sequence is straight-line code.
        if (add)
        {
            Out1(tile, a0, true); Out1(tile + ldt, a1, true); Out1(tile + 2 * ldt, a2, true); Out1(tile + 3 * ldt, a3, true);
            Out1(tile + 4 * ldt, a4, true); Out1(tile + 5 * ldt, a5, true); Out1(tile + 6 * ldt, a6, true); Out1(tile + 7 * ldt, a7, true);
            Out1(tile + 8 * ldt, a8, true); Out1(tile + 9 * ldt, a9, true); Out1(tile + 10 * ldt, aa, true); Out1(tile + 11 * ldt, ab, true);
        }
        else
        {
            Out1(tile, a0, false); Out1(tile + ldt, a1, false); Out1(tile + 2 * ldt, a2, false); Out1(tile + 3 * ldt, a3, false);
            Out1(tile + 4 * ldt, a4, false); Out1(tile + 5 * ldt, a5, false); Out1(tile + 6 * ldt, a6, false); Out1(tile + 7 * ldt, a7, false);
            Out1(tile + 8 * ldt, a8, false); Out1(tile + 9 * ldt, a9, false); Out1(tile + 10 * ldt, aa, false); Out1(tile + 11 * ldt, ab, false);
        }
    }

    /// <summary>Filter-gradient tile, 12 rows × 1 vector. Same contract as <see cref="Outer6x4"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Outer12x1<T>(T* x, long* o, int oh, int ow, long rowStep, long colStep, T* dy, int ldd, T* acc, int lda)
        where T : unmanaged
    {
        Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<T> a6 = default, a7 = default, a8 = default, a9 = default, aa = default, ab = default;
        T* d = dy;
        for (int i = 0; i < oh; i++)
        {
            T* xp = x + i * rowStep;
            for (int j = 0; j < ow; j++, xp += colStep, d += ldd)
            {
                var b0 = Vector512.Load(d);
                a0 = Fma(Vector512.Create(xp[o[0]]), b0, a0); a1 = Fma(Vector512.Create(xp[o[1]]), b0, a1);
                a2 = Fma(Vector512.Create(xp[o[2]]), b0, a2); a3 = Fma(Vector512.Create(xp[o[3]]), b0, a3);
                a4 = Fma(Vector512.Create(xp[o[4]]), b0, a4); a5 = Fma(Vector512.Create(xp[o[5]]), b0, a5);
                a6 = Fma(Vector512.Create(xp[o[6]]), b0, a6); a7 = Fma(Vector512.Create(xp[o[7]]), b0, a7);
                a8 = Fma(Vector512.Create(xp[o[8]]), b0, a8); a9 = Fma(Vector512.Create(xp[o[9]]), b0, a9);
                aa = Fma(Vector512.Create(xp[o[10]]), b0, aa); ab = Fma(Vector512.Create(xp[o[11]]), b0, ab);
            }
        }
        AddOne(acc, a0); AddOne(acc + lda, a1); AddOne(acc + 2 * lda, a2); AddOne(acc + 3 * lda, a3);
        AddOne(acc + 4 * lda, a4); AddOne(acc + 5 * lda, a5); AddOne(acc + 6 * lda, a6); AddOne(acc + 7 * lda, a7);
        AddOne(acc + 8 * lda, a8); AddOne(acc + 9 * lda, a9); AddOne(acc + 10 * lda, aa); AddOne(acc + 11 * lda, ab);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddOne<T>(T* p, Vector512<T> a) where T : unmanaged => (Vector512.Load(p) + a).Store(p);



    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<T>(T* p, int v, Vector512<T> a, Vector512<T> b, Vector512<T> c, Vector512<T> d) where T : unmanaged
    {
        (Vector512.Load(p) + a).Store(p); (Vector512.Load(p + v) + b).Store(p + v);
        (Vector512.Load(p + 2 * v) + c).Store(p + 2 * v); (Vector512.Load(p + 3 * v) + d).Store(p + 3 * v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add2<T>(T* p, int v, Vector512<T> a, Vector512<T> b) where T : unmanaged
    {
        (Vector512.Load(p) + a).Store(p); (Vector512.Load(p + v) + b).Store(p + v);
    }

    /// <summary>Stores a row's vector, or adds it to what is there (later tap groups of one output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Out1<T>(T* p, Vector512<T> a, bool add) where T : unmanaged
    {
        if (add) a += Vector512.Load(p);
        a.Store(p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Out2<T>(T* p, int v, Vector512<T> a, Vector512<T> b, bool add) where T : unmanaged
    {
        Out1(p, a, add); Out1(p + v, b, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Out4<T>(T* p, int v, Vector512<T> a, Vector512<T> b, Vector512<T> c, Vector512<T> d, bool add) where T : unmanaged
    {
        Out1(p, a, add); Out1(p + v, b, add); Out1(p + 2 * v, c, add); Out1(p + 3 * v, d, add);
    }
}
